package main

import (
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/qsync/qsync/internal/ci/citest"
)

// glJob is what the tests read of a GitLab job.
type glJob struct {
	Extends      string            `yaml:"extends"`
	Stage        string            `yaml:"stage"`
	Variables    map[string]string `yaml:"variables"`
	BeforeScript []string          `yaml:"before_script"`
	Script       []string          `yaml:"script"`
	AfterScript  []string          `yaml:"after_script"`
	Rules        []struct {
		If   string `yaml:"if"`
		When string `yaml:"when"`
	} `yaml:"rules"`
	ResourceGroup string `yaml:"resource_group"`
	Interruptible *bool  `yaml:"interruptible"`
	AllowFailure  struct {
		ExitCodes []int `yaml:"exit_codes"`
	} `yaml:"allow_failure"`
	Artifacts struct {
		When  string   `yaml:"when"`
		Paths []string `yaml:"paths"`
	} `yaml:"artifacts"`
}

// glComponent reads templates/qsync.yml with inputs (over its spec's defaults): the jobs, with
// $[[ inputs.NAME ]] replaced and extends resolved.
func glComponent(t *testing.T, inputs map[string]string) map[string]glJob {
	t.Helper()
	b, err := os.ReadFile("templates/qsync.yml")
	if err != nil {
		t.Fatal(err)
	}
	header, body, ok := strings.Cut(string(b), "\n---\n")
	if !ok {
		t.Fatal("templates/qsync.yml: no spec header (spec: ... ---)")
	}
	var spec struct {
		Spec struct {
			Inputs map[string]struct {
				Default any    `yaml:"default"`
				Type    string `yaml:"type"`
			} `yaml:"inputs"`
		} `yaml:"spec"`
	}
	if err := yaml.Unmarshal([]byte(header), &spec); err != nil {
		t.Fatal(err)
	}
	for k := range inputs {
		if _, ok := spec.Spec.Inputs[k]; !ok {
			t.Fatalf("the component has no input %q", k)
		}
	}
	var missing []string
	body = regexp.MustCompile(`\$\[\[\s*inputs\.([a-z-]+)\s*\]\]`).ReplaceAllStringFunc(body, func(m string) string {
		name := regexp.MustCompile(`inputs\.([a-z-]+)`).FindStringSubmatch(m)[1]
		if v, ok := inputs[name]; ok {
			return v
		}
		in, ok := spec.Spec.Inputs[name]
		if !ok {
			missing = append(missing, name)
			return ""
		}
		if in.Default == nil {
			return ""
		}
		return strings.TrimSpace(yamlScalar(in.Default))
	})
	if len(missing) > 0 {
		t.Fatalf("templates/qsync.yml uses undeclared inputs %v", missing)
	}
	var raw map[string]glJob
	if err := yaml.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatal(err)
	}
	jobs := map[string]glJob{}
	for name, j := range raw {
		if strings.HasPrefix(name, ".") {
			continue
		}
		if j.Extends != "" {
			base, ok := raw[j.Extends]
			if !ok {
				t.Fatalf("job %s extends the unknown %s", name, j.Extends)
			}
			vars := map[string]string{}
			for k, v := range base.Variables {
				vars[k] = v
			}
			for k, v := range j.Variables {
				vars[k] = v
			}
			j.Variables = vars
			if j.BeforeScript == nil {
				j.BeforeScript = base.BeforeScript
			}
		}
		jobs[name] = j
	}
	return jobs
}

func yamlScalar(v any) string {
	b, _ := yaml.Marshal(v)
	return string(b)
}

// glRunner runs the component's jobs the way a GitLab runner would: rules evaluated for the
// pipeline, variables expanded, before_script and script in one shell (stopping at the first
// failure), after_script in another, artifacts kept as the job's in the fake GitLab.
type glRunner struct {
	*ciEstate
	jobs   map[string]glJob
	fake   *citest.GitLab
	apiURL string
}

type glPipeline struct {
	id   int64
	vars map[string]string
	mr   int // the merge request the pipeline belongs to (0: none)
}

type glJobResult struct {
	code int
	log  string
}

func newGLRunner(t *testing.T) *glRunner {
	r := &glRunner{ciEstate: newCIEstate(t)}
	var example struct {
		Include []struct {
			Component string            `yaml:"component"`
			Inputs    map[string]string `yaml:"inputs"`
		} `yaml:"include"`
	}
	readYAML(t, "examples/ci/gitlab-ci.yml", &example)
	if len(example.Include) != 1 || !strings.HasSuffix(example.Include[0].Component, "/qsync/qsync/qsync@v0.1.0") {
		t.Fatalf("the example should include the qsync component: %+v", example.Include)
	}
	inputs := example.Include[0].Inputs
	inputs["version"] = "none" // the install has its own test (TestComponentInstall)
	r.jobs = glComponent(t, inputs)
	r.fake = citest.NewGitLab("42", ciForgeToken, 9)
	srv := httptest.NewServer(r.fake)
	t.Cleanup(srv.Close)
	r.apiURL = srv.URL + "/api/v4"
	return r
}

