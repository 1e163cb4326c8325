package build

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// This file answers "what differs": the field changes a reviewer sees. It never decides what is
// sent to Qualys (params.go does, from the same comparison).

// canon returns the canonical value of field f in attrs, with the default for an unset field.
// Both sides go through it, so a difference of notation (1 vs true, an omitted default) is never a
// change.
func canon(f *spec.FieldDef, attrs map[string]string) string {
	return canonText(f, attrs[f.Name])
}

// canonText returns the canonical value of text v of field f (see canon).
func canonText(f *spec.FieldDef, v string) string {
	c, err := spec.Canonical(f, v)
	if err != nil {
		return v
	}
	return c
}

// managed reports whether the configuration manages field f of object d, and its canonical value:
// a field the configuration omits is unmanaged (neither sent nor compared), unless Qualys
// documents its default, which the loader then fills in (spec.FieldDef.DefaultDocumented), or
// says what an omitted value means (spec.FieldDef.OmittedMeans: Oracle's port, "All Ports").
func managed(f *spec.FieldDef, d *spec.Object) (string, bool) {
	_, v, ok := managedText(f, d)
	return v, ok
}

// managedText is managed, also returning the configured text the canonical value comes from (""
// when omitted). It looks the field up once: comparing the settings of 100k records looked each
// up twice, which cost 0.02 s per build.Plan.
func managedText(f *spec.FieldDef, d *spec.Object) (text, v string, ok bool) {
	text, ok = d.Attrs[f.Name]
	if !ok && f.OmittedMeans == "" {
		return "", "", false
	}
	return text, canonText(f, text), true
}

