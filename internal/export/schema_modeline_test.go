package export

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

// TestExportModelineNamesTheWritersSchema: each exported file's yaml-language-server modeline
// names the schema of the qsync version that wrote it (Options.SchemaURL), main's only by default.
func TestExportModelineNamesTheWritersSchema(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{spec.SchemaURL("v1.2.0"), "https://raw.githubusercontent.com/qsync/qsync/v1.2.0/schema/qsync.schema.json"},
		{"", spec.SchemaID},
	} {
		dir := t.TempDir()
		if err := Write(&spec.Document{Complete: true}, Options{Owner: "secops", Dir: dir, SplitBy: "none", SchemaURL: tc.url}, io.Discard); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "qsync.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if first, _, _ := strings.Cut(string(b), "\n"); first != "# yaml-language-server: $schema="+tc.want {
			t.Errorf("SchemaURL %q: first line %q, want the schema %s", tc.url, first, tc.want)
		}
	}
}
