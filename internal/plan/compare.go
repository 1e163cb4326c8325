package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/qsync/qsync/internal/spec"
)

// Sensitive descriptions shown instead of secret values.
const (
	sensitive        = "(sensitive)"
	sensitiveChanged = "(sensitive, changed)"
	sensitivePushed  = "(sensitive, sent: --push-secrets)"
	sensitiveLogin   = "(sensitive, sent: login changes to basic)"
)

// NoteSecretDrift is the plan note shown when secret drift cannot be checked.
const NoteSecretDrift = "secret drift is not checked (set QSYNC_SECRET_KEY or use --push-secrets)"

// canon returns the canonical value of field f in attrs, with the default for an unset field.
// Both sides go through it, so a difference of notation (1 vs true, an omitted default) is never a
// change.
func canon(f *spec.FieldDef, attrs map[string]string) string {
	v := attrs[f.Name]
	c, err := spec.Canonical(f, v)
	if err != nil {
		return v
	}
	return c
}

// compared reports whether field f of an object with the given login is compared and sent: secrets
// never (they are write-only), basic-login fields only with basic login on both sides.
func compared(f *spec.FieldDef, desiredLogin, liveLogin *spec.VaultLogin) bool {
	if f.Type == spec.TypeSecret {
		return false
	}
	if f.Basic && (desiredLogin != nil || liveLogin != nil) {
		return false
	}
	return true
}

// secretApplies reports whether secret param is sent for an object with the given login (basic
// secrets such as password do not apply to a vault login).
func secretApplies(def *spec.KindDef, param string, login *spec.VaultLogin) bool {
	f := def.Field(param)
	return f == nil || !f.Basic || login == nil
}

func (b *builder) diffItem(it *item) {
	switch {
	case it.action == ActionDelete:
		if it.l.Kind.IsRecord() && !it.l.IPs.IsZero() {
			it.change.Fields = []FieldChange{{Name: "ips", Removed: it.l.IPs.Entries()}}
		}
	case it.l == nil:
		it.action = ActionCreate
		b.diffCreate(it)
	default:
		if it.l.Kind == spec.KindVault && it.l.Attrs == nil && len(nonEmpty(it.d.Attrs)) > 0 {
			// The vault list carries no settings; the live reader must view every declared vault.
			b.diags.add(it.d, it.d.Key(), "the settings of the live vault (id %d) were not read (vault view), so they cannot be compared", it.l.ID)
			return
		}
		if reason := replaceReason(it); reason != "" {
			if it.d.Protect {
				b.refused = append(b.refused, Refusal{Key: it.d.Key(), ID: it.l.ID, Action: ActionReplace,
					Reason: reason + "; protect: true refuses the replacement"})
				it.action = ""
				return
			}
			it.action = ActionReplace
			it.change.Reason = reason
			b.diffCreate(it)
			fields, unchanged := b.diffFields(it, nil)
			if it.d.Type != it.l.Type {
				name := "sub_type"
				if it.d.Kind == spec.KindVault {
					name = "type"
				}
				fields = append(fields, FieldChange{Name: name, Before: it.l.Type, After: it.d.Type})
			}
			for _, p := range sortedKeys(it.secrets) {
				fields = append(fields, FieldChange{Name: p, After: sensitive, Sensitive: true})
			}
			sortFields(fields)
			it.change.Fields, it.change.Unchanged = fields, unchanged
			return
		}
		b.diffUpdate(it)
	}
}

