package ci

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/ci/citest"
)

// driftForges returns a GitHub and a GitLab fake, each with an open drift issue of the same
// configuration written by somebody else (left alone by Drift), and how to read their issues.
func driftForges(t *testing.T) map[string]struct {
	env    Env
	issues func() []citest.Issue
} {
	t.Helper()
	gh := citest.NewGitHub("acme/cfg", testToken)
	gs := httptest.NewServer(gh)
	t.Cleanup(gs.Close)
	gh.AddIssue(citest.Issue{Title: "copied", Body: "<!-- qsync:drift owner=secops config=config -->\nby hand", Labels: []string{DefaultDriftLabel}, Open: true, Author: "octocat"})
	gl := citest.NewGitLab("42", testToken, 9)
	ls := httptest.NewServer(gl)
	t.Cleanup(ls.Close)
	gl.AddIssue(citest.Issue{Title: "copied", Body: "<!-- qsync:drift owner=secops config=config -->\nby hand", Labels: []string{DefaultDriftLabel}, Open: true, Author: "3"})
	return map[string]struct {
		env    Env
		issues func() []citest.Issue
	}{
		"GitHub": {envOf(map[string]string{"GITHUB_REPOSITORY": "acme/cfg", "GITHUB_API_URL": gs.URL, "GITHUB_TOKEN": testToken}), gh.Issues},
		"GitLab": {envOf(map[string]string{"CI_PROJECT_ID": "42", "CI_API_V4_URL": ls.URL + "/api/v4", "QSYNC_GITLAB_TOKEN": testToken}), gl.Issues},
	}
}

// TestDrift: one issue per configuration, on both platforms: opened on drift (exit 2), left as is
// while the same drift lasts, updated when it changes, closed with a comment when the plan is
// empty (exit 0); a failed check (exit 1) touches nothing; another configuration gets its own
// issue; an issue with the same marker written by someone else is never touched.
func TestDrift(t *testing.T) {
	for name, fx := range driftForges(t) {
		t.Run(name, func(t *testing.T) {
			f, err := Detect(fx.env)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			step := func(code int, plan, config, want string) DriftOutcome {
				t.Helper()
				out, err := Drift(ctx, f, DriftOptions{PlanExit: code, Plan: plan, Owner: "secops", Config: config, Commit: "c" + plan, RunURL: "https://ci.example/run"})
				if err != nil {
					t.Fatal(err)
				}
				if out.Action != want {
					t.Fatalf("exit %d, plan %q: %s, want %s", code, plan, out.Action, want)
				}
				return out
			}
			opened := step(2, "billing-db port 3306 -> 3310", "config", "opened")
			step(2, "billing-db port 3306 -> 3310", "./config/", "unchanged")
			step(2, "billing-db port 3306 -> 3311", "config", "updated")
			other := step(2, "netops drift", "netops", "opened")
			if _, err := Drift(ctx, f, DriftOptions{PlanExit: 1, Owner: "secops", Config: "config"}); err == nil || !strings.Contains(err.Error(), "left as it is") {
				t.Fatalf("exit 1: %v", err)
			}
			step(0, "", "config", "closed")
			step(0, "", "config", "none")

			issues := fx.issues()
			if len(issues) != 3 {
				t.Fatalf("%d issues, want the copied one and two of qsync: %+v", len(issues), issues)
			}
			byNumber := map[int]citest.Issue{}
			for _, is := range issues {
				byNumber[is.Number] = is
			}
			copied, mine, theirs := issues[0], byNumber[opened.Issue.Number], byNumber[other.Issue.Number]
			if !copied.Open || copied.Body != "<!-- qsync:drift owner=secops config=config -->\nby hand" || len(copied.Notes) != 0 {
				t.Errorf("someone else's issue was touched: %+v", copied)
			}
			if mine.Open || !strings.HasPrefix(mine.Body, "<!-- qsync:drift owner=secops config=config -->\n") || !strings.Contains(mine.Body, "3311") ||
				len(mine.Notes) != 1 || !strings.Contains(mine.Notes[0], "Qualys matches the configuration again") ||
				mine.Title != "qsync: Qualys differs from config (owner secops)" {
				t.Errorf("the configuration's issue: %+v", mine)
			}
			if !theirs.Open || !strings.Contains(theirs.Body, "config=netops") {
				t.Errorf("the other configuration's issue: %+v", theirs)
			}
		})
	}
}
