package record

import (
	"encoding/xml"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
	"github.com/qsync/qsync/internal/qualysemu/wire"
	"go4.org/netipx"
)

// Rule is one check of a record create or update. recordRules runs them in the order
// Qualys reports its errors; the first refusal ends the request. A rule reads the request and
// may write the record's new parameters (b.m): the value rules store what they accept, and the
// rules after them see the result.
type Rule struct {
	// Code is the Qualys error code the rule answers (REFERENCE.md §7.1), 0 for a step that only
	// changes the record (an effect of one parameter on another) and refuses nothing.
	Code int
	// Name says what the rule checks, for tests and readers.
	Name string
	// Source is where the rule comes from: a REFERENCE.md or RECORD_KINDS.md section, a row of
	// docs/qualys-wire-contract.md, or a Doc Center sample (EVIDENCE.md's keys).
	Source string
	Check  func(b *build) *wire.Error
}

// build is the state of one record create (old == nil) or update as the rules run.
type build struct {
	req    Request
	p      *wire.Params
	rt     *kinds.RecordType
	old    map[string]string // the record's parameters before an update
	create bool
	m      map[string]string // the record's parameters after the request
	// oldLogin is the record's login type before the request, login after it.
	oldLogin, login string
	// waived: the password is waived (rt.passwordWaiver is or stays 1).
	waived bool
	ipSet  *netipx.IPSet
}

// Rules are the checks of a record create or update, in the order Qualys reports them:
// missing (1903), mutually exclusive (1904), invalid values (1905), unsupported combinations
// (1907), then the rules that need the whole new record. Title uniqueness, IP exclusivity and
// the cross-record rules are checked by the caller, once for every record an update selects.
var Rules = []Rule{
	{Code: 1903, Name: "required parameters", Source: "REFERENCE.md §3.1 (title, ips), §3.2-§3.4 and RECORD_KINDS.md (per type); contract row 5 (vault_id, vault_type); unix creates with private keys and no password: EVIDENCE.md fact 2 [P DC]", Check: ruleRequired},
	{Code: 1904, Name: "mutually exclusive parameters", Source: "REFERENCE.md §3.1 (ips/remove_ips, password/vault_id), §3.3 (unix cleartext_password), §3.4 (windows domains)", Check: ruleExclusive},
	{Code: 1905, Name: "parameter values", Source: "REFERENCE.md §3.1 (title 255, comments 1999, network_id), §3.5 (login_type, vault_type) and the kind tables (enumerations, ports, lengths)", Check: ruleValues},
	{Code: 1905, Name: "add_ips and remove_ips", Source: "REFERENCE.md §3.1 (applied after ips, whatever their order); contract row 8 (IP output form)", Check: ruleIPDeltas},
	{Code: 1907, Name: "parameters of another variant", Source: "REFERENCE.md §3.3 (cisco enable_password, checkpoint expert_password); RECORD_KINDS.md §2.3 (ms_sql provider_name=azure)", Check: ruleVariantFields},
	{Code: 1907, Name: "parameters of another login type", Source: "RECORD_KINDS.md §3.1 (vmware is_disconnect with login_type=vcenter)", Check: ruleLoginFields},
	{Code: 1903, Name: "parameters set together", Source: "RECORD_KINDS.md §3.3 (SNMPv3 username, password and auth_alg)", Check: ruleTogether},
	{Code: 0, Name: "password waiver", Source: "REFERENCE.md §3.3 (unix skip_password replaces the password, and a password clears it)", Check: ruleWaiver},
	{Code: 1922, Name: "one of a group", Source: "RECORD_KINDS.md (ms_sql database or auto_discover_databases, http vhost or realm); REFERENCE.md §7.1 (1922)", Check: ruleOneOf},
	{Code: 1922, Name: "at least one of a group", Source: "RECORD_KINDS.md §2.4 (oracle sid, servicename); Postman collection Qualys_v2.json creates with both [P PM]", Check: ruleAnyOf},
	{Code: 1904, Name: "mutually exclusive parameters held", Source: "REFERENCE.md §3.1-§3.4 (the exclusive pairs): one side sent while the record keeps the other", Check: ruleExclusiveHeld},
	{Code: 1905, Name: "choices fixed at create", Source: "REFERENCE.md §3.4 (the windows domain type cannot change)", Check: ruleFixedChoices},
	{Code: 1907, Name: "vault parameters with another login type", Source: "REFERENCE.md §3.5 (vault_id, vault_type and the DIGITAL_VAULT parameters go with login_type=vault)", Check: ruleLoginNotVault},
	{Code: 1907, Name: "a password with a vault login", Source: "REFERENCE.md §3.1 (password and vault_id exclusive), §3.3 (skip_password)", Check: ruleVaultNoPassword},
	{Code: 1905, Name: "the vault and its type", Source: "REFERENCE.md §3.5 (vault_id names a vault of vault_type); contract row 5", Check: ruleVaultExists},
	{Code: 1907, Name: "parameters of another vault type", Source: "contract row 5; RECORD_KINDS.md §4.2 (each vault type's record-side parameters)", Check: ruleVaultParams},
	{Code: 1903, Name: "required vault parameters", Source: "REFERENCE.md §4.1 (CA PAM vault_app_name, CA Access Control end_point_name, ARCON, Azure Key)", Check: ruleVaultRequired},
	{Code: 1922, Name: "one of a vault type's parameters", Source: "REFERENCE.md §4.1 (CA PAM vault_device_name or vault_device_host)", Check: ruleVaultOneOf},
}

