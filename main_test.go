package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/qsync/qsync/internal/qualysemu"
)

var update = flag.Bool("update", false, "rewrite testscript files' golden sections (cmp) with the actual output")

// TestScripts runs the end-to-end scripts in testdata/script against an in-process emulator, one
// fresh emulator per script. Script commands beyond testscript's own:
//
//	qsync ARGS...          run qsync in-process (no process is started; see cmdQsync), in the
//	                       script's directory with its environment; exec qsync runs the binary
//	emu-seed FILE          load an emulator seed file (records and vaults to start from)
//	emu-fault SPEC         inject a fault (qualysemu.ParseFault syntax)
//	emu-reset-log          forget the requests seen so far
//	emu-calls ACTION N     assert that exactly N requests with this action (or "write": any
//	                       create/update/delete that took effect) were seen since the last reset
//	emu-state              print the emulator's state (secrets masked) as JSON to stdout
//	emu-writes             print the creates, updates and deletes sent since the last reset, one
//	                       a line: PATH ACTION sorted-params (secrets masked)
//	emu-variant NAME...    switch on emulator answer variants (qualysemu.VariantNames); none: off
//	emu-faults-used        wait (up to a minute) until every injected fault has been triggered, so
//	                       a script can act while a slow call is in flight without guessing times
//	examples-config DIR    copy examples/*.yaml into DIR (and the file secret they read), and set
//	                       every environment variable they read to "script-value-for-NAME"
//	exits CODE CMD ARGS... run a command (qsync in-process) and assert its exit code (testscript's
//	                       exec only tells zero from non-zero; qsync's exit codes are part of its contract)
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           scriptDir(t),
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			srv, err := qualysemu.New(qualysemu.Config{Username: "tester", Password: "s3cret-login", RateUnlimited: true})
			if err != nil {
				return err
			}
			hs := httptest.NewServer(srv)
			env.Defer(hs.Close)
			env.Values["emu"] = srv
			env.Setenv("PATH", testPATH) // exec qsync runs this test binary
			env.Setenv("QUALYS_API_URL", hs.URL)
			env.Setenv("QUALYS_USERNAME", "tester")
			env.Setenv("QUALYS_PASSWORD", "s3cret-login")
			env.Setenv("NO_COLOR", "1")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"emu-seed":        cmdEmuSeed,
			"emu-fault":       cmdEmuFault,
			"emu-reset-log":   func(ts *testscript.TestScript, _ bool, _ []string) { emu(ts).ResetRequests() },
			"emu-calls":       cmdEmuCalls,
			"emu-state":       cmdEmuState,
			"emu-writes":      cmdEmuWrites,
			"emu-variant":     func(ts *testscript.TestScript, _ bool, args []string) { ts.Check(emu(ts).SetVariants(args...)) },
			"exits":           cmdExits,
			"qsync":           cmdQsync,
			"examples-config": cmdExamplesConfig,
			"emu-faults-used": func(ts *testscript.TestScript, _ bool, _ []string) {
				deadline := time.Now().Add(time.Minute)
				for len(emu(ts).Faults()) > 0 {
					if time.Now().After(deadline) {
						ts.Fatalf("injected faults were not triggered within a minute: %v", emu(ts).Faults())
					}
					time.Sleep(10 * time.Millisecond)
				}
			},
		},
	})
}

// scriptDir is testdata/script as an absolute path: an in-process qsync changes the working
// directory while it runs, and the scripts are read while others run.
func scriptDir(t *testing.T) string {
	dir, err := filepath.Abs("testdata/script")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func emu(ts *testscript.TestScript) *qualysemu.Server { return ts.Value("emu").(*qualysemu.Server) }

func cmdEmuSeed(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: emu-seed FILE")
	}
	err := emu(ts).LoadSeedFile(ts.MkAbs(args[0]))
	if neg {
		if err == nil {
			ts.Fatalf("emu-seed %s: unexpected success", args[0])
		}
		return
	}
	ts.Check(err)
}

func cmdEmuFault(ts *testscript.TestScript, _ bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: emu-fault SPEC")
	}
	f, err := qualysemu.ParseFault(args[0])
	ts.Check(err)
	emu(ts).AddFault(f)
}

func cmdEmuCalls(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: emu-calls ACTION N")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	got := 0
	var seen []string
	for _, r := range emu(ts).Requests() {
		seen = append(seen, fmt.Sprintf("%s %s %s -> %d", r.Method, r.Path, r.Action, r.Status))
		if (args[0] == "write" && r.Write) || r.Action == args[0] {
			got++
		}
	}
	if (got == want) == neg {
		ts.Fatalf("emu-calls %s: got %d, want %s%d; requests:\n%s", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want, strings.Join(seen, "\n"))
	}
}

// cmdEmuWrites prints every create, update and delete that reached the emulator since the last
// emu-reset-log, one a line: "PATH ACTION name=value&..." with the parameters sorted (secrets
// masked), so a script can assert what was sent and what was not.
func cmdEmuWrites(ts *testscript.TestScript, _ bool, _ []string) {
	for _, r := range emu(ts).Requests() {
		switch r.Action {
		case "create", "update", "delete":
			p := url.Values{}
			for k, v := range r.Params {
				if k != "action" {
					p[k] = v
				}
			}
			fmt.Fprintf(ts.Stdout(), "%s %s %s\n", r.Path, r.Action, p.Encode())
		}
	}
}

func cmdEmuState(ts *testscript.TestScript, _ bool, _ []string) {
	// The admin endpoint's view masks secrets, as anything a test prints should.
	rec := httptest.NewRecorder()
	emu(ts).ServeHTTP(rec, httptest.NewRequest("GET", "/_emulator/state", nil))
	if rec.Code != 200 {
		ts.Fatalf("emulator state: HTTP %d", rec.Code)
	}
	var v any
	ts.Check(json.Unmarshal(rec.Body.Bytes(), &v))
	b, err := json.MarshalIndent(v, "", "  ")
	ts.Check(err)
	fmt.Fprintln(ts.Stdout(), string(b))
}

func cmdExamplesConfig(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: examples-config DIR")
	}
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(filepath.Join(dir, "secrets"), 0o755))
	files, err := filepath.Glob(filepath.Join(moduleDir, "examples", "*.yaml"))
	ts.Check(err)
	if len(files) == 0 {
		ts.Fatalf("examples-config: no examples/*.yaml in %s", moduleDir)
	}
	envRef := regexp.MustCompile(`env: *([A-Z][A-Z0-9_]*)`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		ts.Check(err)
		for _, m := range envRef.FindAllSubmatch(b, -1) {
			ts.Setenv(string(m[1]), "script-value-for-"+string(m[1]))
		}
		ts.Check(os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644))
	}
	ts.Check(os.WriteFile(filepath.Join(dir, "secrets", "reporting-db.password"), []byte("script-reporting\n"), 0o600))
}

func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 || neg {
		ts.Fatalf("usage: exits CODE CMD [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if args[1] == "qsync" {
		got = qsyncInProcess(ts, args[2:])
	} else if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", strings.Join(args[1:], " "), got, want)
	}
}
