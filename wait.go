package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/qsync/qsync/internal/apply"
)

// waitSleeper returns the Qualys client's Sleep: it waits out a rate or concurrency limit (or a
// read's backoff) and can be interrupted by Ctrl-C even while apply runs a call that must not be
// cancelled once sent (see apply.Interruptible). On a terminal it shows a countdown on stderr; in
// logs the client's own notice line ("qsync: Qualys rate limit reached on ...; waiting 1m0s") is
// what the user sees.
func waitSleeper(env *Env) func(ctx context.Context, d time.Duration) error {
	var w io.Writer
	if isTerminal(env.Stderr) {
		w = env.Stderr
	}
	return func(ctx context.Context, d time.Duration) error {
		return countdown(apply.Interruptible(ctx), d, w, time.Second)
	}
}

// countdown waits d or until ctx ends. With a writer it redraws "waiting Ns" every tick on one
// terminal line and clears the line at the end.
func countdown(ctx context.Context, d time.Duration, w io.Writer, tick time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	end := time.Now().Add(d)
	timer := time.NewTimer(d)
	defer timer.Stop()
	var ticks <-chan time.Time
	if w != nil && d >= 2*tick {
		t := time.NewTicker(tick)
		defer t.Stop()
		ticks = t.C
		defer fmt.Fprint(w, "\r\033[K")
		drawCountdown(w, d)
	}
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait interrupted: %w", ctx.Err())
		case <-timer.C:
			return nil
		case <-ticks:
			drawCountdown(w, time.Until(end))
		}
	}
}

func drawCountdown(w io.Writer, left time.Duration) {
	fmt.Fprintf(w, "\r\033[Kqsync: waiting %s for the Qualys limit to reset (Ctrl-C to stop) ", left.Round(time.Second))
}

// lineStartWriter starts every write on a fresh terminal line, so that a notice from the client
// does not run into a progress bar or countdown being redrawn in place.
type lineStartWriter struct{ w io.Writer }

func (l lineStartWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(l.w, "\r\033[K"); err != nil {
		return 0, err
	}
	return l.w.Write(p)
}

// noticeWriter is where the client writes its wait notices.
func noticeWriter(env *Env) io.Writer {
	if isTerminal(env.Stderr) {
		return lineStartWriter{env.Stderr}
	}
	return env.Stderr
}
