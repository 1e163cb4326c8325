package load

import (
	"bytes"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

// TestWriteObjectComment checks that WriteOptions.Comment writes a comment above each object and
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
	err = spec.Write(&buf, doc, spec.WriteOptions{Comment: func(o *spec.Object) string { return "unmanaged: " + o.Title }})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "  # unmanaged: web\n  - type: unix\n") {
		t.Fatalf("comment missing or misplaced:\n%s", buf.String())
	}
	dir := writeFiles(t, map[string]string{"x.yaml": buf.String()})
	got, ds := Files(Options{}, dir)
	if ds.HasErrors() {
		t.Fatalf("load: %v", ds)
	}
	if len(got.Objects) != 1 || got.Objects[0].Title != "web" {
		t.Fatalf("load: got %+v", got.Objects)
	}
}
