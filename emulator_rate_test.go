package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEmulatorRateLimitSaysHowToReset: qsync emulator limits calls like Qualys; a command that hits
// the limit (with a --max-wait shorter than the wait) fails with Qualys's 1965 text and the
// emulator's hint, the hint's reset endpoint works, and the same command then succeeds.
func TestEmulatorRateLimitSaysHowToReset(t *testing.T) {
	base, stop := startEmulator(t, &EmulatorCmd{Listen: "127.0.0.1:0", RateLimit: "2/3600", Concurrency: 2, PageSize: 1000, Username: "ci-user", Password: "ci-login-secret"})
	defer stop()
	cfg := filepath.Join(t.TempDir(), "qsync.yaml")
	if err := os.WriteFile(cfg, []byte("version: 1\nowner: secops\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1], port: 3306, database: mysql, username: s, password: {env: DB_PW}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DB_PW", "long-enough-secret")
	env := map[string]string{"QUALYS_USERNAME": "ci-user", "QUALYS_PASSWORD": "ci-login-secret", "DB_PW": "long-enough-secret"}
	plan := func() (int, string) {
		var out, errb bytes.Buffer
		code := run([]string{"plan", "--api-url", base, "--max-wait", "1s", "--only", "mysql/db", cfg}, &Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }})
		return code, out.String() + errb.String()
	}
	var out string
	code := 0
	for i := 0; i < 4 && code == 0; i++ {
		code, out = plan()
	}
	reset := "curl -X POST " + base + "/_emulator/limits/reset"
	if code != exitError || !strings.Contains(out, "1965") || !strings.Contains(out, reset) || !strings.Contains(out, "--rate-limit unlimited") {
		t.Fatalf("plan at the limit: exit %d, want 1 with the 1965 text and how to reset:\n%s", code, out)
	}
	resp, err := http.Post(base+"/_emulator/limits/reset", "text/plain", nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("reset: %v %v", resp, err)
	}
	resp.Body.Close()
	if code, out := plan(); code != 0 {
		t.Fatalf("plan after the reset: exit %d:\n%s", code, out)
	}
}