// Request is one record create or update to validate.
type Request struct {
	Params *wire.Params
	Type   *kinds.RecordType
	// Old is the record's stored parameters before an update, nil for a create; oldIPs its IPs.
	Old    map[string]string
	OldIPs *netipx.IPSet
	// IPsUnmerged stores the IP entries as sent instead of merged (Config.IPsUnmerged).
	IPsUnmerged bool
	Vaults      Vaults
}

// Vaults reads the stored vaults the rules check a record's vault login against.
type Vaults interface {
	// Vault returns the type and title of the vault with this ID; ok is false when there is none.
	Vault(id int64) (typ, title string, ok bool)
}

// Build validates a create (req.old == nil) or an update by recordRules and returns the
// record's new parameters.
func Build(req Request) (map[string]string, *wire.Error) {
	rt := req.Type
	b := &build{req: req, p: req.Params, rt: rt, old: req.Old, create: req.Old == nil, m: map[string]string{}}
	if req.Old != nil {
		b.m = maps.Clone(req.Old)
		b.ipSet = req.OldIPs
	}
	b.oldLogin = b.m["login_type"]
	if b.oldLogin == "" {
		b.oldLogin = kinds.LoginBasic
	}
	b.login = b.oldLogin
	if b.p.Given("login_type") {
		b.login = b.p.Get("login_type")
	}
	if w := rt.PasswordWaiver; w != "" {
		b.waived = b.p.Get(w) == "1" || (!b.p.Has(w) && b.m[w] == "1" && !b.p.Has("password"))
	}
	for _, r := range Rules {
		if e := r.Check(b); e != nil {
			return nil, e
		}
	}
	return b.m, nil
}

// sentAndOn reports whether param was sent, and sent as 1 when it is a flag (a flag sent as 0 is
// harmless where it does not belong).
func (b *build) sentAndOn(f *kinds.Field) bool {
	return b.p.Has(f.Param) && (f.Kind != kinds.KindBool || b.p.Get(f.Param) == "1")
}

func ruleRequired(b *build) *wire.Error {
	var missing []string
	need := func(names ...string) {
		for _, n := range names {
			if !b.p.Given(n) {
				missing = append(missing, n)
			}
		}
	}
	rt := b.rt
	switch {
	case b.create:
		need("title")
		if !rt.IPsOptional {
			need("ips")
		}
		need(rt.Required...)
		if b.login == kinds.LoginBasic {
			for _, n := range rt.RequiredBasic {
				if !(b.waivedFor(n)) {
					need(n)
				}
			}
		}
		if b.login == kinds.LoginVault {
			need("vault_id", "vault_type")
		}
	case b.oldLogin == kinds.LoginVault && b.login == kinds.LoginBasic:
		// Secrets were dropped with the basic login, so they must come again.
		for _, n := range rt.RequiredBasic {
			switch {
			case rt.IsSecretField(n):
				if !b.waivedFor(n) {
					need(n)
				}
			case b.m[n] == "":
				need(n)
			}
		}
	case b.oldLogin == kinds.LoginBasic && b.login == kinds.LoginVault:
		need("vault_id", "vault_type")
	case b.oldLogin == kinds.LoginVault && b.login == kinds.LoginVault && b.p.Given("vault_type") &&
		b.p.Get("vault_type") != b.m["vault_type"]:
		need("vault_id")
	}
	if len(missing) > 0 {
		return wire.Missing(missing...)
	}
	return nil
}