// replaceReason says why an object cannot be updated in place ("" when it can).
func replaceReason(it *item) string {
	d, l := it.d, it.l
	if d.Type != l.Type {
		name := "sub_type"
		if d.Kind == spec.KindVault {
			name = "type"
		}
		return fmt.Sprintf("%s changes from %s to %s, which Qualys cannot change in place", name, orNone(l.Type), orNone(d.Type))
	}
	for i := range it.def.Fields {
		f := &it.def.Fields[i]
		if !f.Immutable || f.Type == spec.TypeSecret {
			continue
		}
		if a, c := canon(f, l.Attrs), canon(f, d.Attrs); a != c {
			return fmt.Sprintf("%s changes from %s to %s, which Qualys cannot change in place", f.Name, orNone(a), orNone(c))
		}
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return fmt.Sprintf("%q", s)
}

// newMarker computes the marker to write: this owner, and with a secret key the fingerprints of
// every desired secret. Without a key the live fingerprints of secrets not sent now are kept (they
// still describe the value last sent). Fingerprints of secrets the configuration no longer names
// are kept too: qsync cannot clear a write-only value.
func (b *builder) newMarker(it *item, sent map[string]spec.SecretRef, fps map[string]string) *spec.Marker {
	m := &spec.Marker{Owner: b.owner}
	add := func(k, v string) {
		if m.Fingerprints == nil {
			m.Fingerprints = map[string]string{}
		}
		m.Fingerprints[k] = v
	}
	if it.l != nil && it.l.Marker != nil && it.l.Marker.Owner == b.owner && it.action != ActionReplace {
		for k, v := range it.l.Marker.Fingerprints {
			if _, isSent := sent[k]; isSent && fps == nil {
				continue
			}
			add(k, v)
		}
	}
	for k, v := range fps {
		add(k, v)
	}
	return m
}

// fingerprints returns keyed fingerprints of the object's applicable secrets, or nil without a key.
func (b *builder) fingerprints(d *spec.Object) map[string]string {
	if b.opts.SecretKey == nil || len(d.Secrets) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, p := range sortedKeys(d.Secrets) {
		if !secretApplies(d.Def(), p, d.Login) {
			continue
		}
		if b.opts.Resolve == nil {
			b.diags.add(d, d.Key(), "%s: no secret resolver to fingerprint %s", p, d.Secrets[p])
			continue
		}
		ck := fingerprintKey{param: p, ref: d.Secrets[p]}
		if fp, ok := b.fpCache[ck]; ok { // records sharing a secret resolve and hash it once
			out[p] = fp
			continue
		}
		v, err := b.opts.Resolve(d, p)
		if err != nil {
			b.diags.add(d, d.Key(), "%s: %v", p, err)
			continue
		}
		out[p] = spec.Fingerprint(b.opts.SecretKey, p, v)
		if b.fpCache == nil {
			b.fpCache = map[fingerprintKey]string{}
		}
		b.fpCache[ck] = out[p]
	}
	return out
}

// fingerprintKey identifies a fingerprint within one Build: a secret reference names one value.
type fingerprintKey struct {
	param string
	ref   spec.SecretRef
}

// diffCreate fills the change and parameters of a create (or the create half of a replace).
func (b *builder) diffCreate(it *item) {
	d := it.d
	var fields []FieldChange
	params := map[string]string{"title": d.Title}
	if d.Kind == spec.KindVault {
		params["type"] = it.def.QualysType
	} else if d.Type != "" {
		params["sub_type"] = it.def.QualysType
		fields = append(fields, FieldChange{Name: "sub_type", After: d.Type})
	}
	if d.Kind == spec.KindVault {
		fields = append(fields, FieldChange{Name: "type", After: d.Type})
	}
	for i := range it.def.Fields {
		f := &it.def.Fields[i]
		if !compared(f, d.Login, nil) {
			continue
		}
		if v := canon(f, d.Attrs); v != "" {
			params[f.Name] = spec.QualysValue(f, v)
			fields = append(fields, valueChange(f.Name, f.Type, "", v))
		}
	}
	if d.Kind.IsRecord() {
		if !d.IPs.IsZero() {
			params["ips"] = d.IPs.String()
		}
		fields = append(fields, FieldChange{Name: "ips", Added: d.IPs.Entries()})
		if d.Login != nil {
			vi, ok := b.resolveVault(d.Login.Vault)
			if !ok {
				b.diags.add(d, d.Key(), "login names vault %q, which is neither declared nor in Qualys", d.Login.Vault)
			} else {
				b.loginParams(params, vi, d.Login, nil, true)
				it.vaultRef = vi.ref
				fields = append(fields, FieldChange{Name: "login", After: loginText(d.Login)})
				fields = append(fields, b.loginParamChanges(vi.def, d.Login, nil)...)
			}
		}
	}
	if d.Comments != "" {
		fields = append(fields, valueChange("comments", spec.TypeText, "", d.Comments))
	}
	secrets := map[string]spec.SecretRef{}
	for _, p := range sortedKeys(d.Secrets) {
		if secretApplies(it.def, p, d.Login) {
			secrets[p] = d.Secrets[p]
			fields = append(fields, FieldChange{Name: p, After: sensitive, Sensitive: true})
		}
	}
	it.marker = b.newMarker(it, secrets, b.fingerprints(d))
	params["comments"] = spec.JoinComments(d.Comments, it.marker)
	it.params, it.secrets = params, secrets
	sortFields(fields)
	it.change.Fields = fields
}

// loginParams adds the parameters that point a record at a vault. With full set (create, a new
// vault type, basic to vault) it sends login_type, vault_type, vault_id and every login
// parameter; otherwise only vault_id/vault_type when the vault changes and the changed parameters.
func (b *builder) loginParams(params map[string]string, vi vaultInfo, d, l *spec.VaultLogin, full bool) {
	if full {
		params["login_type"] = "vault"
	}
	if vi.def != nil {
		params["vault_type"] = vi.def.QualysType
	}
	if vi.ref == "" {
		params["vault_id"] = fmt.Sprint(vi.id)
	}
	for _, name := range loginParamNames(vi.def, d, l) {
		f := loginField(vi.def, name)
		nv := loginValue(f, d)
		if full {
			if nv != "" {
				params[name] = nv
			}
			continue
		}
		if ov := loginValue(f, l); ov != nv {
			params[name] = nv
		}
	}
}

func loginField(def *spec.KindDef, name string) *spec.FieldDef {
	if def != nil {
		if f := def.LoginParam(name); f != nil {
			return f
		}
	}
	return &spec.FieldDef{Name: name, Type: spec.TypeString}
}

func loginValue(f *spec.FieldDef, l *spec.VaultLogin) string {
	if l == nil {
		return ""
	}
	return canon(f, l.Params)
}

// loginParamNames lists the login parameters of a vault type plus any other parameter either
// side sets, in descriptor order.
func loginParamNames(def *spec.KindDef, d, l *spec.VaultLogin) []string {
	var names []string
	seen := map[string]bool{}
	if def != nil {
		for _, f := range def.LoginParams {
			names = append(names, f.Name)
			seen[f.Name] = true
		}
	}
	var extra []string
	for _, vl := range []*spec.VaultLogin{d, l} {
		if vl == nil {
			continue
		}
		for k := range vl.Params {
			if !seen[k] {
				seen[k] = true
				extra = append(extra, k)
			}
		}
	}
	sort.Strings(extra)
	return append(names, extra...)
}

func (b *builder) loginParamChanges(def *spec.KindDef, d, l *spec.VaultLogin) []FieldChange {
	var out []FieldChange
	for _, name := range loginParamNames(def, d, l) {
		f := loginField(def, name)
		ov, nv := loginValue(f, l), loginValue(f, d)
		if ov != nv {
			out = append(out, FieldChange{Name: "login." + name, Before: ov, After: nv})
		}
	}
	return out
}

func loginText(l *spec.VaultLogin) string {
	if l == nil {
		return "basic"
	}
	return fmt.Sprintf("vault %q", l.Vault)
}

// valueChange builds the change of a scalar value, with a line diff for long or multi-line text.
func valueChange(name string, typ spec.FieldType, before, after string) FieldChange {
	fc := FieldChange{Name: name, Before: before, After: after}
	if typ == spec.TypeText || strings.Contains(before+after, "\n") {
		if strings.Contains(before+after, "\n") || len(before) > 60 || len(after) > 60 {
			fc.Diff = lineDiff(before, after)
		}
	}
	if typ == spec.TypeList {
		a, r := listDelta(before, after)
		fc.Added, fc.Removed = a, r
	}
	return fc
}

func listDelta(before, after string) (added, removed []string) {
	split := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, x := range strings.Split(s, ",") {
			if x != "" {
				m[x] = true
			}
		}
		return m
	}
	b, a := split(before), split(after)
	for _, x := range sortedKeys(a) {
		if !b[x] {
			added = append(added, x)
		}
	}
	for _, x := range sortedKeys(b) {
		if !a[x] {
			removed = append(removed, x)
		}
	}
	return
}

