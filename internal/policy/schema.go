package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/qsync/qsync/internal/spec"
)

// SchemaID is the $id of the policy file schema.
const SchemaID = "https://raw.githubusercontent.com/qsync/qsync/main/schema/policy.schema.json"

// Rule name syntax: printed with every violation and used in fixtures, so kept plain.
const namePattern = `^[a-z0-9][a-z0-9_.-]{0,99}$`

// Schema returns the JSON Schema (draft 2020-12) of policy files, indented: `qsync schema --policy`.
// The kinds a rule may name come from spec's kind tables; the built-in rule names from Builtins.
func Schema() []byte {
	severity := map[string]any{"enum": []string{"error", "warning"},
		"description": "error (default) fails plan and apply; warning is shown"}
	kinds := map[string]any{"type": "array", "uniqueItems": true, "minItems": 1,
		"description": "the kinds the rule applies to (vault or a record kind); every kind when absent",
		"items":       map[string]any{"enum": spec.KindNames()}}
	var names []string
	for _, b := range Builtins() {
		names = append(names, b.Name)
	}
	s := map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  SchemaID,
		"title":                "qsync policy file",
		"description":          "Rules every qsync plan is checked against (docs/policy.md).",
		"type":                 "object",
		"additionalProperties": false,
		"required":             []string{"version", "rules"},
		"properties": map[string]any{
			"version": map[string]any{"const": 1},
			"rules": map[string]any{"type": "array", "items": map[string]any{"oneOf": []any{
				map[string]any{
					"type": "object", "additionalProperties": false, "required": []string{"name", "expression"},
					"properties": map[string]any{
						"name":        map[string]any{"type": "string", "pattern": namePattern, "description": "unique; printed with every violation"},
						"description": map[string]any{"type": "string", "maxLength": 2000},
						"severity":    severity,
						"kinds":       kinds,
						"level": map[string]any{"enum": []string{"object", "plan"},
							"description": "object (default): checked on every configured object and every object the plan deletes; plan: checked once per plan, on counts"},
						"expression": map[string]any{"type": "string", "minLength": 1, "maxLength": 10000,
							"description": "CEL; must evaluate to true"},
						"message": map[string]any{"type": "string", "maxLength": 2000,
							"description": "printed when the expression is false (default: the description)"},
					},
				},
				map[string]any{
					"type": "object", "additionalProperties": false, "required": []string{"builtin"},
					"properties": map[string]any{
						"builtin":  map[string]any{"enum": names, "description": "a built-in rule (docs/policy.md)"},
						"severity": severity,
					},
				},
			}}},
		},
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		panic(err) // plain maps and strings
	}
	return append(b, '\n')
}

var (
	compiled     *jsonschema.Schema
	compileOnce  sync.Once
	compileError error
)

// schema returns the compiled policy file schema.
func schema() (*jsonschema.Schema, error) {
	compileOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.Draft = jsonschema.Draft2020
		c.LoadURL = func(u string) (io.ReadCloser, error) {
			return nil, fmt.Errorf("policy schema: refusing to load %s", u)
		}
		if err := c.AddResource(SchemaID, bytes.NewReader(Schema())); err != nil {
			compileError = err
			return
		}
		compiled, compileError = c.Compile(SchemaID)
	})
	return compiled, compileError
}

// schemaErrors flattens a validation error into its leaf causes: (instance pointer, message).
func schemaErrors(err error) [][2]string {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return [][2]string{{"", err.Error()}}
	}
	var out [][2]string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, [2]string{e.InstanceLocation, e.Message})
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	// A oneOf failure lists the causes of every branch; keep the deepest location's ones, which
	// name the key that is wrong rather than "does not match any branch".
	deepest := 0
	for _, o := range out {
		deepest = max(deepest, strings.Count(o[0], "/"))
	}
	var keep [][2]string
	for _, o := range out {
		if strings.Count(o[0], "/") == deepest && !slices.Contains(keep, o) {
			keep = append(keep, o)
		}
	}
	return keep
}
