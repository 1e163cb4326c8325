// Package capability builds, from qsync's kind tables alone, a configuration that exercises every
// parameter qsync can send: for every record kind and variant (unix sub_type, ms_sql
// provider_name) and every vault type, objects that together set each field, each enum value, each
// login type and each vault type a kind accepts, with distinctive values; and it compares what a
// Qualys (the emulator, or a real subscription) lists back with what was sent, naming every gap
// (dnscontrol's provider capability tests print MISSING the same way).
//
// The table comes from internal/spec; the Qualys side is whatever answers the client, so the same
// cases serve the emulator conformance test (capability_test.go) and a run against a throwaway
// subscription.
package capability

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/qsync/qsync/internal/spec"
)

// Owner is the owner the generated configuration declares.
const Owner = "capability"

// Set is a generated configuration: its YAML, the secret values its {env: NAME} references
// resolve to, an emulator seed (vaults whose settings qsync cannot write, created beforehand
// so records can log in through them), and what it exercises.
type Set struct {
	YAML    []byte
	Secrets map[string]string
	// Seed holds, in the emulator's seed format, one vault of every Unwritable vault type.
	Seed []byte
	// Exercised maps each group ("unix/cisco", "vault/hashicorp") to the parameters and values
	// its objects send ("target_type=A10", "login vault/ca_pam", "password"), sorted.
	Exercised map[string][]string
	// Skipped maps each group to what qsync reads but does not send, with the reason
	// (FieldDef.Unsendable, KindDef.Unwritable, KindDef.Opaque, KindDef.OpaqueLoginTypes).
	Skipped map[string][]string
}

// Gap is one thing qsync can send that did not come back as sent.
type Gap struct {
	Group  string // "unix/cisco", "vault/hashicorp"
	Object string // the object's title
	Param  string // the parameter ("" for the whole object)
	Why    string
}

func (g Gap) String() string {
	if g.Param == "" {
		return fmt.Sprintf("MISSING %s %q: %s", g.Group, g.Object, g.Why)
	}
	return fmt.Sprintf("MISSING %s %s (%q): %s", g.Group, g.Param, g.Object, g.Why)
}

// Group is the name of kind and type in reports: "unix", "unix/cisco", "vault/ca_pam".
func Group(k spec.Kind, typ string) string {
	if typ == "" {
		return string(k)
	}
	return string(k) + "/" + typ
}

type builder struct {
	set     *Set
	secretN int
	vaults  map[string]string // vault type slug -> title of its vault
}

// Build returns the configuration that exercises every record kind and vault type of the tables.
func Build() (*Set, error) {
	b := &builder{set: &Set{Secrets: map[string]string{}, Exercised: map[string][]string{}, Skipped: map[string][]string{}},
		vaults: map[string]string{}}
	var vaults, records []any
	var seed []any
	for _, d := range spec.VaultKinds() {
		g := Group(d.Kind, d.Type)
		title := "cap " + d.Type
		b.vaults[d.Type] = title
		if d.Unwritable != "" {
			b.skip(g, "(every setting): "+d.Unwritable)
			seed = append(seed, map[string]any{"type": d.QualysType, "title": title, "params": map[string]any{"url": "https://" + d.Type + ".example.com"}})
			continue
		}
		for i := range casesOf(&d, false) {
			obj := map[string]any{"title": fmt.Sprintf("%s %d", title, i), "type": d.Type}
			if i == 0 {
				obj["title"] = title
			}
			b.fields(g, &d, i, obj, false)
			vaults = append(vaults, obj)
		}
	}
	for ki, d := range spec.RecordKinds() {
		g := Group(d.Kind, d.Type)
		if d.Opaque != "" {
			b.skip(g, "(every setting): "+d.Opaque)
			continue
		}
		for _, lt := range sortedKeys(d.OpaqueLoginTypes) {
			b.skip(g, "login_type "+lt+": "+d.OpaqueLoginTypes[lt])
		}
		for i := range casesOf(&d, true) {
			obj := map[string]any{"type": string(d.Kind), "title": fmt.Sprintf("cap %s %d", g, i),
				"ips": []string{fmt.Sprintf("10.%d.%d.%d", 100+ki%150, i/200, i%200+1)}}
			if d.Type != "" {
				p, _ := d.VariantKeys()
				obj[p] = d.Type
			}
			vault := i > 0 && len(d.LoginVaultTypes) > 0
			if vault {
				vt := d.LoginVaultTypes[(i-1)%len(d.LoginVaultTypes)]
				obj["login"] = b.login(g, vt, i)
			} else {
				b.note(g, "login basic")
			}
			b.fields(g, &d, i, obj, vault)
			records = append(records, obj)
		}
	}
	doc := map[string]any{"version": 1, "owner": Owner, "vaults": vaults, "records": records}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("marshal the capability configuration: %w", err)
	}
	b.set.YAML = out
	if b.set.Seed, err = yaml.Marshal(map[string]any{"vaults": seed}); err != nil {
		return nil, fmt.Errorf("marshal the capability seed: %w", err)
	}
	for g := range b.set.Exercised {
		b.set.Exercised[g] = sortedUnique(b.set.Exercised[g])
	}
	for g := range b.set.Skipped {
		b.set.Skipped[g] = sortedUnique(b.set.Skipped[g])
	}
	return b.set, nil
}

