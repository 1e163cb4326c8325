package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/qualysemu"
)

// ciEstate is what the end-to-end tests of the GitHub Action and the GitLab component share: an
// emulator with the demo estate, the examples as the repository's configuration, and the
// environment every job gets from the CI system's secret store.
type ciEstate struct {
	t       *testing.T
	emuURL  string
	config  map[string][]byte // config/ of the repository: file name -> content
	secrets map[string]string // the protected scan secrets and QSYNC_SECRET_KEY
	base    map[string]string // the runner's environment, without QUALYS_ and QSYNC_ variables
	ws      string            // the workspace every job checks out into
}

const ciForgeToken = "forge-token-canary-7f3a"

func newCIEstate(t *testing.T) *ciEstate {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not found")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not found")
	}
	if _, err := exec.LookPath("qsync"); err != nil {
		t.Skip("no qsync on PATH (testscript.Main puts the test binary there)")
	}
	srv, err := qualysemu.New(qualysemu.Config{Username: "ci", Password: "ci-login-secret", RateUnlimited: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.LoadSeedFile("scripts/demo-seed.yaml"); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	e := &ciEstate{t: t, emuURL: hs.URL, ws: filepath.Join(t.TempDir(), "workspace", "scan-config"), config: map[string][]byte{}, secrets: map[string]string{"QSYNC_SECRET_KEY": "ci-fingerprint-key"}, base: map[string]string{}}
	examples, _ := filepath.Glob("examples/*.yaml")
	envRef := regexp.MustCompile(`env: *([A-Z][A-Z0-9_]*)`)
	for _, f := range examples {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range envRef.FindAllSubmatch(b, -1) {
			e.secrets[string(m[1])] = "ci-value-for-" + string(m[1])
		}
		e.config[filepath.Base(f)] = b
	}
	e.config[filepath.Join("secrets", "reporting-db.password")] = []byte("ci-reporting\n")
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "QUALYS_") && !strings.HasPrefix(k, "QSYNC_") && !strings.HasPrefix(k, "GITHUB_") && !strings.HasPrefix(k, "CI_") {
			e.base[k] = v
		}
	}
	return e
}

// checkout returns a fresh clone of the repository, as each CI job gets one: at the same path for
// every job, as GitHub's and GitLab's runners do (/home/runner/work/R/R, /builds/G/P), with
// nothing left from an earlier job. It is a git repository of two commits with a remote origin:
// main (config/ without windows.yaml, and policy/ with examples/policy/), and the pull request's
// commit on top, which adds config/windows.yaml (so plan --base HEAD^1 attributes the windows
// records to the pull request, and the policy is read from origin's main, the first commit).
func (e *ciEstate) checkout() string {
	e.t.Helper()
	work := e.ws
	if err := os.RemoveAll(work); err != nil {
		e.t.Fatal(err)
	}
	write := func(rel string, b []byte) {
		p := filepath.Join(work, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			e.t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			e.t.Fatal(err)
		}
	}
	for name, b := range e.config {
		write(filepath.Join("config", name), b)
	}
	policies, _ := filepath.Glob("examples/policy/*.yaml")
	if len(policies) == 0 {
		e.t.Fatal("no examples/policy/*.yaml")
	}
	for _, f := range policies {
		b, err := os.ReadFile(f)
		if err != nil {
			e.t.Fatal(err)
		}
		write(filepath.Join("policy", filepath.Base(f)), b)
	}
	origin := filepath.Join(filepath.Dir(work), "origin.git")
	git := func(dir string, args ...string) {
		e.t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=ci", "GIT_AUTHOR_EMAIL=ci@example.com", "GIT_COMMITTER_NAME=ci",
			"GIT_COMMITTER_EMAIL=ci@example.com", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
		if out, err := cmd.CombinedOutput(); err != nil {
			e.t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	pr := filepath.Join("config", "windows.yaml")
	git(work, "init", "-q", "-b", "main")
	git(work, "add", "--", "config", "policy")
	git(work, "rm", "-q", "--cached", "--", pr)
	git(work, "commit", "-qm", "main")
	git(work, "add", "--", pr)
	git(work, "commit", "-qm", "pull request: windows records")
	if err := os.RemoveAll(origin); err != nil {
		e.t.Fatal(err)
	}
	git(filepath.Dir(work), "init", "-q", "--bare", origin)
	git(work, "remote", "add", "origin", origin)
	// origin's main is the commit before the pull request's: reading the policy fetches it with
	// --depth=1, as in a pull request's checkout, and HEAD^1 stays a commit.
	git(work, "push", "-q", "origin", "HEAD~1:refs/heads/main")
	return work
}

// environ returns env as a sorted KEY=VALUE list.
func environ(env map[string]string) []string {
	var out []string
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// bash runs script in dir with env and returns its exit code and output; the forge token must
// never appear in it.
func (e *ciEstate) bash(dir string, env map[string]string, script string) (int, string) {
	e.t.Helper()
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
	cmd.Dir, cmd.Env = dir, environ(env)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if cmd.ProcessState == nil {
		e.t.Fatalf("bash: %v", err)
	}
	if strings.Contains(out.String(), ciForgeToken) {
		e.t.Fatalf("a job printed the forge token:\n%s", out.String())
	}
	return cmd.ProcessState.ExitCode(), out.String()
}

// readArtifacts returns the files named by an upload's paths (one per line) in dir.
func readArtifacts(t *testing.T, dir string, paths []string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, p := range paths {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(dir, p)); err == nil {
			out[filepath.Base(p)] = b
		}
	}
	return out
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
