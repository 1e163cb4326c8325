package gen

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/spec/schemagen"
)

// ConfigReferenceFile is the path, from the module root, of the configuration reference that
// GenerateConfigReference writes (through go generate ./...).
const ConfigReferenceFile = "docs/configuration.md"

// schemaDoc is the part of the generated JSON Schema the reference reads: descriptions of the
// top-level keys and of the keys every object shares.
type schemaDoc struct {
	Properties map[string]struct {
		Description string `json:"description"`
	} `json:"properties"`
	Defs map[string]struct {
		Description string `json:"description"`
	} `json:"$defs"`
}

// GenerateConfigReference returns docs/configuration.md, the configuration reference generated
// from the descriptor tables in kinds.go and the JSON Schema schemagen.Generate makes from them. Every
// list of kinds, sub_types and vault types in it comes from the tables.
func GenerateConfigReference() ([]byte, error) {
	raw, err := schemagen.Generate()
	if err != nil {
		return nil, err
	}
	var sd schemaDoc
	if err := json.Unmarshal(raw, &sd); err != nil {
		return nil, fmt.Errorf("read generated schema: %w", err)
	}
	var b strings.Builder
	b.WriteString("# Configuration reference\n\n")
	b.WriteString("<!-- Generated from internal/spec/kinds.go and schema/qsync.schema.json by\n")
	b.WriteString("     `go generate ./...`; do not edit. -->\n\n")
	b.WriteString("A configuration is one or more YAML files (or directories of them: every `*.yaml` and `*.yml`\n")
	b.WriteString("file directly in the directory, not in subdirectories). Keys are the Qualys API parameter names,\n")
	b.WriteString("so the Qualys documentation stays the reference for what each setting means. `qsync schema`\n")
	b.WriteString("prints the JSON Schema this page is generated from; `qsync validate` checks files against it\n")
	b.WriteString("and against the rules below, offline. See [ownership](ownership.md) for `adopt`, `protect` and\n")
	b.WriteString("`previous_titles`, and [secrets](secrets.md) for secret references.\n\n")
	b.WriteString("## Editors\n\n")
	b.WriteString("The schema's `$id` is a URL editors can fetch: `" + spec.SchemaID + "`\n")
	b.WriteString("(the schema of the main branch). Start each file with the line that `qsync export` writes and the\n")
	b.WriteString("examples carry, and VS Code (Red Hat YAML extension), JetBrains IDEs, Neovim and others complete\n")
	b.WriteString("and check as you type:\n\n")
	b.WriteString("```yaml\n# yaml-language-server: $schema=" + spec.SchemaID + "\n```\n\n")
	b.WriteString("Offline, or to match a given qsync exactly, write that build's schema next to the configuration\n")
	b.WriteString("(`qsync schema > qsync.schema.json`) and point the line at it (`$schema=qsync.schema.json`), or\n")
	b.WriteString("pin a release: replace `main` in the URL by its tag.\n\n")

	b.WriteString("## Top level\n\n| key | description |\n|---|---|\n")
	for _, k := range []string{"version", "owner", "vaults", "records"} {
		fmt.Fprintf(&b, "| `%s` | %s |\n", k, cell(sd.Properties[k].Description))
	}
	b.WriteString("\n## Keys of every record and vault\n\n| key | description |\n|---|---|\n")
	var endpoints []string
	for _, k := range spec.RecordEndpoints() {
		endpoints = append(endpoints, string(k))
	}
	fmt.Fprintf(&b, "| `type` | Records: %s. Vaults: one of the vault types below. |\n", orList(endpoints))
	for _, k := range spec.RecordEndpoints() {
		var subs []string
		for _, d := range spec.RecordKinds() {
			if d.Kind == k && d.Type != "" {
				subs = append(subs, d.Type)
			}
		}
		if len(subs) > 0 {
			variant, _ := spec.VariantKeys(k)
			fmt.Fprintf(&b, "| `%s` | `type: %s` records only: %s (omit for a plain `%s` record). |\n", variant, k, orList(subs), k)
		}
	}
	for _, k := range []string{"title", "previous_titles", "comments", "adopt", "protect", "allow_replace"} {
		fmt.Fprintf(&b, "| `%s` | %s |\n", k, cell(sd.Defs[k].Description))
	}
	fmt.Fprintf(&b, "| `ips` | Records only. %s Compared as address sets. |\n", cell(sd.Defs["ips"].Description))
	b.WriteString("| `login` | Records only. Log in through a vault: `{vault: TITLE, ...}` with the vault type's record parameters (see each vault type). Without `login`, the record uses basic login (`username`, `password`). |\n")
	fmt.Fprintf(&b, "\nSecrets (type `secret` below): %s\n", sd.Defs["secret"].Description)
	b.WriteString("\nColumns: *required* means required when the object is created. *omitted* says what leaving a\n")
	b.WriteString("field out means: a value is the default Qualys documents, and the field is compared with it (an\n")
	b.WriteString("update restores it); *unmanaged* means qsync neither sends nor compares the field, so a setting\n")
	b.WriteString("made in Qualys stays as it is. *Basic login only* fields are ignored with a vault\n")
	b.WriteString("login. *Immutable* fields cannot change in place: changing one replaces the object (delete, then\n")
	b.WriteString("create), which `protect: true` refuses. *Unverified* marks parameter names whose best public\n")
	b.WriteString("source is secondary or none (no Qualys material and no code run against live answers confirms\n")
	b.WriteString("them, `shared/qualys-api/EVIDENCE.md`); `qsync validate` and `qsync plan` name those a\n")
	b.WriteString("configuration uses. The evidence behind each list element name is in\n")
	b.WriteString("[inferred-elements.md](inferred-elements.md).\n")

	b.WriteString("\n## Records\n")
	for _, d := range spec.RecordKinds() {
		head := fmt.Sprintf("`type: %s`", d.Kind)
		if d.Type != "" {
			variant, _ := d.VariantKeys()
			head += fmt.Sprintf(", `%s: %s`", variant, d.Type)
		}
		if d.Opaque != "" {
			fmt.Fprintf(&b, "\n### %s\n\n%s Live records of this kind are listed as opaque (%s).\n", kindTitle(&d), d.Doc, d.Opaque)
			continue
		}
		fmt.Fprintf(&b, "\n### %s\n\n%s In YAML: %s.\n\n", kindTitle(&d), d.Doc, head)
		writeFieldTable(&b, d.Fields)
		if d.ExclusiveGroup != "" {
			fmt.Fprintf(&b, "\nAn IP may belong to only one record of the `%s` group", d.ExclusiveGroup)
			var sharing []string
			for _, o := range spec.RecordKinds() {
				if o.ExclusiveGroup == d.ExclusiveGroup {
					sharing = append(sharing, kindTitle(&o))
				}
			}
			if len(sharing) > 1 {
				fmt.Fprintf(&b, " (%s records share it)", andList(sharing))
			}
			b.WriteString(".\n")
		}
		for _, g := range d.WarnExclusiveGroups {
			fmt.Fprintf(&b, "\nqsync warns when an IP is also in a record of the `%s` group (a secondary source says Qualys refuses it).\n", g)
		}
		for _, g := range d.Exclusive {
			fmt.Fprintf(&b, "\nAt most one of %s.\n", spec.CodeList(g))
		}
		for _, g := range d.Together {
			fmt.Fprintf(&b, "\nSet all or none of %s.\n", spec.CodeList(g))
		}
		for _, c := range d.RequiredWhen {
			fmt.Fprintf(&b, "\n`%s: %s` needs %s.\n", c.Field, c.Value, spec.CodeList(c.Require))
		}
		for _, g := range d.OneOf {
			fmt.Fprintf(&b, "\nExactly one of %s.\n", spec.CodeList(g))
		}
		for _, g := range d.AnyOf {
			fmt.Fprintf(&b, "\nAt least one of %s.\n", spec.CodeList(g))
		}
		for _, c := range d.RequiredWhen {
			fmt.Fprintf(&b, "\n`%s: %s` needs %s.\n", c.Field, c.Value, spec.CodeList(c.Require))
		}
		for _, r := range d.Unique {
			fmt.Fprintf(&b, "\nAcross records: %s.\n", r.Doc())
		}
		if len(d.LoginVaultTypes) > 0 {
			fmt.Fprintf(&b, "\n`login` vault types: %s.\n", spec.CodeList(d.LoginVaultTypes))
		}
		for _, lt := range slices.Sorted(maps.Keys(d.OpaqueLoginTypes)) {
			fmt.Fprintf(&b, "\nA live record with `login_type=%s` is listed as opaque and never changed: %s.\n", lt, d.OpaqueLoginTypes[lt])
		}
	}

	b.WriteString("\n## Vaults\n")
	for _, d := range spec.VaultKinds() {
		fmt.Fprintf(&b, "\n### %s\n\n`type: %s` (Qualys: %s). %s\n\n", d.Type, d.Type, d.QualysType, d.Doc)
		if len(d.Fields) > 0 {
			writeFieldTable(&b, d.Fields)
		} else {
			b.WriteString("No settings qsync knows.\n")
		}
		if d.Unwritable != "" {
			b.WriteString("\nqsync does not create, replace or change the settings of this vault type (" + d.Unwritable +
				"): make it in Qualys, then name it in logins or adopt it (only its comments are written).\n")
		}
		if len(d.LoginParams) > 0 {
			fmt.Fprintf(&b, "\nRecord `login` parameters for a %s vault:\n\n| key | required | description |\n|---|---|---|\n", d.Type)
			for _, p := range d.LoginParams {
				fmt.Fprintf(&b, "| `%s` | %s | %s%s |\n", p.Name, yes(p.Required), cell(p.Doc), unverifiedNote(p))
			}
		}
		for _, g := range d.LoginOneOf {
			fmt.Fprintf(&b, "\nA login needs exactly one of %s.\n", spec.CodeList(g))
		}
		if len(d.LoginVariables) > 0 {
			vars := make([]string, len(d.LoginVariables))
			for i, v := range d.LoginVariables {
				vars[i] = "`${" + v + "}`"
				if kinds := d.LoginVariableKinds[v]; len(kinds) > 0 {
					ks := make([]string, len(kinds))
					for j, k := range kinds {
						ks[j] = string(k)
					}
					vars[i] += " (" + strings.Join(ks, ", ") + " records only)"
				}
			}
			fmt.Fprintf(&b, "\nLogin parameter values may use the variables %s.\n", strings.Join(vars, ", "))
		}
	}
	return []byte(b.String()), nil
}

