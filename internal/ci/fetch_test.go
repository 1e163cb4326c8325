package ci

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/ci/citest"
)

const testToken = "forge-token-canary-51c"

// stamped returns the files of a plan artifact stamped for head commit head of request n.
func stamped(platform string, n int, head, config, plan string) map[string][]byte {
	sum := sha256.Sum256([]byte(plan))
	m := Meta{Version: metaVersion, Platform: platform, Request: n, HeadSHA: head, Config: config, PlanSHA256: hex.EncodeToString(sum[:])}
	b, _ := json.Marshal(m)
	return map[string][]byte{PlanFile: []byte(plan), PlanMarkdown: []byte("# plan for " + head), MetaFile: b}
}

func envOf(m map[string]string) Env {
	return Env{Getenv: func(k string) string { return m[k] }}
}

// githubFake is a repository whose pull request #5 had three pushes: head1 (planned), head2
// (its plan run failed, then succeeded), and is merged as merge5; artifacts are served from
// object storage on another origin.
func githubFake(t *testing.T) (*citest.GitHub, string) {
	t.Helper()
	blob := citest.NewGitHub("acme/cfg", testToken).Blob
	blobSrv := httptest.NewServer(blob)
	t.Cleanup(blobSrv.Close)
	g := citest.NewGitHub("acme/cfg", testToken)
	g.Blob, g.BlobURL = blob, blobSrv.URL
	g.SetPull(5, citest.Pull{HeadSHA: "head2", MergeCommitSHA: "merge5"})
	g.SetPull(6, citest.Pull{HeadSHA: "head6"})
	g.AddRun(citest.Run{ID: 70, HeadSHA: "head1", Event: "pull_request", Conclusion: "success"},
		citest.Artifact{Name: "qsync-plan", Files: stamped("GitHub", 5, "head1", "config", `{"plan":"head1"}`)})
	g.AddRun(citest.Run{ID: 71, HeadSHA: "head2", Event: "pull_request", Conclusion: "failure"},
		citest.Artifact{Name: "qsync-plan", Files: stamped("GitHub", 5, "head2", "config", `{"plan":"failed run"}`)})
	g.AddRun(citest.Run{ID: 72, HeadSHA: "head2", Event: "pull_request", Conclusion: "success"},
		citest.Artifact{Name: "qsync-plan", Files: stamped("GitHub", 5, "head2", "config", `{"plan":"head2"}`)},
		citest.Artifact{Name: "other", Files: map[string][]byte{"x": []byte("y")}})
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return g, srv.URL
}

func githubEnv(t *testing.T, api string, event string, extra map[string]string) Env {
	t.Helper()
	p := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(p, []byte(event), 0o600); err != nil {
		t.Fatal(err)
	}
	m := map[string]string{"GITHUB_REPOSITORY": "acme/cfg", "GITHUB_API_URL": api, "GITHUB_TOKEN": testToken, "GITHUB_EVENT_PATH": p}
	for k, v := range extra {
		m[k] = v
	}
	return envOf(m)
}

func fetch(t *testing.T, e Env, config string) (Fetched, string, error) {
	t.Helper()
	f, err := Detect(e)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	got, err := FetchPlan(context.Background(), f, FetchOptions{Artifact: map[string]string{"GitHub": "qsync-plan", "GitLab": "plan"}[f.Name()], Config: config, Dir: dir})
	if err != nil && strings.Contains(err.Error(), testToken) {
		t.Fatalf("the error names the token: %v", err)
	}
	if err != nil {
		return got, "", err
	}
	b, rerr := os.ReadFile(filepath.Join(dir, PlanFile))
	if rerr != nil {
		t.Fatal(rerr)
	}
	return got, string(b), nil
}

