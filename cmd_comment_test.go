package main

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/prcomment"
	"github.com/qsync/qsync/internal/prcomment/prcommenttest"
)

// runQsync runs qsync in-process with the given environment and returns exit code, stdout, stderr.
func runComment(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}
	if stdin != "" {
		f := filepath.Join(t.TempDir(), "stdin")
		if err := os.WriteFile(f, []byte(stdin), 0o600); err != nil {
			t.Fatal(err)
		}
		in, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		defer in.Close()
		e.Stdin = in
	}
	code := run(args, e)
	return code, out.String(), errb.String()
}

// TestFailedPlanReplacesTheComment: a push that breaks the configuration makes plan --format
// markdown write a failure block (and still exit 1), and qsync comment puts it in place of the
// last good plan.
func TestFailedPlanReplacesTheComment(t *testing.T) {
	fake := &prcommenttest.GitHub{Repo: "acme/cfg", Token: "tok-canary", Login: "qsync-bot"}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	if err := os.Mkdir(cfg, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg, "a.yaml"), []byte("version: 1\nowner: secops\nrecords:\n  - type: mysql\n    title: db\n    ips: [10.0.0.300]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	event := filepath.Join(dir, "event.json")
	if err := os.WriteFile(event, []byte(`{"pull_request": {"number": 3, "head": {"sha": "badc0ffee"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GITHUB_API_URL": srv.URL, "GITHUB_REPOSITORY": "acme/cfg", "GITHUB_EVENT_PATH": event,
		"GITHUB_TOKEN": "tok-canary", "QUALYS_API_URL": "http://127.0.0.1:1", "QUALYS_USERNAME": "u", "QUALYS_PASSWORD": "p",
		"GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary.md")}
	marker := prcomment.Marker{Kind: prcomment.KindPlan, Owner: "secops", Config: cfg}
	id := fake.AddComment(3, "qsync-bot", marker.String()+"\n### qsync plan for owner `secops`\n\nthe last good plan\n")

	code, md, stderr := runComment(t, env, "", "plan", "--format", "markdown", cfg)
	if code != exitError {
		t.Fatalf("plan of a broken configuration: exit %d, want 1; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"### `qsync plan` failed", "commit `badc0ffee`", "10.0.0.300", "nothing was sent to Qualys"} {
		if !strings.Contains(md, want) {
			t.Errorf("failure block lacks %q:\n%s", want, md)
		}
	}
	if !prcomment.Balanced(md) {
		t.Errorf("failure block is unbalanced:\n%s", md)
	}

	code, _, stderr = runComment(t, env, md, "comment", "--config", cfg, "-")
	if code != 0 {
		t.Fatalf("comment: exit %d: %s", code, stderr)
	}
	got := fake.Comments(3)
	if len(got) != 1 || got[0].ID != id || !strings.Contains(got[0].Body, "`qsync plan` failed") || strings.Contains(got[0].Body, "the last good plan") {
		t.Fatalf("comments: %+v", got)
	}
	if !strings.Contains(stderr, "Updated the qsync plan comment") || strings.Contains(stderr, "tok-canary") {
		t.Fatalf("stderr: %s", stderr)
	}
	if b, err := os.ReadFile(env["GITHUB_STEP_SUMMARY"]); err != nil || !strings.Contains(string(b), "`qsync plan` failed") {
		t.Fatalf("job summary: %v %q", err, b)
	}

	// No plan.md at all (validate failed first): the comment says so, too.
	code, _, stderr = runComment(t, env, "", "comment", "--config", cfg, filepath.Join(dir, "plan.md"))
	if code != 0 || !strings.Contains(fake.Comments(3)[0].Body, "does not exist: no plan was made") {
		t.Fatalf("missing plan.md: exit %d %s; body %q", code, stderr, fake.Comments(3)[0].Body)
	}
}

func TestCommentApplyResult(t *testing.T) {
	dir := t.TempDir()
	result := filepath.Join(dir, "result.json")
	partial := `{"result": {"steps": [
	  {"step": 1, "phase": 1, "kind": "vault", "op": "create", "keys": [{"kind": "vault", "title": "pam"}], "status": "applied"},
	  {"step": 2, "phase": 3, "kind": "mysql", "op": "create", "keys": [{"kind": "mysql", "title": "db-new"}], "status": "failed",
	   "error": "create mysql record: qualys error 1905 (HTTP 200): parameter ips has invalid value: 10.40.0.10"},
	  {"step": 3, "phase": 3, "kind": "unix", "op": "update", "keys": [{"kind": "unix", "title": "web"}], "status": "unknown", "error": "connection reset"},
	  {"step": 4, "phase": 4, "kind": "mysql", "op": "delete", "keys": [{"kind": "mysql", "title": "db-old"}], "status": "pending",
	   "reason": "a step of phase 3 failed, and phase 4 builds on it"}],
	  "applied": 1, "failed": 1, "unknown": 1, "pending": 1, "calls": 3, "reads": 0},
	 "planned_calls": 4, "verified": true, "converged": false,
	 "remaining": {"changes": [{"action": "create"}, {"action": "delete"}]}}`
	env := map[string]string{}
	for _, tc := range []struct {
		name, json string
		want       []string
	}{
		{"partial", partial, []string{"### qsync apply for owner `secops`: finished partially", "**1 applied, 1 failed, 1 outcome unknown, 1 not attempted.** Write calls: 3 of 4 planned.",
			"> - step 2: create `mysql \"db-new\"`: create mysql record: qualys error 1905", "Outcome unknown", "step 3: update `unix \"web\"`",
			"Not converged:** planning again still finds 2 changes (1 delete", "<details><summary>1 step not attempted</summary>", "<details><summary>1 step applied</summary>"}},
		{"converged", `{"result": {"steps": [], "applied": 0}, "verified": true, "converged": true}`, []string{": converged", "Converged: Qualys matches the configuration."}},
		{"no result", "", []string{": failed", "stopped before it wrote a result"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(result, []byte(tc.json), 0o600); err != nil {
				t.Fatal(err)
			}
			code, out, stderr := runComment(t, env, "", "comment", "--owner", "secops", "--apply-result", result, "--print")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("lacks %q:\n%s", w, out)
				}
			}
			if !prcomment.Balanced(out) {
				t.Errorf("unbalanced:\n%s", out)
			}
		})
	}
	code, _, stderr := runComment(t, env, "", "comment", "--owner", "secops", "--apply-result", result)
	if code != exitError || !strings.Contains(stderr, "not in GitHub Actions or GitLab CI") {
		t.Fatalf("outside CI: exit %d: %s", code, stderr)
	}
}
