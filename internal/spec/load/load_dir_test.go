package load

import (
	"os"
	"path/filepath"
	"strings"
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
	doc, ds := Files(Options{}, dir)
	if ds.HasErrors() {
		t.Fatalf("diagnostics: %v", ds)
	}
	want := []string{filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yml")}
	if len(doc.Files) != len(want) || doc.Files[0] != want[0] || doc.Files[1] != want[1] {
		t.Fatalf("files = %q, want %q", doc.Files, want)
	}
}

// TestLoadDirectoryRefusesNestedConfig: a subdirectory holding qsync configuration is neither
// loaded nor skipped: each such file is an error naming it, unless it is also given explicitly.
func TestLoadDirectoryRefusesNestedConfig(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": "version: 1\nowner: secops\n" + unixRecord})
	for path, content := range map[string]string{
		"team/more.yaml":         "version: 1\nrecords: []\n",
		"team/deeper/broken.yml": "version: [1\n",
		"ci/gitlab-ci.yml":       "stages: [plan]\nplan:\n  script: qsync plan .\n",
		".hidden/x.yaml":         "version: 1\n",
		"team/notes.txt":         "version: 1\n",
	} {
		full := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, ds := Files(Options{}, dir)
	var files []string
	for _, d := range ds {
		files = append(files, d.Pos.File)
		if !strings.Contains(d.Message, "pass it explicitly") {
			t.Errorf("message %q does not say what to do", d.Message)
		}
	}
	want := []string{filepath.Join(dir, "team/deeper/broken.yml"), filepath.Join(dir, "team/more.yaml")}
	if !ds.HasErrors() || strings.Join(files, ",") != strings.Join(want, ",") {
		t.Fatalf("diagnostics name %q, want %q: %v", files, want, ds)
	}
	// Named explicitly, the nested file is loaded and not refused.
	doc, ds := Files(Options{}, dir, filepath.Join(dir, "team/more.yaml"))
	if len(ds) != 1 || ds[0].Pos.File != want[0] || len(doc.Files) != 2 {
		t.Fatalf("explicit: files %q, diagnostics %v", doc.Files, ds)
	}
}

// TestLoadRefusesNonASCIITitle: titles are documented as ASCII; Qualys answers 1905 for others.
func TestLoadRefusesNonASCIITitle(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": "version: 1\nowner: secops\nrecords:\n  - type: mysql\n    title: bücher-db\n    ips: [10.0.0.1]\n    username: u\n    password: {env: PW}\n    database: d\n    port: 3306\n"})
	_, ds := Files(Options{}, dir)
	found := false
	for _, d := range ds {
		if d.Path == "records/0/title" && strings.Contains(d.Message, "non-ASCII") && d.Pos.Line == 5 {
			found = true
		}
	}
	if !found {
		t.Fatalf("no positioned non-ASCII title error: %v", ds)
	}
}

// TestLoadSameFileOnce: a file reached twice, through a symlink, a symlinked directory or a
// directory and a file in it, is loaded once (by its real path) instead of declaring every record
// twice.
func TestLoadSameFileOnce(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": "version: 1\nowner: secops\n" + unixRecord})
	other := t.TempDir()
	link := filepath.Join(other, "link.yaml")
	linkDir := filepath.Join(other, "conf")
	inside := filepath.Join(dir, "same.yaml") // a symlink in the loaded directory itself
	for old, name := range map[string]string{filepath.Join(dir, "a.yaml"): link, dir: linkDir, "a.yaml": inside} {
		if err := os.Symlink(old, name); err != nil {
			t.Skipf("symlinks: %v", err)
		}
	}
	for _, c := range []struct {
		name  string
		paths []string
	}{
		{"file and symlink to it", []string{filepath.Join(dir, "a.yaml"), link}},
		{"directory and symlink to a file in it", []string{dir, link}},
		{"directory and symlinked directory", []string{dir, linkDir}},
		{"directory and a file in it", []string{dir, filepath.Join(dir, "a.yaml")}},
		{"directory holding a symlink to its own file", []string{dir}},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc, ds := Files(Options{}, c.paths...)
			if ds.HasErrors() || len(ds) != 0 {
				t.Fatalf("diagnostics: %v", ds)
			}
			if len(doc.Files) != 1 || len(doc.Objects) != 1 {
				t.Errorf("files %q, %d objects; want one file, one object", doc.Files, len(doc.Objects))
			}
		})
	}
}
