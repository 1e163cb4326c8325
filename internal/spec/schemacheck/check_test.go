package schemacheck

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec/yamltree"
	"github.com/qsync/qsync/schema"
)

// testValidator validates against the embedded schema, which internal/spec's
// TestGeneratedFilesUpToDate keeps equal to what the kind tables generate.
func testValidator() *Validator {
	return New(func() ([]byte, error) { return schema.JSON, nil })
}

// decode decodes a YAML file as the loader does.
func decode(data []byte) any {
	f, _ := yamltree.Parse(data, 16<<20)
	return f.Value
}

// testInputs returns the examples and the loader's invalid golden inputs.
func testInputs(tb testing.TB) [][]byte {
	tb.Helper()
	var inputs [][]byte
	for _, pattern := range []string{"../../../examples/*.yaml", "../load/testdata/invalid/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		if len(files) == 0 {
			tb.Fatalf("no files match %s", pattern)
		}
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				tb.Fatal(err)
			}
			inputs = append(inputs, b)
		}
	}
	return inputs
}

// TestValidateMatchesWhole: validating a file in parts (the document, each vault, each record
// against its own kind, each part compiled from its own copy of the schema) reports exactly what
// validating it against the whole schema reports.
func TestValidateMatchesWhole(t *testing.T) {
	v := testValidator()
	s, err := v.prepare()
	if err != nil {
		t.Fatal(err)
	}
	whole, err := s.whole.get()
	if err != nil {
		t.Fatal(err)
	}
	// records that select no kind, or one only by part of their type and sub_type
	inputs := append(testInputs(t), []byte(`version: 1
records:
  - {type: unix, sub_type: "", title: a, ips: [10.0.0.1], username: u}
  - {type: unix, sub_type: 1, title: a, ips: [10.0.0.1]}
  - {type: unix, sub_type: nope, title: a}
  - {type: unix, sub_type: cisco, title: a, ips: [10.0.0.1], username: u, port: x}
  - {type: mysql, sub_type: cisco, title: " a", ips: [], username: u, database: d, port: 3306}
  - {type: ms_sql, provider_name: nope, title: a}
  - {type: vault, title: a}
  - {type: [unix], title: a}
  - {title: a}
  - [type, unix]
  - null
vaults: [{type: unix}, {type: ca_pam, title: x, url: 1}, 3]
`), []byte("[1, 2]\n"))
	for _, in := range inputs {
		doc := decode(in)
		if doc == nil {
			continue
		}
		ps, err := v.Validate(doc, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		got, want := problemLines(ps), problemLines(problems("", whole.Validate(doc)))
		if !slices.Equal(got, want) {
			t.Errorf("validating in parts differs from the whole schema for\n%s\ngot:\n%s\nwant:\n%s",
				in, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestValidateCompilesOnlyWhatTheDocumentNeeds: a valid document of a vault and mysql records
// compiles nothing (quickValid accepts it from the schema's JSON, the vault through its type's
// if/then branch); one with a wrong mysql record compiles the
// mysql branch for its messages, not the whole schema nor the other parts.
func TestValidateCompilesOnlyWhatTheDocumentNeeds(t *testing.T) {
	const doc = `version: 1
owner: x
vaults:
  - {type: ca_pam, title: v, url: "https://pam.example.com:8443", apikey_name: n, apikey: {env: K}, ssl_verify: true}
records:
  - {type: mysql, title: a, ips: [10.0.0.1], username: u, password: {env: P}, database: d, port: %s}
`
	compiled := func(l *lazySchema) bool { return l.schema != nil }
	v := testValidator()
	if ps, err := v.Validate(decode(fmt.Appendf(nil, doc, "3306")), 10); err != nil || len(ps) > 0 {
		t.Fatalf("Validate = %v, %v; want no problems", ps, err)
	}
	s, _ := v.prepare()
	parts := []*lazySchema{&s.whole, &s.top, &s.vault, &s.record, &s.recordShell}
	for _, k := range s.kinds {
		parts = append(parts, k)
	}
	if slices.ContainsFunc(parts, compiled) {
		t.Error("a valid document compiled a part of the schema")
	}

	v = testValidator()
	if ps, err := v.Validate(decode(fmt.Appendf(nil, doc, "x")), 10); err != nil || len(ps) != 1 || ps[0].Path != "records/0/port" {
		t.Fatalf("Validate = %v, %v; want one problem at records/0/port", ps, err)
	}
	s, _ = v.prepare()
	if !compiled(s.kinds[kindSel{typ: "mysql"}]) {
		t.Error("the mysql branch was not compiled for the wrong record")
	}
	if compiled(&s.whole) || compiled(&s.top) || compiled(&s.record) || compiled(&s.vault) || compiled(s.kinds[kindSel{typ: "unix"}]) {
		t.Error("parts the document does not need were compiled")
	}
}

// problemLines returns the distinct problems, sorted, one string each.
func problemLines(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Path+": "+p.Message)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestQuickValidNeverHidesErrors: whatever quickValid accepts, the validator accepts too, for every
// vault and record of the examples and golden inputs against every schema they may be checked with.
func TestQuickValidNeverHidesErrors(t *testing.T) {
	schemas, err := testValidator().all()
	if err != nil {
		t.Fatal(err)
	}
	accepted := 0
	for _, b := range testInputs(t) {
		doc := decode(b)
		root, _ := doc.(map[string]any)
		var values []any
		for _, list := range []string{"vaults", "records"} {
			items, _ := root[list].([]any)
			values = append(values, items...)
		}
		for _, v := range append(values, doc) {
			for _, sch := range schemas {
				if !quickValid(quickOf(t, sch), v) {
					continue
				}
				accepted++
				if err := sch.Validate(v); err != nil {
					t.Errorf("quickValid accepts %v against %s, the validator says: %v", v, sch.Location, err)
				}
			}
		}
	}
	if accepted == 0 {
		t.Error("quickValid accepted nothing")
	}
}

// TestSchemaLoaderRefusesNetwork: a $ref to a URL is never fetched.
func TestSchemaLoaderRefusesNetwork(t *testing.T) {
	c := newCompiler()
	if err := c.AddResource("mem:///s.json", strings.NewReader(`{"$ref": "https://example.com/evil.json"}`)); err != nil {
		t.Fatal(err)
	}
	_, err := c.Compile("mem:///s.json")
	if err == nil || !strings.Contains(err.Error(), "refusing to load https://example.com/evil.json") {
		t.Errorf("Compile = %v, want a refusal", err)
	}
	if err := testValidator().CompileAll(); err != nil {
		t.Errorf("embedded schema: %v", err)
	}
}
