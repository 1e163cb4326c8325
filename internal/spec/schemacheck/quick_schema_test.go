package schemacheck

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/qsync/qsync/schema"
)

// testQuick builds quickSchemas for the compiled schemas the tests compare quickValid against: the
// test validator's parts, the whole schema and keywordSchemas, each read from the same JSON the
// compiler read.
var testQuick = sync.OnceValues(func() (*quickBuilder, error) {
	p, err := testValidator().prepare()
	if err != nil {
		return nil, err
	}
	docs := map[string]any{}
	for k, v := range p.quick.docs {
		docs[k] = v
	}
	for url, text := range map[string][]byte{wholeResource: schema.JSON, keywordsID: []byte(keywordSchemas)} {
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		docs[url] = v
		if id, ok := v.(map[string]any)["$id"].(string); ok {
			docs[id] = v // the compiler names the whole schema's locations after its $id
		}
	}
	return newQuickBuilder(docs), nil
})

var testQuickMu sync.Mutex

// quickOf returns the quickSchema of the compiled schema sch, found by its location.
func quickOf(tb testing.TB, sch *jsonschema.Schema) *quickSchema {
	tb.Helper()
	b, err := testQuick()
	if err != nil {
		tb.Fatal(err)
	}
	testQuickMu.Lock()
	defer testQuickMu.Unlock()
	return b.at(sch.Location)
}

// TestQuickSchemaUncertain: a keyword quickValid does not check, a $ref it cannot follow and a
// bound that is not an integer make the schema uncertain, so the validator decides.
func TestQuickSchemaUncertain(t *testing.T) {
	const id = "https://example.com/s.json"
	for _, text := range []string{
		`{"not": {"type": "string"}}`,
		`{"$ref": "#/$defs/missing"}`,
		`{"minimum": 0.5}`,
		`{"additionalProperties": {"type": "string"}}`,
		`{"pattern": "("}`,
	} {
		dec := json.NewDecoder(strings.NewReader(text))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		s := newQuickBuilder(map[string]any{id: v}).at(id)
		for _, val := range []any{"x", int64(1), []any{"x"}, map[string]any{}} {
			if quickValid(s, val) {
				t.Errorf("%s: quickValid accepts %#v; want uncertain", text, val)
			}
		}
	}
}