// TestFetchPlanGitHub: in the merge queue (merge_group) and on the push of the merge commit, the
// plan fetched is the one of pull request #5's head commit (head2) from its successful run (72),
// not the older commit's nor the failed run's; the download follows GitHub's redirect to object
// storage without the token.
func TestFetchPlanGitHub(t *testing.T) {
	for _, tc := range []struct {
		name, event string
		extra       map[string]string
	}{
		{"merge_queue", `{"merge_group": {"head_ref": "refs/heads/gh-readonly-queue/main/pr-5-0a1b2c3d", "head_sha": "queuesha"}}`, map[string]string{"GITHUB_SHA": "queuesha"}},
		{"push_of_merge_commit", `{"ref": "refs/heads/main"}`, map[string]string{"GITHUB_SHA": "merge5"}},
		{"pull_request", `{"pull_request": {"number": 5, "head": {"sha": "head2"}}}`, map[string]string{"GITHUB_SHA": "prmerge"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, api := githubFake(t)
			got, plan, err := fetch(t, githubEnv(t, api, tc.event, tc.extra), "config")
			if err != nil {
				t.Fatal(err)
			}
			if plan != `{"plan":"head2"}` || got.Request.Number != 5 || got.Request.HeadSHA != "head2" || !strings.Contains(got.Where, "run 72") || len(got.Files) != 2 {
				t.Fatalf("fetched %+v: %s", got, plan)
			}
			if g.Blob.Downloads() == 0 || len(g.Blob.Leaked()) > 0 {
				t.Fatalf("object storage: %d downloads, credentials received: %v", g.Blob.Downloads(), g.Blob.Leaked())
			}
		})
	}
}

// TestFetchPlanGitHubRefuses: no plan is fetched for a head commit that was never planned, for
// another configuration, or when the plan file differs from the one stamped; the error says why
// each candidate was skipped.
func TestFetchPlanGitHubRefuses(t *testing.T) {
	g, api := githubFake(t)
	e := githubEnv(t, api, `{"merge_group": {"head_ref": "refs/heads/gh-readonly-queue/main/pr-5-0a1b2c3d"}}`, nil)
	if _, _, err := fetch(t, e, "other-config"); err == nil || !strings.Contains(err.Error(), `made for configuration "config", not "other-config"`) {
		t.Fatalf("another configuration: %v", err)
	}
	g.SetPull(5, citest.Pull{HeadSHA: "head3"})
	if _, _, err := fetch(t, e, "config"); err == nil || !strings.Contains(err.Error(), "no reviewed plan for pull request #5 at its head commit head3") {
		t.Fatalf("an unplanned head commit: %v", err)
	}
	files := stamped("GitHub", 6, "head6", "config", `{"plan":"head6"}`)
	files[PlanFile] = []byte(`{"plan":"edited"}`)
	g.AddRun(citest.Run{ID: 80, HeadSHA: "head6", Event: "pull_request", Conclusion: "success"}, citest.Artifact{Name: "qsync-plan", Files: files})
	e6 := githubEnv(t, api, `{"pull_request": {"number": 6, "head": {"sha": "head6"}}}`, nil)
	if _, _, err := fetch(t, e6, "config"); err == nil || !strings.Contains(err.Error(), "run 80, artifact qsync-plan: plan.json is not the file that was stamped") {
		t.Fatalf("an altered plan: %v", err)
	}
	e7 := githubEnv(t, api, `{}`, map[string]string{"GITHUB_SHA": "unknown"})
	if _, _, err := fetch(t, e7, "config"); err == nil || !strings.Contains(err.Error(), "was not merged from a pull request") {
		t.Fatalf("a commit of no pull request: %v", err)
	}
}

