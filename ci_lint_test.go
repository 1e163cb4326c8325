package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rhysd/actionlint"

	"github.com/qsync/qsync/internal/release"
)

// TestActionlintExample lints examples/ci/github-actions.yml with actionlint (as a library; with
// shellcheck on its run: scripts when shellcheck is installed). actionlint 1.7.12 does not know
// the concurrency key queue (GitHub added it in 2026), so that one message is ignored.
func TestActionlintExample(t *testing.T) {
	var out bytes.Buffer
	opts := &actionlint.LinterOptions{IgnorePatterns: []string{`unexpected key "queue" for "concurrency" section`}}
	if p, err := exec.LookPath("shellcheck"); err == nil {
		opts.Shellcheck = p
	}
	l, err := actionlint.NewLinter(&out, opts)
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.LintFile("examples/ci/github-actions.yml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) > 0 {
		t.Fatalf("actionlint: %d problem(s):\n%s", len(errs), out.String())
	}
	// The linter does find problems: a reference to an undefined input of a job's step.
	bad := []byte("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ inputs.nope }} ${{ github.nope }}\n")
	if errs, _ := l.Lint("bad.yml", bad, nil); len(errs) == 0 {
		t.Fatal("actionlint found nothing in a broken workflow")
	}
}

// TestActionStatic checks action.yml offline, as actionlint would a workflow: a composite action
// whose run steps all name their shell and contain no ${{ }} (inputs reach scripts as environment
// variables, so an input cannot inject shell code), whose expressions name only declared inputs
// and earlier steps' ids, whose outputs come from a step that exists, and whose scripts pass
// shellcheck (skipped when shellcheck is not installed; .ci/run installs it).
func TestActionStatic(t *testing.T) {
	var a ghAction
	readYAML(t, "action.yml", &a)
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using %q, want composite", a.Runs.Using)
	}
	for _, m := range []string{"mode", "path", "owner", "version", "comment"} {
		if _, ok := a.Inputs[m]; !ok {
			t.Errorf("no input %s", m)
		}
	}
	for _, o := range []string{"exit-code", "has-changes", "plan-file"} {
		if _, ok := a.Outputs[o]; !ok {
			t.Errorf("no output %s", o)
		}
	}
	exprRE := regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)
	nameRE := regexp.MustCompile(`\b(inputs|steps)\.([A-Za-z0-9_-]+)`)
	ids := map[string]bool{}
	check := func(where, text string) {
		for _, m := range nameRE.FindAllStringSubmatch(text, -1) {
			switch {
			case m[1] == "inputs" && !inputDeclared(a, m[2]):
				t.Errorf("%s: inputs.%s is not declared", where, m[2])
			case m[1] == "steps" && !ids[m[2]]:
				t.Errorf("%s: steps.%s is not an earlier step", where, m[2])
			}
		}
	}
	for _, st := range a.Runs.Steps {
		where := "step " + st.Name
		check(where+" if", st.If)
		for k, v := range st.Env {
			check(where+" env "+k, v)
		}
		for k, v := range st.With {
			check(where+" with "+k, v)
		}
		if st.Run != "" {
			if st.Shell == "" {
				t.Errorf("%s: a composite run step needs shell:", where)
			}
			if exprRE.MatchString(st.Run) {
				t.Errorf("%s: ${{ }} in a script (pass it as an environment variable)", where)
			}
			for _, f := range regexp.MustCompile(`\$GITHUB_ACTION_PATH/([^" ]+)`).FindAllStringSubmatch(st.Run, -1) {
				if fi, err := os.Stat(f[1]); err != nil || fi.Mode()&0o111 == 0 {
					t.Errorf("%s: runs %s, which is not an executable file of the repository", where, f[1])
				}
			}
		}
		if st.Uses != "" && !regexp.MustCompile(`^actions/[a-z-]+@v[0-9]+$`).MatchString(st.Uses) {
			t.Errorf("%s: uses %s: only actions/* pinned to a major version", where, st.Uses)
		}
		if st.ID != "" {
			ids[st.ID] = true
		}
	}
	for name, o := range a.Outputs {
		check("output "+name, o.Value)
	}
	if sc, err := exec.LookPath("shellcheck"); err != nil {
		t.Log("shellcheck not installed: scripts not checked")
	} else if out, err := exec.Command(sc, "scripts/action.sh").CombinedOutput(); err != nil {
		t.Errorf("shellcheck scripts/action.sh:\n%s", out)
	}
}

