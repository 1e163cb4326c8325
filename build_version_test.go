package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMakeBuildStampsRevision: make build gives a binary whose --version names the checkout's
// revision even where Go stamps none (GOFLAGS=-buildvcs=false here; a git worktree too).
func TestMakeBuildStampsRevision(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	for _, tool := range []string{"make", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s", tool)
		}
	}
	rev, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "qsync")
	cmd := exec.Command("make", "build", "BIN="+bin)
	cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("qsync --version: %v", err)
	}
	if want := "(revision " + strings.TrimSpace(string(rev)); !strings.Contains(string(out), want) {
		t.Errorf("qsync --version = %q, want it to contain %q", out, want)
	}
}
