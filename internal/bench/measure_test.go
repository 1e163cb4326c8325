package bench

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"testing"
)

// TestMain lets the test binary act as the launcher of MeasureChild, as cmd/benchrun does.
func TestMain(m *testing.M) {
	if os.Getenv("BENCH_TEST_LAUNCHER") == "1" && len(os.Args) > 1 && os.Args[1] == LauncherArg {
		os.Exit(MeasureChild(os.Args[2:]))
	}
	os.Exit(m.Run())
}

// TestLauncherReportsTheChildsOwnPeak: while this process holds 192 MiB, a small command started
// through the launcher is reported with its own peak RSS, not this process's (on Linux, a command
// started straight from here inherits this process's high-water mark at exec; see MeasureChild).
// Its exit code comes back too.
func TestLauncherReportsTheChildsOwnPeak(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("peak RSS carried over exec is Linux behaviour")
	}
	ballast := make([]byte, 192<<20)
	for i := 0; i < len(ballast); i += 4096 {
		ballast[i] = 1 // touch every page, so that it is resident
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	run := func(launcher []string, args ...string) (usage, error) {
		cmd := exec.CommandContext(ctx, self, args...)
		cmd.Env = append(os.Environ(), "BENCH_TEST_LAUNCHER=1")
		return launch(cmd, launcher)
	}
	direct, err := run(nil, "-test.run=^$")
	if err != nil {
		t.Fatal(err)
	}
	measured, err := run([]string{self, LauncherArg}, "-test.run=^$")
	if err != nil {
		t.Fatal(err)
	}
	runtime.KeepAlive(ballast)
	t.Logf("peak RSS of a test binary that runs nothing: %.0f MiB started directly, %.0f MiB through the launcher", direct.maxRSSMiB, measured.maxRSSMiB)
	if measured.maxRSSMiB <= 0 || measured.maxRSSMiB >= 96 {
		t.Errorf("through the launcher the command's peak RSS is %.0f MiB, want its own (under 96 MiB) while this process holds 192", measured.maxRSSMiB)
	}
	_, err = run([]string{self, LauncherArg}, "-test.run=^TestNoSuchTest$", "-test.count=1", "-no-such-flag")
	var ee *exec.ExitError
	if err == nil || !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Errorf("a command that exits 2 through the launcher gave %v, want exit status 2", err)
	}
}
