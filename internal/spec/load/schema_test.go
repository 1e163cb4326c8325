package load

import (
	"bytes"
	"encoding/json"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/schema"
)

const schemaFile = "../../../schema/qsync.schema.json"

// TestGeneratedFilesUpToDate fails when schema/qsync.schema.json (also as embedded) differs from
// what the tables in kinds.go generate now (internal/spec/gen tests the generated docs). Only
// `go generate ./...` rewrites it; -update does not.
func TestGeneratedFilesUpToDate(t *testing.T) {
	wantSchema, err := spec.GenerateSchema()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		path     string
		want     []byte
		embedded []byte
	}{
		{schemaFile, wantSchema, schema.JSON},
	} {
		got, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, f.want) || (f.embedded != nil && !bytes.Equal(f.embedded, f.want)) {
			t.Errorf("%s is not what internal/spec/kinds.go generates: run `go generate ./...` and commit the result",
				strings.TrimPrefix(f.path, "../../../"))
		}
	}
}

// TestLoadIgnoresStaleEmbeddedSchema: the loader validates against the schema generated from the
// tables, never the embedded file, so a kind added to kinds.go loads before go generate has
// refreshed schema/qsync.schema.json (TestGeneratedFilesUpToDate then names the fix). The proof is
// that no non-test file of spec imports the schema package.
func TestLoadIgnoresStaleEmbeddedSchema(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range file.Imports {
			if imp.Path.Value == `"github.com/qsync/qsync/schema"` {
				t.Errorf("%s imports the embedded schema: validate against GenerateSchema() instead", f)
			}
		}
	}
	if err := schemaValidator.CompileAll(); err != nil {
		t.Fatal(err)
	}
}

type jsonSchema struct {
	Ref                  string                 `json:"$ref"`
	Type                 string                 `json:"type"`
	Required             []string               `json:"required"`
	Properties           map[string]*jsonSchema `json:"properties"`
	AdditionalProperties *bool                  `json:"additionalProperties"`
	Enum                 []string               `json:"enum"`
	MaxLength            int                    `json:"maxLength"`
	Maximum              int                    `json:"maximum"`
	Description          string                 `json:"description"`
	Defs                 map[string]*jsonSchema `json:"$defs"`
}

// TestSchemaMatchesTables: every kind has a closed object schema whose properties are exactly the
// common keys and the kind's fields, typed, limited and documented as the table says.
func TestSchemaMatchesTables(t *testing.T) {
	var root jsonSchema
	if err := json.Unmarshal(schema.JSON, &root); err != nil {
		t.Fatal(err)
	}
	jsonType := map[spec.FieldType]string{spec.TypeString: "string", spec.TypeText: "string", spec.TypeInt: "integer", spec.TypeBool: "boolean",
		spec.TypeEnum: "string", spec.TypeList: "array", spec.TypeSecret: "", spec.TypeItems: "array"}
	for _, d := range spec.Kinds() {
		name, common := "vault_"+d.Type, spec.CommonVaultKeys
		if d.Kind.IsRecord() {
			name, common = "record_"+string(d.Kind), spec.CommonRecordKeys
			if d.Type != "" {
				name += "_" + d.Type
				variant, _ := d.VariantKeys()
				common = append(slices.Clone(common), variant)
			}
		}
		s := root.Defs[name]
		if s == nil {
			t.Errorf("no $defs/%s", name)
			continue
		}
		if s.AdditionalProperties == nil || *s.AdditionalProperties {
			t.Errorf("%s: additionalProperties is not false", name)
		}
		want := slices.Clone(common)
		for _, f := range d.Fields {
			want = append(want, f.Name)
			p := s.Properties[f.Name]
			if p == nil {
				t.Errorf("%s: no property %s", name, f.Name)
				continue
			}
			if p.Type != jsonType[f.Type] || (f.Type == spec.TypeSecret) != (p.Ref == "#/$defs/secret") {
				t.Errorf("%s.%s: type %q ref %q for a %s field", name, f.Name, p.Type, p.Ref, f.Type)
			}
			if f.MaxLen != p.MaxLength && f.Type != spec.TypeSecret {
				t.Errorf("%s.%s: maxLength %d, table says %d", name, f.Name, p.MaxLength, f.MaxLen)
			}
			if f.Max != p.Maximum {
				t.Errorf("%s.%s: maximum %d, table says %d", name, f.Name, p.Maximum, f.Max)
			}
			if !slices.Equal(f.Enum, p.Enum) {
				t.Errorf("%s.%s: enum %v, table says %v", name, f.Name, p.Enum, f.Enum)
			}
			if !strings.HasPrefix(p.Description, f.Doc) {
				t.Errorf("%s.%s: description %q does not start with the table's Doc", name, f.Name, p.Description)
			}
			req := f.Required && f.Default == "" && !f.Basic && len(f.RequiredUnless) == 0
			if slices.Contains(s.Required, f.Name) != req {
				t.Errorf("%s.%s: required in schema = %v, want %v", name, f.Name, !req, req)
			}
		}
		var got []string
		for k := range s.Properties {
			got = append(got, k)
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: properties %v, want %v", name, got, want)
		}
		if d.Kind.IsRecord() {
			login := root.Defs[strings.Replace(name, "record_", "login_", 1)]
			if login == nil {
				t.Errorf("%s: no login schema", name)
				continue
			}
			for _, slug := range d.LoginVaultTypes {
				for _, p := range spec.Lookup(spec.KindVault, slug).LoginParams {
					if login.Properties[p.Name] == nil {
						t.Errorf("%s login: no parameter %s of %s vaults", name, p.Name, slug)
					}
				}
			}
		}
	}
}
