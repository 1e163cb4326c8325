package schema

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// ajv runs scripts/ajv-check.js (ajv 8, draft 2020-12, with ajv-formats: what yaml-language-server
// and most JSON Schema tooling use) on schema and data files; it skips the test when node or the
// npm packages ajv and ajv-formats (on NODE_PATH; .ci/run installs them) are not there.
func ajv(t *testing.T, args ...string) (string, int) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found")
	}
	if err := exec.Command(node, "-e", `require.resolve("ajv/dist/2020"); require.resolve("ajv-formats")`).Run(); err != nil {
		t.Skip("npm packages ajv and ajv-formats not on NODE_PATH")
	}
	out, err := exec.Command(node, append([]string{filepath.Join("..", "scripts", "ajv-check.js")}, args...)...).CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	}
	t.Fatalf("ajv-check: %v\n%s", err, out)
	return "", 0
}

// yamlAsJSON writes a YAML configuration file as JSON into dir, as an editor hands it to ajv.
func yamlAsJSON(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name+".json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAjvCompilesSchemaAndFlagsVaultTypos: ajv compiles qsync.schema.json, finds every example
// file valid, and flags a typo in a vault file (an unknown key and a URL with a scheme Qualys does
// not take): what a user of VS Code sees while editing.
func TestAjvCompilesSchemaAndFlagsVaultTypos(t *testing.T) {
	dir := t.TempDir()
	examples, _ := filepath.Glob(filepath.Join("..", "examples", "*.yaml"))
	if len(examples) == 0 {
		t.Fatal("no examples")
	}
	var valid []string
	for _, f := range examples {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		valid = append(valid, yamlAsJSON(t, dir, strings.TrimSuffix(filepath.Base(f), ".yaml"), b))
	}
	if out, code := ajv(t, append([]string{"qsync.schema.json"}, valid...)...); code != 0 {
		t.Fatalf("ajv on the examples: exit %d\n%s", code, out)
	}

	vaults, err := os.ReadFile(filepath.Join("..", "examples", "vaults.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, from, to, want string }{
		{"typo_in_key", "    apikey_name: qualys-scanner\n", "    apikey_nme: qualys-scanner\n", "apikey_nme"},
		{"url_scheme", "    url: https://capam.example.com:8443\n", "    url: ftp://capam.example.com:8443\n", "/vaults/0/url: must match pattern"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := string(vaults)
			if !strings.Contains(s, tc.from) {
				t.Fatalf("examples/vaults.yaml has no line %q", tc.from)
			}
			bad := yamlAsJSON(t, dir, "vaults_"+tc.name, []byte(strings.Replace(s, tc.from, tc.to, 1)))
			out, code := ajv(t, "qsync.schema.json", bad)
			if code != 1 || !strings.Contains(out, tc.want) {
				t.Fatalf("ajv on a vault file with %s: exit %d, want 1 and %q in:\n%s", tc.name, code, tc.want, out)
			}
		})
	}
}
