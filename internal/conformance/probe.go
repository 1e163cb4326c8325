package conformance

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/spec"
)

// A probe is one throwaway object: a record kind (or variant) or a vault type, and the values it
// is created with and updated to. Every field the kind table lets qsync send gets a distinctive
// value, except where the table's own rules (one of a group, a field that applies to another
// value of an enum, a field sent in an XML body) make that impossible; such a field is skipped
// with the reason, which the report lists as "not exercised".
type probe struct {
	def  *spec.KindDef
	name string // "oracle", "unix/cisco", "vault/ca_pam"
	// create and update hold the values sent, by field name, as Qualys spells them (1/0).
	create, update map[string]string
	// skipped maps a field the probe does not send to the reason.
	skipped map[string]string
	// defaults lists the fields left out of the create so that the list shows their default.
	defaults []string
	// items holds, per TypeItems field, the one entry the create sends (sub-field -> value).
	items map[string]map[string]string
	// login: the probe (of a vault type) also checks a record logging in through its vault.
	login bool
	// elsewhere lists the fields left out because another probe of the same kind (another
	// value of its enum condition) sends them: they are not reported as not exercised.
	elsewhere map[string]bool
	// switched lists the first members of the OneOf pairs the update switches to the second.
	switched []string
	// clears maps the first member of an Exclusive pair the update switches to the second to
	// the value that clears it (0 for a flag, else empty), as plan sends it.
	clears map[string]string
}

// Subject returns the probe's name as the report uses it.
func subject(d *spec.KindDef) string {
	if d.Kind == spec.KindVault {
		return "vault/" + d.Type
	}
	if d.Type != "" {
		return string(d.Kind) + "/" + d.Type
	}
	return string(d.Kind)
}

