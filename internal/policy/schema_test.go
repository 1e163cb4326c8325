package policy

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite schema/policy.schema.json from Schema()")

// schemaFile is the committed copy of the policy file schema that editors reference by URL (the
// example policy's yaml-language-server line); `qsync schema --policy` prints the same.
const schemaFile = "../../schema/policy.schema.json"

// TestSchemaFile: the committed schema is Schema() (go test ./internal/policy -run TestSchemaFile
// -update rewrites it).
func TestSchemaFile(t *testing.T) {
	if *update {
		if err := os.WriteFile(schemaFile, Schema(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, Schema()) {
		t.Fatalf("%s differs from policy.Schema(): run go test ./internal/policy -run TestSchemaFile -update and review the diff", schemaFile)
	}
}

// TestSchemaRejects: the schema refuses what would silently weaken a policy: an unknown key (a
// typo such as "severty"), an unknown kind, a built-in rule that does not exist.
func TestSchemaRejects(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"unknown key":     "version: 1\nrules:\n  - name: r\n    severty: warning\n    expression: 'true'\n",
		"unknown kind":    "version: 1\nrules:\n  - name: r\n    kinds: [mysqll]\n    expression: 'true'\n",
		"unknown builtin": "version: 1\nrules:\n  - builtin: no-deletes-at-all\n",
		"no version":      "rules: []\n",
		"bad name":        "version: 1\nrules:\n  - name: 'Has Spaces'\n    expression: 'true'\n",
	} {
		p := write(t, dir, "p.yaml", text)
		if _, diags := Load(p); !diags.HasErrors() {
			t.Errorf("%s: loaded without error", name)
		}
	}
}