func inputDeclared(a ghAction, name string) bool {
	_, ok := a.Inputs[name]
	return ok
}

// TestExampleConcurrency: applies share one queued, never cancelled concurrency group (GitHub) or
// resource group, never interrupted (GitLab); no other job shares it, so a merge queue check or a
// drift run cannot cancel a pending apply; a manual run can apply (workflow_dispatch; a web or api
// pipeline on the default branch).
func TestExampleConcurrency(t *testing.T) {
	var wf ghWorkflow
	readYAML(t, "examples/ci/github-actions.yml", &wf)
	apply := wf.Jobs["apply"]
	if c := apply.Concurrency; c == nil || c.Group == "" || strings.Contains(c.Group, "${{") || c.CancelInProgress || c.Queue != "max" {
		t.Fatalf("the apply job's concurrency: %+v, want a fixed group, cancel-in-progress false, queue max", c)
	}
	for name, j := range wf.Jobs {
		if name != "apply" && j.Concurrency != nil && j.Concurrency.Group == apply.Concurrency.Group {
			t.Errorf("job %s shares the apply's concurrency group", name)
		}
	}
	if _, ok := wf.On["workflow_dispatch"]; !ok || !strings.Contains(apply.If, "workflow_dispatch") {
		t.Errorf("a manual run (workflow_dispatch) cannot apply: on %v, apply if %q", wf.On, apply.If)
	}
	jobs := glComponent(t, nil)
	ga := jobs["qsync-apply"]
	if ga.ResourceGroup == "" || ga.Interruptible == nil || *ga.Interruptible {
		t.Errorf("qsync-apply: resource_group %q, interruptible %v: want a resource group and interruptible: false", ga.ResourceGroup, ga.Interruptible)
	}
	manual := false
	for _, r := range ga.Rules {
		manual = manual || strings.Contains(r.If, `"web"`)
	}
	if !manual {
		t.Error("qsync-apply does not run in a manual (web) pipeline")
	}
	for _, name := range []string{"qsync-plan", "qsync-check", "qsync-apply", "qsync-drift"} {
		if _, ok := jobs[name]; !ok {
			t.Errorf("the component has no job %s", name)
		}
	}
}

// fakeRelease serves a release of version made the way make release names it, holding
// binary as qsync, with its SHA256SUMS; it returns the releases URL and the archive's path.
func fakeRelease(t *testing.T, version string, binary []byte) (string, string) {
	t.Helper()
	if err := release.CheckVersion(version); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	dir := filepath.Join(root, version)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "qsync")
	if err := os.WriteFile(bin, binary, 0o755); err != nil {
		t.Fatal(err)
	}
	archive := release.ArchiveName(version, "linux", "amd64")
	if err := release.WriteTarGz(filepath.Join(dir, archive), []release.File{{Name: "qsync", Path: bin, Mode: 0o755}}, time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	var sums bytes.Buffer
	if err := release.WriteChecksums(&sums, dir, []string{archive}); err != nil {
		t.Fatal(err)
	}
	sums.WriteString(strings.Repeat("0", 64) + "  " + release.ArchiveName(version, "windows", "arm64") + "\n") // not downloaded: ignored
	if err := os.WriteFile(filepath.Join(dir, "SHA256SUMS"), sums.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(root)))
	t.Cleanup(srv.Close)
	return srv.URL, filepath.Join(dir, archive)
}

