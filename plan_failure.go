package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/qsync/qsync/internal/prcomment"
)

// capWriter keeps the first max bytes written to it.
type capWriter struct {
	b   strings.Builder
	max int
}

func (w *capWriter) Write(p []byte) (int, error) {
	if room := w.max - w.b.Len(); room > 0 {
		w.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// markdownFailure is for "plan --format markdown": it returns an Env whose stderr is also
// recorded, and a finish function that, when the command fails, writes the failure block (the
// diagnostics and the error, for the commit of the CI run) to stdout and returns the error
// unchanged, so the exit code stays 1 and a posted comment replaces the last good plan instead of
// leaving it standing.
func markdownFailure(env *Env) (*Env, func(error) error) {
	rec := &capWriter{max: 256 << 10}
	teed := *env
	teed.Stderr = teeWriter{env.Stderr, rec}
	return &teed, func(err error) error {
		var ee *exitErr
		if err == nil || errors.As(err, &ee) && ee.code != exitError {
			return err
		}
		diags := rec.b.String() + fmt.Sprintf("qsync: %v\n", err)
		ci := prcomment.CI{Getenv: env.Getenv}
		if werr := prcomment.RenderFailure(env.Stdout, "qsync plan", diags, prcomment.RenderContext{Commit: ci.Commit(), RunURL: ci.RunURL()}); werr != nil {
			return errors.Join(err, fmt.Errorf("write the failure block: %w", werr))
		}
		return err
	}
}

type teeWriter struct {
	a, b interface{ Write([]byte) (int, error) }
}

func (t teeWriter) Write(p []byte) (int, error) {
	_, _ = t.b.Write(p)
	return t.a.Write(p)
}
