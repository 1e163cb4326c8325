package term

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// The countdown tests run in a synctest bubble: the timer and ticker run on the bubble's fake
// clock, so the redraws are exact and the tests take no real time.

func TestCountdownDrawsEveryTickAndClears(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var buf bytes.Buffer
		start := time.Now()
		// 3.5s with a 1s tick: the ticks at 1s, 2s and 3s come before the end, never with it.
		if err := Countdown(context.Background(), 3500*time.Millisecond, &buf, time.Second); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 3500*time.Millisecond {
			t.Errorf("countdown returned after %v, want 3.5s", d)
		}
		draw := func(left string) string {
			return "\r\033[Kqsync: waiting " + left + " for the Qualys limit to reset (Ctrl-C to stop) "
		}
		want := draw("4s") + draw("3s") + draw("2s") + draw("1s") + "\r\033[K"
		if got := buf.String(); got != want {
			t.Errorf("countdown output\n got %q\nwant %q", got, want)
		}
	})
}

func TestCountdownShortWaitIsSilent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var buf bytes.Buffer
		start := time.Now()
		if err := Countdown(context.Background(), 1500*time.Millisecond, &buf, time.Second); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 1500*time.Millisecond || buf.Len() != 0 {
			t.Errorf("after %v, output %q; want 1.5s and nothing drawn for a wait under two ticks", d, buf.String())
		}
	})
}

func TestCountdownEndsOnInterrupt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		start := time.Now()
		err := Countdown(ctx, time.Minute, nil, time.Second)
		if !errors.Is(err, context.Canceled) || time.Since(start) != 0 {
			t.Fatalf("err = %v after %s", err, time.Since(start))
		}
	})
}

func TestCountdownEndsWhenInterruptedMidWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(10*time.Minute, cancel)
		var buf bytes.Buffer
		start := time.Now()
		err := Countdown(ctx, time.Hour, &buf, time.Second)
		if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "wait interrupted") {
			t.Fatalf("err = %v", err)
		}
		if d := time.Since(start); d != 10*time.Minute {
			t.Errorf("returned after %v, want when interrupted (10m)", d)
		}
		if out := buf.String(); !strings.HasSuffix(out, "\r\033[K") || !strings.Contains(out, "waiting 50m1s ") {
			t.Errorf("an interrupted countdown must have counted down and clear its line; output ends %q", out[max(0, len(out)-200):])
		}
	})
}

// TestAskYesWithoutTerminalAsksNothing: a pipe or file on stdin (CI) is never prompted.
func TestAskYesWithoutTerminalAsksNothing(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	for _, in := range []*os.File{nil, f} {
		if yes, tty := AskYes(in, &out, "sure? "); yes || tty || out.Len() != 0 {
			t.Errorf("AskYes(%v) = %v, %v; wrote %q", in, yes, tty, out.String())
		}
	}
}