// createValue is the value a create sends for field f of d ("" for none): a managed value,
// except a documented default that Qualys applies by itself (unless the field is required).
func createValue(f *spec.FieldDef, d *spec.Object) string {
	v, ok := managed(f, d)
	if !ok || (v == f.OmittedDefault() && !f.Required) {
		return ""
	}
	return v
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

// typeField names the field holding an object's type: a vault's type, a record's variant
// parameter (unix sub_type, ms_sql provider_name; see spec.KindDef.VariantParam).
func typeField(k spec.Kind) string {
	if k == spec.KindVault {
		return "type"
	}
	p, _ := spec.VariantKeys(k)
	return p
}

// replaceReason says why an object cannot be updated in place, and which field forces the
// replacement: its type, or a setting the update would change in a way Qualys cannot take in
// place (spec.FieldDef.Immutable: any change; NoClear: a value removed). Both are "" when it can.
//
// It judges the very setting changes the update would send (settingChanges, the clears of
// exclusive-group members included), not a comparison of its own: a change qsync cannot send is
// then a replacement (with consent) or a refusal whatever produced it, never an update Qualys
// refuses. A value the live answer did not report is unknown, never a reason to replace. changes
// are the setting changes of it (settingChanges).
func replaceReason(it *item, changes []plan.FieldChange) (field, reason string) {
	d, l := it.d, it.l
	if d.Type != l.Type && !l.IsUnknown(typeField(d.Kind)) {
		return typeField(d.Kind), fmt.Sprintf("%s changes from %s to %s, which Qualys cannot change in place", typeField(d.Kind), orNone(l.Type), orNone(d.Type))
	}
	for _, fc := range changes {
		f := it.def.Field(fc.Name)
		if f == nil || f.Type == spec.TypeSecret || !liveKnown(it, f) {
			continue
		}
		if r := unsendable(it, f, fc); r != "" {
			return f.Name, r
		}
	}
	return "", ""
}

// liveKnown reports whether the live value of setting f of it was read: not when the live answer
// did not report it, nor for a basic-login setting of a live object logging in through a vault
// (settingChanges shows those as new when the configuration switches back to basic).
func liveKnown(it *item, f *spec.FieldDef) bool {
	return !it.l.IsUnknown(f.Name) && !(f.Basic && it.l.Login != nil)
}

// unsendable says why the change fc of setting f cannot be sent as an in-place update ("" when it
// can): f is Immutable, or NoClear and fc removes its value. A member of an exclusive group the
// configuration leaves out while it chooses another (exclusiveClears) is named with that choice.
func unsendable(it *item, f *spec.FieldDef, fc plan.FieldChange) string {
	change := fmt.Sprintf("%s changes from %s to %s", f.Name, orNone(fc.Before), orNoneOf(f, fc.After))
	if _, ok := managed(f, it.d); !ok {
		if c := chosenInstead(it, f.Name); c != nil {
			change += fmt.Sprintf(" (the configuration sets %s instead, and Qualys does not hold both)", c.Name)
		}
	}
	switch {
	case f.Immutable:
		return change + ", which Qualys cannot change in place"
	case f.NoClear && fc.Before != "" && fc.After == "":
		return fmt.Sprintf("%s, and Qualys documents no way to remove a %s once set", change, f.Name)
	}
	return ""
}

// chosenInstead returns the member the configuration of it chooses in the exclusive group that
// holds name (spec.KindDef.Exclusive); nil for none.
func chosenInstead(it *item, name string) *spec.FieldDef {
	for _, g := range it.def.Exclusive {
		if slices.Contains(g, name) {
			if c := exclusiveChoice(it, g); c != nil && c.Name != name {
				return c
			}
		}
	}
	return nil
}

// exclusiveChoice returns the member of exclusive group g the configuration of it chooses: a
// setting with a value that chooses (spec.FieldDef.Chooses), or a secret it gives; nil for none.
func exclusiveChoice(it *item, g []string) *spec.FieldDef {
	d, l := it.d, it.l
	var chosen *spec.FieldDef
	for _, name := range g {
		f := it.def.Field(name)
		switch {
		case f == nil:
		case f.Type == spec.TypeSecret:
			if _, given := d.Secrets[name]; given && secretApplies(it.def, name, d.Login) && l.Login == nil {
				chosen = f
			}
		case compared(f, d.Login, l.Login):
			if v, ok := managed(f, d); ok && f.Chooses(v) {
				chosen = f
			}
		}
	}
	return chosen
}

// omitted says what an unset value of f means: "(none)", or `(none: "All Ports")`.
func omitted(f *spec.FieldDef) string {
	if f.OmittedMeans != "" {
		return fmt.Sprintf("(none: %q)", f.OmittedMeans)
	}
	return "(none)"
}

// exclusiveClears returns the changes that clear, on update, the live members of the kind's
// exclusive groups (spec.KindDef.Exclusive) the configuration leaves out while it chooses another
// member (ms_sql's auto_discover_ports: true, with port now configured; unix's skip_password:
// true, with a password now configured): sending only the chosen member would leave Qualys
// holding both. Members listed in one element (unix port and ports) are one setting, replaced by
// sending either; unreported and secret members are not touched (a secret chosen instead is sent:
// see switchedSecrets).
func exclusiveClears(it *item) []plan.FieldChange {
	d, l := it.d, it.l
	var out []plan.FieldChange
	for _, g := range it.def.Exclusive {
		chosen := exclusiveChoice(it, g)
		if chosen == nil {
			continue
		}
		for _, name := range g {
			f := it.def.Field(name)
			if f == nil || f == chosen || f.Type == spec.TypeSecret || f.Element == chosen.Element ||
				!compared(f, d.Login, l.Login) || l.IsUnknown(name) {
				continue
			}
			if _, ok := managed(f, d); ok {
				continue // compared as configured
			}
			if ov := canon(f, l.Attrs); f.Chooses(ov) {
				out = append(out, valueChange(name, f.Type, ov, f.Cleared()))
			}
		}
	}
	return out
}

// notReported is what the plan says about a setting the live answer did not report;
// notReportedSent about such a setting that is sent as configured (sendsUnreported).
const (
	notReported     = plan.NotReported
	notReportedSent = "not reported by Qualys; not compared, sent as configured (until Qualys reports it, every apply sends it)"
)

// sendsUnreported reports whether the configured value v of a setting the live answer did not
// report is sent anyway: never for an unchangeable field (that would be a replacement, which an
// unknown value is never a reason for), nor when v is the value the field has when never set
// (then the missing element most likely means just that).
func sendsUnreported(f *spec.FieldDef, v string) bool {
	return !f.Immutable && v != "" && v != f.Default
}

// unknownNotes lists the settings the configuration manages that the live answer of it.l did not
// report (spec.Object.Unknown): they are not compared, so they never cause an update or a
// replacement, and the plan says so. A unix record listed without SUB_TYPE is a plain record by
// the contract; a configuration giving it a sub_type is matched by title, never replaced (so for
// every kind's variant parameter, such as ms_sql's provider_name: variant is typeField(d.Kind)).
func unknownNotes(it *item, variant string) []string {
	d, l := it.d, it.l
	if len(l.Unknown) == 0 {
		return nil
	}
	var out []string
	for _, name := range l.Unknown {
		switch {
		case d.Kind != spec.KindVault && name == variant:
			if d.Type != l.Type {
				out = append(out, fmt.Sprintf("%s (id %d): %s: %s (the configuration says %s; qsync does not replace a record whose %s it cannot read)",
					d.Key(), l.ID, name, notReported, d.Type, name))
			}
		default:
			f := it.def.Field(name)
			if f == nil || !compared(f, d.Login, l.Login) {
				continue
			}
			if v, ok := managed(f, d); ok {
				if v == "" && f.OmittedMeans != "" {
					continue // omitted (Oracle's All Ports) and not listed agree
				}
				note := notReported
				if sendsUnreported(f, v) {
					note = notReportedSent
				}
				out = append(out, fmt.Sprintf("%s (id %d): %s: %s", d.Key(), l.ID, name, note))
			}
		}
	}
	return out
}

// orNone quotes a value for a message, or says "(none)".
func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return fmt.Sprintf("%q", s)
}

