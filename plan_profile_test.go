package main

import (
	"bytes"
	"os"
	"strconv"
	"testing"

	"github.com/qsync/qsync/internal/bench"
	"github.com/qsync/qsync/internal/qualysemu"
)

// BenchmarkPlanCommand runs `qsync plan` in-process, as the binary does, on the estate of the
// n-record plan benchmark (QSYNC_BENCH_RECORDS, default 1000; see internal/bench) against the
// emulator on loopback. It is how to profile the command, cold caches included:
//
//	QSYNC_BENCH_RECORDS=100000 go test -run '^$' -bench PlanCommand -benchtime 1x -cpuprofile cpu.out .
//	go tool pprof -top -cum -focus 'main.run' qsync.test cpu.out
//
// (the emulator's own work runs in the same process: -focus leaves it out).
func BenchmarkPlanCommand(b *testing.B) {
	n := 1000
	if s := os.Getenv("QSYNC_BENCH_RECORDS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n <= 0 {
			b.Fatalf("QSYNC_BENCH_RECORDS=%q is not a positive number", s)
		}
	}
	dir := b.TempDir()
	secrets := bench.Env("bench-value")
	liveE, desiredE := bench.PlanEstates(n, 50)
	emu, err := bench.StartEmulator(qualysemu.Config{RateUnlimited: true}, liveE, []byte(bench.SecretKey), secrets, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer emu.Close()
	path, err := desiredE.WriteYAML(dir, bench.Owner)
	if err != nil {
		b.Fatal(err)
	}
	// qsync reads its environment from the process (kong and the secret references do).
	b.Setenv("QUALYS_API_URL", emu.URL)
	b.Setenv("QUALYS_USERNAME", bench.EmuUser)
	b.Setenv("QUALYS_PASSWORD", bench.EmuPassword)
	b.Setenv("QSYNC_SECRET_KEY", bench.SecretKey)
	b.Setenv("NO_COLOR", "1")
	for k, v := range secrets {
		b.Setenv(k, v)
	}
	env := &Env{Getenv: os.Getenv}
	b.ResetTimer()
	for b.Loop() {
		var stdout, stderr bytes.Buffer
		env.Stdout, env.Stderr = &stdout, &stderr
		if code := run([]string{"plan", "--no-color", "--detailed-exitcode", path}, env); code != 2 {
			b.Fatalf("qsync plan exited %d, want 2 (changes):\n%s", code, stderr.String())
		}
	}
}
