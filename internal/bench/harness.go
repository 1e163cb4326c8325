package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"path/filepath"
	"time"

	"github.com/qsync/qsync/internal/live"
	"github.com/qsync/qsync/internal/plan"
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

// ReadLive reads the live estate as `qsync plan` does: every record kind, the vault list, and a
// view of each vault the desired document names.
func ReadLive(ctx context.Context, c live.Reader, desired *spec.Document) (*spec.Document, error) {
	names := map[string]bool{}
	for _, o := range desired.Objects {
		if o.Kind == spec.KindVault {
			names[o.Title] = true
			for _, t := range o.PreviousTitles {
				names[t] = true
			}
		}
	}
	return live.Read(ctx, c, live.Options{ViewVault: func(title string) bool { return names[title] }})
}

// PlanOptions returns the plan options `qsync plan` uses, with secrets resolved from env instead
// of the process environment. A nil key plans without fingerprints.
func PlanOptions(desired *spec.Document, key []byte, env map[string]string) plan.Options {
	return plan.Options{
		Owner:     desired.Owner,
		SecretKey: key,
		Resolve: func(o *spec.Object, param string) (string, error) {
			ref, ok := o.Secrets[param]
			if !ok {
				return "", fmt.Errorf("%s has no secret %s", o.Key(), param)
			}
			return ResolveFrom(env)(ref)
		},
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

// LoadDesired loads and validates a configuration as `qsync plan` does.
func LoadDesired(paths ...string) (*spec.Document, error) {
	doc, diags := spec.LoadWithOptions(spec.Options{AllowUndeclaredVaults: true}, paths...)
	if diags.HasErrors() {
		return nil, fmt.Errorf("configuration: %w", diags)
	}
	return doc, nil
}
