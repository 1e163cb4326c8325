package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qsync/qsync/internal/pipeline"
)

// TestServeWritesAWorkingEnvironment: the configuration and env.sh that Serve writes are what a
// qsync process needs to plan against the served estate, and the plan is the benchmark's.
func TestServeWritesAWorkingEnvironment(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var log bytes.Buffer
	go func() { done <- Serve(ctx, dir, 200, 4, &log) }()
	envPath := filepath.Join(dir, "env.sh")
	deadline := time.Now().Add(30 * time.Second)
	var data []byte
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(envPath); err == nil && len(b) > 0 {
			data = b
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if data == nil {
		cancel()
		t.Fatalf("env.sh not written: %v", <-done)
	}
	vars := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok || !strings.HasPrefix(v, "'") || !strings.HasSuffix(v, "'") {
			t.Fatalf("env.sh line %q is not export NAME='value'", line)
		}
		vars[k] = strings.Trim(v, "'")
	}
	pl := Pipeline([]byte(vars["QSYNC_SECRET_KEY"]), vars)
	desired, err := pl.Load(filepath.Join(dir, "qsync.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	emu := &Emulator{URL: vars["QUALYS_API_URL"]}
	c, err := emu.Client(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pipeline.ReadLive(context.Background(), c); err != nil {
		t.Fatalf("the served emulator did not answer with %s: %v", envPath, err)
	}
	if len(desired.Objects) != 204 {
		t.Errorf("configuration holds %d objects, want 200 records and 4 vaults", len(desired.Objects))
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), vars["QUALYS_API_URL"]) {
		t.Errorf("Serve did not say where it serves: %q", log.String())
	}
}
