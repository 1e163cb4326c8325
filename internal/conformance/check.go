package conformance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/qsync/qsync/internal/spec"
)

// expectedElement names where the kind table expects f: "PORT", or "HOSTS/HOST" for a list.
func expectedElement(f *spec.FieldDef) string {
	if f.Type == spec.TypeList && f.Item != "" {
		return f.Element + "/" + f.Item
	}
	return f.Element
}

// listed returns the text o lists in element name: a leaf's text, or a container's items joined
// by commas.
func (o object) listed(name string) (string, bool) {
	if v, ok := o.Leaves[name]; ok {
		return v, true
	}
	if items, ok := o.Lists[name]; ok {
		return strings.Join(items, ","), true
	}
	return "", false
}

// checkCommon checks what every probe sends: title, comments with the marker, and for records
// the address, the variant and the login type; for vaults the type.
func (r *run) checkCommon(pr *probeRun, o object) {
	r.expectText(pr, "title", "TITLE", pr.title(r.opts), o)
	if pr.def.Kind == spec.KindVault {
		if _, ok := o.Leaves["VAULT_TYPE"]; ok {
			r.expectText(pr, "type", "VAULT_TYPE", pr.def.QualysType, o)
		} else {
			r.expectText(pr, "type", "TYPE", pr.def.QualysType, o)
		}
		return
	}
	if items, ok := o.Lists["IP_SET"]; ok && slices.Contains(items, r.opts.Address) {
		pr.add(AspectElement, "ips", "IP_SET", "", Confirmed)
	} else {
		pr.add(AspectElement, "ips", "IP_SET", "the address is not listed in IP_SET"+r.foundIn(o, r.opts.Address), Contradicted)
	}
	if pr.def.Type != "" {
		param, elem := pr.def.VariantKeys()
		r.expectText(pr, param, elem, pr.def.QualysType, o)
	}
	if _, ok := o.Leaves["LOGIN_TYPE"]; ok {
		r.expectText(pr, "login_type", "LOGIN_TYPE", "basic", o)
	} else {
		// qsync reads a record without LOGIN_TYPE as a basic login (the Doc Center unix sample).
		pr.add(AspectElement, "login_type", "LOGIN_TYPE", "not listed; qsync reads the record as a basic login", NotExercised)
	}
}

// checkComments checks that COMMENTS lists the comments sent (on create, or by the update), with
// the ownership marker qsync reads from their end.
func (r *run) checkComments(pr *probeRun, o object, updated bool) {
	want := comments(r.opts, updated)
	text, _ := spec.SplitComments(want)
	c, ok := o.Leaves["COMMENTS"]
	got, m := spec.SplitComments(c)
	switch {
	case !ok:
		pr.add(AspectElement, "comments", "COMMENTS", "not listed"+r.foundIn(o, want), Contradicted)
	case m == nil || m.Owner != Owner:
		pr.add(AspectElement, "comments", "COMMENTS", fmt.Sprintf("the ownership marker did not survive: listed %q", clip(c)), Contradicted)
	case got != text:
		pr.add(AspectElement, "comments", "COMMENTS", fmt.Sprintf("listed %q, not %q", clip(got), text), Contradicted)
	default:
		pr.add(AspectElement, "comments", "COMMENTS", "", Confirmed)
	}
}

// expectText checks that element elem lists want (case-insensitively), else says where it is.
func (r *run) expectText(pr *probeRun, name, elem, want string, o object) {
	got, ok := o.Leaves[elem]
	switch {
	case ok && strings.EqualFold(got, want):
		pr.add(AspectElement, name, elem, "", Confirmed)
	case ok:
		pr.add(AspectElement, name, elem, fmt.Sprintf("listed %q, not %q", got, want)+r.foundIn(o, want), Contradicted)
	default:
		where := r.foundIn(o, want)
		if where == "" {
			where = "; the value is in no element"
		}
		pr.add(AspectElement, name, elem, "not listed"+where, Contradicted)
	}
}

// foundIn returns "; value found in X" for the first leaf holding want exactly, or "".
func (r *run) foundIn(o object, want string) string {
	for _, n := range o.leafNames() {
		if strings.EqualFold(strings.TrimSpace(o.Leaves[n]), want) {
			return "; value found in " + n
		}
	}
	for _, n := range o.listNames() {
		if slices.Contains(o.Lists[n], want) {
			return "; value found in " + n
		}
	}
	return ""
}

// claimed returns the elements the kind table (and every probe) expects, so that an element no
// field claims is a candidate for a renamed one.
func claimed(d *spec.KindDef) map[string]bool {
	m := map[string]bool{"ID": true, "TITLE": true, "COMMENTS": true, "IP_SET": true, "LOGIN_TYPE": true,
		"VAULT_TYPE": true, "TYPE": true, "CREATED/DATETIME": true, "CREATED/BY": true,
		"LAST_MODIFIED/DATETIME": true, "LAST_MODIFIED/BY": true, "LAST_MODIFIED": true, "CREATED": true}
	if d.Type != "" {
		_, e := d.VariantKeys()
		m[e] = true
	}
	for _, f := range d.Fields {
		if f.Element != "" {
			m[f.Element] = true
		}
	}
	return m
}

