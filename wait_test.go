package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCountdownDrawsAndClears(t *testing.T) {
	var buf bytes.Buffer
	if err := countdown(context.Background(), 30*time.Millisecond, &buf, 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\r\033[Kqsync: waiting ") || !strings.HasSuffix(out, "\r\033[K") {
		t.Errorf("countdown output = %q", out)
	}
}

func TestCountdownEndsOnInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	err := countdown(ctx, time.Minute, nil, time.Second)
	if !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Fatalf("err = %v after %s", err, time.Since(start))
	}
}
