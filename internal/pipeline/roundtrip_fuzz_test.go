package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/render"
	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/spec"
)

// roundTripDoc is a configuration of one mysql or unix record with the fuzzed title, comments (as
// YAML double-quoted scalars, which can carry any character) and port (raw YAML: any scalar).
func roundTripDoc(unix bool, title, comments, port string) string {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) } // JSON strings are YAML
	kind := "  - type: mysql\n    database: mysql\n"
	if unix {
		kind = "  - type: unix\n"
	}
	return fmt.Sprintf("version: 1\nowner: secops\nrecords:\n%s    title: %s\n    comments: %s\n    ips: [10.50.0.1]\n"+
		"    port: %s\n    username: scanner\n    password: {env: DB_PW}\n", kind, q(title), q(comments), port)
}

// FuzzRoundTrip checks that every configuration validation accepts converges: apply succeeds
// against the emulator, and planning again is empty (no drift reported forever).
func FuzzRoundTrip(f *testing.F) {
	for _, s := range []struct {
		unix                  bool
		title, comments, port string
	}{
		{false, "db", "billing", "3306"},
		{true, "web", "line one\nline two", "22"},
		{false, "db 1", "\n\n  leading blank lines\r\nCRLF  \n", "65535"},
		{true, "snow-1", "émoji ☃ and a\ttab", "1"},
		{false, "x ", "trailing space", "03306"},
		{true, "a", "", "0x16"},
		{false, "b", "[managed by qsync: owner=evil]", "3306.0"},
		{true, "c", "ok\x1b[2K", "1e3"},
		{false, "d", "\u00a0nbsp and NEL\u0085", "3306"},
		{true, "e", "line\u2028separator\r\n\t", "22"},
		{false, "f", "x\r\ry\n\n\nz", "+3306"},
	} {
		f.Add(s.unix, s.title, s.comments, s.port)
	}
	f.Fuzz(func(t *testing.T, unix bool, title, comments, port string) {
		if len(title)+len(comments)+len(port) > 4096 || strings.ContainsAny(port, "\n\r") {
			return // a port spanning lines breaks the document's structure, not the port
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "qsync.yaml")
		if err := os.WriteFile(path, []byte(roundTripDoc(unix, title, comments, port)), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, diags := spec.LoadWithOptions(spec.Options{}, path); diags.HasErrors() {
			return // refused by validation: nothing to converge
		}
		srv, err := qualysemu.New(qualysemu.Config{Username: "u", Password: "p", RateUnlimited: true})
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(srv)
		defer hs.Close()
		c, err := qualysclient.New(qualysclient.Config{BaseURL: hs.URL, Username: "u", Password: "p",
			Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		pl := &Pipeline{Stderr: &stderr, Resolve: func(spec.SecretRef) (string, error) { return "a-long-secret", nil }}
		ctx := context.Background()
		desired, err := pl.Load(path)
		if err != nil {
			t.Fatalf("load: %v\n%s", err, stderr.String())
		}
		r, err := pl.Plan(ctx, c, desired, plan.Flags{})
		if err != nil {
			t.Fatalf("validation accepted a configuration that plan refuses: %v\n%s", err, stderr.String())
		}
		res, err := pl.Apply(ctx, r, nil)
		if err != nil || !res.OK() {
			t.Fatalf("validation accepted a configuration that Qualys refuses: %v, %+v", err, res)
		}
		again, err := pl.Verify(ctx, r)
		if err != nil {
			t.Fatalf("verify: %v\n%s", err, stderr.String())
		}
		if again != nil {
			var b strings.Builder
			_ = render.Plan(&b, again, "text", render.Options{})
			t.Fatalf("does not converge: planning after apply gives\n%s", b.String())
		}
	})
}