// selectKinds returns the descriptors to probe: every record kind and variant qsync types (not the
// opaque ones), then every vault type with documented create parameters, filtered by kinds (record
// kinds or kind/variant names; empty means all, ["none"] none) and vaultTypes (vault type slugs; empty means all,
// "none" means no vault). It reports names that match nothing.
func selectKinds(kinds, vaultTypes []string) ([]*spec.KindDef, error) {
	var out []*spec.KindDef
	used := map[string]bool{}
	match := func(list []string, names ...string) bool {
		if len(list) == 0 {
			return true
		}
		for _, n := range names {
			if slices.Contains(list, n) {
				used[n] = true
				return true
			}
		}
		return false
	}
	recs := spec.RecordKinds()
	if slices.Equal(kinds, []string{"none"}) {
		recs, used["none"] = nil, true
	}
	for i := range recs {
		d := &recs[i]
		if d.Opaque != "" {
			continue
		}
		if match(kinds, string(d.Kind), subject(d)) {
			out = append(out, d)
		}
	}
	if !slices.Equal(vaultTypes, []string{"none"}) {
		for _, d := range spec.Kinds() {
			if d.Kind != spec.KindVault || d.Unwritable != "" {
				continue
			}
			if match(vaultTypes, d.Type) {
				out = append(out, spec.Lookup(spec.KindVault, d.Type))
			}
		}
	} else {
		used["none"] = true
	}
	var unknown []string
	for _, n := range append(slices.Clone(kinds), vaultTypes...) {
		if !used[n] {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("unknown or unprobeable kinds or vault types: %s (record kinds, kind/variant such as unix/cisco, or writable vault types)",
			strings.Join(unknown, ", "))
	}
	return out, nil
}

// values makes the distinctive values of one run: each is unique to the run, the probe and the
// field, so finding it in an answer names the element that holds it.
type values struct {
	run   string
	certs [2]string // two dummy PEM certificates (create, update)
	key   string    // a dummy PEM private key
}

// token is the distinctive text of field number i, for the create (0) or the update (1).
func (v *values) token(i, phase int) string {
	return fmt.Sprintf("qc%sf%d%c", v.run, i, "ab"[phase])
}

// value returns the value probe field f (number i) is sent with in phase 0 (create) or 1
// (update), as Qualys spells it, or "" when none fits the field's rules.
func (v *values) value(f *spec.FieldDef, i, phase int) string {
	switch f.Type {
	case spec.TypeSecret:
		if (strings.Contains(f.Name, "private_key") && !strings.HasSuffix(f.Name, "_pwd")) || f.Name == "client_key" {
			return v.key // a PEM key generated for the run
		}
		return fmt.Sprintf("qsync-conformance-dummy-%s%c", v.run, "ab"[phase])
	case spec.TypeBool:
		// A field with a default is left out of the create (the list shows the default) and set to
		// the other value on update; any other flag goes from true to false.
		if f.Default != "" {
			if f.Default == "true" {
				return "0"
			}
			return "1"
		}
		return []string{"1", "0"}[phase]
	case spec.TypeInt:
		n := 40000 + 10*i + phase
		if f.Max > 0 && n > f.Max {
			n = f.Max - 10*i - phase
		}
		if n < f.Min {
			return ""
		}
		return strconv.Itoa(n)
	case spec.TypeEnum:
		if len(f.Enum) == 0 {
			return ""
		}
		if phase == 0 {
			return f.Enum[len(f.Enum)-1]
		}
		return f.Enum[0]
	case spec.TypeText:
		return v.certs[phase]
	case spec.TypeList:
		t := v.token(i, phase)
		return t + "x.example.com," + t + "y.example.com"
	}
	t := v.token(i, phase)
	switch {
	case f.Format == "uri":
		t = "https://" + t + ".example.com/"
	case f.Format == "hostname":
		t += ".example.com"
	}
	if f.Pattern != "" {
		re, err := regexp.Compile(f.Pattern)
		if err != nil {
			return ""
		}
		if !re.MatchString(t) {
			if t += "@example.com"; !re.MatchString(t) {
				return ""
			}
		}
	}
	if f.MaxLen > 0 && len(t) > f.MaxLen && f.Format == "" && f.Pattern == "" {
		// A short field (DB2's database: 8 characters): as much of the run id as fits, then the
		// field number and the phase, still unique within the probe.
		tail := fmt.Sprintf("%d%c", i, "ab"[phase])
		if keep := f.MaxLen - len(tail); keep >= 1 {
			t = v.run[:min(keep, len(v.run))] + tail
		}
	}
	if f.MaxLen > 0 && len(t) > f.MaxLen || len(t) < f.MinLen {
		return ""
	}
	return t
}

// newProbe decides what probe d sends. Rules of the kind table decide which fields can go
// together: of each OneOf or Exclusive group the first member is sent; of a RequiredWhen on an
// enum, the fields the chosen value does not require are left out; network_id (valid only with
// the Networks feature) is not sent; a TypeItems field gets one entry (see values.entry).
//
// choice, when not empty, is the value of the kind's enum condition field the probe uses
// (conditionChoices); the probe's name then carries it: "vault/hashicorp auth_type=cert".
func newProbe(d *spec.KindDef, v *values, choice string) *probe {
	p := &probe{def: d, name: subject(d), create: map[string]string{}, update: map[string]string{}, skipped: map[string]string{}}
	switched := p.switchPairs()
	p.skipGroupMembers(switched)
	chosen := p.chooseConditions(v, choice)
	p.skipUnchosen(chosen, choice)
	for i := range d.Fields {
		p.place(&d.Fields[i], i, v, chosen, switched)
	}
	return p
}

// switchPairs records the pairs the update switches and returns their second members.
func (p *probe) switchPairs() map[string]bool {
	d := p.def
	// A pair of which exactly one is set (oracle sid, servicename) is switched by the update: the
	// first member on create, the second alone on update (setting one of the pair replaces the
	// other), so both are exercised.
	switched := map[string]bool{}
	for _, g := range d.OneOf {
		if len(g) == 2 && switchable(d.Field(g[0])) && switchable(d.Field(g[1])) {
			switched[g[1]] = true
			p.switched = append(p.switched, g[0])
		}
	}
	// A pair of which at most one is chosen (ms_sql port, auto_discover_ports) is switched the way
	// plan switches it: the update chooses the second and clears the first.
	p.clears = map[string]string{}
	for _, g := range d.Exclusive {
		a, b := d.Field(g[0]), d.Field(g[len(g)-1])
		if len(g) == 2 && clearable(a) && clearable(b) {
			switched[b.Name] = true
			p.clears[a.Name] = spec.QualysValue(a, a.Cleared())
			if a.Type != spec.TypeBool {
				p.clears[a.Name] = ""
			}
		}
	}
	return switched
}

// skipGroupMembers skips the members of each OneOf or Exclusive group after the first, which the
// probe sends, unless the update switches to them.
func (p *probe) skipGroupMembers(switched map[string]bool) {
	for _, g := range slices.Concat(p.def.OneOf, p.def.Exclusive) {
		for _, m := range g[1:] {
			if switched[m] {
				continue
			}
			if _, done := p.skipped[m]; !done && !slices.Contains(g[:1], m) {
				p.skipped[m] = "cannot be combined with " + g[0] + ", which the probe sends"
			}
		}
	}
}

// chooseConditions returns the value the probe uses of each enum condition field (hashicorp
// auth_type): choice when given (the probe's name then carries it), else the value it creates with.
func (p *probe) chooseConditions(v *values, choice string) map[string]string {
	d := p.def
	chosen := map[string]string{}
	for _, c := range d.RequiredWhen {
		f := d.Field(c.Field)
		if f == nil || f.Type != spec.TypeEnum {
			continue
		}
		if _, done := chosen[c.Field]; done {
			continue
		}
		idx := slices.IndexFunc(d.Fields, func(x spec.FieldDef) bool { return x.Name == f.Name })
		val := v.value(f, idx, 0)
		if choice != "" {
			val = choice
			p.name += " " + c.Field + "=" + choice
		}
		chosen[c.Field] = val
	}
	return chosen
}

// skipUnchosen skips the fields only other values of the enum conditions require; with a choice,
// another probe of the kind sends them.
func (p *probe) skipUnchosen(chosen map[string]string, choice string) {
	d := p.def
	for _, c := range d.RequiredWhen {
		want, ok := chosen[c.Field]
		if !ok || c.Value == want {
			continue
		}
		for _, r := range c.Require {
			if requiredBy(d, chosen, r) {
				continue
			}
			p.skipped[r] = fmt.Sprintf("applies with %s %s; the probe uses %s", c.Field, c.Value, want)
			if choice != "" {
				if p.elsewhere == nil {
					p.elsewhere = map[string]bool{}
				}
				p.elsewhere[r] = true
			}
		}
	}
}

// unsentReason says why the probe never sends f, or "".
func unsentReason(f *spec.FieldDef) string {
	switch {
	case f.Name == "network_id":
		return "valid only with the Networks feature"
	case f.Unsendable != "":
		return "qsync never sends it: " + f.Unsendable
	}
	return ""
}

// place decides whether field f (the i-th of the kind) goes in the create, the update, both, or
// is skipped.
func (p *probe) place(f *spec.FieldDef, i int, v *values, chosen map[string]string, switched map[string]bool) {
	if _, skip := p.skipped[f.Name]; skip {
		return
	}
	if why := unsentReason(f); why != "" {
		p.skipped[f.Name] = why
		return
	}
	if f.Type == spec.TypeItems { // one entry, sent in the XML body (unix private_keys, root_tools)
		if p.items == nil {
			p.items = map[string]map[string]string{}
		}
		p.items[f.Name] = v.entry(f)
		return
	}
	c, u := v.value(f, i, 0), v.value(f, i, 1)
	_, enumCond := chosen[f.Name]
	if c == "" {
		p.skipped[f.Name] = "no distinctive value fits its rules"
		return
	}
	switch {
	case f.Type == spec.TypeBool && f.Default != "" && !f.Required:
		p.defaults = append(p.defaults, f.Name)
		p.update[f.Name] = c
	case enumCond:
		p.create[f.Name] = chosen[f.Name] // the condition stays as created
	case f.Default != "" && !f.Required && f.Type == spec.TypeEnum:
		p.defaults = append(p.defaults, f.Name)
		p.update[f.Name] = c
	case switched[f.Name] && f.Type == spec.TypeBool:
		p.update[f.Name] = c // the flag's choosing value
	case switched[f.Name]:
		p.update[f.Name] = u
	case slices.Contains(p.switched, f.Name) || p.clears[f.Name] != "" || hasKey(p.clears, f.Name):
		p.create[f.Name] = c
	case f.Immutable:
		p.create[f.Name] = c
	default:
		p.create[f.Name] = c
		p.update[f.Name] = u
	}
}

// clearable reports whether f is a plain setting an update may set and clear.
func clearable(f *spec.FieldDef) bool {
	return f != nil && !f.Immutable && !f.NoClear && f.Type != spec.TypeSecret && f.Type != spec.TypeItems
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

// conditionChoices returns the values of d's enum field that RequiredWhen conditions name
// (hashicorp auth_type: userpass, cert, approle), in enum order, or nil: one probe per value
// exercises the fields each requires.
func conditionChoices(d *spec.KindDef) []string {
	for _, c := range d.RequiredWhen {
		f := d.Field(c.Field)
		if f == nil || f.Type != spec.TypeEnum {
			continue
		}
		var out []string
		for _, e := range f.Enum {
			for _, c2 := range d.RequiredWhen {
				if c2.Field == c.Field && c2.Value == e && !slices.Contains(out, e) {
					out = append(out, e)
				}
			}
		}
		return out
	}
	return nil
}

// entry returns the one entry a probe sends for items field f: every enum sub-field (a key type
// matching the generated key, else the last value), the key and certificate the run generated,
// and a dummy for any other secret, except an optional one beside a required secret (a key's
// passphrase: the generated key has none).
func (v *values) entry(f *spec.FieldDef) map[string]string {
	e := map[string]string{}
	requiredSecret := slices.ContainsFunc(f.SubFields, func(sf spec.FieldDef) bool { return sf.Type == spec.TypeSecret && sf.Required })
	for _, sf := range f.SubFields {
		switch {
		case sf.Type == spec.TypeEnum && slices.Contains(sf.Enum, "ecdsa"):
			e[sf.Name] = "ecdsa"
		case sf.Type == spec.TypeEnum && len(sf.Enum) > 0:
			e[sf.Name] = sf.Enum[len(sf.Enum)-1]
		case sf.Type == spec.TypeSecret && sf.Required:
			e[sf.Name] = v.key
		case sf.Type == spec.TypeSecret && sf.ShownBy != "":
			e[sf.Name] = v.certs[0]
		case sf.Type == spec.TypeSecret && !requiredSecret:
			e[sf.Name] = fmt.Sprintf("qsync-conformance-dummy-%s%c", v.run, 'a')
		}
	}
	return e
}

// switchable reports whether f is a plain value that an update may set.
func switchable(f *spec.FieldDef) bool {
	return f != nil && !f.Immutable && !f.NoClear && (f.Type == spec.TypeString || f.Type == spec.TypeInt)
}

// requiredBy reports whether field r is required by a condition the chosen enum values meet.
func requiredBy(d *spec.KindDef, chosen map[string]string, r string) bool {
	for _, c := range d.RequiredWhen {
		if want, ok := chosen[c.Field]; ok && c.Value == want && slices.Contains(c.Require, r) {
			return true
		}
	}
	return false
}

// callsPerProbe is what one probe costs when nothing is refused: create, list (or view), update,
// list (or view), delete.
const callsPerProbe = 5

// Cost is the API-call cost of a run, stated before anything is written.
type Cost struct {
	// Probes is the number of throwaway objects the run creates.
	Probes int `json:"probes"`
	// Calls is the number of API calls when Qualys refuses no parameter: a list per record
	// endpoint and one vault list to find leftovers of interrupted runs, one list-all, and five
	// calls per probe. Each refused parameter costs one more call (the write is sent again
	// without it).
	Calls int `json:"calls"`
}

// estimate returns the cost of running probes.
func estimate(probes []*probe) Cost {
	endpoints := map[spec.Kind]bool{}
	vaults := false
	for _, pr := range probes {
		d := pr.def
		if d.Kind == spec.KindVault {
			vaults = true
		} else {
			endpoints[d.Kind] = true
		}
	}
	calls := len(endpoints) + len(probes)*callsPerProbe
	for _, pr := range probes {
		if pr.login {
			calls += loginCalls
		}
	}
	if vaults {
		calls++
	}
	if len(endpoints) > 0 {
		calls++ // list-all
	}
	return Cost{Probes: len(probes), Calls: calls}
}
