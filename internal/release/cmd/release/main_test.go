package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReleaseBinaryNamesItsRevision builds qsync for this platform with a release build's
// -buildvcs=false and linker flags (without -trimpath and CGO_ENABLED=0, which change no version
// information and would rebuild every dependency) and runs it: qsync version names the release
// version and the revision. Not in -short: it builds a binary.
func TestReleaseBinaryNamesItsRevision(t *testing.T) {
	if testing.Short() {
		t.Skip("builds qsync")
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	bin := filepath.Join(t.TempDir(), "qsync")
	cmd := exec.Command("go", "build", "-buildvcs=false", "-ldflags", ldflags("v1.2.0", rev), "-o", bin, ".")
	cmd.Dir = filepath.Join("..", "..", "..", "..")
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); !strings.HasPrefix(got, "qsync v1.2.0 (revision "+rev) {
		t.Fatalf("qsync version: %q, want the version and revision %s", got, rev)
	}
}

// TestRevisionOfThisCheckout: in a git checkout the revision is the commit (or the tree is dirty,
// which is refused); outside git there is none.
func TestRevisionOfThisCheckout(t *testing.T) {
	rev, err := revision()
	if err != nil {
		if !strings.Contains(err.Error(), "uncommitted changes") {
			t.Fatal(err)
		}
		return
	}
	if rev != "" && len(rev) != 40 {
		t.Fatalf("revision %q", rev)
	}
}
