package load

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/qsync/qsync/internal/spec/yamlwrite"
)

// FuzzLoad: Files never panics on any file content, and whatever loads without error writes back to
// YAML that loads without error.
func FuzzLoad(f *testing.F) {
	for _, pattern := range []string{"../../../examples/*.yaml", "testdata/invalid/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("version: 1\nowner: a\nrecords: [{type: unix, title: t, ips: ['::1'], username: u, skip_password: true}]\n"))
	f.Add([]byte("&a [*a, {<<: *a}]"))
	f.Add([]byte("? [1]\n: 2\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "fuzz.yaml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		doc, ds := Files(Options{}, p)
		if doc == nil {
			t.Fatal("nil document")
		}
		_ = ds.Error()
		if ds.HasErrors() {
			return
		}
		var buf bytes.Buffer
		if err := yamlwrite.Write(&buf, doc, yamlwrite.Options{}); err != nil {
			t.Fatalf("Write of a valid document: %v", err)
		}
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, ds := Files(Options{}, p); ds.HasErrors() {
			t.Fatalf("written YAML does not load:\n%s\n%s\ninput:\n%s", ds.Error(), buf.String(), data)
		}
	})
}