// TestInstallPinnedRelease: the action's setup (scripts/action.sh install) and the component's
// before_script install the pinned release from a fake release laid out as make release writes it,
// and refuse a tampered archive without installing anything.
func TestInstallPinnedRelease(t *testing.T) {
	for _, tool := range []string{"bash", "sha256sum", "curl", "tar"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip(tool + " not found")
		}
	}
	var a ghAction
	readYAML(t, "action.yml", &a)
	version := a.Inputs["version"].Default
	releases, archive := fakeRelease(t, version, []byte("#!/bin/sh\necho qsync "+version+"\n"))
	install := map[string]func() (string, string, error){
		"action": func() (string, string, error) {
			runner := t.TempDir()
			ghPath := filepath.Join(runner, "github_path")
			cmd := exec.Command("bash", "scripts/action.sh", "install")
			cmd.Env = append(os.Environ(), "QSYNC_VERSION="+version, "QSYNC_RELEASES="+releases, "RUNNER_TEMP="+runner, "GITHUB_PATH="+ghPath, "RUNNER_OS=Linux", "RUNNER_ARCH=X64")
			out, err := cmd.CombinedOutput()
			p, _ := os.ReadFile(ghPath)
			return string(out), strings.TrimSpace(string(p)), err
		},
		"component": func() (string, string, error) {
			job := glComponent(t, nil)["qsync-plan"]
			if len(job.BeforeScript) == 0 {
				t.Fatal("the component installs nothing")
			}
			binDir := t.TempDir()
			script := strings.Join(job.BeforeScript[:len(job.BeforeScript)-1], "\n") // without "qsync version"
			cmd := exec.Command("bash", "-eo", "pipefail", "-c", script)
			cmd.Dir = t.TempDir()
			cmd.Env = append(os.Environ(), "QSYNC_VERSION="+job.Variables["QSYNC_VERSION"], "QSYNC_RELEASES="+releases, "QSYNC_BIN_DIR="+binDir)
			out, err := cmd.CombinedOutput()
			if _, serr := os.Stat(filepath.Join(binDir, "qsync")); serr != nil {
				binDir = ""
			}
			return string(out), binDir, err
		},
	}
	good, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"action", "component"} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(archive, good, 0o644); err != nil {
				t.Fatal(err)
			}
			out, dir, err := install[name]()
			if err != nil || dir == "" {
				t.Fatalf("install: %v\n%s", err, out)
			}
			got, err := exec.Command(filepath.Join(dir, "qsync")).Output()
			if err != nil || string(got) != "qsync "+version+"\n" {
				t.Fatalf("installed qsync: %q, %v (install said %s)", got, err, out)
			}
			if err := os.WriteFile(archive, []byte("tampered"), 0o644); err != nil {
				t.Fatal(err)
			}
			out, dir, err = install[name]()
			if err == nil || !strings.Contains(out, "FAILED") || dir != "" {
				t.Fatalf("tampered archive: err %v, installed in %q, output:\n%s", err, dir, out)
			}
		})
	}
}

// TestVersionPins: every place that pins a qsync release (the action's and the component's
// default version, the examples' uses: and component: references, the pre-commit rev, the docs)
// names one and the same version, and it is a version make release publishes.
func TestVersionPins(t *testing.T) {
	pinRE := regexp.MustCompile(`(?:qsync/qsync@|qsync@|rev: |default: |QSYNC_VERSION: |install github\.com/qsync/qsync@)(v[0-9][0-9A-Za-z.+-]*)`)
	found := map[string][]string{}
	for _, f := range []string{"action.yml", "templates/qsync.yml", "examples/ci/github-actions.yml", "examples/ci/gitlab-ci.yml",
		".pre-commit-hooks.yaml", "README.md", "docs/ci.md"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range pinRE.FindAllStringSubmatch(string(b), -1) {
			found[m[1]] = append(found[m[1]], f)
		}
	}
	if len(found) != 1 {
		t.Fatalf("pinned versions differ: %v", found)
	}
	for v, files := range found {
		if err := release.CheckVersion(v); err != nil {
			t.Errorf("%v pin %v", files, err)
		}
		for _, f := range []string{"action.yml", "templates/qsync.yml", "examples/ci/github-actions.yml", "examples/ci/gitlab-ci.yml"} {
			if !slices.Contains(files, f) {
				t.Errorf("%s pins no version", f)
			}
		}
	}
}