// orNoneOf quotes a value of f for a message, or says what an unset f means (omitted).
func orNoneOf(f *spec.FieldDef, s string) string {
	if s == "" {
		return omitted(f)
	}
	return orNone(s)
}

// deleteChanges shows the IPs a record delete frees.
func deleteChanges(l *spec.Object) []plan.FieldChange {
	if l.Kind.IsRecord() && !l.IPs.IsZero() {
		return []plan.FieldChange{{Name: "ips", Removed: l.IPs.Entries()}}
	}
	return nil
}

// createChanges lists every value a create sets; vi is the vault the login resolves to (hasVault).
func createChanges(it *item, vi vaultInfo, hasVault bool) []plan.FieldChange {
	d := it.d
	var fields []plan.FieldChange
	if d.Kind == spec.KindVault || d.Type != "" {
		fields = append(fields, plan.FieldChange{Name: typeField(d.Kind), After: d.Type})
	}
	for i := range it.def.Fields {
		f := &it.def.Fields[i]
		if !compared(f, d.Login, nil) {
			continue
		}
		if v := createValue(f, d); v != "" {
			fields = append(fields, valueChange(f.Name, f.Type, "", v))
		}
	}
	if d.Kind.IsRecord() {
		fields = append(fields, plan.FieldChange{Name: "ips", Added: d.IPs.Entries()})
		if hasVault {
			fields = append(fields, plan.FieldChange{Name: "login", After: loginText(d.Login)})
			fields = append(fields, loginParamChanges(vi.def, d.Login, nil)...)
		}
	}
	if d.Comments != "" {
		fields = append(fields, valueChange("comments", spec.TypeText, "", d.Comments))
	}
	fields = append(fields, createSecretChanges(it.secrets)...)
	sortFields(fields)
	return fields
}

// createSecretChanges shows the secrets a create sends.
func createSecretChanges(secrets map[string]spec.SecretRef) []plan.FieldChange {
	var fields []plan.FieldChange
	for _, p := range slices.Sorted(maps.Keys(secrets)) {
		fields = append(fields, plan.FieldChange{Name: p, After: sensitive, Sensitive: true})
	}
	return fields
}

// updateSecretChanges shows the secrets an update sends, each with why (see secretsToSend).
func updateSecretChanges(why map[string]string) []plan.FieldChange {
	if len(why) == 0 {
		return nil
	}
	var fields []plan.FieldChange
	for _, p := range slices.Sorted(maps.Keys(why)) {
		fields = append(fields, plan.FieldChange{Name: p, Before: sensitive, After: why[p], Sensitive: true})
	}
	return fields
}

// updateChanges adds to the setting changes of a desired object (settings, with unchanged
// unchanged settings: settingChanges) the changes of its title, IPs (added, removed), login (ld;
// nil when both sides use basic login) and comments. It returns the changes, sorted, and the
// number of unchanged settings.
func updateChanges(it *item, settings []plan.FieldChange, unchanged int, added, removed spec.IPSet, ld *loginDelta) ([]plan.FieldChange, int) {
	d, l := it.d, it.l
	fields := settings
	if d.Title != l.Title {
		fields = append(fields, plan.FieldChange{Name: "title", Before: l.Title, After: d.Title})
	}
	if d.Kind.IsRecord() {
		if added.IsZero() && removed.IsZero() {
			if !d.IPs.IsZero() {
				unchanged++
			}
		} else {
			fields = append(fields, plan.FieldChange{Name: "ips", Added: added.Entries(), Removed: removed.Entries()})
		}
		if ld != nil {
			if ld.unchanged() {
				unchanged++
			}
			fields = append(fields, loginChanges(*ld)...)
		}
	}
	if d.Comments != l.Comments {
		fields = append(fields, valueChange("comments", spec.TypeText, l.Comments, d.Comments))
	} else if d.Comments != "" {
		unchanged++
	}
	sortFields(fields)
	return fields, unchanged
}

