package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ciPolicyAndHistory gives the CI examples' checkout what their policy and --base steps read:
// the example policy in the directory QSYNC_POLICY names (where the workflows extract main's
// policy/), and a git history of two commits: main, with the configuration except windows.yaml,
// and the pull request's commit on top, which adds it (so plan --base HEAD^1 attributes the
// windows records to the pull request and the rest of what differs to drift).
func ciPolicyAndHistory(t *testing.T, work, policyDir, config string) {
	t.Helper()
	if policyDir == "" {
		t.Fatal("the workflow sets no QSYNC_POLICY")
	}
	if err := os.MkdirAll(filepath.Join(work, policyDir), 0o755); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("examples/policy/*.yaml")
	if len(files) == 0 {
		t.Fatal("no examples/policy/*.yaml")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(work, policyDir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not found")
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", work}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=ci", "GIT_AUTHOR_EMAIL=ci@example.com", "GIT_COMMITTER_NAME=ci",
			"GIT_COMMITTER_EMAIL=ci@example.com", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	pr := filepath.Join(config, "windows.yaml")
	git("init", "-q", "-b", "main")
	git("add", "--", config)
	git("rm", "-q", "--cached", "--", pr)
	git("commit", "-qm", "main")
	git("add", "--", pr)
	git("commit", "-qm", "pull request: windows records")
}

// checkCIPolicyAndBase checks the pull request's markdown plan: checked against the policy (its
// warnings shown), and attributed against main (the windows records the pull request's own).
func checkCIPolicyAndBase(t *testing.T, md string) {
	t.Helper()
	for _, want := range []string{"> **Policy violations (0 errors, ", "**Against HEAD^1 (commit ", "#### This change: ", "#### Drift: ",
		`<code>+ windows &quot;`} {
		if !strings.Contains(md, want) {
			t.Errorf("plan.md lacks %q:\n%s", want, md)
		}
	}
	this, drift := strings.Index(md, "#### This change: "), strings.Index(md, "#### Drift: ")
	if w := strings.Index(md, `<code>+ windows &quot;`); !(this < w && w < drift) {
		t.Errorf("the windows records are not listed as the pull request's own changes")
	}
}
