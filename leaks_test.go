package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/qsync/qsync/internal/markdown"
	"github.com/qsync/qsync/internal/prcomment/prcommenttest"
	"github.com/qsync/qsync/internal/qualysemu"
)

// End-to-end tests of issue 20's leak and input findings (3, 4, 5, 8, 9, 10): qsync runs
// in-process against an in-process emulator, as in CI.

// emuEnv starts an emulator seeded with seed (emulator seed YAML; "" for none) and returns the
// environment qsync needs to reach it, plus extra.
func emuEnv(t *testing.T, seed string, extra map[string]string) map[string]string {
	t.Helper()
	srv, err := qualysemu.New(qualysemu.Config{Username: "tester", Password: "s3cret-login", RateUnlimited: true})
	if err != nil {
		t.Fatal(err)
	}
	if seed != "" {
		f := writeFile(t, t.TempDir(), "seed.yaml", seed)
		if err := srv.LoadSeedFile(f); err != nil {
			t.Fatal(err)
		}
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	env := map[string]string{"QUALYS_API_URL": hs.URL, "QUALYS_USERNAME": "tester", "QUALYS_PASSWORD": "s3cret-login", "NO_COLOR": "1"}
	for k, v := range extra {
		env[k] = v
	}
	for k, v := range env {
		t.Setenv(k, v) // kong's env: flags and secrets' {env: NAME} read the process environment
	}
	return env
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// unixKeyConfig is a configuration with one unix record holding a private key (from keys/id_rsa)
// and its passphrase (from $PASSPHRASE): both travel in the record's XML body.
const unixKeyConfig = `version: 1
owner: secops
records:
  - type: unix
    title: web-keys
    ips: [10.70.0.1]
    username: qscan
    skip_password: true
    private_keys:
      - type: rsa
        key: {file: keys/id_rsa}
        passphrase: {env: PASSPHRASE}
`

// TestSplitCDATASecretNeverShown (finding 4): a passphrase holding "]]>" is written as split
// CDATA in the unix body; neither --debug-http, nor the plan in any format, nor the plan file
// shows any part of it, the part after the split included.
func TestSplitCDATASecretNeverShown(t *testing.T) {
	const pass = "Kx9Qz-head]]>Tail7-after-the-split"
	env := emuEnv(t, "", map[string]string{"PASSPHRASE": pass, "QSYNC_SECRET_KEY": "test-fingerprint-key"})
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	writeFile(t, cfg, "qsync.yaml", unixKeyConfig)
	writeFile(t, cfg, "keys/id_rsa", "-----BEGIN RSA PRIVATE KEY-----\nKx9Qz-key-material-Tail7\n-----END RSA PRIVATE KEY-----\n")
	planFile := filepath.Join(dir, "plan.json")

	var all strings.Builder
	for _, args := range [][]string{
		{"plan", "--debug-http", "--format", "markdown", cfg},
		{"plan", "--debug-http", "--format", "json", cfg},
		{"plan", "--debug-http", "-out", planFile, cfg},
		{"apply", "--auto-approve", "--debug-http", planFile},
	} {
		code, stdout, stderr := runComment(t, env, "", args...)
		if code != 0 {
			t.Fatalf("qsync %s: exit %d\n%s\n%s", strings.Join(args, " "), code, stdout, stderr)
		}
		all.WriteString(stdout + stderr)
	}
	b, err := os.ReadFile(planFile)
	if err != nil {
		t.Fatal(err)
	}
	all.Write(b)
	out := all.String()
	if !strings.Contains(out, "UNIX_AUTH_PARAMS") || !strings.Contains(out, "Converged") {
		t.Fatalf("the trace or the apply is missing:\n%s", out)
	}
	for _, leak := range []string{"Kx9Qz", "Tail7", "after-the-split"} {
		if strings.Contains(out, leak) {
			i := strings.Index(out, leak)
			t.Errorf("output shows %q: ...%s...", leak, out[max(0, i-200):min(len(out), i+100)])
		}
	}
}

// TestFailureBlockCarriesNoTrace (finding 5): plan --format markdown --debug-http that fails
// after reading Qualys writes a failure block with the diagnostics and the error, but not the
// trace, which names every record of the subscription (another owner's included).
func TestFailureBlockCarriesNoTrace(t *testing.T) {
	seed := `records:
  - type: mysql
    params:
      title: inventory-of-another-team
      comments: "[managed by qsync: owner=payments]"
      ips: 10.40.0.9
      port: 3306
      database: mysql
      username: scanner
      password: their-pw
`
	env := emuEnv(t, seed, nil)
	cfg := filepath.Join(t.TempDir(), "config")
	writeFile(t, cfg, "qsync.yaml", `version: 1
owner: secops
records:
  - type: mysql
    title: billing-db
    ips: [10.40.0.1]
    port: 3306
    database: mysql
    username: scanner
    password: {env: BILLING_DB_PW_NOT_SET}
`)
	code, md, stderr := runComment(t, env, "", "plan", "--debug-http", "--format", "markdown", cfg)
	if code != exitError {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, md, stderr)
	}
	if !strings.Contains(stderr, "inventory-of-another-team") || !strings.Contains(stderr, "--> POST") {
		t.Fatalf("the trace was not on stderr (the test proves nothing):\n%s", stderr)
	}
	for _, want := range []string{"`qsync plan` failed", "BILLING_DB_PW_NOT_SET is not set", "nothing was sent to Qualys"} {
		if !strings.Contains(md, want) {
			t.Errorf("failure block lacks %q:\n%s", want, md)
		}
	}
	for _, trace := range []string{"inventory-of-another-team", "--> POST", "<-- ", "AUTH_RECORDS"} {
		if strings.Contains(md, trace) {
			t.Errorf("failure block carries the trace (%q):\n%s", trace, md)
		}
	}
}

// TestCommentRedirectToAnotherHost (finding 3): qsync comment on GitLab, where the API redirects
// the notes calls to another host: that host receives neither PRIVATE-TOKEN nor the body.
func TestCommentRedirectToAnotherHost(t *testing.T) {
	const token = "glpat-Kx9Qz-token-Tail7"
	var mu sync.Mutex
	var stolen []string
	thief := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		stolen = append(stolen, r.Method+" "+r.URL.Path+" "+r.Header.Get("PRIVATE-TOKEN")+" "+string(b))
		mu.Unlock()
		_, _ = io.WriteString(w, `{"id": 1}`)
	}))
	defer thief.Close()
	gl := &prcommenttest.GitLab{Project: "42", Token: token, UserID: 901}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/notes") {
			http.Redirect(w, r, thief.URL+r.URL.Path, http.StatusTemporaryRedirect)
			return
		}
		gl.ServeHTTP(w, r)
	}))
	defer api.Close()
	env := map[string]string{"CI_PROJECT_ID": "42", "CI_API_V4_URL": api.URL + "/api/v4", "CI_MERGE_REQUEST_IID": "7",
		"QSYNC_GITLAB_TOKEN": token}
	code, stdout, stderr := runComment(t, env, "### qsync plan for owner `secops`\n\nthe plan body\n", "comment", "--owner", "secops", "-")
	if code == 0 || !strings.Contains(stderr, "redirect") {
		t.Errorf("comment through a cross-host redirect: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if strings.Contains(stdout+stderr, "Kx9Qz") {
		t.Errorf("the token is in the output:\n%s\n%s", stdout, stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(stolen) > 0 {
		t.Errorf("the other host received:\n%s", strings.Join(stolen, "\n"))
	}
}

// TestMarkdownPlanMentionsNobody (finding 9): a previous title, a replacement's values and an
// --only pattern holding @user, @org/team, #12 and URLs reach the markdown plan and the PR
// comment body only inside code.
func TestMarkdownPlanMentionsNobody(t *testing.T) {
	seed := `records:
  - type: mysql
    params:
      title: "db @alice #12"
      comments: "[managed by qsync: owner=secops]"
      ips: 10.40.0.1
      port: 3306
      database: mysql
      username: scanner
      password: old-pw
`
	env := emuEnv(t, seed, map[string]string{"DB_PW": "Kx9Qz-db-password"})
	cfg := filepath.Join(t.TempDir(), "config")
	writeFile(t, cfg, "qsync.yaml", `version: 1
owner: secops
records:
  - type: mysql
    title: "db @carol see GH-3 www.evil.example"
    previous_titles: ["db @alice #12"]
    ips: [10.40.0.1]
    port: 3306
    database: "mysql @bob #4 @acme/sec-team https://evil.example"
    username: scanner
    password: {env: DB_PW}
`)
	code, md, stderr := runComment(t, env, "", "plan", "--format", "markdown", "--only", "mysql/db @carol*", cfg)
	if code != 0 || !strings.Contains(md, "renamed") {
		t.Fatalf("plan: exit %d\n%s\n%s", code, md, stderr)
	}
	code, body, stderr := runComment(t, env, md, "comment", "--owner", "secops", "--print", "-")
	if code != 0 {
		t.Fatalf("comment --print: exit %d\n%s", code, stderr)
	}
	for name, text := range map[string]string{"plan": md, "comment": body} {
		if active := markdown.ActiveOutsideCode(text); len(active) > 0 {
			t.Errorf("%s: %q would mention, reference or link outside code:\n%s", name, active, text)
		}
	}
}

// TestInputBoundsAndSmallOnes (findings 8 and 10): a configuration that is a link to /dev/zero is
// refused with a clear error; plan --out never writes through a symbolic link; QSYNC_SECRET_KEY
// has a minimum length; plan refuses the 3-character secret apply refuses; !!binary is refused;
// a unix secret the XML body cannot carry is a positioned error naming the record and field,
// never the value.
func TestInputBoundsAndSmallOnes(t *testing.T) {
	dir := t.TempDir()
	mysqlCfg := func(extra string) string {
		d := filepath.Join(t.TempDir(), "config")
		writeFile(t, d, "qsync.yaml", "version: 1\nowner: secops\nrecords:\n  - type: mysql\n    title: db\n    ips: [10.40.0.1]\n"+
			"    port: 3306\n    database: mysql\n    username: scanner\n    password: {env: DB_PW}\n"+extra)
		return d
	}
	env := emuEnv(t, "", map[string]string{"DB_PW": "Kx9Qz-db-password"})
	check := func(name string, wantCode int, want string, envOver map[string]string, args ...string) {
		t.Helper()
		e := map[string]string{}
		for k, v := range env {
			e[k] = v
		}
		for k, v := range envOver {
			e[k] = v
			old, had := os.LookupEnv(k)
			t.Setenv(k, v)
			defer func() {
				if had {
					os.Setenv(k, old)
				} else {
					os.Unsetenv(k)
				}
			}()
		}
		code, stdout, stderr := runComment(t, e, "", args...)
		if code != wantCode || !strings.Contains(stdout+stderr, want) {
			t.Errorf("%s: exit %d (want %d), output lacks %q:\n%s\n%s", name, code, wantCode, want, stdout, stderr)
		}
		if strings.Contains(stdout+stderr, "Kx9Qz") {
			t.Errorf("%s: a secret is in the output:\n%s\n%s", name, stdout, stderr)
		}
	}

	if runtime.GOOS != "windows" {
		zeroDir := filepath.Join(dir, "zero")
		if err := os.MkdirAll(zeroDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("/dev/zero", filepath.Join(zeroDir, "qsync.yaml")); err != nil {
			t.Fatal(err)
		}
		check("config linked to /dev/zero (validate)", exitError, "not a regular file (a character device)", nil, "validate", zeroDir)
		check("config linked to /dev/zero (plan)", exitError, "not a regular file (a character device)", nil, "plan", zeroDir)
	}

	cfg := mysqlCfg("")
	victim := writeFile(t, dir, "victim.yml", "keep me")
	link := filepath.Join(dir, "plan.json")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	check("plan --out through a symlink", exitError, "symbolic link", nil, "plan", "-out", link, cfg)
	if b, _ := os.ReadFile(victim); string(b) != "keep me" {
		t.Errorf("plan --out wrote through the link: %q", b)
	}

	check("short QSYNC_SECRET_KEY", exitError, "QSYNC_SECRET_KEY has 1 characters, fewer than 16", map[string]string{"QSYNC_SECRET_KEY": "k"}, "plan", cfg)
	check("3-character secret", exitError, "fewer than 4", map[string]string{"DB_PW": "abc"}, "plan", cfg)
	check("!!binary", exitError, "a !!binary value is base64-encoded bytes", nil, "validate", mysqlCfg("    comments: !!binary aGVsbG8=\n"))

	unix := filepath.Join(t.TempDir(), "config")
	writeFile(t, unix, "qsync.yaml", unixKeyConfig)
	writeFile(t, unix, "keys/id_rsa", "-----BEGIN RSA PRIVATE KEY-----\nKx9Qz-key-material\n-----END RSA PRIVATE KEY-----\n")
	check("passphrase the XML body cannot carry", exitError,
		"qsync.yaml:10:9: records/0/private_keys/0/passphrase: the value holds the character U+0007",
		map[string]string{"PASSPHRASE": "Kx9Qz-bell-\a-pass"}, "plan", unix)
}

// TestEveryOutputPassesTheRedactor: a resolved secret value that reaches output by any path (here
// as a record's title, which qsync shows everywhere) is masked in every plan format, the saved plan
// file, apply's JSON result, the plan and apply comment bodies and the files export writes, JSON
// and HTML escapes included: one redactor sees every byte written.
func TestEveryOutputPassesTheRedactor(t *testing.T) {
	const secret = `Kx9Qz-"title"<&>-Tail7`
	env := emuEnv(t, "", map[string]string{"DB_PW": secret})
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	writeFile(t, cfg, "qsync.yaml", "version: 1\nowner: secops\nrecords:\n  - type: mysql\n    title: '"+secret+"'\n    ips: [10.40.0.1]\n"+
		"    port: 3306\n    database: mysql\n    username: scanner\n    password: {env: DB_PW}\n")
	planFile := filepath.Join(dir, "plan.json")
	var all strings.Builder
	for _, args := range [][]string{{"plan", cfg}, {"plan", "--format", "json", cfg}, {"plan", "--format", "markdown", cfg}, {"plan", "-out", planFile, cfg}} {
		code, stdout, stderr := runComment(t, env, "", args...)
		if code != 0 {
			t.Fatalf("qsync %s: exit %d\n%s\n%s", strings.Join(args, " "), code, stdout, stderr)
		}
		all.WriteString(stdout + stderr)
		if len(args) > 2 && args[2] == "markdown" {
			_, body, _ := runComment(t, env, stdout, "comment", "--owner", "secops", "--print", "-")
			all.WriteString(body)
		}
	}
	result := filepath.Join(dir, "result.json")
	// (The saved plan, its title masked, would be refused as edited: a plan file holding a secret
	// fails closed. Apply the configuration.)
	code, stdout, stderr := runComment(t, env, "", "apply", "--auto-approve", "--format", "json", cfg)
	if code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, stdout, stderr)
	}
	all.WriteString(stdout + stderr)
	writeFile(t, dir, "result.json", stdout)
	_, body, _ := runComment(t, env, "", "comment", "--owner", "secops", "--print", "--apply-result", result)
	all.WriteString(body)
	// export resolves no secret of the configuration (it reads none); it knows the credentials of
	// its environment, here a token that happens to be the title.
	exportEnv := map[string]string{"QSYNC_GITLAB_TOKEN": secret}
	for k, v := range env {
		exportEnv[k] = v
	}
	// The masked title is no valid YAML scalar, so export reports a problem in its own output
	// (fails closed); what matters here is that nothing it writes shows the value.
	exported := filepath.Join(dir, "export")
	_, stdout, stderr = runComment(t, exportEnv, "", "export", "--owner", "secops", "--dir", exported)
	all.WriteString(stdout + stderr)
	files, _ := filepath.Glob(filepath.Join(exported, "*"))
	if len(files) == 0 {
		t.Error("export wrote no file: the test proves nothing about them")
	}
	for _, f := range append(files, planFile) {
		b, _ := os.ReadFile(f)
		all.Write(b)
	}
	if out := all.String(); strings.Contains(out, "Kx9Qz") || strings.Contains(out, "Tail7") || !strings.Contains(out, "********") {
		t.Errorf("a secret survived, or nothing was masked:\n%s", out)
	}
}
