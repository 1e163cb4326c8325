// Command soak runs qsync's model-based invariant test (internal/soak) for many transitions:
// `go run ./internal/soak/cmd/soak -seed 1 -count 2000` (or `make soak SEED=1 COUNT=2000`). It
// prints every transition with -v, then a table of transitions, faults injected and invariant
// violations, and exits 1 when any invariant was broken.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/qsync/qsync/internal/soak"
)

func main() {
	seed := flag.Uint64("seed", 1, "the first seed: each run of -per transitions uses the next one")
	count := flag.Int("count", 2000, "transitions in total")
	per := flag.Int("per", 50, "transitions per seed (each seed starts from a new estate)")
	classes := flag.String("classes", "all", "comma-separated transition classes to run")
	faults := flag.Float64("faults", 0.5, "share of transitions whose first apply gets a fault")
	verbose := flag.Bool("v", false, "print every transition")
	flag.Parse()
	if err := run(*seed, *count, *per, *classes, *faults, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func run(seed uint64, count, per int, classes string, faults float64, verbose bool) error {
	cs, err := soak.ParseClasses(classes)
	if err != nil {
		return err
	}
	if per < 1 {
		return fmt.Errorf("-per %d: want at least 1", per)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	dir, err := os.MkdirTemp("", "qsync-soak-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var log io.Writer
	if verbose {
		log = os.Stdout
	}
	total := soak.NewReport()
	start := time.Now()
	for done := 0; done < count; seed++ {
		n := min(per, count-done)
		rep, err := soak.Run(ctx, soak.Options{Seed: seed, Count: n, Classes: cs, FaultRate: faults, Dir: dir, Log: log})
		if rep != nil {
			total.Merge(rep)
		}
		if err != nil {
			return fmt.Errorf("seed %d: %w", seed, err)
		}
		done += n
	}
	soak.WriteTable(os.Stdout, total)
	fmt.Printf("\n%d transitions in %s\n", count, time.Since(start).Round(time.Second))
	if total.Failed() {
		return fmt.Errorf("%d invariant violation(s)", len(total.Violations))
	}
	return nil
}
