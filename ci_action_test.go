package main

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/qsync/qsync/internal/ci/citest"
)

// ghAction is what the tests read of action.yml.
type ghAction struct {
	Inputs map[string]struct {
		Default  string `yaml:"default"`
		Required bool   `yaml:"required"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string   `yaml:"using"`
		Steps []ghStep `yaml:"steps"`
	} `yaml:"runs"`
}

type ghStep struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	Run   string            `yaml:"run"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
	With  map[string]string `yaml:"with"`
}

type ghWorkflow struct {
	On   map[string]any    `yaml:"on"`
	Env  map[string]string `yaml:"env"`
	Jobs map[string]ghJob  `yaml:"jobs"`
}

type ghJob struct {
	Name        string            `yaml:"name"`
	If          string            `yaml:"if"`
	Environment string            `yaml:"environment"`
	Env         map[string]string `yaml:"env"`
	Permissions map[string]string `yaml:"permissions"`
	Concurrency *struct {
		Group            string `yaml:"group"`
		CancelInProgress bool   `yaml:"cancel-in-progress"`
		Queue            string `yaml:"queue"`
	} `yaml:"concurrency"`
	Steps []ghStep `yaml:"steps"`
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// ghRunner runs the jobs of examples/ci/github-actions.yml, and the qsync action they use, the
// way a GitHub runner would: job conditions evaluated for the event, the action's composite
// steps' shell run with bash, actions/checkout and actions/upload-artifact emulated (a fresh
// checkout per job; an upload becomes an artifact of the run in the fake GitHub).
type ghRunner struct {
	*ciEstate
	spec    ghAction
	flow    ghWorkflow
	fake    *citest.GitHub
	apiURL  string
	nextRun int64
}

// ghEvent is one workflow run's trigger.
type ghEvent struct {
	name, ref, sha string
	payload        string
	headSHA        string // the head commit the run is for (a pull request's; else sha)
}

// ghJobResult is one job's outcome.
type ghJobResult struct {
	failed  bool
	outputs map[string]string // the qsync action's outputs
	log     string
}

func newGHRunner(t *testing.T) *ghRunner {
	r := &ghRunner{ciEstate: newCIEstate(t), nextRun: 70}
	readYAML(t, "action.yml", &r.spec)
	readYAML(t, "examples/ci/github-actions.yml", &r.flow)
	r.fake = citest.NewGitHub("acme/scan-config", ciForgeToken)
	blob := httptest.NewServer(r.fake.Blob)
	t.Cleanup(blob.Close)
	r.fake.BlobURL = blob.URL
	srv := httptest.NewServer(r.fake)
	t.Cleanup(srv.Close)
	r.apiURL = srv.URL
	return r
}

// run runs every job of the example workflow whose condition holds for ev, in file order, and
// returns their results by job name.
func (r *ghRunner) run(ev ghEvent) map[string]ghJobResult {
	r.t.Helper()
	r.nextRun++
	runID := r.nextRun
	if ev.headSHA == "" {
		ev.headSHA = ev.sha
	}
	eventPath := filepath.Join(r.t.TempDir(), "event.json")
	if err := os.WriteFile(eventPath, []byte(ev.payload), 0o600); err != nil {
		r.t.Fatal(err)
	}
	ctx := map[string]string{"github.event_name": ev.name, "github.ref": ev.ref, "github.token": ciForgeToken,
		"github.event.repository.default_branch": "main",
		"vars.QUALYS_API_URL":                    r.emuURL, "secrets.QUALYS_RO_USERNAME": "ci", "secrets.QUALYS_RO_PASSWORD": "ci-login-secret",
		"secrets.QUALYS_USERNAME": "ci", "secrets.QUALYS_PASSWORD": "ci-login-secret", "secrets.QSYNC_SECRET_KEY": r.secrets["QSYNC_SECRET_KEY"]}
	var pr struct {
		PullRequest struct{ Number int } `json:"pull_request"`
	}
	if json.Unmarshal([]byte(ev.payload), &pr) == nil && pr.PullRequest.Number != 0 {
		ctx["github.event.pull_request.number"] = fmt.Sprint(pr.PullRequest.Number)
	}
	expr := ciExpr{lookup: func(n string) (string, bool) { v, ok := ctx[n]; return v, ok }}
	results := map[string]ghJobResult{}
	conclusion := "success"
	var uploads []citest.Artifact
	for _, name := range []string{"plan", "check", "apply", "drift"} {
		job, ok := r.flow.Jobs[name]
		if !ok {
			r.t.Fatalf("the example has no job %s", name)
		}
		if ok, err := expr.eval(job.If); err != nil {
			r.t.Fatalf("job %s: %v", name, err)
		} else if !ok {
			continue
		}
		env := map[string]string{}
		for k, v := range r.base {
			env[k] = v
		}
		for _, m := range []map[string]string{r.flow.Env, job.Env} {
			for k, v := range m {
				s, err := expr.interpolate(v)
				if err != nil {
					r.t.Fatalf("job %s: env %s: %v", name, k, err)
				}
				env[k] = s
			}
		}
		if job.Environment == "qualys" { // the protected environment's secrets
			for k, v := range r.secrets {
				env[k] = v
			}
		}
		work := r.checkout()
		runner := r.t.TempDir()
		for k, v := range map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_API_URL": r.apiURL, "GITHUB_REPOSITORY": "acme/scan-config",
			"GITHUB_SERVER_URL": "https://github.example", "GITHUB_RUN_ID": fmt.Sprint(runID), "GITHUB_EVENT_NAME": ev.name,
			"GITHUB_EVENT_PATH": eventPath, "GITHUB_SHA": ev.sha, "GITHUB_REF": ev.ref, "GITHUB_WORKSPACE": work,
			"GITHUB_STEP_SUMMARY": filepath.Join(runner, "summary.md"), "GITHUB_PATH": filepath.Join(runner, "path"),
			"RUNNER_TEMP": runner, "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64"} {
			env[k] = v
		}
		res := ghJobResult{}
		for _, st := range job.Steps {
			switch {
			case strings.HasPrefix(st.Uses, "actions/checkout@"):
			case strings.HasPrefix(st.Uses, "qsync/qsync@"):
				inputs := map[string]string{}
				for k, v := range st.With {
					inputs[k] = v
				}
				inputs["version"] = "none" // the install step has its own test (TestActionInstall)
				var ups []citest.Artifact
				res, ups = r.runAction(work, env, ctx, inputs)
				uploads = append(uploads, ups...)
			default:
				r.t.Fatalf("job %s: step %q: the example should only check out and use the qsync action", name, st.Name+st.Uses)
			}
		}
		if res.failed {
			conclusion = "failure"
		}
		results[name] = res
	}
	if len(uploads) > 0 {
		r.fake.AddRun(citest.Run{ID: runID, HeadSHA: ev.headSHA, Event: ev.name, Conclusion: conclusion}, uploads...)
	}
	return results
}

// action runs the composite steps of action.yml with inputs in a job's checkout and environment.
func (r *ghRunner) runAction(work string, jobEnv, ctx map[string]string, with map[string]string) (ghJobResult, []citest.Artifact) {
	r.t.Helper()
	inputs := map[string]string{}
	for name, in := range r.spec.Inputs {
		v, err := ciExpr{lookup: func(n string) (string, bool) { v, ok := ctx[n]; return v, ok }}.interpolate(in.Default)
		if err != nil {
			r.t.Fatalf("input %s: %v", name, err)
		}
		inputs[name] = v
	}
	for k, v := range with {
		if _, ok := r.spec.Inputs[k]; !ok {
			r.t.Fatalf("the action has no input %q", k)
		}
		inputs[k] = v
	}
	steps := map[string]map[string]string{}
	failed := false
	lookup := func(n string) (string, bool) {
		if k, ok := strings.CutPrefix(n, "inputs."); ok {
			v, ok := inputs[k]
			return v, ok
		}
		if rest, ok := strings.CutPrefix(n, "steps."); ok {
			id, out, _ := strings.Cut(rest, ".outputs.")
			return steps[id][out], true
		}
		v, ok := ctx[n]
		return v, ok
	}
	abs, err := filepath.Abs(".")
	if err != nil {
		r.t.Fatal(err)
	}
	var res ghJobResult
	var uploads []citest.Artifact
	for _, st := range r.spec.Runs.Steps {
		e := ciExpr{lookup: lookup, funcs: map[string]bool{"always": true, "success": !failed, "failure": failed, "cancelled": false}}
		cond := st.If
		if cond == "" {
			cond = "success()"
		}
		if ok, err := e.eval(cond); err != nil {
			r.t.Fatalf("action step %q: %v", st.Name, err)
		} else if !ok {
			continue
		}
		if st.Uses != "" {
			if !strings.HasPrefix(st.Uses, "actions/upload-artifact@") {
				r.t.Fatalf("action step %q uses %s, which the test cannot emulate", st.Name, st.Uses)
			}
			name, err := e.interpolate(st.With["name"])
			if err != nil {
				r.t.Fatal(err)
			}
			uploads = append(uploads, citest.Artifact{Name: name, Files: readArtifacts(r.t, work, strings.Split(st.With["path"], "\n"))})
			continue
		}
		env := map[string]string{}
		for k, v := range jobEnv {
			env[k] = v
		}
		for k, v := range st.Env {
			s, err := e.interpolate(v)
			if err != nil {
				r.t.Fatalf("action step %q: %v", st.Name, err)
			}
			env[k] = s
		}
		outFile := filepath.Join(r.t.TempDir(), "output")
		env["GITHUB_OUTPUT"], env["GITHUB_ACTION_PATH"] = outFile, abs
		code, log := r.bash(work, env, st.Run)
		res.log += log
		if code != 0 {
			failed = true
		}
		outs := map[string]string{}
		if b, err := os.ReadFile(outFile); err == nil {
			for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				if k, v, ok := strings.Cut(l, "="); ok {
					outs[k] = v
				}
			}
		}
		if st.ID != "" {
			steps[st.ID] = outs
		}
	}
	res.failed, res.outputs = failed, map[string]string{}
	for name, o := range r.spec.Outputs {
		v, err := ciExpr{lookup: lookup}.interpolate(o.Value)
		if err != nil {
			r.t.Fatal(err)
		}
		res.outputs[name] = v
	}
	return res, uploads
}