// waivedFor reports whether the secret parameter n of requiredBasic is not needed: the type's
// password waiver is on, or the request's body carries entries standing in for it (a unix record
// created with private keys only, EVIDENCE.md fact 2).
func (b *build) waivedFor(n string) bool {
	return b.rt.IsSecretField(n) && (b.waived || b.keyOnly())
}

// keyOnly reports whether the request's body has an entry in a section of an entry list that
// stands for the password. A body that does not parse is left to buildEntries to refuse.
func (b *build) keyOnly() bool {
	if len(b.p.XML) == 0 {
		return false
	}
	var root xmlElem
	if xml.Unmarshal(b.p.XML, &root) != nil {
		return false
	}
	for _, l := range b.rt.EntryLists {
		if sec := root.kid(l.In); l.StandsForPassword && sec != nil && sec.kid(l.InEntry) != nil {
			return true
		}
	}
	return false
}

func ruleExclusive(b *build) *wire.Error {
	for _, pair := range b.rt.ExclusivePairs() {
		if sentBoth(pair, b.p) {
			return wire.Exclusive(pair.A, pair.B)
		}
	}
	return nil
}

// ruleValues checks every parameter's value, in request order, and stores it.
func ruleValues(b *build) *wire.Error {
	for _, name := range b.p.Names() {
		if e := b.value(name, b.p.Get(name)); e != nil {
			return e
		}
	}
	return nil
}

func (b *build) value(name, v string) *wire.Error {
	rt, m := b.rt, b.m
	switch name {
	case "action", "echo_request", "ids", "add_ips", "remove_ips":
	case "title":
		if err := CheckTitle(name, v); err != nil {
			return err
		}
		m[name] = v
	case "comments":
		if err := CheckComments(name, v); err != nil {
			return err
		}
		SetOrClear(m, name, v)
	case "ips":
		set, e := wire.ParseIPs(name, v)
		if e != nil {
			return e
		}
		b.ipSet = set
	case "network_id":
		if n, err := strconv.ParseInt(v, 10, 64); err != nil || n < 0 {
			return wire.Invalid(name, v, "not a network ID")
		}
		m[name] = strings.TrimLeft(v, "0")
		if m[name] == "" {
			m[name] = "0"
		}
	case "login_type":
		if v != kinds.LoginBasic && v != kinds.LoginVault && !slices.Contains(rt.LoginTypes, v) {
			return wire.Invalid(name, v, "must be "+strings.Join(append([]string{kinds.LoginBasic}, rt.LoginTypes...), ", ")+" or "+kinds.LoginVault)
		}
	case "vault_id":
		if _, e := wire.ParsePositive(name, v); e != nil {
			return e
		}
	case "vault_type":
		if !slices.Contains(kinds.AllVaultTypes, v) {
			return wire.Invalid(name, v, "unknown vault type")
		}
		if !slices.Contains(rt.VaultTypes, v) {
			return wire.Invalid(name, v, "not supported for "+rt.Name+" records")
		}
	default:
		if f := rt.Field(name); f != nil {
			return setField(m, f, v)
		}
	}
	return nil
}

// ruleIPDeltas applies add_ips and remove_ips after ips, whatever their order, and stores the
// record's IPs.
func ruleIPDeltas(b *build) *wire.Error {
	p := b.p
	for _, name := range []string{"add_ips", "remove_ips"} {
		if !p.Has(name) {
			continue
		}
		delta, e := wire.ParseIPs(name, p.Get(name))
		if e != nil {
			return e
		}
		var sb netipx.IPSetBuilder
		if b.ipSet != nil {
			sb.AddSet(b.ipSet)
		}
		if name == "add_ips" {
			sb.AddSet(delta)
		} else {
			sb.RemoveSet(delta)
		}
		b.ipSet, _ = sb.IPSet()
	}
	b.m["ips"] = wire.IPSetString(b.ipSet)
	if b.req.IPsUnmerged && !p.Has("remove_ips") && (p.Has("ips") || p.Has("add_ips")) {
		var entries []string
		if !p.Has("ips") && !b.create {
			entries = wire.SplitStored(b.old["ips"])
		}
		for _, name := range []string{"ips", "add_ips"} {
			if p.Has(name) {
				entries = append(entries, wire.IPEntries(p.Get(name))...)
			}
		}
		b.m["ips"] = strings.Join(wire.DedupeStrings(entries), ",")
	}
	return nil
}

