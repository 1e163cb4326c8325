package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/qsync/qsync/internal/prcomment/prcommenttest"
	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/qualysemu"
)

// ciWorkflow is what TestCIExamples takes from a CI file: the literal variables it sets and, per
// job, the qsync command lines its scripts run, in order.
type ciWorkflow struct {
	env  map[string]string
	jobs map[string][]string
}

// TestCIExamples runs the qsync command lines of examples/ci, job by job and in order, against an
// emulator, with bash and the qsync that testscript.Main puts on PATH: the pull request job
// (validate, plan --out), the merge job (apply of that saved plan), and the scheduled drift check
// before and after someone changes a record by hand. A workflow that stops matching the CLI (a
// renamed flag, a changed exit code) fails here. qsync comment posts to a fake of the GitHub or
// GitLab API; the other glue (gh, curl) is not run.
func TestCIExamples(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not found")
	}
	for _, tc := range []struct {
		file  string
		parse func(t *testing.T, data []byte) ciWorkflow
		forge func(t *testing.T, work string) ciForge
	}{
		{"examples/ci/github-actions.yml", parseGitHubWorkflow, fakeGitHubForge},
		{"examples/ci/gitlab-ci.yml", parseGitLabPipeline, fakeGitLabForge},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			data, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			runCIWorkflow(t, tc.parse(t, data), tc.forge)
		})
	}
}

// ciForge is a fake of the code host's API (GitHub or GitLab) that qsync comment posts to: the
// variables the CI system gives each job, and the comments posted so far.
type ciForge struct {
	env      func(job string) map[string]string
	comments func() []string
}

const ciForgeToken = "forge-token-canary-7f3a"

