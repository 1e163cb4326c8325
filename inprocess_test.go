package main

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain puts a qsync on PATH for the tests that run it as a process (exec qsync in a script,
// bash in TestCIExamples): a link named qsync to this test binary, which runs qsync when started
// under that name. The scripts' own qsync command runs in-process (cmdQsync).
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "qsync" {
		os.Exit(run(os.Args[1:], &Env{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin, Getenv: os.Getenv}))
	}
	os.Exit(runTests(m))
}

// moduleDir is the module's root, where the tests start: the commands of the scripts read from it
// by absolute path, since an in-process qsync changes the working directory while it runs.
var moduleDir string

// testPATH is the PATH the tests run with: the directory holding qsync first. Every script gets it
// in its Setup, whatever the process's PATH was when the script started.
var testPATH string

func runTests(m *testing.M) int {
	var err error
	if moduleDir, err = os.Getwd(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "find the test binary:", err)
		return 1
	}
	bin, err := os.MkdirTemp("", "qsync-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(bin)
	if err := os.Symlink(exe, filepath.Join(bin, "qsync")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	testPATH = bin + string(os.PathListSeparator) + os.Getenv("PATH")
	os.Setenv("PATH", testPATH)
	return m.Run()
}

// inProcess serialises qsync runs in-process: each gives the process its script's working
// directory and environment, which qsync reads (kong's env tags, secret references), for the
// time it runs. Scripts run in parallel; everything else they do (the emulator, testscript's own
// commands) takes its directory and environment from the script, not the process.
var inProcess sync.Mutex

// cmdQsync is the scripts' qsync command: qsync run in-process, as the binary would run it in
// the script's directory with the script's environment, its exit code checked like exec's.
func cmdQsync(ts *testscript.TestScript, neg bool, args []string) {
	code := qsyncInProcess(ts, args)
	switch {
	case neg && code == 0:
		ts.Fatalf("qsync %s: unexpected success", strings.Join(args, " "))
	case !neg && code != 0:
		ts.Fatalf("qsync %s: exit status %d", strings.Join(args, " "), code)
	}
}

// qsyncInProcess runs qsync with args in-process and returns its exit code. Its output goes to
// the script's stdout and stderr; its stdin is empty and not a terminal, as exec's is.
func qsyncInProcess(ts *testscript.TestScript, args []string) int {
	env := scriptEnv(ts)
	dir := ts.MkAbs(".")
	stdin, err := os.Open(os.DevNull)
	ts.Check(err)
	defer stdin.Close()

	inProcess.Lock()
	defer inProcess.Unlock()
	restore, err := enterScript(dir, env)
	if err != nil {
		restore()
		ts.Fatalf("qsync in-process: %v", err)
	}
	defer restore()
	return run(args, &Env{Stdout: ts.Stdout(), Stderr: ts.Stderr(), Stdin: stdin, Getenv: os.Getenv})
}

// scriptEnv returns the script's environment as exec passes it to a process ("NAME=value", the
// last of a name winning). testscript has no accessor for the whole list, only Getenv of a name
// known in advance, so it is read from the TestScript's env field.
func scriptEnv(ts *testscript.TestScript) []string {
	v := reflect.ValueOf(ts).Elem().FieldByName("env")
	if !v.IsValid() || v.Kind() != reflect.Slice || v.Type().Elem().Kind() != reflect.String {
		ts.Fatalf("testscript.TestScript has no env []string field any more (go-internal changed): update scriptEnv")
	}
	env := make([]string, v.Len())
	for i := range env {
		env[i] = v.Index(i).String()
	}
	return env
}

// enterScript makes dir the process's working directory and env its whole environment, and
// returns the function that restores both.
func enterScript(dir string, env []string) (restore func(), err error) {
	saved, cwd := os.Environ(), ""
	cwd, err = os.Getwd()
	if err != nil {
		return func() {}, err
	}
	restore = func() {
		setEnviron(saved)
		_ = os.Chdir(cwd)
	}
	setEnviron(env)
	return restore, os.Chdir(dir)
}

// setEnviron makes env the process's environment, changing only the variables that differ: a
// script starting meanwhile reads PATH (and GOCOVERDIR, GORACE) from the process, so a variable
// both environments hold alike must never be unset, even for a moment.
func setEnviron(env []string) {
	want := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			want[k] = v // the last of a name wins, as with exec
		}
	}
	for _, kv := range os.Environ() {
		if k, _, ok := strings.Cut(kv, "="); ok {
			if _, keep := want[k]; !keep {
				os.Unsetenv(k)
			}
		}
	}
	for k, v := range want {
		if cur, ok := os.LookupEnv(k); !ok || cur != v {
			os.Setenv(k, v)
		}
	}
}

// TestScriptsRunQsyncInProcess: the scripts run qsync in-process (the qsync command), so the
// end-to-end tier starts no process per command; exec qsync is for a qsync run in the background
// (a script that signals it, such as apply_interrupt).
func TestScriptsRunQsyncInProcess(t *testing.T) {
	files, err := filepath.Glob("testdata/script/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, "exec qsync") && !strings.HasSuffix(strings.TrimSpace(line), "&") {
				t.Errorf("%s:%d: %q: write qsync (run in-process) instead of exec qsync, unless it runs in the background", f, i+1, line)
			}
		}
	}
}
