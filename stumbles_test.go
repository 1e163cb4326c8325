package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinyConfig writes a valid configuration with one mysql record.
func tinyConfig(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "qsync.yaml")
	if err := os.WriteFile(p, []byte("version: 1\nowner: secops\nrecords:\n  - {type: mysql, title: db, ips: [10.0.0.1], port: 3306, database: mysql, username: scanner, password: {env: DB_PW}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runWith(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }})
	return code, out.String(), errb.String()
}

// TestPlatformBeatsTheEnvironment: --platform works with QUALYS_API_URL exported (the flag wins:
// the command gets as far as the credentials), and --api-url with QUALYS_PLATFORM; both flags, or
// both variables, are refused.
func TestPlatformBeatsTheEnvironment(t *testing.T) {
	t.Setenv("QUALYS_USERNAME", "")
	t.Setenv("QUALYS_PASSWORD", "")
	cfg := tinyConfig(t)
	for _, tc := range []struct {
		name      string
		url, plat string // environment
		args      []string
		want      string
	}{
		{"platform_flag_over_url_env", "http://127.0.0.1:1", "", []string{"--platform", "EU1"}, "no Qualys credentials"},
		{"bad_platform_flag_over_url_env", "http://127.0.0.1:1", "", []string{"--platform", "XX9"}, "XX9"},
		{"url_flag_over_platform_env", "", "US1", []string{"--api-url", "http://127.0.0.1:1"}, "no Qualys credentials"},
		{"both_flags", "", "", []string{"--platform", "EU1", "--api-url", "http://127.0.0.1:1"}, "give either --api-url or --platform"},
		{"both_variables", "http://127.0.0.1:1", "EU1", nil, "QUALYS_API_URL and QUALYS_PLATFORM are both set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("QUALYS_API_URL", tc.url)
			t.Setenv("QUALYS_PLATFORM", tc.plat)
			env := map[string]string{"QUALYS_API_URL": tc.url, "QUALYS_PLATFORM": tc.plat, "DB_PW": "x"}
			code, _, stderr := runWith(t, env, append(append([]string{"plan"}, tc.args...), cfg)...)
			if code != exitError || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %q", code, stderr, tc.want)
			}
		})
	}
}

// TestHelpCommandAndGroups: "qsync help plan" prints what "qsync plan --help" prints, with the
// connection flags under their own heading after the command's flags.
func TestHelpCommandAndGroups(t *testing.T) {
	code, help, stderr := runWith(t, nil, "help", "plan")
	if code != 0 {
		t.Fatalf("help plan: exit %d: %s", code, stderr)
	}
	_, direct, _ := runWith(t, nil, "plan", "--help")
	if help != direct {
		t.Fatalf("qsync help plan differs from qsync plan --help:\n%s\n----\n%s", help, direct)
	}
	own, conn := strings.Index(help, "--detailed-exitcode"), strings.Index(help, "Connection flags")
	if own < 0 || conn < own || strings.Index(help, "--api-url") < conn || strings.Index(help, "--max-wait") < conn {
		t.Fatalf("the connection flags are not grouped after plan's own:\n%s", help)
	}
	if code, _, stderr := runWith(t, nil, "help", "nope"); code != exitError || !strings.Contains(stderr, "nope") {
		t.Fatalf("help nope: exit %d, %q", code, stderr)
	}
}

// TestSingleDashLongFlags: one rule for every long flag: -NAME and -NAME=VALUE mean --NAME, for
// any of qsync's long flags (not only -out); one-letter flags and everything after -- stay.
func TestSingleDashLongFlags(t *testing.T) {
	cfg := tinyConfig(t)
	code, out, stderr := runWith(t, nil, "validate", "-format=json", cfg)
	if code != 0 || !strings.HasPrefix(strings.TrimSpace(out), "[") {
		t.Fatalf("validate -format=json: exit %d, %q %q", code, out, stderr)
	}
	if code, _, stderr := runWith(t, nil, "validate", "-no-color", cfg); code != 0 {
		t.Fatalf("validate -no-color: exit %d: %s", code, stderr)
	}
	if code, _, stderr := runWith(t, nil, "validate", "-bogus", cfg); code != exitError || !strings.Contains(stderr, "unknown flag") {
		t.Fatalf("validate -bogus: exit %d: %s", code, stderr)
	}
	// After --, -format is a path, not a flag.
	if code, out, stderr := runWith(t, nil, "validate", "--", "-format=json"); code != exitError || !strings.Contains(out+stderr, "-format=json") {
		t.Fatalf("validate -- -format=json: exit %d: %s", code, stderr)
	}
}

// TestForceColor: FORCE_COLOR and CLICOLOR_FORCE colour a plan written to a pipe; NO_COLOR and
// --no-color win.
func TestForceColor(t *testing.T) {
	url, saved, _ := savedPlanEnv(t)
	cfg := filepath.Join(filepath.Dir(saved), "qsync.yaml")
	base := map[string]string{"QUALYS_USERNAME": "tester", "QUALYS_PASSWORD": "s3cret-login", "DB_PW": "canary-Secret-4711"}
	for _, tc := range []struct {
		env   map[string]string
		flags []string
		color bool
	}{
		{nil, nil, false},
		{map[string]string{"FORCE_COLOR": "1"}, nil, true},
		{map[string]string{"CLICOLOR_FORCE": "1"}, nil, true},
		{map[string]string{"FORCE_COLOR": "1", "NO_COLOR": "1"}, nil, false},
		{map[string]string{"FORCE_COLOR": "1"}, []string{"--no-color"}, false},
	} {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for k, v := range tc.env {
			env[k] = v
		}
		code, out, stderr := runWith(t, env, append(append([]string{"plan", "--api-url", url}, tc.flags...), cfg)...)
		if code != 0 || strings.Contains(out, "\x1b[") != tc.color {
			t.Errorf("%v %v: exit %d, colour %v, want %v\n%s%s", tc.env, tc.flags, code, strings.Contains(out, "\x1b["), tc.color, out, stderr)
		}
	}
}