// checkField finds the value sent for f in o: in the element the table names (element
// confirmed; the format is confirmed when qsync reads the text back as the value sent), or
// elsewhere by value (element contradicted, naming where it is). A flag's value is not
// distinctive: when its element is missing, the elements no field claims that changed to it
// since prev are named as candidates.
func (r *run) checkField(pr *probeRun, f *spec.FieldDef, sent string, o, prev object) {
	if f == nil || f.Type == spec.TypeSecret {
		return
	}
	want, err := spec.Canonical(f, sent)
	if err != nil {
		return
	}
	exp := expectedElement(f)
	raw, present := o.listed(f.Element)
	if present {
		got, gerr := spec.Canonical(f, raw)
		if gerr == nil && got == want {
			pr.add(AspectElement, f.Name, exp, "", Confirmed)
			pr.add(AspectFormat, f.Name, "read back as sent", "", Confirmed)
			return
		}
		if where := pr.search(f, want, o); where != "" && where != f.Element {
			pr.add(AspectElement, f.Name, exp, "value found in "+where, Contradicted)
			return
		}
		pr.add(AspectElement, f.Name, exp, "", Confirmed)
		if gerr != nil {
			pr.add(AspectFormat, f.Name, "read back as sent", fmt.Sprintf("sent %s, listed %q, which qsync cannot read", sent, clip(raw)), Contradicted)
		} else {
			pr.add(AspectFormat, f.Name, "read back as sent", fmt.Sprintf("sent %s, listed %q (qsync reads %q)", sent, clip(raw), clip(got)), Contradicted)
		}
		return
	}
	if where := pr.search(f, want, o); where != "" {
		pr.add(AspectElement, f.Name, exp, "value found in "+where, Contradicted)
		return
	}
	if f.Type == spec.TypeBool {
		if c := pr.candidates(f, want, o, prev); len(c) > 0 {
			pr.add(AspectElement, f.Name, exp, "not listed; value found in "+strings.Join(c, " or ")+" (unclaimed elements holding it)", Contradicted)
			return
		}
	}
	pr.add(AspectElement, f.Name, exp, "not listed; the value is in no element", Contradicted)
}

// checkCleared checks that an update sending f's clearing value (0, or empty) cleared it: the
// element is gone, empty, or reads as the field's default or as cleared.
func (r *run) checkCleared(pr *probeRun, f *spec.FieldDef, o object) {
	if f == nil {
		return
	}
	exp := fmt.Sprintf("an update sending %q clears it", spec.QualysValue(f, f.Cleared()))
	if f.Type != spec.TypeBool {
		exp = "an update sending an empty value clears it"
	}
	raw, ok := o.listed(f.Element)
	got, err := spec.Canonical(f, raw)
	if !ok || strings.TrimSpace(raw) == "" || err == nil && (got == f.Cleared() || got == f.Default) {
		pr.add(AspectClear, f.Name, exp, "", Confirmed)
		return
	}
	pr.add(AspectClear, f.Name, exp, fmt.Sprintf("still listed %q in %s", clip(raw), f.Element), Contradicted)
}

// checkDefault checks the value Qualys lists for f, left out of the create.
func (r *run) checkDefault(pr *probeRun, f *spec.FieldDef, o object) {
	if f == nil {
		return
	}
	exp := fmt.Sprintf("%s when never set, in %s", f.Default, f.Element)
	raw, ok := o.listed(f.Element)
	if !ok {
		// qsync reads a missing element as unknown, never as the default: nothing to confirm.
		pr.add(AspectDefault, f.Name, exp, "not listed", NotExercised)
		return
	}
	got, err := spec.Canonical(f, raw)
	if err != nil || got != f.Default {
		pr.add(AspectDefault, f.Name, exp, fmt.Sprintf("listed %q", clip(raw)), Contradicted)
		return
	}
	pr.add(AspectDefault, f.Name, exp, "", Confirmed)
}

// search returns the element (other than f's own) whose text qsync reads as want, for values
// distinctive enough to be found by value (not flags), or "".
func (pr *probeRun) search(f *spec.FieldDef, want string, o object) string {
	if f.Type == spec.TypeBool || want == "" {
		return ""
	}
	match := func(raw string) bool {
		got, err := spec.Canonical(f, raw)
		return err == nil && got == want
	}
	for _, n := range o.listNames() {
		if n != f.Element && match(strings.Join(o.Lists[n], ",")) {
			return n
		}
	}
	for _, n := range o.leafNames() {
		if n != f.Element && o.Leaves[n] != "" && match(o.Leaves[n]) {
			return n
		}
	}
	return ""
}

// candidates returns the leaves no field claims that qsync reads as want for f (and, when prev
// is given, that changed to it since prev), sorted.
func (pr *probeRun) candidates(f *spec.FieldDef, want string, o, prev object) []string {
	cl := claimed(pr.def)
	var out []string
	for _, n := range o.leafNames() {
		if cl[n] {
			continue
		}
		got, err := spec.Canonical(f, o.Leaves[n])
		if err != nil || got != want {
			continue
		}
		if prev.Leaves != nil {
			if before, ok := prev.Leaves[n]; ok {
				if b, err := spec.Canonical(f, before); err == nil && b == want {
					continue
				}
			}
		}
		out = append(out, n)
	}
	return out
}

// clip shortens a listed value for a report line.
func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