// ruleVariantFields refuses a field of another variant and drops what a variant change leaves
// behind.
func ruleVariantFields(b *build) *wire.Error {
	variant := b.rt.VariantParam()
	sub := b.m[variant]
	for i := range b.rt.Fields {
		f := &b.rt.Fields[i]
		if f.SubTypes == nil || slices.Contains(f.SubTypes, sub) {
			continue
		}
		if b.sentAndOn(f) {
			return wire.Combination(variant+"="+sub, f.Param+"="+maskIfSecret(f.Param, b.p.Get(f.Param)))
		}
		delete(b.m, f.Param)
	}
	return nil
}

// ruleLoginFields refuses a field of another login type and drops what a login type change
// leaves behind.
func ruleLoginFields(b *build) *wire.Error {
	for i := range b.rt.Fields {
		f := &b.rt.Fields[i]
		if f.Login == "" || f.Login == b.login {
			continue
		}
		if b.sentAndOn(f) {
			return wire.Combination("login_type="+b.login, f.Param+"="+maskIfSecret(f.Param, b.p.Get(f.Param)))
		}
		delete(b.m, f.Param)
	}
	return nil
}

func ruleTogether(b *build) *wire.Error {
	for _, g := range b.rt.Together {
		var missing []string
		for _, a := range g {
			if b.m[a] == "" {
				missing = append(missing, a)
			}
		}
		if len(missing) > 0 && len(missing) < len(g) {
			return wire.Missing(missing...)
		}
	}
	return nil
}

func ruleWaiver(b *build) *wire.Error {
	if w := b.rt.PasswordWaiver; w != "" {
		if b.p.Given("password") {
			delete(b.m, w)
		}
		if b.m[w] == "1" {
			delete(b.m, "password")
		}
	}
	return nil
}

// ruleOneOf keeps one field of each one-of group: the one sent clears the others, and a record
// left with none is refused.
func ruleOneOf(b *build) *wire.Error {
	for _, g := range b.rt.OneOf {
		for _, a := range g {
			if !b.p.Given(a) {
				continue
			}
			for _, o := range g {
				if o != a {
					delete(b.m, o)
				}
			}
		}
		set := false
		for _, a := range g {
			set = set || b.m[a] != ""
		}
		if !set {
			return wire.AtLeastOne(g...)
		}
	}
	return nil
}

// ruleAnyOf refuses a record left with no field of an any-of group.
func ruleAnyOf(b *build) *wire.Error {
	for _, g := range b.rt.AnyOf {
		if !slices.ContainsFunc(g, func(a string) bool { return b.m[a] != "" }) {
			return wire.AtLeastOne(g...)
		}
	}
	return nil
}

// ruleExclusiveHeld refuses an update that sends one side of the type's exclusive pair while the
// record keeps the other.
func ruleExclusiveHeld(b *build) *wire.Error {
	for _, pair := range b.rt.Exclusive {
		if (b.p.Has(pair.A) || b.p.Has(pair.B)) && pair.HoldsBoth(b.m) {
			return wire.Exclusive(pair.A, pair.B)
		}
	}
	return nil
}

func ruleFixedChoices(b *build) *wire.Error {
	if b.create {
		return nil
	}
	for _, fc := range b.rt.FixedChoices {
		for _, pair := range [][2]string{fc.Pair, {fc.Pair[1], fc.Pair[0]}} {
			if b.old[pair[0]] != "" && b.p.Given(pair[1]) {
				return wire.Invalid(pair[1], b.p.Get(pair[1]), fc.Text)
			}
		}
	}
	return nil
}

// vaultParamsSent returns, in request order, the vault parameters of the request.
func (b *build) vaultParamsSent() []string {
	var out []string
	for _, k := range b.p.Names() {
		if k == "vault_id" || k == "vault_type" || slices.ContainsFunc(kinds.RecordVaultFields, func(vf kinds.RecordVaultField) bool { return vf.Param == k }) {
			out = append(out, k)
		}
	}
	return out
}

// ruleLoginNotVault stores the login type; a record that does not log in through a vault refuses
// vault parameters and drops those it held.
func ruleLoginNotVault(b *build) *wire.Error {
	b.m["login_type"] = b.login
	if b.login == kinds.LoginVault {
		return nil
	}
	if vp := b.vaultParamsSent(); len(vp) > 0 {
		return wire.Combination("login_type="+b.login, vp[0]+"="+b.p.Get(vp[0]))
	}
	delete(b.m, "vault_id")
	delete(b.m, "vault_type")
	for _, vf := range kinds.RecordVaultFields {
		delete(b.m, vf.Param)
	}
	return nil
}

