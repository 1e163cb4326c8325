package main

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/render"
	"github.com/qsync/qsync/internal/planfile"
	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/spec"
)

// savedPlanEnv starts an emulator seeded with a managed record db (3306), an unmanaged record
// hand-db and a record of another owner, writes a configuration that changes db's port, and
// saves a plan for it. It returns the emulator's URL, the plan file and the emulator.
func savedPlanEnv(t *testing.T) (string, string, *qualysemu.Server) {
	t.Helper()
	srv, err := qualysemu.New(qualysemu.Config{Username: "tester", Password: "s3cret-login", RateUnlimited: true})
	if err != nil {
		t.Fatal(err)
	}
	seed := `records:
  - type: mysql
    params: {title: db, comments: "[managed by qsync: owner=secops]", ips: 10.40.0.1, port: 3306, database: mysql, username: scanner, password: old}
  - type: mysql
    params: {title: hand-db, comments: Made by hand., ips: 10.40.0.9, port: 3306, database: mysql, username: dba, password: hand}
  - type: mysql
    params: {title: theirs, comments: "[managed by qsync: owner=netops]", ips: 10.40.0.8, port: 3306, database: mysql, username: dba, password: theirs}
`
	if err := srv.LoadSeed(strings.NewReader(seed)); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "qsync.yaml")
	if err := os.WriteFile(cfg, []byte(`version: 1
owner: secops
records:
  - type: mysql
    title: db
    ips: [10.40.0.1]
    port: 3307
    database: mysql
    username: scanner
    password: {env: DB_PW}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DB_PW", "canary-Secret-4711")
	t.Setenv("QUALYS_API_URL", "")
	t.Setenv("QUALYS_USERNAME", "tester")
	t.Setenv("QUALYS_PASSWORD", "s3cret-login")
	t.Setenv("NO_COLOR", "1")
	out := filepath.Join(dir, "plan.json")
	if code, stderr := runQsync(t, "plan", "--api-url", hs.URL, "--out", out, cfg); code != 0 {
		t.Fatalf("plan exited %d: %s", code, stderr)
	}
	return hs.URL, out, srv
}

func runQsync(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &Env{Stdout: &stdout, Stderr: &stderr, Getenv: os.Getenv})
	return code, stdout.String() + stderr.String()
}

func editPlan(t *testing.T, path string, edit func(p *plan.Plan)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := planfile.Read(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	edit(p)
	var b bytes.Buffer
	if err := render.Save(&b, p); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func liveState(t *testing.T, srv *qualysemu.Server) string {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/_emulator/state", nil))
	var v any
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	return rec.Body.String()
}

// A saved plan is what a reviewer approved, but it is a file: one edited by hand (or forged in a
// CI artifact) must not make apply delete or change objects the plan qsync makes would not touch.
func TestApplySavedPlanRefusesEditedSteps(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(p *plan.Plan)
	}{
		{"delete an unmanaged record", func(p *plan.Plan) {
			id := findID(t, p, "hand-db")
			p.Steps = append(p.Steps, plan.Step{ID: len(p.Steps) + 1, Phase: plan.PhaseDeleteRecords, Kind: spec.KindMySQL,
				Op: plan.OpDelete, Keys: []spec.Key{{Kind: spec.KindMySQL, Title: "db"}}, IDs: []int64{id}})
		}},
		{"update another owner's record", func(p *plan.Plan) {
			p.Steps[0].IDs = append(p.Steps[0].IDs, findID(t, p, "theirs"))
		}},
		{"send another secret", func(p *plan.Plan) {
			p.Steps[0].Secrets = map[string]spec.SecretRef{"password": {Env: "QUALYS_PASSWORD"}}
		}},
		{"change a parameter", func(p *plan.Plan) {
			p.Steps[0].Params["username"] = "root"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, path, srv := savedPlanEnv(t)
			editPlan(t, path, tc.edit)
			before := liveState(t, srv)
			srv.ResetRequests()
			code, out := runQsync(t, "apply", "--api-url", url, "--auto-approve", path)
			if code == 0 {
				t.Errorf("apply of an edited plan succeeded:\n%s", out)
			}
			if !strings.Contains(out, "differs from the plan") {
				t.Errorf("apply did not say why it refused the plan:\n%s", out)
			}
			for _, r := range srv.Requests() {
				if r.Write {
					t.Errorf("apply of an edited plan sent %s %s", r.Path, r.Action)
				}
			}
			if after := liveState(t, srv); after != before {
				t.Errorf("Qualys changed:\nbefore %s\nafter  %s", before, after)
			}
			if strings.Contains(out, "canary-Secret-4711") || strings.Contains(out, "s3cret-login") {
				t.Errorf("a secret leaked:\n%s", out)
			}
		})
	}
	t.Run("unedited", func(t *testing.T) {
		url, path, _ := savedPlanEnv(t)
		if code, out := runQsync(t, "apply", "--api-url", url, "--auto-approve", path); code != 0 {
			t.Fatalf("apply of the saved plan exited %d:\n%s", code, out)
		}
	})
}

// findID returns the Qualys ID of a mysql record read live (the emulator assigns them).
func findID(t *testing.T, p *plan.Plan, title string) int64 {
	t.Helper()
	// Seeded in order: db, hand-db, theirs; db's ID is in the plan.
	base := p.Steps[0].IDs[0]
	switch title {
	case "hand-db":
		return base + 1
	case "theirs":
		return base + 2
	}
	t.Fatalf("no id for %s", title)
	return 0
}