// casesOf returns how many objects d needs so that each enum value, each member of each
// exclusive or one-of group and (for a record kind) basic login and each login vault type is
// exercised once at least.
func casesOf(d *spec.KindDef, record bool) int {
	n := 1
	if record && len(d.LoginVaultTypes) > 0 {
		n = 1 + len(d.LoginVaultTypes)
	}
	for _, f := range d.Fields {
		if f.Type == spec.TypeEnum {
			n = max(n, len(f.Enum))
		}
		for _, sf := range f.SubFields {
			if sf.Type == spec.TypeEnum {
				n = max(n, len(sf.Enum))
			}
		}
		if f.Type == spec.TypeBool {
			n = max(n, 2)
		}
	}
	for _, g := range slices.Concat(d.Exclusive, d.OneOf) {
		n = max(n, len(g))
	}
	return n
}

func (b *builder) note(g string, what string) { b.set.Exercised[g] = append(b.set.Exercised[g], what) }
func (b *builder) skip(g string, what string) { b.set.Skipped[g] = append(b.set.Skipped[g], what) }

// secret returns a reference to a new distinctive secret value.
func (b *builder) secret(maxLen int) map[string]any {
	b.secretN++
	name := fmt.Sprintf("CAP_SECRET_%d", b.secretN)
	v := fmt.Sprintf("Cap-s3cret-%04d", b.secretN)
	if maxLen > 0 && len(v) > maxLen {
		v = v[len(v)-maxLen:]
	}
	b.set.Secrets[name] = v
	return map[string]any{"env": name}
}

// chosen reports whether field name may be set in case i: a member of an exclusive or one-of
// group only when it is the group's i-th.
func chosen(d *spec.KindDef, name string, i int) bool {
	for _, g := range slices.Concat(d.Exclusive, d.OneOf) {
		if k := slices.Index(g, name); k >= 0 && k != i%len(g) {
			return false
		}
	}
	return true
}

// fields sets every field of d that case i sends.
func (b *builder) fields(g string, d *spec.KindDef, i int, obj map[string]any, vault bool) {
	variant, _ := d.VariantKeys()
	for fi := range d.Fields {
		f := &d.Fields[fi]
		switch {
		case f.Unsendable != "":
			b.skip(g, f.Name+": "+f.Unsendable)
			continue
		case d.Type != "" && d.Kind != spec.KindVault && f.Name == variant:
			continue
		case f.Basic && vault, !chosen(d, f.Name, i):
			continue
		}
		v, what := b.value(f, i)
		if f.Type == spec.TypeBool && inGroup(d, f.Name) {
			v, what = true, f.Name+"=true" // a flag counts as set in its group only when true
		}
		obj[f.Name] = v
		b.note(g, what)
	}
}

// value is a distinctive YAML value of f for case i, and how the report names it.
func (b *builder) value(f *spec.FieldDef, i int) (any, string) {
	switch f.Type {
	case spec.TypeSecret:
		return b.secret(f.MaxLen), f.Name
	case spec.TypeBool:
		v := i%2 == 0
		return v, fmt.Sprintf("%s=%v", f.Name, v)
	case spec.TypeInt:
		lo, hi := f.Min, f.Max
		v := lo + 1000 + i
		if hi > 0 {
			v = lo + (7+i)%(hi-lo+1)
		}
		return v, f.Name
	case spec.TypeEnum:
		v := f.Enum[i%len(f.Enum)]
		return v, f.Name + "=" + v
	case spec.TypeList:
		if f.Format == "hostname" {
			return []string{fmt.Sprintf("h%da.example.com", i), fmt.Sprintf("h%db.example.com", i)}, f.Name
		}
		return []string{fmt.Sprintf("a%d", i), fmt.Sprintf("b%d", i)}, f.Name
	case spec.TypeText:
		return fmt.Sprintf("-----BEGIN CERTIFICATE-----\ncap%d%s\n-----END CERTIFICATE-----", i, strings.ReplaceAll(f.Name, "_", "")), f.Name
	case spec.TypeItems:
		return b.items(f, i), f.Name
	}
	if f.Format == "uri" {
		return fmt.Sprintf("https://%s-%d.example.com", strings.ReplaceAll(f.Name, "_", "-"), i), f.Name
	}
	plain := fmt.Sprintf("c%d-%s", i, strings.ReplaceAll(f.Name, "_", ""))
	if f.MaxLen > 0 && len(plain) > f.MaxLen {
		plain = plain[:f.MaxLen]
	}
	for _, v := range []string{plain, plain + "@example.com"} {
		if re, err := regexp.Compile(f.Pattern); f.Pattern == "" || err == nil && re.MatchString(v) {
			return v, f.Name
		}
	}
	return plain, f.Name
}

