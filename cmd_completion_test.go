package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func completionScript(t *testing.T, shell string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run([]string{"completion", shell}, &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}); code != 0 {
		t.Fatalf("completion %s: exit %d: %s", shell, code, errb.String())
	}
	return out.String()
}

// TestCompletionCoversTheCLI checks that each script names every command and, per command, its
// flags and enum values, as the kong model has them.
func TestCompletionCoversTheCLI(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		s := completionScript(t, shell)
		for _, want := range []string{"validate", "plan", "apply", "export", "comment", "completion", "version",
			"detailed-exitcode", "apply-result", "auto-approve", "markdown", "api-url"} {
			if !strings.Contains(s, want) {
				t.Errorf("%s completion lacks %q", shell, want)
			}
		}
		if bin, err := exec.LookPath(shell); err == nil {
			f := filepath.Join(t.TempDir(), "c."+shell)
			if err := os.WriteFile(f, []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(bin, "-n", f).CombinedOutput(); err != nil {
				t.Errorf("%s -n: %v\n%s", shell, err, out)
			}
		}
	}
}

// TestBashCompletionCompletes runs the bash completion function as bash would on Tab.
func TestBashCompletionCompletes(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not found")
	}
	f := filepath.Join(t.TempDir(), "qsync.bash")
	if err := os.WriteFile(f, []byte(completionScript(t, "bash")), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		words string
		want  []string
		not   []string
	}{
		{"qsync pl", []string{"plan"}, []string{"apply"}},
		{"qsync plan --for", []string{"--format"}, []string{"--auto-approve"}},
		{"qsync plan --format ", []string{"text", "markdown", "json"}, []string{"--out"}},
		{"qsync apply --format ", []string{"text", "json"}, []string{"markdown"}},
		{"qsync completion ", []string{"bash", "zsh", "fish"}, nil},
		{"qsync comment --apply", []string{"--apply-result"}, nil},
	} {
		script := "source " + f + "\nCOMP_WORDS=(" + tc.words + ")\n"
		if strings.HasSuffix(tc.words, " ") {
			script += "COMP_WORDS+=(\"\")\n"
		}
		script += "COMP_CWORD=$((${#COMP_WORDS[@]}-1))\n_qsync\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
		out, err := exec.Command(bash, "-c", script).CombinedOutput()
		if err != nil {
			t.Fatalf("%q: %v\n%s", tc.words, err, out)
		}
		got := "\n" + string(out)
		for _, w := range tc.want {
			if !strings.Contains(got, "\n"+w+"\n") {
				t.Errorf("%q: completions %q lack %q", tc.words, out, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(got, "\n"+w+"\n") {
				t.Errorf("%q: completions %q include %q", tc.words, out, w)
			}
		}
	}
}
