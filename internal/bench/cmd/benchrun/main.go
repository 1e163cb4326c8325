// Command benchrun runs qsync's benchmarks (package internal/bench) against the emulator on
// loopback, prints a Markdown table of the results and the targets, and writes them as JSON.
// scripts/bench.sh (make bench) runs it.
//
// With -serve DIR it instead starts the emulator holding the estate of the plan benchmark of the
// first size, writes that benchmark's configuration to DIR/qsync.yaml and the environment qsync
// needs to DIR/env.sh, and serves until interrupted: the way to profile or trace one qsync process,
//
//	go run ./internal/bench/cmd/benchrun -serve /tmp/estate -sizes 100000 &
//	. /tmp/estate/env.sh && GODEBUG=gctrace=1 bin/qsync plan /tmp/estate/qsync.yaml
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/bench"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == bench.LauncherArg {
		os.Exit(bench.MeasureChild(os.Args[2:]))
	}
	qsync := flag.String("qsync", "bin/qsync", "the qsync binary to measure")
	out := flag.String("out", "bench/results.json", "where to write the JSON results (empty: nowhere)")
	sizes := flag.String("sizes", "1000,10000,100000", "record counts of the plan benchmarks")
	vaults := flag.Int("vaults", 50, "vaults in every plan benchmark")
	repeat := flag.Int("repeat", 3, "runs of each plan; the fastest is reported")
	plansOnly := flag.Bool("plans-only", false, "skip the apply scenarios")
	serve := flag.String("serve", "", "serve the first size's plan estate, writing its configuration and env.sh to this directory")
	flag.Parse()

	cfg := bench.Config{Qsync: *qsync, Vaults: *vaults, Repeat: *repeat, Log: os.Stderr, PlansOnly: *plansOnly}
	// qsync is started through this program (see bench.MeasureChild), so that its peak memory is
	// its own and not this process's, which holds the emulator's estate.
	if self, err := os.Executable(); err == nil {
		cfg.Launcher = []string{self, bench.LauncherArg}
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "benchrun: bad size %q\n", s)
			os.Exit(2)
		}
		cfg.Sizes = append(cfg.Sizes, n)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *serve != "" {
		if err := bench.Serve(ctx, *serve, cfg.Sizes[0], cfg.Vaults, os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "benchrun: %v\n", err)
			os.Exit(1)
		}
		return
	}
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchrun: %v\n", err)
		os.Exit(1)
	}
	fmt.Println()
	bench.WriteTable(os.Stdout, rep)
	if *out != "" {
		if err := writeResults(*out, rep); err != nil {
			fmt.Fprintf(os.Stderr, "benchrun: write %s: %v\n", *out, err)
			os.Exit(1)
		}
		fmt.Printf("\nResults written to %s.\n", *out)
	}
	if missed := rep.Missed(); len(missed) > 0 {
		fmt.Printf("%d target(s) missed.\n", len(missed))
	}
}

// writeResults writes the report as indented JSON to path, creating its directory.
func writeResults(path string, rep any) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