// run runs the jobs whose rules select them in pipeline p and returns their results.
func (r *glRunner) run(p glPipeline) map[string]glJobResult {
	r.t.Helper()
	vars := map[string]string{"CI_PROJECT_ID": "42", "CI_API_V4_URL": r.apiURL, "CI_SERVER_FQDN": "gitlab.example",
		"CI_JOB_URL": "https://gitlab.example/jobs/77", "CI_DEFAULT_BRANCH": "main", "CI_PIPELINE_ID": "0",
		"QSYNC_GITLAB_TOKEN": ciForgeToken, "QUALYS_API_URL": r.emuURL, "QUALYS_RO_USERNAME": "ci", "QUALYS_RO_PASSWORD": "ci-login-secret",
		"GITLAB_CI": "true"}
	for k, v := range p.vars {
		vars[k] = v
	}
	vars["CI_PIPELINE_ID"] = strFromInt(p.id)
	protected := vars["CI_COMMIT_BRANCH"] == vars["CI_DEFAULT_BRANCH"]
	if protected { // protected variables reach pipelines of the protected default branch only
		vars["QUALYS_USERNAME"], vars["QUALYS_PASSWORD"] = "ci", "ci-login-secret"
		for k, v := range r.secrets {
			vars[k] = v
		}
	}
	expr := ciExpr{lookup: func(n string) (string, bool) {
		if !strings.HasPrefix(n, "$") {
			return "", false
		}
		return vars[n[1:]], true
	}}
	results := map[string]glJobResult{}
	var kept []citest.Job
	names := make([]string, 0, len(r.jobs))
	for n := range r.jobs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		job := r.jobs[name]
		selected := false
		for _, rule := range job.Rules {
			ok, err := expr.eval(rule.If)
			if err != nil {
				r.t.Fatalf("job %s: rule %q: %v", name, rule.If, err)
			}
			if ok {
				selected = rule.When != "never"
				break
			}
		}
		if !selected {
			continue
		}
		env := map[string]string{}
		for k, v := range r.base {
			env[k] = v
		}
		for k, v := range vars {
			env[k] = v
		}
		for k, v := range job.Variables {
			env[k] = os.Expand(v, func(n string) string { return vars[n] })
		}
		work := r.checkout()
		code, log := r.bash(work, env, strings.Join(append(slices.Clone(job.BeforeScript), job.Script...), "\n"))
		if len(job.AfterScript) > 0 {
			env["CI_JOB_STATUS"] = map[bool]string{true: "success", false: "failed"}[code == 0]
			_, alog := r.bash(work, env, strings.Join(job.AfterScript, "\n"))
			log += alog
		}
		results[name] = glJobResult{code: code, log: log}
		if job.Artifacts.When == "always" || code == 0 {
			status := "success"
			if code != 0 && !slices.Contains(job.AllowFailure.ExitCodes, code) {
				status = "failed"
			}
			kept = append(kept, citest.Job{ID: p.id*10 + int64(len(kept)), Name: name, Status: status, Files: readArtifacts(r.t, work, job.Artifacts.Paths)})
		}
	}
	if p.mr != 0 {
		r.fake.AddPipeline(p.mr, citest.Pipeline{ID: p.id, SHA: vars["CI_COMMIT_SHA"], Ref: vars["CI_COMMIT_REF_NAME"], Jobs: kept})
	}
	return results
}

func strFromInt(n int64) string { return strings.TrimSpace(yamlScalar(n)) }

