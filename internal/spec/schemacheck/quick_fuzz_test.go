package schemacheck

import (
	"cmp"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// FuzzQuickValidNeverAcceptsInvalid: quickValid, the allocation-free pre-check that lets
// validateSchema skip the validator, never accepts a value the validator rejects. The input is a
// YAML file, decoded as Load decodes it, and a schema index. Every value in the file (the
// document, each list item, each field) is checked against the schemas validateSchema asks about
// (the document's, a vault's, a record's and each kind's), against small schemas of one keyword
// each (keywordSchemas), and against one more schema reachable from qsync's, chosen by the index,
// so a field's own schema (a pattern, a length, a format, an integer bound) meets wrong values
// directly and not only through the record that holds it. (Checking all of the several hundred
// reachable schemas per input would make each run a hundred times slower.)
func FuzzQuickValidNeverAcceptsInvalid(f *testing.F) {
	roots, keywords, schemas := fuzzSchemas(f)
	always := slices.Concat(roots, keywords)
	var files [][]byte
	for _, pattern := range []string{"../../../examples/*.yaml", "../load/testdata/invalid/*.yaml"} {
		paths, _ := filepath.Glob(pattern)
		if len(paths) == 0 {
			f.Fatalf("no seed files match %s", pattern)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			files = append(files, b)
		}
	}
	for _, s := range quickFuzzSeeds {
		files = append(files, []byte(s))
	}
	for i, b := range files {
		// Spread the seeds over the reachable schemas.
		f.Add(b, uint16(i*len(schemas)/len(files)))
	}
	f.Fuzz(func(t *testing.T, data []byte, pick uint16) {
		if len(data) > 16<<10 {
			return // large inputs only slow the search down; the values that matter are small
		}
		values := valuesIn(decode(data))
		if len(values) > 2000 {
			return // aliases multiplied the values; they are the same values again
		}
		check := append(always[:len(always):len(always)], schemas[int(pick)%len(schemas)])
		for _, v := range values {
			for _, s := range check {
				if quickValid(quickOf(t, s), v) {
					if err := s.Validate(v); err != nil {
						t.Fatalf("quickValid accepts %#v against %s; the validator says: %v", v, s.Location, err)
					}
				}
			}
		}
	})
}

// quickFuzzSeeds are the edges of what quickValid decides itself: numbers at and past their bounds
// and in other spellings, strings at their length limits (in runes, not bytes) and patterns, formats,
// enums and consts given another type, duplicate list items, closed objects with extra keys, nulls.
var quickFuzzSeeds = []string{
	"version: 1\nowner: secops\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1], username: u, password: {env: P}, database: d, port: 65535}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1], username: u, password: {env: P}, database: d, port: 65536}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1], username: u, password: {env: P}, database: d, port: 0}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1], username: u, password: {env: P}, database: d, port: -1}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1], username: u, password: {env: P}, database: d, port: 3306.0}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1], username: u, password: {env: P}, database: d, port: 0x10}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1], username: u, password: {env: P}, database: d, port: '3306'}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1], username: u, password: {env: P}, database: d, port: 9223372036854775807}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1], username: u, password: {env: P}, database: d, port: 99999999999999999999}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1, 10.0.0.1], username: u, password: {env: P}, database: d}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1, '10.0.0.1'], username: u, password: {env: P}, database: d}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [], username: u, password: {env: P}, database: d}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [1, true, null, [], {}], username: u, password: {env: P}, database: d}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: ' db', ips: [10.0.0.1], username: u, password: {env: P}, database: d}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: 'db ', ips: [10.0.0.1], username: u, password: {env: P}, database: d}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: '', ips: [10.0.0.1], username: u, password: {env: P}, database: d}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: \"a\\tb\", ips: [10.0.0.1], username: u, password: {env: P}, database: d}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: \"\\u00e9\\u00e9\\u00e9\", ips: [10.0.0.1], username: u, password: {env: P}, database: d}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: \"\U0001F600\", ips: [10.0.0.1], username: u, password: {env: ''}, database: d}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1], username: u, password: {env: 1BAD}, database: d}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1], username: u, password: {env: P, file: p}, database: d}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1], username: u, password: {}, database: d}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1], username: u, password: {env: P}, database: d, ssl_verify: 1}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1], username: u, password: {env: P}, database: d, ssl_verify: null}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1], username: u, password: {env: P}, database: d, hosts: ['-bad-', 'a..b', 'ok.example.com']}\n",
	"version: 1\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1], username: u, password: {env: P}, database: d, extra: x}\n",
	"version: 1\nrecords:\n  - {type: unix, sub_type: cisco, title: c, ips: [10.0.0.1], username: u, password: {env: P}, enable_password: {env: E}}\n",
	"version: 1\nrecords:\n  - {type: unix, sub_type: '', title: c, ips: [10.0.0.1], username: u}\n",
	"version: 1\nrecords:\n  - {type: unix, sub_type: 3, title: c, ips: [10.0.0.1], username: u}\n",
	"version: 1\nrecords:\n  - {type: unix, sub_type: checkpoint_firewall, title: c, ips: [10.0.0.1], username: u, skip_password: true}\n",
	"version: 1\nrecords:\n  - {type: windows, title: w, ips: [10.0.0.1], username: u, password: {env: P}, minimum_smb_version: 2}\n",
	"version: 1\nrecords:\n  - {type: windows, title: w, ips: [10.0.0.1], username: u, password: {env: P}, minimum_smb_version: '2.0'}\n",
	"version: 1\nvaults:\n  - {type: hashicorp, title: v, url: 'https://vault.example.com', auth_type: approle, role_id: r, secret_id: {env: S}}\n",
	"version: 1\nvaults:\n  - {type: hashicorp, title: v, url: 'not a uri', auth_type: approle}\n",
	"version: 1\nvaults:\n  - {type: ca_pam, title: v, url: 'https://x', ssl_verify: 2, apikey_name: a, apikey: {env: K}}\n",
	"version: 2\n",
	"version: '1'\n",
	"version: 1.5\n",
	"version: null\nowner: ''\n",
	"[1, 2, 2]\n",
	"null\n",
	"'string'\n",
	"{1: a, b: [x, x]}\n",
	"&a {records: [*a]}\n",
}

// fuzzSchemas returns the compiled schemas validateSchema asks quickValid about (roots), the
// keywordSchemas, and every schema reachable from the roots (roots included), each sorted by
// location.
func fuzzSchemas(tb testing.TB) (roots, keywords, reachable []*jsonschema.Schema) {
	tb.Helper()
	roots, err := testValidator().all()
	if err != nil {
		tb.Fatal(err)
	}
	slices.SortFunc(roots, byLocation)
	seen := map[*jsonschema.Schema]bool{}
	var walk func(s *jsonschema.Schema)
	walk = func(s *jsonschema.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		reachable = append(reachable, s)
		walk(s.Ref)
		walk(s.Not)
		walk(s.If)
		walk(s.Then)
		walk(s.Else)
		walk(s.Items2020)
		walk(s.Contains)
		walk(s.PropertyNames)
		for _, l := range [][]*jsonschema.Schema{s.AllOf, s.AnyOf, s.OneOf, s.PrefixItems} {
			for _, c := range l {
				walk(c)
			}
		}
		for _, c := range s.Properties {
			walk(c)
		}
		if c, ok := s.AdditionalProperties.(*jsonschema.Schema); ok {
			walk(c)
		}
	}
	for _, r := range roots {
		if strings.HasPrefix(r.Location, wholeResource) {
			// The whole schema's definitions are the parts' again, compiled from the same JSON:
			// checking them twice only doubles the time.
			seen[r] = true
			reachable = append(reachable, r)
			continue
		}
		walk(r)
	}
	slices.SortFunc(reachable, byLocation)

	c := newCompiler()
	if err := c.AddResource(keywordsID, strings.NewReader(keywordSchemas)); err != nil {
		tb.Fatal(err)
	}
	var defs struct {
		Defs map[string]any `json:"$defs"`
	}
	if err := json.Unmarshal([]byte(keywordSchemas), &defs); err != nil {
		tb.Fatal(err)
	}
	for _, name := range slices.Sorted(maps.Keys(defs.Defs)) {
		s, err := c.Compile(keywordsID + "#/$defs/" + name)
		if err != nil {
			tb.Fatal(err)
		}
		keywords = append(keywords, s)
	}
	return roots, keywords, reachable
}

func byLocation(a, b *jsonschema.Schema) int { return cmp.Compare(a.Location, b.Location) }

const keywordsID = "https://github.com/qsync/qsync/schema/quick-fuzz-keywords.json"

// keywordSchemas are schemas of one keyword (or a few), mostly without a type. qsync's schema
// always states a type beside a keyword of one type, but quickValid must be right without it too:
// a schema change may drop a type.
const keywordSchemas = `{"$defs": {
	"minimum": {"minimum": 1},
	"maximum": {"maximum": 5},
	"minimum_fraction": {"type": "integer", "minimum": 0.5},
	"range_number": {"type": "number", "minimum": -3, "maximum": 3},
	"min_length": {"minLength": 2},
	"max_length": {"maxLength": 2},
	"pattern": {"pattern": "^[a-z]+$"},
	"format_hostname": {"format": "hostname"},
	"format_uri": {"format": "uri"},
	"format_ipv4": {"format": "ipv4"},
	"enum_mixed": {"enum": [1, "1", true, null, 2.5]},
	"const_number": {"const": 3},
	"const_null": {"const": null},
	"const_list": {"const": [1]},
	"unique": {"uniqueItems": true},
	"items_integer": {"items": {"type": "integer"}},
	"list_bounds": {"minItems": 1, "maxItems": 2},
	"required": {"required": ["a"]},
	"closed": {"properties": {"a": {"type": "string"}}, "additionalProperties": false},
	"property_bounds": {"minProperties": 1, "maxProperties": 1},
	"types": {"type": ["integer", "string", "null"]},
	"ref": {"$ref": "#/$defs/minimum", "maximum": 5},
	"if_type": {"allOf": [{"if": {"properties": {"type": {"const": "a"}}, "required": ["type"]}, "then": {"required": ["x"]}, "else": {"maxProperties": 1}}]},
	"if_not_string": {"if": {"properties": {"k": {"const": "1"}}}, "then": {"required": ["y"]}},
	"false": false,
	"true": true
}}`

// valuesIn returns v and every value nested in it.
func valuesIn(v any) []any {
	out := []any{v}
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			out = append(out, valuesIn(e)...)
		}
	case map[string]any:
		for _, e := range v {
			out = append(out, valuesIn(e)...)
		}
	}
	return out
}

