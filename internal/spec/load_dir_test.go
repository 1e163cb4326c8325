package spec

import (
	"os"
	"path/filepath"
	"testing"
)

// TestLoadDirectoryNotRecursive: a directory stands for the YAML files directly in it; a
// subdirectory such as examples/ci with CI workflow files (.yml) is not read as configuration.
func TestLoadDirectoryNotRecursive(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": "version: 1\nowner: secops\n" + unixRecord, "b.yml": "version: 1\n"})
	sub := filepath.Join(dir, "ci")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "github-actions.yml"), []byte("on: push\njobs: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, ds := LoadWithOptions(Options{AllowUndeclaredVaults: true}, dir)
	if ds.HasErrors() {
		t.Fatalf("diagnostics: %v", ds)
	}
	want := []string{filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yml")}
	if len(doc.Files) != len(want) || doc.Files[0] != want[0] || doc.Files[1] != want[1] {
		t.Fatalf("files = %q, want %q", doc.Files, want)
	}
}