// gitlabFake is a project whose merge request !5 (head commit head2, merged by the train as
// merge5) has, oldest first: a merged results pipeline of head1 with a plan job; one of head2
// whose plan job failed; one of head2 with a successful plan; a merge train pipeline (only the
// check job); and the push pipeline on main has no plan at all.
func gitlabFake(t *testing.T, storage bool) (*citest.GitLab, string) {
	t.Helper()
	g := citest.NewGitLab("42", testToken, 9)
	if storage {
		blobSrv := httptest.NewServer(g.Blob)
		t.Cleanup(blobSrv.Close)
		g.BlobURL = blobSrv.URL
	}
	g.SetMergeRequest(5, citest.Pull{HeadSHA: "head2", MergeCommitSHA: "merge5"})
	g.AddPipeline(5, citest.Pipeline{ID: 100, SHA: "mrc1", Ref: "refs/merge-requests/5/merge",
		Jobs: []citest.Job{{ID: 1000, Name: "plan", Status: "success", Files: stamped("GitLab", 5, "head1", "config", `{"plan":"head1"}`)}}})
	g.AddPipeline(5, citest.Pipeline{ID: 101, SHA: "mrc2", Ref: "refs/merge-requests/5/merge",
		Jobs: []citest.Job{{ID: 1010, Name: "plan", Status: "failed", Files: stamped("GitLab", 5, "head2", "config", `{"plan":"failed"}`)}}})
	g.AddPipeline(5, citest.Pipeline{ID: 102, SHA: "mrc3", Ref: "refs/merge-requests/5/merge",
		Jobs: []citest.Job{{ID: 1020, Name: "validate", Status: "success"}, {ID: 1021, Name: "plan", Status: "success", Files: stamped("GitLab", 5, "head2", "config", `{"plan":"head2"}`)}}})
	g.AddPipeline(5, citest.Pipeline{ID: 103, SHA: "train1", Ref: "refs/merge-requests/5/train",
		Jobs: []citest.Job{{ID: 1030, Name: "check", Status: "success"}}})
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return g, srv.URL + "/api/v4"
}

// TestFetchPlanGitLab: in the merge train's pipeline and in the push pipeline of the merge commit,
// the plan fetched is the one stamped for the merge request's head commit, found in an older
// merged results pipeline (whose sha is a merge commit GitLab made), past the newest pipelines
// that have no plan job and past the failed plan; with object storage, the redirect is followed
// without the token.
func TestFetchPlanGitLab(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		storage bool
	}{
		{"merge_train", map[string]string{"CI_MERGE_REQUEST_IID": "5", "CI_MERGE_REQUEST_EVENT_TYPE": "merge_train", "CI_PIPELINE_ID": "104", "CI_COMMIT_SHA": "train2"}, false},
		{"push_of_merge_commit", map[string]string{"CI_COMMIT_SHA": "merge5", "CI_PIPELINE_ID": "200"}, false},
		{"object_storage", map[string]string{"CI_COMMIT_SHA": "merge5", "CI_PIPELINE_ID": "200"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, api := gitlabFake(t, tc.storage)
			if tc.name == "merge_train" { // the running train pipeline is a pipeline of the merge request too
				g.AddPipeline(5, citest.Pipeline{ID: 104, SHA: "train2", Ref: "refs/merge-requests/5/train",
					Jobs: []citest.Job{{ID: 1040, Name: "plan", Status: "success", Files: stamped("GitLab", 5, "head2", "config", `{"plan":"train"}`)}}})
			}
			m := map[string]string{"CI_PROJECT_ID": "42", "CI_API_V4_URL": api, "QSYNC_GITLAB_TOKEN": testToken}
			for k, v := range tc.env {
				m[k] = v
			}
			got, plan, err := fetch(t, envOf(m), "config")
			if err != nil {
				t.Fatal(err)
			}
			if plan != `{"plan":"head2"}` || got.Request.Number != 5 || !strings.Contains(got.Where, "pipeline 102, job 1021") {
				t.Fatalf("fetched %+v: %s", got, plan)
			}
			if tc.storage && (g.Blob.Downloads() == 0 || len(g.Blob.Leaked()) > 0) {
				t.Fatalf("object storage: %d downloads, credentials received: %v", g.Blob.Downloads(), g.Blob.Leaked())
			}
		})
	}
	// The merge request moved on to a commit nobody planned: refused, naming the commit.
	g, api := gitlabFake(t, false)
	g.SetMergeRequest(5, citest.Pull{HeadSHA: "head3"})
	_, _, err := fetch(t, envOf(map[string]string{"CI_PROJECT_ID": "42", "CI_API_V4_URL": api, "QSYNC_GITLAB_TOKEN": testToken, "CI_MERGE_REQUEST_IID": "5"}), "config")
	if err == nil || !strings.Contains(err.Error(), "no reviewed plan for merge request !5 at its head commit head3") ||
		!strings.Contains(err.Error(), "pipeline 102, job 1021 (plan): made for commit head2") {
		t.Fatalf("an unplanned head commit: %v", err)
	}
}
