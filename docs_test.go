package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/schema"
)

// configReference is the generated configuration reference the README links to.
const configReference = "docs/configuration.md"

// TestConfigurationReference fails when docs/configuration.md differs from what the descriptor
// tables (internal/spec/kinds.go) and the JSON Schema say; `go test -run TestConfigurationReference
// -update .` rewrites it.
func TestConfigurationReference(t *testing.T) {
	got, err := renderConfigReference()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(configReference, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(configReference)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: run go test -run TestConfigurationReference -update .", configReference)
	}
}

// schemaDoc is the part of the JSON Schema the reference reads: descriptions of the top-level keys
// and of the keys every object shares.
type schemaDoc struct {
	Properties map[string]struct {
		Description string `json:"description"`
	} `json:"properties"`
	Defs map[string]struct {
		Description string `json:"description"`
	} `json:"$defs"`
}

func renderConfigReference() ([]byte, error) {
	var sd schemaDoc
	if err := json.Unmarshal(schema.JSON, &sd); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	var b strings.Builder
	b.WriteString("# Configuration reference\n\n")
	b.WriteString("<!-- Generated from internal/spec/kinds.go and schema/qsync.schema.json by\n")
	b.WriteString("     `go test -run TestConfigurationReference -update .`; do not edit. -->\n\n")
	b.WriteString("A configuration is one or more YAML files (or directories of them: every `*.yaml` and `*.yml`\n")
	b.WriteString("file directly in the directory, not in subdirectories). Keys are the Qualys API parameter names,\n")
	b.WriteString("so the Qualys documentation stays the reference for what each setting means. `qsync schema`\n")
	b.WriteString("prints the JSON Schema this page is generated from; `qsync validate` checks files against it\n")
	b.WriteString("and against the rules below, offline. See [ownership](ownership.md) for `adopt`, `protect` and\n")
	b.WriteString("`previous_titles`, and [secrets](secrets.md) for secret references.\n\n")

	b.WriteString("## Top level\n\n| key | description |\n|---|---|\n")
	for _, k := range []string{"version", "owner", "vaults", "records"} {
		fmt.Fprintf(&b, "| `%s` | %s |\n", k, cell(sd.Properties[k].Description))
	}
	b.WriteString("\n## Keys of every record and vault\n\n| key | description |\n|---|---|\n")
	b.WriteString("| `type` | Records: `mysql`, `unix` or `windows`. Vaults: one of the vault types below. |\n")
	b.WriteString("| `sub_type` | Unix records only: `cisco` or `checkpoint_firewall` (omit for a plain Unix record). |\n")
	for _, k := range []string{"title", "previous_titles", "comments", "adopt", "protect"} {
		fmt.Fprintf(&b, "| `%s` | %s |\n", k, cell(sd.Defs[k].Description))
	}
	fmt.Fprintf(&b, "| `ips` | Records only. %s Compared as address sets. |\n", cell(sd.Defs["ips"].Description))
	b.WriteString("| `login` | Records only. Log in through a vault: `{vault: TITLE, ...}` with the vault type's record parameters (see each vault type). Without `login`, the record uses basic login (`username`, `password`). |\n")
	fmt.Fprintf(&b, "\nSecrets (type `secret` below): %s\n", sd.Defs["secret"].Description)
	b.WriteString("\nColumns: *required* means required when the object is created; a field with a default may be\n")
	b.WriteString("omitted and then equals the Qualys default. *Basic login only* fields are ignored with a vault\n")
	b.WriteString("login. *Immutable* fields cannot change in place: changing one replaces the object (delete, then\n")
	b.WriteString("create), which `protect: true` refuses. *Unverified* marks parameter names the public Qualys\n")
	b.WriteString("documentation does not confirm.\n")

	b.WriteString("\n## Records\n")
	for _, d := range spec.RecordKinds() {
		name := string(d.Kind)
		head := fmt.Sprintf("`type: %s`", d.Kind)
		if d.Type != "" {
			name += " / " + d.Type
			head += fmt.Sprintf(", `sub_type: %s`", d.Type)
		}
		fmt.Fprintf(&b, "\n### %s\n\n%s In YAML: %s.\n\n", name, d.Doc, head)
		writeFieldTable(&b, d.Fields)
		if d.ExclusiveGroup != "" {
			fmt.Fprintf(&b, "\nAn IP may belong to only one record of the `%s` group", d.ExclusiveGroup)
			if d.ExclusiveGroup == "unix" {
				b.WriteString(" (Unix, Cisco and Check Point records share it)")
			}
			b.WriteString(".\n")
		}
		for _, g := range d.Exclusive {
			fmt.Fprintf(&b, "\nAt most one of %s.\n", codeList(g))
		}
		for _, g := range d.OneOf {
			fmt.Fprintf(&b, "\nExactly one of %s.\n", codeList(g))
		}
		if len(d.LoginVaultTypes) > 0 {
			fmt.Fprintf(&b, "\n`login` vault types: %s.\n", codeList(d.LoginVaultTypes))
		}
	}

	b.WriteString("\n## Vaults\n")
	for _, d := range spec.VaultKinds() {
		fmt.Fprintf(&b, "\n### %s\n\n`type: %s` (Qualys: %s). %s\n\n", d.Type, d.Type, d.QualysType, d.Doc)
		if len(d.Fields) > 0 {
			writeFieldTable(&b, d.Fields)
		} else {
			b.WriteString("No settings qsync knows: declare it with `title` and `type` (and `comments`), or manage it in Qualys and name it in logins.\n")
		}
		if len(d.LoginParams) > 0 {
			fmt.Fprintf(&b, "\nRecord `login` parameters for a %s vault:\n\n| key | required | description |\n|---|---|---|\n", d.Type)
			for _, p := range d.LoginParams {
				fmt.Fprintf(&b, "| `%s` | %s | %s%s |\n", p.Name, yes(p.Required), cell(p.Doc), unverified(p))
			}
		}
		for _, g := range d.LoginOneOf {
			fmt.Fprintf(&b, "\nA login needs exactly one of %s.\n", codeList(g))
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

func writeFieldTable(b *strings.Builder, fields []spec.FieldDef) {
	b.WriteString("| key | type | required | default | limits | description |\n|---|---|---|---|---|---|\n")
	for _, f := range fields {
		req := yes(f.Required)
		switch {
		case f.Required && f.RequiredUnless != "":
			req = "yes, unless `" + f.RequiredUnless + "`"
		case f.Required && f.Basic:
			req = "with basic login"
		}
		def := ""
		if f.Default != "" {
			def = "`" + f.Default + "`"
		}
		var notes []string
		if f.Basic && !f.Required {
			notes = append(notes, "Basic login only.")
		}
		if f.Immutable {
			notes = append(notes, "Immutable.")
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s | %s%s |\n", f.Name, f.Type, req, def, limits(f),
			cell(strings.Join(append([]string{f.Doc}, notes...), " ")), unverified(f))
	}
}

func limits(f spec.FieldDef) string {
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
		l = append(l, "one of "+codeList(f.Enum))
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

func unverified(f spec.FieldDef) string {
	if f.Unverified {
		return " *(Unverified.)*"
	}
	return ""
}

func codeList(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = "`" + s + "`"
	}
	return strings.Join(out, ", ")
}

func cell(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s) }

// TestDocsMatchCLI checks the hand-written docs against the CLI: every flag of qsync emulator and
// qsync export is documented, every exit code constant is, and every Qualys error code the
// emulator documents has a troubleshooting entry.
func TestDocsMatchCLI(t *testing.T) {
	read := func(path string) string {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	flagRE := regexp.MustCompile(`--[a-z][a-z-]+`)
	for cmd, doc := range map[string]string{"emulator": "docs/emulator.md", "export": "docs/ownership.md"} {
		var out, errOut bytes.Buffer
		if code := run([]string{cmd, "--help"}, &Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}); code != 0 {
			t.Fatalf("qsync %s --help: exit %d: %s", cmd, code, errOut.String())
		}
		text := read(doc)
		for _, f := range flagRE.FindAllString(out.String(), -1) {
			if slices.Contains([]string{"--help", "--api-url", "--platform", "--ca-bundle", "--debug-http", "--no-color", "--version"}, f) {
				continue
			}
			if !strings.Contains(text, f) {
				t.Errorf("%s does not document qsync %s %s", doc, cmd, f)
			}
		}
	}
	codes := read("docs/exit-codes.md")
	for _, c := range []int{exitOK, exitError, exitChanges, exitPartial} {
		if !strings.Contains(codes, fmt.Sprintf("| %d |", c)) {
			t.Errorf("docs/exit-codes.md does not document exit code %d", c)
		}
	}
	trouble := read("docs/troubleshooting.md")
	for _, c := range []string{"1901", "1903", "1904", "1905", "1907", "1908", "1960", "1965", "2000", "2003", "2011"} {
		if !strings.Contains(trouble, "## "+c) {
			t.Errorf("docs/troubleshooting.md has no section for Qualys error %s", c)
		}
	}
}
