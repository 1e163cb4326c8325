package main

import (
	"bufio"
	"context"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qsync/qsync/internal/qualysclient"
)

// startEmulator runs the emulator command until the test ends and returns its base URL.
func startEmulator(t *testing.T, cmd *EmulatorCmd) (baseURL string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- cmd.Run(ctx, &Env{Stdout: pw, Stderr: io.Discard, Getenv: func(string) string { return "" }})
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("emulator did not start: %v (%v)", err, <-done)
	}
	go io.Copy(io.Discard, pr)
	baseURL = strings.TrimSpace(strings.TrimPrefix(line, "qsync emulator listening on "))
	stop = func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("emulator stopped with %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("emulator did not stop")
		}
	}
	return baseURL, stop
}

func TestEmulatorCommandKeepsStateAcrossRestarts(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	newCmd := func() *EmulatorCmd {
		return &EmulatorCmd{Listen: "127.0.0.1:0", State: state, RateLimit: "unlimited", Concurrency: 2,
			PageSize: 1000, Username: "u", Password: "p"}
	}
	base, stop := startEmulator(t, newCmd())
	c, err := qualysclient.New(qualysclient.Config{BaseURL: base, Username: "u", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id, err := c.CreateRecord(ctx, qualysclient.MySQL, url.Values{"title": {"db"}, "ips": {"10.0.0.1"},
		"port": {"3306"}, "database": {"mysql"}, "username": {"u"}, "password": {"pw"}})
	if err != nil {
		t.Fatal(err)
	}
	stop()

	base, stop = startEmulator(t, newCmd())
	defer stop()
	c, _ = qualysclient.New(qualysclient.Config{BaseURL: base, Username: "u", Password: "p"})
	recs, err := c.ListRecords(ctx, qualysclient.MySQL, qualysclient.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].ID != id || recs[0].Title != "db" {
		t.Fatalf("after restart: %+v, want record %d", recs, id)
	}
}

func TestEmulatorCommandRejectsBadFlags(t *testing.T) {
	for name, cmd := range map[string]*EmulatorCmd{
		"no credentials": {Listen: "127.0.0.1:0", RateLimit: "300/3600"},
		"bad rate":       {Listen: "127.0.0.1:0", RateLimit: "fast", Username: "u", Password: "p"},
		"bad fault":      {Listen: "127.0.0.1:0", RateLimit: "300/3600", Username: "u", Password: "p", Fault: []string{"sometimes"}},
	} {
		err := cmd.Run(context.Background(), &Env{Stdout: io.Discard, Stderr: io.Discard})
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