func fakeGitHubForge(t *testing.T, work string) ciForge {
	fake := &prcommenttest.GitHub{Repo: "acme/scan-config", Token: ciForgeToken, CommitPulls: map[string][]int{"mergesha": {5}}}
	fake.AddComment(5, "octocat", "please review")
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	event := filepath.Join(work, "..", "pull_request.json")
	if err := os.WriteFile(event, []byte(`{"number": 5, "pull_request": {"number": 5, "head": {"sha": "headsha"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	push := filepath.Join(work, "..", "push.json")
	if err := os.WriteFile(push, []byte(`{"ref": "refs/heads/main"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return ciForge{
		env: func(job string) map[string]string {
			e := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_API_URL": srv.URL, "GITHUB_REPOSITORY": "acme/scan-config",
				"GITHUB_TOKEN": ciForgeToken, "GITHUB_SERVER_URL": "https://github.example", "GITHUB_RUN_ID": "77",
				"GITHUB_STEP_SUMMARY": filepath.Join(work, "..", "summary-"+job+".md"), "GITHUB_EVENT_PATH": event, "GITHUB_SHA": "prmergesha"}
			if job != "plan" {
				e["GITHUB_EVENT_PATH"], e["GITHUB_SHA"] = push, "mergesha"
			}
			return e
		},
		comments: func() []string {
			var out []string
			for _, c := range fake.Comments(5) {
				out = append(out, c.Body)
			}
			return out
		},
	}
}

func fakeGitLabForge(t *testing.T, work string) ciForge {
	fake := &prcommenttest.GitLab{Project: "42", Token: ciForgeToken, UserID: 9, CommitMRs: map[string][]int{"mergesha": {5}}}
	fake.AddNote(5, 3, "please review")
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return ciForge{
		env: func(job string) map[string]string {
			e := map[string]string{"GITLAB_CI": "true", "CI_API_V4_URL": srv.URL + "/api/v4", "CI_PROJECT_ID": "42",
				"QSYNC_GITLAB_TOKEN": ciForgeToken, "CI_JOB_URL": "https://gitlab.example/jobs/77", "CI_COMMIT_SHA": "mergesha"}
			if job == "plan" {
				e["CI_MERGE_REQUEST_IID"], e["CI_COMMIT_SHA"] = "5", "headsha"
				e["CI_MERGE_REQUEST_DIFF_BASE_SHA"] = "HEAD^1" // the checkout's main (ciPolicyAndHistory)
			}
			return e
		},
		comments: func() []string {
			var out []string
			for _, c := range fake.Notes(5) {
				out = append(out, c.Body)
			}
			return out
		},
	}
}

func runCIWorkflow(t *testing.T, wf ciWorkflow, newForge func(t *testing.T, work string) ciForge) {
	for _, job := range []string{"plan", "check", "apply", "drift"} {
		if len(wf.jobs[job]) == 0 {
			t.Fatalf("job %q runs no qsync command", job)
		}
	}
	config := wf.env["QSYNC_CONFIG"]
	if config == "" {
		t.Fatal("the workflow sets no QSYNC_CONFIG")
	}

	// The emulator starts from the demo estate: records qsync manages that drifted or are gone
	// from examples/, and one it does not manage.
	srv, err := qualysemu.New(qualysemu.Config{Username: "ci", Password: "ci-login-secret", RateUnlimited: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.LoadSeedFile("scripts/demo-seed.yaml"); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()

	// The repository checkout: examples/*.yaml as the configuration directory.
	work := filepath.Join(t.TempDir(), "checkout")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	forge := newForge(t, work)
	cfg := filepath.Join(work, config)
	if err := os.MkdirAll(filepath.Join(cfg, "secrets"), 0o755); err != nil {
		t.Fatal(err)
	}
	examples, _ := filepath.Glob("examples/*.yaml")
	secretNames := map[string]bool{}
	envRef := regexp.MustCompile(`env: *([A-Z][A-Z0-9_]*)`)
	for _, f := range examples {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range envRef.FindAllSubmatch(b, -1) {
			secretNames[string(m[1])] = true
		}
		if err := os.WriteFile(filepath.Join(cfg, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(cfg, "secrets", "reporting-db.password"), []byte("ci-reporting\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ciPolicyAndHistory(t, work, wf.env["QSYNC_POLICY"], config)

	// The environment a CI runner gives the job: the workflow's variables, the secrets from the
	// CI secret store, and the runner's files.
	env := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "QUALYS_") && !strings.HasPrefix(k, "QSYNC_") {
			env[k] = v
		}
	}
	for k, v := range wf.env {
		env[k] = v
	}
	env["QUALYS_API_URL"] = hs.URL
	env["QUALYS_USERNAME"] = "ci"
	env["QUALYS_PASSWORD"] = "ci-login-secret"
	// Least privilege: the pull request jobs (plan, and the merge-queue check) get no scan secret
	// and no QSYNC_SECRET_KEY; the protected jobs (apply, drift) get both.
	protected := map[string]string{"QSYNC_SECRET_KEY": "ci-fingerprint-key"}
	for k := range secretNames {
		protected[k] = "ci-value-for-" + k
	}
	environFor := func(job string) []string {
		var environ []string
		for k, v := range env {
			environ = append(environ, k+"="+v)
		}
		if job == "apply" || job == "drift" {
			for k, v := range protected {
				environ = append(environ, k+"="+v)
			}
		}
		for k, v := range forge.env(job) {
			environ = append(environ, k+"="+v)
		}
		sort.Strings(environ)
		return environ
	}

	// run runs one job's qsync lines; each must exit with 0, except --detailed-exitcode and
	// --check ones, which must exit with drift.
	run := func(job string, drift int) string {
		t.Helper()
		var all strings.Builder
		for _, line := range wf.jobs[job] {
			cmd := exec.Command("bash", "-c", "set -euo pipefail\n"+line)
			cmd.Dir, cmd.Env = work, environFor(job)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			code := cmd.ProcessState.ExitCode()
			want := 0
			if strings.Contains(line, "--detailed-exitcode") || strings.Contains(line, "--check") {
				want = drift
			}
			if code != want {
				t.Fatalf("job %s: %s\nexit %d (%v), want %d; output:\n%s", job, line, code, err, want, out.String())
			}
			if strings.Contains(out.String(), ciForgeToken) {
				t.Fatalf("job %s: %s printed the forge token:\n%s", job, line, out.String())
			}
			all.WriteString(out.String())
		}
		return all.String()
	}
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(work, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	// Pull request: validate and plan; the markdown plan and the saved plan are kept.
	run("plan", 0)
	if md := read("plan.md"); !strings.Contains(md, "### qsync plan for owner `secops`") || !strings.Contains(md, "old-jumphosts") {
		t.Fatalf("plan.md is not the expected markdown plan:\n%s", md)
	}
	read("plan.json")
	checkCIPolicyAndBase(t, read("plan.md"))

	// The plan is this configuration's one comment on the request, next to the reviewer's.
	planMarker := "<!-- qsync:plan owner=secops config=" + config + " -->"
	if got := forge.comments(); len(got) != 2 || !strings.HasPrefix(got[1], planMarker+"\n### qsync plan for owner `secops`") ||
		!strings.Contains(got[1], "Plan for commit `headsha`") {
		t.Fatalf("comments after the plan job: %q", got)
	}
	// A second run (a new push) updates that comment instead of adding one.
	run("plan", 0)
	if got := forge.comments(); len(got) != 2 {
		t.Fatalf("a second plan run left %d comments, want 2", len(got))
	}

	// Merge queue / train: the reviewed plan still applies (read-only, no secrets).
	if out := run("check", 0); !strings.Contains(out, "would apply") {
		t.Fatalf("check:\n%s", out)
	}

	// Merge: apply exactly the saved plan, which converges, then send the secrets of the records
	// it created (planned without their values); the result goes to the merged request.
	if out := run("apply", 0); !strings.Contains(out, "Converged") || strings.Count(out, "Converged") != 2 {
		t.Fatalf("apply did not converge:\n%s", out)
	}
	// The reviewed plan is applied: checked again, it is stale (exit 1).
	if out := run("check", 1); !strings.Contains(out, "refusing") {
		t.Fatalf("check of an applied plan:\n%s", out)
	}
	// The reviewed plan was made --without-secrets: its result is converged within that scope
	// only (the records it created have no fingerprint yet); the --secrets-only run after it
	// leaves nothing out.
	if res := read("result.json"); !strings.Contains(res, `"converged": false`) || !strings.Contains(res, `"scope": "--without-secrets: secret drift not checked"`) ||
		!strings.Contains(res, `"left_out": `) || strings.Contains(res, `"remaining"`) {
		t.Fatalf("result.json:\n%s", res)
	}
	if res := read("secrets-result.json"); !strings.Contains(res, `"converged": true`) {
		t.Fatalf("secrets-result.json:\n%s", res)
	}
	if got := forge.comments(); len(got) != 3 || !strings.HasPrefix(got[2], "<!-- qsync:apply owner=secops config="+config+" -->\n### qsync apply for owner `secops`: converged within the scope only") {
		t.Fatalf("comments after the apply job: %q", got)
	}

	// Schedule: no drift; then someone changes a managed record in the Qualys UI: drift (exit 2).
	run("drift", 0)
	changeByHand(t, hs.URL)
	run("drift", 2)
	if md := read("drift.md"); !strings.Contains(md, "outside qsync") || !strings.Contains(md, "billing-db") {
		t.Fatalf("drift.md does not name the drift:\n%s", md)
	}
}

// changeByHand changes the port of mysql record billing-db, as someone in the Qualys UI would.
func changeByHand(t *testing.T, base string) {
	t.Helper()
	c, err := qualysclient.New(qualysclient.Config{BaseURL: base, Username: "ci", Password: "ci-login-secret"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	recs, err := c.ListRecords(ctx, "mysql", qualysclient.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Title == "billing-db" {
			if err := c.UpdateRecords(ctx, "mysql", []int64{r.ID}, url.Values{"port": {"3310"}}); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("no mysql record billing-db")
}

// parseGitHubWorkflow takes the top-level env and each job's steps' run scripts.
func parseGitHubWorkflow(t *testing.T, data []byte) ciWorkflow {
	var doc struct {
		Env  map[string]string `yaml:"env"`
		Jobs map[string]struct {
			Env   map[string]string `yaml:"env"`
			Steps []struct {
				Run string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	wf := ciWorkflow{env: literalVars(doc.Env), jobs: map[string][]string{}}
	for name, job := range doc.Jobs {
		for _, s := range job.Steps {
			wf.jobs[name] = append(wf.jobs[name], qsyncLines(s.Run)...)
		}
	}
	return wf
}

// parseGitLabPipeline takes the top-level variables and each job's before_script, script and
// after_script.
func parseGitLabPipeline(t *testing.T, data []byte) ciWorkflow {
	var doc map[string]yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var vars map[string]string
	if n, ok := doc["variables"]; ok {
		if err := n.Decode(&vars); err != nil {
			t.Fatal(err)
		}
	}
	wf := ciWorkflow{env: literalVars(vars), jobs: map[string][]string{}}
	for name, n := range doc {
		var job struct {
			BeforeScript []string `yaml:"before_script"`
			Script       []string `yaml:"script"`
			AfterScript  []string `yaml:"after_script"`
		}
		if n.Kind != yaml.MappingNode || n.Decode(&job) != nil {
			continue
		}
		for _, s := range append(append(job.BeforeScript, job.Script...), job.AfterScript...) {
			wf.jobs[name] = append(wf.jobs[name], qsyncLines(s)...)
		}
	}
	return wf
}

// literalVars drops the variables whose values the CI system fills in (${{ ... }}).
func literalVars(in map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range in {
		if !strings.Contains(v, "${{") {
			out[k] = v
		}
	}
	return out
}

// qsyncLines returns the lines of a shell script that run qsync (continuation lines joined).
func qsyncLines(script string) []string {
	var out []string
	var cur strings.Builder
	for _, l := range strings.Split(script, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasSuffix(l, "\\") {
			cur.WriteString(strings.TrimSpace(strings.TrimSuffix(l, "\\")) + " ")
			continue
		}
		cur.WriteString(l)
		line := cur.String()
		cur.Reset()
		if strings.HasPrefix(line, "qsync ") {
			out = append(out, line)
		}
	}
	return out
}

// TestQsyncLines covers the extraction of command lines from CI scripts.
func TestQsyncLines(t *testing.T) {
	got := qsyncLines("set +e\n  qsync plan \\\n   --out p.json cfg > p.md\necho qsync\nqsyncx y\nqsync validate cfg")
	want := []string{"qsync plan --out p.json cfg > p.md", "qsync validate cfg"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}