// fieldOrder sorts the fields of a change: identity first, then settings in name order, then
// login, IPs, comments, and secrets last.
func fieldOrder(fc FieldChange) (int, string) {
	switch {
	case fc.Name == "owner":
		return 0, ""
	case fc.Name == "title":
		return 1, ""
	case fc.Name == "type" || fc.Name == "sub_type":
		return 2, ""
	case fc.Sensitive:
		return 7, fc.Name
	case fc.Name == "ips":
		return 5, ""
	case fc.Name == "login":
		return 4, ""
	case strings.HasPrefix(fc.Name, "login."):
		return 4, fc.Name
	case fc.Name == "comments":
		return 6, ""
	}
	return 3, fc.Name
}

func sortFields(fs []FieldChange) {
	sort.SliceStable(fs, func(i, j int) bool {
		ri, ni := fieldOrder(fs[i])
		rj, nj := fieldOrder(fs[j])
		if ri != rj {
			return ri < rj
		}
		return ni < nj
	})
}

// diffFields compares the readable settings of a desired object with its live counterpart and
// returns the field changes and the number of unchanged settings. When params is not nil it also
// adds the Qualys parameters of an in-place update to it (everything except title and IPs).
func (b *builder) diffFields(it *item, params map[string]string) ([]FieldChange, int) {
	d, l := it.d, it.l
	var fields []FieldChange
	unchanged := 0
	toBasic := d.Login == nil && l.Login != nil
	for i := range it.def.Fields {
		f := &it.def.Fields[i]
		if f.Basic && toBasic && f.Type != spec.TypeSecret {
			// Switching a vault login back to basic: send every basic setting, unknown live.
			if v := canon(f, d.Attrs); v != "" {
				fields = append(fields, valueChange(f.Name, f.Type, "", v))
				if params != nil {
					params[f.Name] = spec.QualysValue(f, v)
				}
			}
			continue
		}
		if !compared(f, d.Login, l.Login) {
			continue
		}
		ov, nv := canon(f, l.Attrs), canon(f, d.Attrs)
		if ov == nv {
			if nv != "" {
				unchanged++
			}
			continue
		}
		fields = append(fields, valueChange(f.Name, f.Type, ov, nv))
		if params != nil {
			params[f.Name] = spec.QualysValue(f, nv)
			if nv == "" {
				params[f.Name] = ""
			}
		}
	}
	if d.Title != l.Title {
		fields = append(fields, FieldChange{Name: "title", Before: l.Title, After: d.Title})
	}
	if d.Kind.IsRecord() {
		added, removed := d.IPs.Minus(l.IPs), l.IPs.Minus(d.IPs)
		if added.IsZero() && removed.IsZero() {
			if !d.IPs.IsZero() {
				unchanged++
			}
		} else {
			fields = append(fields, FieldChange{Name: "ips", Added: added.Entries(), Removed: removed.Entries()})
		}
		it.added, it.removed = added, removed
		fields = append(fields, b.diffLogin(it, params, &unchanged)...)
	}
	if d.Comments != l.Comments {
		fields = append(fields, valueChange("comments", spec.TypeText, l.Comments, d.Comments))
	} else if d.Comments != "" {
		unchanged++
	}
	sortFields(fields)
	return fields, unchanged
}

