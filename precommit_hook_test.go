package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestPreCommitHook: the hook of .pre-commit-hooks.yaml runs qsync validate on the configuration
// its args name (here examples/ copied to config/), passes it (exit 0), and fails it (exit 1, the
// problem positioned) after a typo in a vault file; its files pattern selects the configuration.
func TestPreCommitHook(t *testing.T) {
	b, err := os.ReadFile(".pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID            string   `yaml:"id"`
		Entry         string   `yaml:"entry"`
		Language      string   `yaml:"language"`
		Args          []string `yaml:"args"`
		Files         string   `yaml:"files"`
		PassFilenames *bool    `yaml:"pass_filenames"`
	}
	if err := yaml.Unmarshal(b, &hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 1 || hooks[0].ID != "qsync-validate" || hooks[0].Language != "golang" {
		t.Fatalf("hooks: %+v", hooks)
	}
	h := hooks[0]
	if h.PassFilenames == nil || *h.PassFilenames {
		t.Fatal("the hook must validate the whole configuration (pass_filenames: false): records are checked against each other")
	}
	files := regexp.MustCompile(h.Files)
	for p, want := range map[string]bool{"config/vaults.yaml": true, "config/sub/db.yml": true, "README.md": false, ".pre-commit-config.yaml": false} {
		if files.MatchString(p) != want {
			t.Errorf("files %q matches %s: %v, want %v", h.Files, p, !want, want)
		}
	}
	entry := strings.Fields(h.Entry)
	if len(entry) < 2 || entry[0] != "qsync" {
		t.Fatalf("entry %q does not run qsync", h.Entry)
	}

	work := t.TempDir()
	if err := os.Mkdir(filepath.Join(work, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	examples, _ := filepath.Glob("examples/*.yaml")
	for _, f := range examples {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(work, "config", filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hook := func() (int, string) {
		args := append([]string(nil), entry[1:]...)
		for _, a := range h.Args { // paths relative to the repository pre-commit runs in
			if !strings.HasPrefix(a, "-") {
				a = filepath.Join(work, a)
			}
			args = append(args, a)
		}
		var out bytes.Buffer
		code := run(args, &Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }})
		return code, out.String()
	}
	if code, out := hook(); code != 0 {
		t.Fatalf("hook on the examples: exit %d\n%s", code, out)
	}
	vaults := filepath.Join(work, "config", "vaults.yaml")
	v, err := os.ReadFile(vaults)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(vaults, bytes.Replace(v, []byte("    apikey_name: "), []byte("    apikey_nme: "), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := hook(); code != 1 || !strings.Contains(out, "vaults.yaml:") || !strings.Contains(out, "apikey_nme") {
		t.Fatalf("hook after a typo: exit %d, want 1 naming vaults.yaml and apikey_nme:\n%s", code, out)
	}
}