func jobNames(m map[string]ghJobResult) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestGitHubAction runs examples/ci/github-actions.yml with the qsync action end to end against
// the emulator and a fake GitHub, one subtest per mode: plan on a pull request (comment, stamped
// artifact), check in the merge queue (the reviewed plan of the pull request at the head of the
// group), apply on the push of the merge commit (exactly that plan; the result on the pull
// request), drift on a schedule (no issue; then a change by hand opens one), a manual
// workflow_dispatch apply (undoes the drift) and the next schedule closing the issue. Each event
// runs exactly the jobs the workflow's conditions select.
func TestGitHubAction(t *testing.T) {
	r := newGHRunner(t)
	r.fake.SetPull(5, citest.Pull{HeadSHA: "head1"})
	r.fake.AddComment(5, "octocat", "please review")
	prEvent := ghEvent{name: "pull_request", ref: "refs/pull/5/merge", sha: "prmerge1", headSHA: "head1",
		payload: `{"number": 5, "pull_request": {"number": 5, "head": {"sha": "head1"}}}`}
	mustJobs := func(t *testing.T, got map[string]ghJobResult, want ...string) {
		t.Helper()
		if names := jobNames(got); !slices.Equal(names, want) {
			t.Fatalf("jobs run: %v, want %v", names, want)
		}
		for name, res := range got {
			if res.failed {
				t.Fatalf("job %s failed:\n%s", name, res.log)
			}
		}
	}

	t.Run("plan", func(t *testing.T) {
		got := r.run(prEvent)
		mustJobs(t, got, "check", "plan")
		plan := got["plan"]
		if plan.outputs["exit-code"] != "2" || plan.outputs["has-changes"] != "true" || !strings.HasSuffix(plan.outputs["plan-file"], "/plan.json") {
			t.Fatalf("plan outputs %v\n%s", plan.outputs, plan.log)
		}
		if !strings.Contains(got["check"].log, "checked in the merge queue") {
			t.Fatalf("check on a pull request:\n%s", got["check"].log)
		}
		cs := r.fake.Comments(5)
		if len(cs) != 2 || !strings.HasPrefix(cs[1].Body, "<!-- qsync:plan owner=secops config=config -->\n") ||
			!strings.Contains(cs[1].Body, "### qsync plan for owner `secops`") || !strings.Contains(cs[1].Body, "Plan for commit `head1`") {
			t.Fatalf("comments after the plan: %+v", cs)
		}
		// Checked against main's policy, and each change labelled against main (HEAD^1).
		checkCIPolicyAndBase(t, cs[1].Body)
	})

	t.Run("check_merge_queue", func(t *testing.T) {
		got := r.run(ghEvent{name: "merge_group", ref: "refs/heads/gh-readonly-queue/main/pr-5-0a1b2c", sha: "queue1",
			payload: `{"merge_group": {"head_ref": "refs/heads/gh-readonly-queue/main/pr-5-0a1b2c", "head_sha": "queue1"}}`})
		mustJobs(t, got, "check")
		if c := got["check"]; c.outputs["exit-code"] != "0" || !strings.Contains(c.log, "fetched the plan reviewed in pull request #5 at its head commit head1") ||
			!strings.Contains(c.log, "would apply") {
			t.Fatalf("check: %v\n%s", c.outputs, c.log)
		}
		if len(r.fake.Blob.Leaked()) > 0 {
			t.Fatalf("the artifact storage received credentials: %v", r.fake.Blob.Leaked())
		}
	})

	t.Run("apply", func(t *testing.T) {
		r.fake.SetPull(5, citest.Pull{HeadSHA: "head1", MergeCommitSHA: "merge5"})
		got := r.run(ghEvent{name: "push", ref: "refs/heads/main", sha: "merge5", payload: `{"ref": "refs/heads/main"}`})
		mustJobs(t, got, "apply")
		a := got["apply"]
		if a.outputs["exit-code"] != "0" || strings.Count(a.log, "Converged") != 2 {
			t.Fatalf("apply: %v\n%s", a.outputs, a.log)
		}
		cs := r.fake.Comments(5)
		if len(cs) != 3 || !strings.HasPrefix(cs[2].Body, "<!-- qsync:apply owner=secops config=config -->\n### qsync apply for owner `secops`: converged") {
			t.Fatalf("comments after the apply: %+v", cs)
		}
		// The reviewed plan is applied: in the merge queue again, it is stale.
		got = r.run(ghEvent{name: "merge_group", ref: "refs/heads/gh-readonly-queue/main/pr-5-0a1b2c", sha: "queue2",
			payload: `{"merge_group": {"head_ref": "refs/heads/gh-readonly-queue/main/pr-5-0a1b2c"}}`})
		if c := got["check"]; !c.failed || c.outputs["exit-code"] != "1" || !strings.Contains(c.log, "refusing") {
			t.Fatalf("check of an applied plan: %+v\n%s", c.outputs, c.log)
		}
	})

	schedule := ghEvent{name: "schedule", ref: "refs/heads/main", sha: "merge5", payload: `{"schedule": "17 6 * * *"}`}
	t.Run("drift", func(t *testing.T) {
		got := r.run(schedule)
		mustJobs(t, got, "drift")
		if d := got["drift"]; d.outputs["exit-code"] != "0" || len(r.fake.Issues()) != 0 {
			t.Fatalf("drift without drift: %v, issues %+v\n%s", d.outputs, r.fake.Issues(), d.log)
		}
		changeByHand(t, r.emuURL)
		got = r.run(schedule)
		d := got["drift"]
		issues := r.fake.Issues()
		if !d.failed || d.outputs["exit-code"] != "2" || d.outputs["has-changes"] != "true" || len(issues) != 1 || !issues[0].Open ||
			!strings.Contains(issues[0].Body, "billing-db") || !strings.Contains(issues[0].Body, "outside qsync") {
			t.Fatalf("drift: failed %v, %v, issues %+v\n%s", d.failed, d.outputs, issues, d.log)
		}
	})

	t.Run("apply_manual", func(t *testing.T) {
		got := r.run(ghEvent{name: "workflow_dispatch", ref: "refs/heads/main", sha: "merge5", payload: `{}`})
		mustJobs(t, got, "apply")
		if a := got["apply"]; a.outputs["exit-code"] != "0" || !strings.Contains(a.log, "Converged") || strings.Contains(a.log, "fetched the plan") {
			t.Fatalf("manual apply: %v\n%s", a.outputs, a.log)
		}
		got = r.run(schedule)
		mustJobs(t, got, "drift")
		issues := r.fake.Issues()
		if len(issues) != 1 || issues[0].Open || len(issues[0].Notes) != 1 || !strings.Contains(issues[0].Notes[0], "matches the configuration again") {
			t.Fatalf("the drift issue after the manual apply: %+v", issues)
		}
	})
}