// diffLogin compares the login of a record: basic or a vault (compared by the vault's Qualys ID, so
// a renamed vault is not a change) and the vault type's record-side parameters.
func (b *builder) diffLogin(it *item, params map[string]string, unchanged *int) []FieldChange {
	d, l := it.d, it.l
	if d.Login == nil && l.Login == nil {
		return nil
	}
	if d.Login == nil {
		if params != nil {
			params["login_type"] = "basic"
		}
		return []FieldChange{{Name: "login", Before: loginText(l.Login), After: "basic"}}
	}
	vi, ok := b.resolveVault(d.Login.Vault)
	if !ok {
		b.diags.add(d, d.Key(), "login names vault %q, which is neither declared nor in Qualys", d.Login.Vault)
		return nil
	}
	if l.Login == nil {
		if params != nil {
			b.loginParams(params, vi, d.Login, nil, true)
			it.vaultRef = vi.ref
		}
		out := []FieldChange{{Name: "login", Before: "basic", After: loginText(d.Login)}}
		return append(out, b.loginParamChanges(vi.def, d.Login, nil)...)
	}
	lv := b.liveVault(l)
	sameVault := vi.ref == "" && lv != nil && lv.ID == vi.id
	if lv == nil && vi.ref == "" {
		sameVault = l.Login.Vault == d.Login.Vault
	}
	sameType := lv != nil && vi.def != nil && lv.Type == vi.def.Type
	var out []FieldChange
	if !sameVault {
		out = append(out, FieldChange{Name: "login", Before: loginText(l.Login), After: loginText(d.Login)})
	}
	pc := b.loginParamChanges(vi.def, d.Login, l.Login)
	out = append(out, pc...)
	if len(out) == 0 {
		*unchanged++
		return nil
	}
	if params != nil {
		if !sameVault {
			it.vaultRef = vi.ref
		}
		switch {
		case !sameType && !sameVault:
			b.loginParams(params, vi, d.Login, l.Login, true)
		case !sameVault:
			b.loginParams(params, vi, d.Login, l.Login, false)
		default:
			for _, fc := range pc {
				params[strings.TrimPrefix(fc.Name, "login.")] = fc.After
			}
		}
	}
	return out
}

