package pipeline

import (
	"bytes"
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/planfile"
	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/spec"
)

// seed holds a managed vault the configuration below no longer names, a managed record whose port
// it changes, and an unmanaged record.
const seed = `vaults:
  - type: CA PAM
    title: pam-gone
    params: {url: "https://gone.example.com:8443", ssl_verify: 1, apikey_name: qualys, apikey: gone, comments: "[managed by qsync: owner=secops]"}
records:
  - type: mysql
    params: {title: db, comments: "[managed by qsync: owner=secops]", ips: 10.40.0.1, port: 3306, database: mysql, username: scanner, password: old}
  - type: mysql
    params: {title: hand-db, comments: Made by hand., ips: 10.40.0.9, port: 3306, database: mysql, username: dba, password: hand}
`

const config = `version: 1
owner: secops
records:
  - type: mysql
    title: db
    ips: [10.40.0.1]
    port: 3307
    database: mysql
    username: scanner
    password: {env: DB_PW}
`

// setup starts a seeded emulator and writes the configuration; it returns a client, the
// configuration's path and a pipeline resolving DB_PW without the process environment.
func setup(t *testing.T) (*qualysclient.Client, string, *Pipeline, *bytes.Buffer) {
	t.Helper()
	srv, err := qualysemu.New(qualysemu.Config{Username: "u", Password: "p", RateUnlimited: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.LoadSeed(strings.NewReader(seed)); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	c, err := qualysclient.New(qualysclient.Config{BaseURL: hs.URL, Username: "u", Password: "p",
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "qsync.yaml")
	if err := os.WriteFile(path, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	pl := &Pipeline{Stderr: &stderr, Resolve: func(ref spec.SecretRef) (string, error) { return "new-" + ref.Env, nil }}
	return c, path, pl, &stderr
}

// TestPlanFileApplyVerify runs the whole sequence as `qsync plan -out` then `qsync apply FILE`:
// the dropped managed vault is deleted (every vault is viewed), and the verification is empty.
func TestPlanFileApplyVerify(t *testing.T) {
	c, path, pl, stderr := setup(t)
	ctx := context.Background()
	desired, err := pl.Load(path)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	r, err := pl.Plan(ctx, c, desired, plan.Flags{})
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !r.Live.Complete || r.Plan.ConfigDigest == "" || len(r.Plan.Config) != 1 {
		t.Fatalf("run: live complete %v, config %v, digest %q", r.Live.Complete, r.Plan.Config, r.Plan.ConfigDigest)
	}
	var ops []string
	for _, s := range r.Plan.Steps {
		ops = append(ops, s.Op+" "+string(s.Kind))
	}
	if got := strings.Join(ops, ", "); got != "update mysql, delete vault" {
		t.Fatalf("steps: %s", got)
	}
	file := filepath.Join(t.TempDir(), "plan.json")
	if err := planfile.WriteFile(file, r.Plan); err != nil {
		t.Fatal(err)
	}
	p, desired, err := pl.OpenPlanFile(file, plan.Flags{})
	if err != nil {
		t.Fatal(err)
	}
	r, err = pl.CheckPlanFile(ctx, c, file, p, desired)
	if err != nil {
		t.Fatal(err)
	}
	res, err := pl.Apply(ctx, r, nil)
	if err != nil || !res.OK() {
		t.Fatalf("apply: %v, %+v", err, res)
	}
	remaining, err := pl.Verify(ctx, r)
	if err != nil || remaining != nil {
		t.Fatalf("verify: remaining %+v, %v", remaining, err)
	}
	// Verify runs even after the apply was interrupted: it only reads.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if remaining, err := pl.Verify(cancelled, r); err != nil || remaining != nil {
		t.Fatalf("verify after cancel: remaining %+v, %v", remaining, err)
	}
}

// TestCheckPlanFileRefusesStale: a plan file whose live objects changed since, or whose
// configuration changed since, is refused before anything is sent.
func TestCheckPlanFileRefusesStale(t *testing.T) {
	c, path, pl, _ := setup(t)
	ctx := context.Background()
	desired, err := pl.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := pl.Plan(ctx, c, desired, plan.Flags{})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "plan.json")
	if err := planfile.WriteFile(file, r.Plan); err != nil {
		t.Fatal(err)
	}
	db := r.Plan.Steps[0].IDs
	if err := c.UpdateRecords(ctx, qualysclient.MySQL, db, url.Values{"port": {"3308"}}); err != nil {
		t.Fatal(err)
	}
	p, desired, err := pl.OpenPlanFile(file, plan.Flags{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pl.CheckPlanFile(ctx, c, file, p, desired); err == nil || !strings.Contains(err.Error(), `mysql "db": was changed`) {
		t.Errorf("live changed: err = %v", err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(config, "3307", "3309", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := pl.OpenPlanFile(file, plan.Flags{}); err == nil || !strings.Contains(err.Error(), "the configuration") {
		t.Errorf("configuration changed: err = %v", err)
	}
}

// TestDiagnosticsAreFormatted: the configuration's problems go to Stderr in DiagnosticsFormat,
// and the error only counts them.
func TestDiagnosticsAreFormatted(t *testing.T) {
	_, path, pl, stderr := setup(t)
	if err := os.WriteFile(path, []byte(strings.Replace(config, "port: 3307", "port: 99999", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	pl.DiagnosticsFormat = "github"
	_, err := pl.Load(path)
	if err == nil || err.Error() != "configuration has 1 problem(s); nothing was sent to Qualys" {
		t.Fatalf("err = %v", err)
	}
	if !strings.HasPrefix(stderr.String(), "::error file="+path) {
		t.Errorf("stderr = %q, want a GitHub annotation", stderr)
	}
}

// The production client is a pipeline Client.
var _ Client = (*qualysclient.Client)(nil)
