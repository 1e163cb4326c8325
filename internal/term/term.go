// Package term owns qsync's use of an interactive terminal: telling a terminal from a log, asking
// for a typed "yes", the countdown shown while a Qualys rate or concurrency limit is waited out,
// and starting a notice on a fresh line so that it does not run into a line redrawn in place.
package term

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	xterm "golang.org/x/term"
)

// IsTerminal reports whether w is an interactive terminal.
func IsTerminal(w any) bool {
	f, ok := file(w)
	return ok && xterm.IsTerminal(int(f.Fd()))
}

// file returns the file w writes to, looking through writers that wrap one (Unwrap, as the
// redacting writers of package main do).
func file(w any) (*os.File, bool) {
	for range 8 {
		switch x := w.(type) {
		case *os.File:
			return x, true
		case interface{ Unwrap() io.Writer }:
			w = x.Unwrap()
		default:
			return nil, false
		}
	}
	return nil, false
}

// Width returns the width in columns of the terminal w is, or 0 when w is not a terminal or its
// size is unknown.
func Width(w any) int {
	f, ok := file(w)
	if !ok || !xterm.IsTerminal(int(f.Fd())) {
		return 0
	}
	cols, _, err := xterm.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return cols
}

// AskYes writes prompt to out and reports whether the line then read from in is "yes". Without
// a terminal on in it asks nothing and reports tty false.
func AskYes(in *os.File, out io.Writer, prompt string) (yes, tty bool) {
	if in == nil || !IsTerminal(in) {
		return false, false
	}
	fmt.Fprint(out, prompt)
	if f, ok := out.(interface{ Flush() error }); ok {
		_ = f.Flush() // a writer that holds text back must show the whole prompt before the answer
	}
	line, _ := bufio.NewReader(in).ReadString('\n')
	return strings.TrimSpace(line) == "yes", true
}

// Countdown waits d or until ctx ends. With a writer it redraws "waiting Ns" every tick on one
// terminal line and clears the line at the end; a wait under two ticks draws nothing.
func Countdown(ctx context.Context, d time.Duration, w io.Writer, tick time.Duration) error {
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

// LineStartWriter starts every write on a fresh terminal line, so that a notice from the client
// does not run into a progress bar or countdown being redrawn in place.
type LineStartWriter struct{ W io.Writer }

// Write clears the current line, then writes p.
func (l LineStartWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(l.W, "\r\033[K"); err != nil {
		return 0, err
	}
	return l.W.Write(p)
}
