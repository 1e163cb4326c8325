package spec

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// TestValidateSchemaMatchesWhole: validating a file in parts (the document, each vault, each record
// against its own kind) reports exactly what validating it against the whole schema reports.
func TestValidateSchemaMatchesWhole(t *testing.T) {
	s, err := compiled()
	if err != nil {
		t.Fatal(err)
	}
	var inputs [][]byte
	for _, pattern := range []string{"../../examples/*.yaml", "testdata/invalid/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		if len(files) == 0 {
			t.Fatalf("no files match %s", pattern)
		}
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, b)
		}
	}
	// records that select no kind, or one only by part of their type and sub_type
	inputs = append(inputs, []byte(`version: 1
records:
  - {type: unix, sub_type: "", title: a, ips: [10.0.0.1], username: u}
  - {type: unix, sub_type: 1, title: a, ips: [10.0.0.1]}
  - {type: unix, sub_type: nope, title: a}
  - {type: unix, sub_type: cisco, title: a, ips: [10.0.0.1], username: u, port: x}
  - {type: mysql, sub_type: cisco, title: " a", ips: [], username: u, database: d, port: 3306}
  - {type: vault, title: a}
  - {type: [unix], title: a}
  - {title: a}
  - [type, unix]
  - null
vaults: [{type: unix}, {type: ca_pam, title: x, url: 1}, 3]
`))
	for _, in := range inputs {
		f, _ := parseYAML("in.yaml", ".", in)
		if f.value == nil {
			continue
		}
		got := diagLines(validateSchema(f))
		want := diagLines(schemaErrors(f, "", s.whole.Validate(f.value)))
		if !slices.Equal(got, want) {
			t.Errorf("validating in parts differs from the whole schema for\n%s\ngot:\n%s\nwant:\n%s",
				in, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// diagLines returns the distinct diagnostics, sorted, one string each.
func diagLines(ds Diagnostics) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestQuickValidNeverHidesErrors: whatever quickValid accepts, the validator accepts too, for every
// vault and record of the examples and golden inputs against every schema they may be checked with.
func TestQuickValidNeverHidesErrors(t *testing.T) {
	s, err := compiled()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/invalid/*.yaml")
	examples, _ := filepath.Glob("../../examples/*.yaml")
	if len(files) == 0 || len(examples) == 0 {
		t.Fatalf("inputs missing: %d invalid files, %d examples", len(files), len(examples))
	}
	accepted := 0
	for _, p := range append(files, examples...) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := parseYAML(p, ".", b)
		root, _ := f.value.(map[string]any)
		var values []any
		for _, list := range []string{"vaults", "records"} {
			items, _ := root[list].([]any)
			values = append(values, items...)
		}
		schemas := []*jsonschema.Schema{s.whole, s.top, s.vault, s.record, s.recordShell}
		for _, k := range s.kinds {
			schemas = append(schemas, k)
		}
		for _, v := range append(values, f.value) {
			for _, sch := range schemas {
				if !quickValid(sch, v) {
					continue
				}
				accepted++
				if err := sch.Validate(v); err != nil {
					t.Errorf("%s: quickValid accepts %v against %s, the validator says: %v", p, v, sch.Location, err)
				}
			}
		}
	}
	if accepted == 0 {
		t.Error("quickValid accepted nothing")
	}
}
