package yamlwrite

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/spec/load"
)

// TestWriteObjectComment checks that Options.Comment writes a comment above each object and
// that Load ignores it.
func TestWriteObjectComment(t *testing.T) {
	ips, err := spec.ParseIPSet("10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	doc := &spec.Document{Owner: "secops", Objects: []*spec.Object{
		{Kind: spec.KindUnix, Title: "web", IPs: ips, Attrs: map[string]string{"username": "u", "skip_password": "true"}},
	}}
	var buf bytes.Buffer
	err = Write(&buf, doc, Options{Comment: func(o *spec.Object) string { return "unmanaged: " + o.Title }})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "  # unmanaged: web\n  - type: unix\n") {
		t.Fatalf("comment missing or misplaced:\n%s", buf.String())
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.yaml"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, ds := load.Files(load.Options{}, dir)
	if ds.HasErrors() {
		t.Fatalf("load: %v", ds)
	}
	if len(got.Objects) != 1 || got.Objects[0].Title != "web" {
		t.Fatalf("load: got %+v", got.Objects)
	}
}