// ruleVaultNoPassword refuses a password (or its waiver) with a vault login and drops the ones
// the record held.
func ruleVaultNoPassword(b *build) *wire.Error {
	if b.login != kinds.LoginVault {
		return nil
	}
	if b.p.Given("password") {
		return wire.Combination("login_type=vault", "password="+wire.Mask)
	}
	w := b.rt.PasswordWaiver
	if w != "" && b.p.Get(w) == "1" {
		return wire.Combination("login_type=vault", w+"=1")
	}
	delete(b.m, "password")
	if w != "" {
		delete(b.m, w)
	}
	return nil
}

// ruleVaultExists stores the vault type and ID, dropping the parameters of a former vault type,
// and refuses a vault that does not exist or is of another type.
func ruleVaultExists(b *build) *wire.Error {
	if b.login != kinds.LoginVault {
		return nil
	}
	p, m := b.p, b.m
	oldType := m["vault_type"]
	if b.oldLogin != kinds.LoginVault {
		oldType = ""
	}
	vt := oldType
	if p.Given("vault_type") {
		vt = p.Get("vault_type")
	}
	if vt != oldType {
		for _, vf := range kinds.RecordVaultFields {
			if !vf.AppliesTo(vt) {
				delete(m, vf.Param)
			}
		}
	}
	m["vault_type"] = vt
	if p.Given("vault_id") {
		m["vault_id"] = strings.TrimLeft(strings.TrimSpace(p.Get("vault_id")), "0")
	}
	vid, _ := strconv.ParseInt(m["vault_id"], 10, 64)
	vType, _, ok := b.req.Vaults.Vault(vid)
	switch {
	case !ok:
		return wire.Invalid("vault_id", m["vault_id"], "no such vault")
	case vType != vt && p.Given("vault_type"):
		return wire.Invalid("vault_type", vt, fmt.Sprintf("vault %d is of type %s", vid, vType))
	case vType != vt:
		return wire.Invalid("vault_id", m["vault_id"], fmt.Sprintf("vault %d is of type %s, not %s", vid, vType, vt))
	}
	return nil
}

// ruleVaultParams refuses a parameter of another vault type and stores the vault type's own (one
// of a one-of group clears the others).
func ruleVaultParams(b *build) *wire.Error {
	if b.login != kinds.LoginVault {
		return nil
	}
	vt := b.m["vault_type"]
	for _, k := range b.p.Names() {
		for _, vf := range kinds.RecordVaultFields {
			if vf.Param != k {
				continue
			}
			if !vf.AppliesTo(vt) {
				return wire.Combination("vault_type="+vt, k+"="+b.p.Get(k))
			}
			SetOrClear(b.m, k, b.p.Get(k))
			for _, peer := range kinds.OneOfPeers(k) {
				delete(b.m, peer)
			}
		}
	}
	return nil
}

func ruleVaultRequired(b *build) *wire.Error {
	if b.login != kinds.LoginVault {
		return nil
	}
	var missing []string
	for _, vf := range kinds.RecordVaultFields {
		if vf.Required && vf.AppliesTo(b.m["vault_type"]) && b.m[vf.Param] == "" {
			missing = append(missing, vf.Param)
		}
	}
	if len(missing) > 0 {
		return wire.Missing(missing...)
	}
	return nil
}

func ruleVaultOneOf(b *build) *wire.Error {
	if b.login != kinds.LoginVault {
		return nil
	}
	for _, group := range kinds.OneOfGroups(b.m["vault_type"]) {
		if !slices.ContainsFunc(group, func(n string) bool { return b.m[n] != "" }) {
			return wire.AtLeastOne(group...)
		}
	}
	return nil
}

// sentBoth reports whether a request uses both sides of the pair.
func sentBoth(x kinds.ExclusivePair, p *wire.Params) bool {
	if x.Stored {
		return p.Given(x.A) && p.Get(x.B) == "1"
	}
	return p.Has(x.A) && p.Has(x.B) && (!x.WhenTrue || p.Get(x.B) == "1")
}

// CheckTitle refuses an empty title or one over kinds.MaxTitle characters (1905), for records and
// vaults alike.
func CheckTitle(name, v string) *wire.Error {
	if v == "" {
		return wire.Invalid(name, v, "empty title")
	}
	if utf8.RuneCountInString(v) > kinds.MaxTitle {
		return wire.Invalid(name, v, fmt.Sprintf("longer than %d characters", kinds.MaxTitle))
	}
	return nil
}

// CheckComments refuses comments over kinds.MaxComments characters (1905), for records and vaults.
func CheckComments(name, v string) *wire.Error {
	if utf8.RuneCountInString(v) > kinds.MaxComments {
		return wire.Invalid(name, v, fmt.Sprintf("longer than %d characters", kinds.MaxComments))
	}
	return nil
}
