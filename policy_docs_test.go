package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/policy"
)

// TestPolicyDocs checks docs/policy.md against the code: every built-in rule is documented with
// its exact expression, every CEL variable is, and every flag of qsync policy test is.
func TestPolicyDocs(t *testing.T) {
	b, err := os.ReadFile("docs/policy.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.ReplaceAll(string(b), `\|`, "|")
	for _, r := range policy.Builtins() {
		if !strings.Contains(doc, "| `"+r.Name+"` | "+r.Level) {
			t.Errorf("docs/policy.md has no table row for built-in rule %s", r.Name)
		}
		if !strings.Contains(doc, "`"+r.Expression+"`") {
			t.Errorf("docs/policy.md does not show the expression of %s: %s", r.Name, r.Expression)
		}
	}
	for _, v := range []string{"object", "live", "action", "kind", "owner", "vaults", "counts", "totals"} {
		if !strings.Contains(doc, "| `"+v+"` |") {
			t.Errorf("docs/policy.md does not document the variable %s", v)
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"policy", "test", "--help"}, &Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}); code != 0 {
		t.Fatalf("qsync policy test --help: exit %d: %s", code, errOut.String())
	}
	flags := regexp.MustCompile(`--[a-z][a-z-]+`).FindAllString(out.String(), -1)
	for _, f := range append(flags, "--base") {
		if !slices.Contains(globalFlags, f) && !strings.Contains(doc, f) {
			t.Errorf("docs/policy.md does not document %s", f)
		}
	}
}

// globalFlags are documented in the README, not per command.
var globalFlags = []string{"--help", "--api-url", "--platform", "--ca-bundle", "--debug-http", "--no-color", "--version", "--max-wait"}

// TestPolicyDocsExamplesLoad: every policy example in docs/policy.md (a whole file, or a list of
// rules) loads: it is valid against the schema and every expression compiles.
func TestPolicyDocsExamplesLoad(t *testing.T) {
	b, err := os.ReadFile("docs/policy.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(b), -1)
	n := 0
	for i, m := range blocks {
		text := m[1]
		switch {
		case strings.Contains(text, "\nrules:\n"):
		case strings.HasPrefix(text, "  - name:"):
			text = "version: 1\nrules:\n" + text
		default:
			continue // not a policy (a fixture's expect.yaml)
		}
		n++
		path := filepath.Join(t.TempDir(), "example.yaml")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, diags := policy.Load(path); diags.HasErrors() {
			t.Errorf("docs/policy.md example %d does not load:\n%s\n%s", i, diags.Error(), text)
		}
	}
	if n < 2 {
		t.Fatalf("found %d policy examples in docs/policy.md", n)
	}
}
