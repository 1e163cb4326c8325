package bench

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// LauncherArg is the first argument that makes a benchmark program run as the launcher of one
// measured command (cmd/benchrun checks for it and calls MeasureChild).
const LauncherArg = "measure-child"

// measured is what MeasureChild reports of its child on file descriptor 3.
type measured struct {
	CPUSec    float64 `json:"cpu_sec"`
	MaxRSSMiB float64 `json:"max_rss_mib"`
}

// MeasureChild runs args as a child process with this process's standard streams and
// environment, waits for it, writes the child's CPU time and peak RSS as JSON to file descriptor 3
// and returns the child's exit code (1 when it could not be run or was killed).
//
// A launcher stands between the benchmark and qsync because on Linux a process's peak RSS
// (ru_maxrss) includes that of the address space it replaced at exec: the kernel carries the old
// one's high-water mark over. Started straight from the benchmark, whose emulator holds the
// 100,000-record estate, qsync reported the benchmark's ~600 MiB instead of its own ~400. The
// launcher is a fresh, small process when it starts qsync, so the child's figure is qsync's.
func MeasureChild(args []string) int {
	report := os.NewFile(3, "usage")
	if len(args) == 0 || report == nil {
		fmt.Fprintln(os.Stderr, "measure-child: usage: measure-child COMMAND [ARG...] (with file descriptor 3 open for the report)")
		return 1
	}
	defer report.Close()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "measure-child: %v\n", err)
		return 1
	}
	// Pass an interrupt on: the benchmark stops its launcher, not the command it cannot see.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	signal.Stop(sigs)
	ru := processUsage(cmd.ProcessState)
	if jerr := json.NewEncoder(report).Encode(measured{CPUSec: ru.cpu, MaxRSSMiB: ru.maxRSSMiB}); jerr != nil {
		fmt.Fprintf(os.Stderr, "measure-child: report: %v\n", jerr)
		return 1
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		return ee.ExitCode()
	}
	return 1
}

// launch runs bin with args through launcher (see MeasureChild) when one is given, else
// directly, and returns the command's resource usage: the launcher's report, or the process's own
// figures (whose peak RSS may include the benchmark's; see MeasureChild).
func launch(cmd *exec.Cmd, launcher []string) (usage, error) {
	if len(launcher) == 0 {
		err := cmd.Run()
		return processUsage(cmd.ProcessState), err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return usage{}, fmt.Errorf("launcher pipe: %w", err)
	}
	defer r.Close()
	cmd.Args = append(append([]string{launcher[0]}, launcher[1:]...), cmd.Args...)
	cmd.Args[len(launcher)] = cmd.Path // the command by the path exec resolved
	cmd.Path = launcher[0]
	cmd.ExtraFiles = []*os.File{w}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	err = cmd.Start()
	w.Close()
	if err != nil {
		return usage{}, err
	}
	runErr := cmd.Wait()
	data, rerr := io.ReadAll(r)
	var m measured
	if rerr != nil || json.Unmarshal(data, &m) != nil {
		if runErr != nil {
			return usage{}, runErr
		}
		return usage{}, fmt.Errorf("launcher %s reported no usage: %q", launcher[0], data)
	}
	return usage{cpu: m.CPUSec, maxRSSMiB: m.MaxRSSMiB}, runErr
}
