package plantest

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// GoldenExt names the golden file of each format: <scenario>.txt, .md and .json.
var GoldenExt = map[string]string{"text": ".txt", "markdown": ".md", "json": ".json"}

// Golden compares got with testdata/golden/<file> and prints a unified diff on a mismatch; with
// -update it rewrites the file instead (review the refresh with git diff).
func Golden(t *testing.T, file, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", file)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if d := UnifiedDiff(path, "got", string(want), got); d != "" {
		t.Errorf("output differs from %s (go test -update accepts it):\n%s", path, d)
	}
}