// TestGitLabComponent runs the component, as examples/ci/gitlab-ci.yml includes it, end to end
// against the emulator and a fake GitLab, one subtest per job: qsync-plan in a merged results
// pipeline (the note; artifacts stamped with the merge request's head commit, not the merge
// commit GitLab made), qsync-check in the merge train's pipeline, qsync-apply on the push of the
// merge commit (finding the plan past the train pipeline, which has no plan job: the bug of the
// old example), qsync-drift on a schedule (no issue, then one after a change by hand, an allowed
// failure), a manual pipeline applying the configuration, and the next schedule closing the issue.
func TestGitLabComponent(t *testing.T) {
	r := newGLRunner(t)
	r.fake.SetMergeRequest(5, citest.Pull{HeadSHA: "head1"})
	r.fake.AddNote(5, 3, "please review")
	mustJobs := func(t *testing.T, got map[string]glJobResult, want ...string) {
		t.Helper()
		var names []string
		for k, res := range got {
			names = append(names, k)
			if res.code != 0 {
				t.Fatalf("job %s exited %d:\n%s", k, res.code, res.log)
			}
		}
		sort.Strings(names)
		if !slices.Equal(names, want) {
			t.Fatalf("jobs run: %v, want %v", names, want)
		}
	}
	mr := map[string]string{"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "5", "CI_MERGE_REQUEST_EVENT_TYPE": "merged_result",
		"CI_MERGE_REQUEST_DIFF_BASE_SHA":     "HEAD^1", // the checkout's main
		"CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": "head1", "CI_COMMIT_SHA": "mrc1", "CI_COMMIT_REF_NAME": "refs/merge-requests/5/merge"}

	t.Run("plan", func(t *testing.T) {
		got := r.run(glPipeline{id: 100, mr: 5, vars: mr})
		mustJobs(t, got, "qsync-plan")
		notes := r.fake.Notes(5)
		if len(notes) != 2 || !strings.HasPrefix(notes[1].Body, "<!-- qsync:plan owner=secops config=config -->\n") ||
			!strings.Contains(notes[1].Body, "### qsync plan for owner `secops`") {
			t.Fatalf("notes after the plan: %+v", notes)
		}
		checkCIPolicyAndBase(t, notes[1].Body)
		if !strings.Contains(got["qsync-plan"].log, "head commit head1") {
			t.Fatalf("the stamp does not name the head commit:\n%s", got["qsync-plan"].log)
		}
	})

	t.Run("check_merge_train", func(t *testing.T) {
		train := map[string]string{"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "5", "CI_MERGE_REQUEST_EVENT_TYPE": "merge_train",
			"CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": "head1", "CI_COMMIT_SHA": "train1", "CI_COMMIT_REF_NAME": "refs/merge-requests/5/train"}
		got := r.run(glPipeline{id: 101, mr: 5, vars: train})
		mustJobs(t, got, "qsync-check")
		if log := got["qsync-check"].log; !strings.Contains(log, "fetched the plan reviewed in merge request !5 at its head commit head1 (pipeline 100") || !strings.Contains(log, "would apply") {
			t.Fatalf("check:\n%s", log)
		}
	})

	main := map[string]string{"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main", "CI_COMMIT_SHA": "merge5", "CI_COMMIT_REF_NAME": "main"}
	t.Run("apply", func(t *testing.T) {
		r.fake.SetMergeRequest(5, citest.Pull{HeadSHA: "head1", MergeCommitSHA: "merge5"})
		got := r.run(glPipeline{id: 102, vars: main})
		mustJobs(t, got, "qsync-apply")
		if log := got["qsync-apply"].log; !strings.Contains(log, "(pipeline 100, ") || strings.Count(log, "Converged") != 2 {
			t.Fatalf("apply:\n%s", log)
		}
		notes := r.fake.Notes(5)
		if len(notes) != 3 || !strings.HasPrefix(notes[2].Body, "<!-- qsync:apply owner=secops config=config -->\n### qsync apply for owner `secops`: converged") {
			t.Fatalf("notes after the apply: %+v", notes)
		}
	})

	schedule := map[string]string{"CI_PIPELINE_SOURCE": "schedule", "CI_COMMIT_BRANCH": "main", "CI_COMMIT_SHA": "merge5", "CI_COMMIT_REF_NAME": "main"}
	t.Run("drift", func(t *testing.T) {
		got := r.run(glPipeline{id: 103, vars: schedule})
		mustJobs(t, got, "qsync-drift")
		changeByHand(t, r.emuURL)
		got = r.run(glPipeline{id: 104, vars: schedule})
		d := got["qsync-drift"]
		issues := r.fake.Issues()
		if d.code != 2 || !slices.Contains(r.jobs["qsync-drift"].AllowFailure.ExitCodes, 2) || len(issues) != 1 || !issues[0].Open ||
			!strings.Contains(issues[0].Body, "billing-db") || !slices.Contains(issues[0].Labels, "qsync-drift") {
			t.Fatalf("drift: exit %d, issues %+v\n%s", d.code, issues, d.log)
		}
	})

	t.Run("apply_manual", func(t *testing.T) {
		web := map[string]string{"CI_PIPELINE_SOURCE": "web", "CI_COMMIT_BRANCH": "main", "CI_COMMIT_SHA": "merge5", "CI_COMMIT_REF_NAME": "main"}
		got := r.run(glPipeline{id: 105, vars: web})
		mustJobs(t, got, "qsync-apply")
		if log := got["qsync-apply"].log; strings.Contains(log, "fetched the plan") {
			t.Fatalf("a manual pipeline applied a reviewed plan instead of the configuration:\n%s", log)
		}
		got = r.run(glPipeline{id: 106, vars: schedule})
		mustJobs(t, got, "qsync-drift")
		issues := r.fake.Issues()
		if len(issues) != 1 || issues[0].Open || len(issues[0].Notes) != 1 {
			t.Fatalf("the drift issue after the manual apply: %+v", issues)
		}
	})
}
