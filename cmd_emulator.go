package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/qualysemu/faults"
)

// EmulatorCmd serves the Qualys API emulator.
type EmulatorCmd struct {
	Listen      string   `default:"127.0.0.1:8443" placeholder:"ADDR" help:"Address to listen on (plain HTTP; use loopback)."`
	State       string   `type:"path" placeholder:"FILE" help:"JSON file holding the emulator's state across restarts (created if missing)."`
	Seed        []string `type:"existingfile" placeholder:"FILE" help:"YAML or JSON file of records and vaults to start from (see docs/emulator.md); repeatable."`
	RateLimit   string   `name:"rate-limit" default:"300/3600" placeholder:"N/SECONDS" help:"Calls allowed per window, per API: N/SECONDS, N/DURATION (60/10s) or 'unlimited'."`
	Concurrency int      `default:"2" help:"Calls allowed at once per API (negative: unlimited)."`
	PageSize    int      `name:"page-size" default:"1000" help:"Records per list page before a truncation WARNING."`
	Fault       []string `placeholder:"SPEC" help:"Inject a fault, e.g. write:3:status=500 or any:1:409=1965:count=5 (see docs/emulator.md); repeatable."`
	Variant     []string `placeholder:"NAME" help:"Answer like a Qualys that differs from the wire contract, e.g. vault-view-other or doc-center-unix (see docs/emulator.md); repeatable."`
	Username    string   `env:"QUALYS_USERNAME" help:"User name the emulator accepts (default: QUALYS_USERNAME)."`
	Password    string   `env:"QUALYS_PASSWORD" help:"Password the emulator accepts (default: QUALYS_PASSWORD)."`
}

// rateHint is what the emulator adds to its 1965 answers: like Qualys it allows --rate-limit
// calls per window (300 an hour by default), which a newcomer running plan after plan reaches.
func rateHint(limit, addr string) string {
	return fmt.Sprintf("[qsync emulator: its limit is --rate-limit %s, as on Qualys. Reset it with: curl -X POST http://%s/_emulator/limits/reset, or restart the emulator with --rate-limit unlimited.]", limit, addr)
}

// Run starts the emulator and serves until interrupted.
func (c *EmulatorCmd) Run(ctx context.Context, env *Env) error {
	if c.Username == "" || c.Password == "" {
		return errors.New("the emulator needs credentials: set QUALYS_USERNAME and QUALYS_PASSWORD (or --username/--password)")
	}
	n, window, err := qualysemu.ParseRateLimit(c.RateLimit)
	if err != nil {
		return fmt.Errorf("--rate-limit: %w", err)
	}
	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close() // when setting up fails; Shutdown closes it otherwise
	srv, err := qualysemu.New(qualysemu.Config{
		Username: c.Username, Password: c.Password,
		RateLimit: n, RateUnlimited: n == 0, RateWindow: window, RateHint: rateHint(c.RateLimit, ln.Addr().String()),
		Concurrency: c.Concurrency, PageSize: c.PageSize, StatePath: c.State, Variants: c.Variant,
		Logf: func(format string, args ...any) { fmt.Fprintf(env.Stderr, "qsync emulator: "+format+"\n", args...) },
	})
	if err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	for _, s := range c.Seed {
		if err := srv.LoadSeedFile(s); err != nil {
			return fmt.Errorf("seed %s: %w", s, err)
		}
	}
	for _, spec := range c.Fault {
		f, err := faults.Parse(spec)
		if err != nil {
			return fmt.Errorf("--fault %q: %w", spec, err)
		}
		srv.AddFault(f)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(env.Stdout, "qsync emulator listening on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
		// Shutdown lets calls in flight finish. It also waits for connections accepted but never
		// used (a client's spare keep-alive dial) until they are 5 s old, so after a short grace
		// period the rest is closed: stopping the emulator is not an error.
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := hs.Shutdown(shutdown); err != nil && errors.Is(err, context.DeadlineExceeded) {
			return hs.Close()
		} else if err != nil {
			return fmt.Errorf("shutdown: %w", err)
		}
		return nil
	}
}
