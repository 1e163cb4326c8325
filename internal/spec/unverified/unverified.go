// Package unverified names the parameters a configuration sets that no Qualys source confirms
// (spec.FieldDef.Unverified), for the note validate and plan print.
package unverified

import (
	"fmt"
	"slices"
	"strings"

	"github.com/qsync/qsync/internal/spec"
)

// InUse returns, sorted and without duplicates, the unverified parameter names
// (spec.FieldDef.Unverified) that doc's objects set: "unix cleartext_password", "vault/hashicorp url",
// "vault/cyberark_pim login folder" (a record's login through a vault of that type), "unix
// root_tools.tool" (an entry's sub-field). A login through a vault doc does not declare is
// skipped: its type is not known offline.
func InUse(doc *spec.Document) []string {
	if doc == nil {
		return nil
	}
	vaultTypes := map[string]string{}
	for _, o := range doc.Objects {
		if o.Kind == spec.KindVault {
			vaultTypes[o.Title] = o.Type
		}
	}
	seen := map[string]bool{}
	for _, o := range doc.Objects {
		def := spec.Lookup(o.Kind, o.Type)
		if def == nil {
			continue
		}
		group := groupOf(o.Kind, o.Type)
		for i := range def.Fields {
			f := &def.Fields[i]
			if f.Unverified && fieldSet(o, f) {
				seen[group+" "+f.Name] = true
			}
			for _, sf := range f.SubFields {
				if sf.Unverified && slices.ContainsFunc(o.Items[f.Name], func(it spec.Item) bool { return it.Attrs[sf.Name] != "" }) {
					seen[group+" "+f.Name+"."+sf.Name] = true
				}
			}
		}
		if o.Login == nil {
			continue
		}
		vt, ok := vaultTypes[o.Login.Vault]
		vdef := spec.Lookup(spec.KindVault, vt)
		if !ok || vdef == nil {
			continue
		}
		for i := range vdef.LoginParams {
			if p := &vdef.LoginParams[i]; p.Unverified && o.Login.Params[p.Name] != "" {
				seen[groupOf(spec.KindVault, vt)+" login "+p.Name] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func groupOf(k spec.Kind, typ string) string {
	if typ == "" {
		return string(k)
	}
	return string(k) + "/" + typ
}

// fieldSet reports whether o sets field f (a value, a secret reference, or entries).
func fieldSet(o *spec.Object, f *spec.FieldDef) bool {
	if _, ok := o.Secrets[f.Name]; ok {
		return true
	}
	if _, ok := o.Items[f.Name]; ok {
		return true
	}
	return o.Attrs[f.Name] != ""
}

// Note is the note validate and plan print about the unverified parameter names a
// configuration uses, or "" when it uses none: one sentence, then one indented line per kind (or
// vault type) naming its parameters, so a configuration of many kinds stays readable.
func Note(doc *spec.Document) string {
	names := InUse(doc)
	if len(names) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "note: this configuration uses %d parameter name(s) that no Qualys source confirms (best evidence secondary or none); "+
		"if Qualys names one otherwise, it refuses that call (code 1901 names the parameter) and the call changes nothing "+
		"(docs/qualys-wire-contract.md, docs/evidence.md):", len(names))
	group, line := "", []string(nil)
	flush := func() {
		if group != "" {
			fmt.Fprintf(&b, "\n  %s: %s", group, strings.Join(line, ", "))
		}
	}
	for _, n := range names { // sorted, so each group's names are adjacent
		g, param, _ := strings.Cut(n, " ")
		if g != group {
			flush()
			group, line = g, nil
		}
		line = append(line, param)
	}
	flush()
	return b.String()
}
