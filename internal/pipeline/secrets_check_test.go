package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
)

// TestPlanReportsMissingSecretReferences: without QSYNC_SECRET_KEY, plan reads no secret, but a
// reference that a step would send and apply could not read (a variable not set, a file missing)
// is a plan error at its position. A secret the plan does not send (the managed db's password,
// unchanged without a key) is not checked, and a plan made --without-secrets checks nothing.
func TestPlanReportsMissingSecretReferences(t *testing.T) {
	c, path, _, _ := setup(t)
	t.Setenv("TEST_PRESENT_DB_PW", "a-long-enough-secret")
	cfg := config + `  - type: mysql
    title: new-db
    ips: [10.40.0.2]
    port: 3306
    database: mysql
    username: scanner
    password: {env: TEST_MISSING_DB_PW}
  - type: mysql
    title: file-db
    ips: [10.40.0.3]
    port: 3306
    database: mysql
    username: scanner
    password: {file: missing.txt}
  - type: mysql
    title: ok-db
    ips: [10.40.0.4]
    port: 3306
    database: mysql
    username: scanner
    password: {env: TEST_PRESENT_DB_PW}
`
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("QSYNC_SECRET_DIR", filepath.Dir(path))
	var stderr strings.Builder
	pl := &Pipeline{Stderr: &stderr} // secret.CheckRef on the process environment
	desired, err := pl.Load(path)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if _, err := pl.Plan(context.Background(), c, desired, plan.Flags{}); err == nil {
		t.Fatal("plan succeeded with a create whose secret cannot be read")
	}
	got := strings.ReplaceAll(stderr.String(), filepath.Dir(path)+string(os.PathSeparator), "")
	for _, want := range []string{
		"qsync.yaml:17:15: records/1/password: environment variable TEST_MISSING_DB_PW is not set",
		"qsync.yaml:24:15: records/2/password: secret file missing.txt is missing",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics:\n%s\nwant a line:\n%s", got, want)
		}
	}
	for _, not := range []string{"variable DB_PW", "TEST_PRESENT_DB_PW", "a-long-enough-secret"} {
		if strings.Contains(got, not) {
			t.Errorf("diagnostics name %s:\n%s", not, got)
		}
	}

	stderr.Reset()
	r, err := pl.Plan(context.Background(), c, desired, plan.Flags{SecretsUnchecked: true})
	if err != nil {
		t.Fatalf("--without-secrets: %v\n%s", err, stderr.String())
	}
	if creates, _, _, _ := r.Plan.Summary(); creates != 3 {
		t.Errorf("--without-secrets plans %d creates, want 3", creates)
	}
}
