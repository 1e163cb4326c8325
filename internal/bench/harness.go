package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"path/filepath"
	"time"

	"github.com/qsync/qsync/internal/pipeline"
	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/spec"
)

// The emulator's credentials in benchmarks and drills.
const (
	EmuUser     = "bench"
	EmuPassword = "bench-password"
)

// Emulator is a qualysemu server listening on loopback.
type Emulator struct {
	*qualysemu.Server
	URL string
	hs  *httptest.Server
}

// Close stops the listener.
func (e *Emulator) Close() { e.hs.Close() }

// StartEmulator starts an emulator holding estate. With stateDir set the estate is written as a
// state file there and loaded without per-record validation (the fast path for large estates;
// every later write rewrites that file); otherwise it is loaded as a seed, each entry validated
// like an API create. cfg's credentials are filled in.
func StartEmulator(cfg qualysemu.Config, estate *Estate, key []byte, env map[string]string, stateDir string) (*Emulator, error) {
	cfg.Username, cfg.Password = EmuUser, EmuPassword
	if stateDir != "" && estate != nil {
		cfg.StatePath = filepath.Join(stateDir, "emulator-state.json")
		if err := estate.WriteState(cfg.StatePath, key, env); err != nil {
			return nil, fmt.Errorf("write emulator state: %w", err)
		}
	}
	srv, err := qualysemu.New(cfg)
	if err != nil {
		return nil, err
	}
	if stateDir == "" && estate != nil {
		if err := srv.LoadSeed(bytes.NewReader(estate.Seed(key, env))); err != nil {
			return nil, err
		}
	}
	hs := httptest.NewServer(srv)
	return &Emulator{Server: srv, URL: hs.URL, hs: hs}, nil
}

// Client returns a Qualys client for the emulator. debug, when not nil, receives the redacted
// HTTP trace; sleep, when not nil, replaces real waiting.
func (e *Emulator) Client(debug io.Writer, sleep func(context.Context, time.Duration) error) (*qualysclient.Client, error) {
	return qualysclient.New(qualysclient.Config{BaseURL: e.URL, Username: EmuUser, Password: EmuPassword,
		Debug: debug, Stderr: debug, Sleep: sleep})
}

// Pipeline returns the production pipeline for a benchmark or drill: QSYNC_SECRET_KEY is key (nil:
// no fingerprints) and {env: NAME} secrets are read from env instead of the process environment.
// Diagnostics are discarded unless the caller sets Stderr.
func Pipeline(key []byte, env map[string]string) *pipeline.Pipeline {
	return &pipeline.Pipeline{
		Getenv: func(name string) string {
			if name == "QSYNC_SECRET_KEY" {
				return string(key)
			}
			return ""
		},
		Resolve: ResolveFrom(env),
	}
}

// ResolveFrom returns a secret resolver reading {env: NAME} references from env.
func ResolveFrom(env map[string]string) func(spec.SecretRef) (string, error) {
	return func(ref spec.SecretRef) (string, error) {
		v, ok := env[ref.Env]
		if ref.Env == "" || !ok {
			return "", fmt.Errorf("secret %s is not set", ref)
		}
		return v, nil
	}
}
