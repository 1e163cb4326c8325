package pipeline

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qsync/qsync/internal/apply"
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/spec"
)

// TestIPConflict1920FailsCleanly: another record takes an address between the plan and the
// create, and Qualys answers as code run against live answers reads it (EVIDENCE.md fact 7:
// HTTP 409 here, CODE 1920, "IP : <ip> is used by <title>"). Like a 400/1905, the create fails
// once, cleanly (not "outcome unknown", never retried), and the failure names the other record.
func TestIPConflict1920FailsCleanly(t *testing.T) {
	for _, variant := range []string{"", "ip-conflict-1920"} {
		t.Run("variant "+variant, func(t *testing.T) {
			srv, err := qualysemu.New(qualysemu.Config{Username: "u", Password: "qualys-api-password", RateUnlimited: true})
			if err != nil {
				t.Fatal(err)
			}
			hs := httptest.NewServer(srv)
			t.Cleanup(hs.Close)
			c, err := qualysclient.New(qualysclient.Config{BaseURL: hs.URL, Username: "u", Password: "qualys-api-password",
				Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "qsync.yaml")
			cfg := "version: 1\nowner: secops\nrecords:\n  - type: unix\n    title: db-hosts\n    ips: [10.60.0.4-10.60.0.6]\n    username: scanner\n    password: {env: UNIX_PW}\n"
			if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			pl := &Pipeline{Stderr: &stderr, Resolve: func(ref spec.SecretRef) (string, error) { return "canary-Secret-unix-pw", nil }}
			ctx := context.Background()
			desired, err := pl.Load(path)
			if err != nil {
				t.Fatalf("%v\n%s", err, &stderr)
			}
			r, err := pl.Plan(ctx, c, desired, plan.Flags{})
			if err != nil {
				t.Fatalf("%v\n%s", err, &stderr)
			}
			sneaky := "records:\n  - type: unix\n    params: {title: sneaky, ips: 10.60.0.5, username: someone, password: x}\n"
			if err := srv.LoadSeed(strings.NewReader(sneaky)); err != nil {
				t.Fatal(err)
			}
			if variant != "" {
				if err := srv.SetVariants(variant); err != nil {
					t.Fatal(err)
				}
			}
			srv.ResetRequests()
			res, err := pl.Apply(ctx, r, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Failed != 1 || res.Unknown != 0 || res.Calls != 1 || res.Reads != 0 {
				t.Fatalf("result %+v, want one clean failure, one call, no re-read", res)
			}
			sr := res.Steps[0]
			if sr.Status != apply.Failed {
				t.Errorf("status %s", sr.Status)
			}
			want := "already in record 100001"
			if variant != "" {
				want = "IP : 10.60.0.5 is used by sneaky"
				if sr.Code != 1920 || sr.HTTPStatus != 409 {
					t.Errorf("answer HTTP %d code %d, want 409/1920", sr.HTTPStatus, sr.Code)
				}
			}
			if !strings.Contains(sr.Text, want) && !strings.Contains(sr.Error, want) {
				t.Errorf("the failure does not name the other record (%q): %+v", want, sr)
			}
			creates := 0
			for _, q := range srv.Requests() {
				if q.Action == "create" {
					creates++
				}
			}
			if creates != 1 {
				t.Errorf("%d creates sent, want 1 (never retried)", creates)
			}
		})
	}
}
