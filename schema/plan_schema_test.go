package schema_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/schema"
)

func compilePlanSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.LoadURL = func(u string) (io.ReadCloser, error) { return nil, fmt.Errorf("refusing to load %s", u) }
	if err := c.AddResource("plan.schema.json", bytes.NewReader(schema.PlanJSON)); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("plan.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// planGoldens returns every plan JSON file under the repository's testdata directories: the
// files whose top-level object has format_version.
func planGoldens(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir("..", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || filepath.Ext(p) != ".json" || !strings.Contains(filepath.ToSlash(p), "/testdata/") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var top map[string]json.RawMessage
		if json.Unmarshal(b, &top) == nil && top["format_version"] != nil && top["steps"] != nil {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func decode(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestPlanGoldensMatchPlanSchema: every plan JSON golden is valid against plan.schema.json, so the
// schema documents what qsync writes; and the schema refuses a field it does not know.
func TestPlanGoldensMatchPlanSchema(t *testing.T) {
	s := compilePlanSchema(t)
	files := planGoldens(t)
	if len(files) < 10 {
		t.Fatalf("found %d plan goldens: the walk is broken", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(decode(t, b)); err != nil {
			t.Errorf("%s: %#v", f, err)
		}
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	extra := bytes.Replace(b, []byte(`"owner":`), []byte(`"ownr": "x", "owner":`), 1)
	if err := s.Validate(decode(t, extra)); err == nil {
		t.Fatal("the plan schema accepts an unknown field")
	}
}

// TestPlanSchemaVersion: the schema is the one of the format qsync writes.
func TestPlanSchemaVersion(t *testing.T) {
	var doc struct {
		Title      string `json:"title"`
		Properties struct {
			FormatVersion struct {
				Const int `json:"const"`
			} `json:"format_version"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(schema.PlanJSON, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Properties.FormatVersion.Const != plan.FormatVersion || !strings.HasSuffix(doc.Title, fmt.Sprintf("format_version %d", plan.FormatVersion)) {
		t.Fatalf("plan.schema.json describes format_version %d (%q); qsync writes %d: update the schema and docs/plan-json.md",
			doc.Properties.FormatVersion.Const, doc.Title, plan.FormatVersion)
	}
}

// TestPlanSchemaNamesEveryField: every JSON field of plan.Plan (and the types it holds) is a
// property of the matching schema object, and every property is a field, so a field no golden
// shows cannot be left out of the schema.
func TestPlanSchemaNamesEveryField(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(schema.PlanJSON, &doc); err != nil {
		t.Fatal(err)
	}
	defs := doc["$defs"].(map[string]any)
	resolve := func(s map[string]any) map[string]any {
		for {
			ref, ok := s["$ref"].(string)
			if !ok {
				return s
			}
			s = defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		}
	}
	var check func(path string, typ reflect.Type, s map[string]any)
	check = func(path string, typ reflect.Type, s map[string]any) {
		s = resolve(s)
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		switch typ.Kind() {
		case reflect.Slice:
			if items, ok := s["items"].(map[string]any); ok {
				check(path+"[]", typ.Elem(), items)
			} else {
				t.Errorf("%s: a list in Go, no items in the schema", path)
			}
		case reflect.Map:
			if ap, ok := s["additionalProperties"].(map[string]any); ok {
				check(path+"{}", typ.Elem(), ap)
			} else {
				t.Errorf("%s: a map in Go, no additionalProperties schema", path)
			}
		case reflect.Struct:
			props, _ := s["properties"].(map[string]any)
			seen := map[string]bool{}
			for i := 0; i < typ.NumField(); i++ {
				f := typ.Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if name == "-" || !f.IsExported() {
					continue
				}
				if name == "" {
					name = f.Name
				}
				seen[name] = true
				ps, ok := props[name].(map[string]any)
				if !ok {
					t.Errorf("%s.%s: written by qsync, missing from plan.schema.json", path, name)
					continue
				}
				check(path+"."+name, f.Type, ps)
			}
			var extra []string
			for name := range props {
				if !seen[name] {
					extra = append(extra, name)
				}
			}
			sort.Strings(extra)
			for _, name := range extra {
				t.Errorf("%s.%s: in plan.schema.json, not written by qsync", path, name)
			}
		}
	}
	check("plan", reflect.TypeOf(plan.Plan{}), doc)
}

// TestPlanSchemaDocumented: docs/plan-json.md names every property of the plan schema and the
// format version the schema describes.
func TestPlanSchemaDocumented(t *testing.T) {
	docs, err := os.ReadFile(filepath.Join("..", "docs", "plan-json.md"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(schema.PlanJSON, &doc); err != nil {
		t.Fatal(err)
	}
	var names []string
	var collect func(v any)
	collect = func(v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		if props, ok := m["properties"].(map[string]any); ok {
			for name, p := range props {
				names = append(names, name)
				collect(p)
			}
		}
		for _, k := range []string{"items", "additionalProperties"} {
			collect(m[k])
		}
		if defs, ok := m["$defs"].(map[string]any); ok {
			for _, d := range defs {
				collect(d)
			}
		}
	}
	collect(doc)
	sort.Strings(names)
	for _, name := range names {
		if !bytes.Contains(docs, []byte("`"+name+"`")) {
			t.Errorf("docs/plan-json.md does not document the plan field %s", name)
		}
	}
	if !bytes.Contains(docs, []byte(fmt.Sprintf("(this document: **%d**)", plan.FormatVersion))) {
		t.Errorf("docs/plan-json.md does not say it documents format_version %d", plan.FormatVersion)
	}
}