// TestQuickFuzzSeedsReachTheQuickPath keeps the fuzz target honest: its schemas include the
// field-level ones, and its seeds make quickValid say yes as well as no, so neither half of the
// property is vacuous.
func TestQuickFuzzSeedsReachTheQuickPath(t *testing.T) {
	roots, keywords, reachable := fuzzSchemas(t)
	if len(reachable) < 10*len(roots) {
		t.Fatalf("only %d schemas reachable from %d roots", len(reachable), len(roots))
	}
	schemas := slices.Concat(reachable, keywords)
	accepted, rejected := 0, 0
	for _, s := range quickFuzzSeeds {
		for _, v := range valuesIn(decode([]byte(s))) {
			for _, sch := range schemas {
				if quickValid(quickOf(t, sch), v) {
					accepted++
					if err := sch.Validate(v); err != nil {
						t.Errorf("seed %q: quickValid accepts %#v against %s: %v", s, v, sch.Location, err)
					}
				} else if rejected == 0 && sch.Validate(v) != nil {
					rejected++ // one is enough: validating every rejected pair costs seconds
				}
			}
		}
	}
	if accepted == 0 || rejected == 0 {
		t.Errorf("quickValid accepted %d (schema, value) pairs and rejected %d the validator rejects too; want both", accepted, rejected)
	}
}
