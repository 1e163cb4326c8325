package schema

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/dop251/goja"
)

// ecmaRegExp compiles pattern as the editors do: a JSON Schema pattern is an ECMA-262 regular
// expression, and ajv (which yaml-language-server uses) compiles it with new RegExp(pattern, "u").
// goja is an ECMA-262 engine: Go-only syntax such as (?i:...) is a SyntaxError there, as in a
// browser or Node.
func ecmaRegExp(t *testing.T, pattern string) (func(string) bool, error) {
	t.Helper()
	vm := goja.New()
	if err := vm.Set("pattern", pattern); err != nil {
		t.Fatal(err)
	}
	re, err := vm.RunString(`new RegExp(pattern, "u")`)
	if err != nil {
		return nil, err
	}
	test, ok := goja.AssertFunction(re.ToObject(vm).Get("test"))
	if !ok {
		t.Fatal("RegExp.prototype.test is not a function")
	}
	return func(s string) bool {
		v, err := test(re, vm.ToValue(s))
		if err != nil {
			t.Fatal(err)
		}
		return v.ToBoolean()
	}, nil
}

// schemaPatterns returns every regular expression of a JSON Schema document: the values of
// "pattern" and the keys of "patternProperties", each with the JSON path where it is, sorted by path.
func schemaPatterns(t *testing.T, doc []byte) [][2]string {
	t.Helper()
	var root any
	if err := json.Unmarshal(doc, &root); err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				switch s, isString := x.(string); {
				case k == "pattern" && isString:
					out = append(out, [2]string{path + "/pattern", s})
				case k == "patternProperties":
					if m, ok := x.(map[string]any); ok {
						for p := range m {
							out = append(out, [2]string{path + "/patternProperties", p})
						}
					}
				}
				walk(path+"/"+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path+"/[]", x)
			}
		}
	}
	walk("", root)
	sort.Slice(out, func(i, j int) bool { return out[i][0]+out[i][1] < out[j][0]+out[j][1] })
	return out
}

// TestPatternsAreECMA262: every pattern of every schema qsync publishes (*.schema.json here:
// configuration, plan JSON, policy files) compiles as ECMA-262, so ajv and yaml-language-server
// (VS Code) can use the schemas at all. A Go-only pattern makes them reject the whole schema, and
// then no editor flags any error in any file.
func TestPatternsAreECMA262(t *testing.T) {
	files, _ := filepath.Glob("*.schema.json")
	if len(files) < 2 {
		t.Fatalf("schemas: %v", files)
	}
	for _, name := range files {
		doc, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		pats := schemaPatterns(t, doc)
		if len(pats) == 0 {
			t.Fatalf("%s: found no patterns: the walk is broken", name)
		}
		for _, p := range pats {
			if _, err := ecmaRegExp(t, p[1]); err != nil {
				t.Errorf("%s: %s: %q is not an ECMA-262 regular expression: %v", name, p[0], p[1], err)
			}
		}
	}
}

// TestECMARegExpRefusesGoSyntax: the engine of TestPatternsAreECMA262 does refuse the Go-only
// inline flag the schema once had, so that test can fail.
func TestECMARegExpRefusesGoSyntax(t *testing.T) {
	if _, err := ecmaRegExp(t, `^(?i:http|https)://`); err == nil {
		t.Fatal("(?i:...) compiled as ECMA-262")
	}
}

// TestVaultURLPatternInECMA262: the vault URL pattern, run as JavaScript runs it, accepts both
// schemes in any case and refuses others, as qsync's own check does.
func TestVaultURLPatternInECMA262(t *testing.T) {
	var found bool
	for _, p := range schemaPatterns(t, JSON) {
		if p[1] == "" || p[1][0] != '^' || len(p[1]) < 10 || p[1][:4] != "^(?:" {
			continue
		}
		found = true
		match, err := ecmaRegExp(t, p[1])
		if err != nil {
			t.Fatalf("%s: %v", p[0], err)
		}
		for s, want := range map[string]bool{"https://pam.example": true, "HTTP://pam.example": true, "Https://x": true,
			"ftp://pam.example": false, "pam.example": false, "https:/x": false, "httpss://x": false} {
			if got := match(s); got != want {
				t.Errorf("%s: %q matches %q: %v, want %v", p[0], p[1], s, got, want)
			}
		}
	}
	if !found {
		t.Fatal("no URL scheme pattern in the schema")
	}
}