// kindTitle names a record kind in the reference: "unix", or "unix / cisco" for a sub_type.
func kindTitle(d *spec.KindDef) string {
	if d.Type != "" {
		return string(d.Kind) + " / " + d.Type
	}
	return string(d.Kind)
}

func writeFieldTable(b *strings.Builder, fields []spec.FieldDef) {
	b.WriteString("| key | type | required | omitted | limits | description |\n|---|---|---|---|---|---|\n")
	for _, f := range fields {
		req := yes(f.Required)
		switch {
		case f.Required && len(f.RequiredUnless) > 0:
			req = "yes, unless `" + strings.Join(f.RequiredUnless, "` or `") + "`"
		case f.Required && f.Basic:
			req = "with basic login"
		}
		def := "unmanaged"
		switch {
		case f.Type == spec.TypeSecret:
			def = ""
		case f.OmittedDefault() != "":
			def = "`" + f.Default + "`"
		}
		var notes []string
		if f.Basic && !f.Required {
			notes = append(notes, "Basic login only.")
		}
		if f.Immutable {
			notes = append(notes, "Immutable.")
		}
		if f.ResendOnUpdate {
			notes = append(notes, "Sent on every update.")
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s | %s%s |\n", f.Name, f.Type, req, def, fieldLimits(f),
			cell(strings.Join(append([]string{f.Doc}, notes...), " ")), unverifiedNote(f))
	}
	for _, f := range fields {
		if f.Type != spec.TypeItems {
			continue
		}
		order := "a set: the order of the entries does not matter"
		if f.Ordered {
			order = "an ordered list: Qualys tries the entries in turn, so their order is sent and a reorder is a change"
		}
		fmt.Fprintf(b, "\nEach entry of `%s` (%s; compared by what Qualys lists: types and vault references; "+
			"secrets are write-only, `{env|file}` or `{vault: title, ...}`):\n\n", f.Name, order)
		writeFieldTable(b, f.SubFields)
	}
}