// diffUpdate fills the change and parameters of an in-place update (update, adopt, rename).
func (b *builder) diffUpdate(it *item) {
	d, l := it.d, it.l
	params := map[string]string{}
	fields, unchanged := b.diffFields(it, params)

	// Secrets: which to send.
	fps := b.fingerprints(d)
	toBasic := d.Login == nil && l.Login != nil
	secrets := map[string]spec.SecretRef{}
	for _, p := range sortedKeys(d.Secrets) {
		if !secretApplies(it.def, p, d.Login) {
			continue
		}
		f := it.def.Field(p)
		why := ""
		switch {
		case toBasic && f != nil && f.Basic:
			why = sensitiveLogin
		case b.opts.PushSecrets:
			why = sensitivePushed
		case fps != nil:
			var old string
			if l.Marker != nil && it.managed {
				old = l.Marker.Fingerprints[p]
			}
			if old != fps[p] {
				why = sensitiveChanged
			}
		}
		if why != "" {
			secrets[p] = d.Secrets[p]
			fields = append(fields, FieldChange{Name: p, Before: sensitive, After: why, Sensitive: true})
		}
	}
	if fps == nil && !b.opts.PushSecrets && len(d.Secrets) > 0 && !hasNote(b.notes, NoteSecretDrift) {
		b.notes = append(b.notes, NoteSecretDrift)
	}
	it.marker = b.newMarker(it, secrets, fps)
	if d.Comments != l.Comments || !markerEqual(l.Marker, it.marker) {
		params["comments"] = spec.JoinComments(d.Comments, it.marker)
	}
	if it.action == ActionAdopt {
		fields = append(fields, FieldChange{Name: "owner", After: b.owner})
	}
	sortFields(fields)
	if d.Kind == spec.KindVault && (len(params) > 0 || len(secrets) > 0 || d.Title != l.Title) {
		// The vault API wants the type on every update, and CA PAM its ssl_verify too.
		params["type"] = it.def.QualysType
		for i := range it.def.Fields {
			if f := &it.def.Fields[i]; f.Name == "ssl_verify" && f.Required {
				params[f.Name] = spec.QualysValue(f, canon(f, d.Attrs))
			}
		}
	}
	it.params, it.secrets = params, secrets
	it.change.Fields, it.change.Unchanged = fields, unchanged
	if d.Title != l.Title {
		it.change.PreviousTitle = l.Title
	}
	changed := len(params) > 0 || len(secrets) > 0 || d.Title != l.Title || !it.added.IsZero() || !it.removed.IsZero()
	switch {
	case it.action == ActionAdopt:
	case !changed:
		it.action = ""
	case d.Title != l.Title:
		it.action = ActionRename
	default:
		it.action = ActionUpdate
	}
	if it.action == ActionUpdate || it.action == ActionRename {
		for _, fc := range fields {
			if fc.Name != "title" && !fc.Sensitive {
				it.change.Drift = true
			}
		}
	}
}

func hasNote(notes []string, n string) bool {
	for _, x := range notes {
		if x == n {
			return true
		}
	}
	return false
}

func markerEqual(a, b *spec.Marker) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Owner != b.Owner || len(a.Fingerprints) != len(b.Fingerprints) {
		return false
	}
	for k, v := range a.Fingerprints {
		if w, ok := b.Fingerprints[k]; !ok || w != v {
			return false
		}
	}
	return true
}