// inGroup reports whether name belongs to an exclusive or one-of group of d.
func inGroup(d *spec.KindDef, name string) bool {
	for _, g := range slices.Concat(d.Exclusive, d.OneOf) {
		if slices.Contains(g, name) {
			return true
		}
	}
	return false
}

// items is one entry of a TypeItems field with its required and basic sub-fields.
func (b *builder) items(f *spec.FieldDef, i int) []any {
	e := map[string]any{}
	for si := range f.SubFields {
		sf := &f.SubFields[si]
		if !sf.Required && !sf.Basic {
			continue
		}
		switch sf.Type {
		case spec.TypeSecret:
			e[sf.Name] = b.secret(sf.MaxLen)
		case spec.TypeEnum:
			e[sf.Name] = sf.Enum[i%len(sf.Enum)]
		default:
			e[sf.Name] = fmt.Sprintf("c%d", i)
		}
	}
	return []any{e}
}

// login is a record's login through the vault of type vt: every login parameter of the type (one
// of each one-of group) with a distinctive value.
func (b *builder) login(g, vt string, i int) map[string]any {
	d := spec.Lookup(spec.KindVault, vt)
	l := map[string]any{"vault": b.vaults[vt]}
	b.note(g, "login vault/"+vt)
	if d == nil {
		return l
	}
	for pi := range d.LoginParams {
		p := &d.LoginParams[pi]
		skip := false
		for _, grp := range d.LoginOneOf {
			if k := slices.Index(grp, p.Name); k >= 0 && k != i%len(grp) {
				skip = true
			}
		}
		if skip {
			continue
		}
		if p.Type == spec.TypeInt {
			l[p.Name] = fmt.Sprint(100 + i)
		} else {
			l[p.Name] = fmt.Sprintf("c%d-%s", i, strings.ReplaceAll(p.Name, "_", ""))
		}
		b.note(g, "login vault/"+vt+" "+p.Name)
	}
	return l
}

// Compare names every gap between the objects of desired and what live lists: an object missing
// or unreadable, a field not listed back (unknown) or listed with another value, a login through
// another vault or with other parameters, entries missing.
func Compare(desired, live *spec.Document) []Gap {
	byKey := map[spec.Key]*spec.Object{}
	for _, o := range live.Objects {
		byKey[o.Key()] = o
	}
	var gaps []Gap
	for _, d := range desired.Objects {
		g := Group(d.Kind, d.Type)
		l := byKey[d.Key()]
		switch {
		case l == nil:
			gaps = append(gaps, Gap{Group: g, Object: d.Title, Why: "not listed after apply"})
			continue
		case l.Opaque != "":
			gaps = append(gaps, Gap{Group: g, Object: d.Title, Why: "listed but unreadable: " + l.Opaque})
			continue
		}
		if l.Type != d.Type {
			p, _ := spec.VariantKeys(d.Kind)
			gaps = append(gaps, Gap{Group: g, Object: d.Title, Param: p, Why: fmt.Sprintf("sent %q, listed %q", d.Type, l.Type)})
		}
		for _, k := range sortedKeys(d.Attrs) {
			switch {
			case l.IsUnknown(k):
				gaps = append(gaps, Gap{Group: g, Object: d.Title, Param: k, Why: "sent but not listed back"})
			case l.Attrs[k] != d.Attrs[k]:
				gaps = append(gaps, Gap{Group: g, Object: d.Title, Param: k, Why: fmt.Sprintf("sent %q, listed %q", d.Attrs[k], l.Attrs[k])})
			}
		}
		for _, k := range sortedKeys(d.Items) {
			if len(l.Items[k]) != len(d.Items[k]) {
				gaps = append(gaps, Gap{Group: g, Object: d.Title, Param: k, Why: fmt.Sprintf("sent %d entries, listed %d", len(d.Items[k]), len(l.Items[k]))})
			}
		}
		if d.Login != nil {
			switch {
			case l.Login == nil || l.Login.Vault != d.Login.Vault:
				gaps = append(gaps, Gap{Group: g, Object: d.Title, Param: "login", Why: "the vault login is not listed back"})
			default:
				for _, k := range sortedKeys(d.Login.Params) {
					if l.Login.Params[k] != d.Login.Params[k] {
						gaps = append(gaps, Gap{Group: g, Object: d.Title, Param: "login " + k,
							Why: fmt.Sprintf("sent %q, listed %q", d.Login.Params[k], l.Login.Params[k])})
					}
				}
			}
		}
	}
	return gaps
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedUnique(in []string) []string {
	slices.Sort(in)
	return slices.Compact(in)
}