func fieldLimits(f spec.FieldDef) string {
	var l []string
	switch {
	case f.MinLen > 0 && f.MaxLen > 0:
		l = append(l, fmt.Sprintf("%d-%d characters", f.MinLen, f.MaxLen))
	case f.MaxLen > 0:
		l = append(l, fmt.Sprintf("at most %d characters", f.MaxLen))
	}
	if f.Max > 0 {
		l = append(l, fmt.Sprintf("at most %d", f.Max))
	}
	if len(f.Enum) > 0 {
		l = append(l, "one of "+spec.CodeList(f.Enum))
	}
	if f.Format != "" {
		l = append(l, f.Format)
	}
	return strings.Join(l, "; ")
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

func unverifiedNote(f spec.FieldDef) string {
	note := ""
	if f.Unverified {
		note = " *(Unverified.)*"
	}
	if f.Unsendable != "" {
		note += " *Read only: " + f.Unsendable + ".*"
	}
	return note
}

// orList formats items as code joined by commas and a final "or": `a`, `b` or `c`.
func orList(items []string) string { return joinLast(spec.CodeList(items), "or", len(items)) }

// andList formats items as code joined by commas and a final "and".
func andList(items []string) string { return joinLast(spec.CodeList(items), "and", len(items)) }

func joinLast(list, word string, n int) string {
	if n < 2 {
		return list
	}
	i := strings.LastIndex(list, ", ")
	return list[:i] + " " + word + " " + list[i+2:]
}

func cell(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s) }
