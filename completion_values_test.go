package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestBashCompletesValues runs the bash completion function as bash would on TAB: --platform
// offers the Qualys platforms, --kinds completes the item after the last comma of a list, and
// --dir offers directories only.
func TestBashCompletesValues(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not found")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "qsync.bash")
	if err := os.WriteFile(script, []byte(completionScript(t, "bash")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "configs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "conf.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	complete := func(words ...string) string {
		t.Helper()
		q := make([]string, len(words))
		for i, w := range words {
			q[i] = "'" + w + "'"
		}
		cmd := exec.Command(bash, "--norc", "-c", "source "+script+"; COMP_WORDS=("+strings.Join(q, " ")+"); COMP_CWORD="+
			strconv.Itoa(len(words)-1)+"; _qsync; printf '%s\\n' \"${COMPREPLY[@]}\"")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", words, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	for _, tc := range []struct {
		words []string
		want  string
	}{
		{[]string{"qsync", "plan", "--platform", "EU"}, "EU1\nEU2\nEU3"},
		{[]string{"qsync", "export", "--kinds", "mysql,uni"}, "mysql,unix"},
		{[]string{"qsync", "export", "--kinds", "vau"}, "vault"},
		{[]string{"qsync", "export", "--dir", "co"}, "configs"},
	} {
		if got := complete(tc.words...); got != tc.want {
			t.Errorf("%v: completes %q, want %q", tc.words, got, tc.want)
		}
	}
}
