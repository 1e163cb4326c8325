package main

import (
	"context"
	"io"
	"time"

	"github.com/qsync/qsync/internal/apply"
	"github.com/qsync/qsync/internal/term"
)

// waitSleeper returns the Qualys client's Sleep: it waits out a rate or concurrency limit (or a
// read's backoff) and can be interrupted by Ctrl-C even while apply runs a call that must not be
// cancelled once sent (see apply.Interruptible). On a terminal it shows a countdown on stderr; in
// logs the client's own notice line ("qsync: Qualys rate limit reached on ...; waiting 1m0s") is
// what the user sees.
func waitSleeper(env *Env) func(ctx context.Context, d time.Duration) error {
	var w io.Writer
	if term.IsTerminal(env.Stderr) {
		w = env.Stderr
	}
	return func(ctx context.Context, d time.Duration) error {
		return term.Countdown(apply.Interruptible(ctx), d, w, time.Second)
	}
}

// noticeWriter is where the client writes its wait notices.
func noticeWriter(env *Env) io.Writer {
	if term.IsTerminal(env.Stderr) {
		return term.LineStartWriter{W: env.Stderr}
	}
	return env.Stderr
}