// settingChanges compares the descriptor's settings in canonical form. Switching a vault login
// back to basic shows every basic setting the configuration sets as new: the live values are
// unknown.
func settingChanges(it *item) ([]plan.FieldChange, int) {
	d, l := it.d, it.l
	var fields []plan.FieldChange
	unchanged := 0
	toBasic := d.Login == nil && l.Login != nil
	for i := range it.def.Fields {
		f := &it.def.Fields[i]
		if f.Basic && toBasic && f.Type != spec.TypeSecret {
			if v, _ := managed(f, d); v != "" {
				fields = append(fields, valueChange(f.Name, f.Type, "", v))
			}
			continue
		}
		if !compared(f, d.Login, l.Login) {
			continue
		}
		dv, nv, ok := managedText(f, d)
		if !ok {
			continue // omitted: unmanaged
		}
		if l.IsUnknown(f.Name) {
			// Not reported by Qualys: unknown, so not compared (see unknownNotes). A value the
			// configuration sets is still sent, unless sending it could only be a no-op or a
			// replacement: Qualys lists many settings only once set, so without this a setting
			// added to the configuration later would never reach Qualys.
			if sendsUnreported(f, nv) {
				fields = append(fields, valueChange(f.Name, f.Type, "", nv))
			}
			continue
		}
		ov := nv // the same text canonicalises the same: most settings are unchanged
		if lv := l.Attrs[f.Name]; lv != dv {
			ov = canonText(f, lv)
		}
		if ov == nv {
			if nv != "" {
				unchanged++
			}
			continue
		}
		fields = append(fields, valueChange(f.Name, f.Type, ov, nv))
	}
	return append(fields, exclusiveClears(it)...), unchanged
}

// loginChanges shows how a record's login changes: basic or a vault (compared by the vault's
// Qualys ID), and the vault type's record-side parameters.
func loginChanges(ld loginDelta) []plan.FieldChange {
	switch {
	case ld.toBasic():
		return []plan.FieldChange{{Name: "login", Before: loginText(ld.l), After: "basic"}}
	case ld.fromBasic():
		return append([]plan.FieldChange{{Name: "login", Before: "basic", After: loginText(ld.d)}}, ld.params...)
	case !ld.sameVault:
		return append([]plan.FieldChange{{Name: "login", Before: loginText(ld.l), After: loginText(ld.d)}}, ld.params...)
	}
	return ld.params
}

// valueChange builds the change of a scalar value, with a line diff for long or multi-line text.
func valueChange(name string, typ spec.FieldType, before, after string) plan.FieldChange {
	fc := plan.FieldChange{Name: name, Before: before, After: after}
	if typ == spec.TypeText || strings.Contains(before+after, "\n") {
		if strings.Contains(before+after, "\n") || len(before) > 60 || len(after) > 60 {
			fc.Diff = lineDiff(before, after)
		}
	}
	if typ == spec.TypeList {
		fc.Added, fc.Removed = listDelta(before, after)
	}
	return fc
}

// listDelta returns the items of a comma-separated list that after adds and removes, sorted.
func listDelta(before, after string) (added, removed []string) {
	b, a := listItems(before), listItems(after)
	for _, x := range a {
		if !slices.Contains(b, x) {
			added = append(added, x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			removed = append(removed, x)
		}
	}
	return added, removed
}

// listItems returns the distinct non-empty items of a comma-separated list, sorted.
func listItems(s string) []string {
	items := slices.DeleteFunc(strings.Split(s, ","), func(x string) bool { return x == "" })
	slices.Sort(items)
	return slices.Compact(items)
}

// fieldOrder sorts the fields of a change: identity first, then settings in name order, then
// login, IPs, comments, and secrets last.
func fieldOrder(fc plan.FieldChange) (int, string) {
	switch {
	case fc.Name == "owner":
		return 0, ""
	case fc.Name == "title":
		return 1, ""
	case fc.Name == "type" || slices.Contains(spec.VariantParams(), fc.Name):
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

// sortFields sorts the fields of a change by fieldOrder.
func sortFields(fs []plan.FieldChange) {
	slices.SortStableFunc(fs, func(x, y plan.FieldChange) int {
		rx, nx := fieldOrder(x)
		ry, ny := fieldOrder(y)
		return cmp.Or(cmp.Compare(rx, ry), cmp.Compare(nx, ny))
	})
}

// ipDelta returns the addresses d holds and l does not (added) and the reverse (removed). Nearly
// every update keeps its IPs, so the sets are compared first: the two subtractions build two
// netipx sets each, which cost 0.12 s of CPU and 39 MB per build.Plan of 100k unchanged records.
func ipDelta(d, l spec.IPSet) (added, removed spec.IPSet) {
	if d.Equal(l) {
		return spec.IPSet{}, spec.IPSet{} // what Minus returns for an empty difference
	}
	return d.Minus(l), l.Minus(d)
}
