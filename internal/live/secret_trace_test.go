package live

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/spec"
)

// traceBuffer is a concurrency-safe io.Writer for the client's Debug trace.
type traceBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (t *traceBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.b.Write(p)
}

func (t *traceBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.b.String()
}

// secretSend is one secret parameter sent through the client: the request that carries it.
type secretSend struct {
	what   string // e.g. `unix / cisco enable_password`
	record qualysclient.RecordType
	params url.Values
}

// secretSends returns one create request per TypeSecret field and login parameter of every kind
// in the descriptor tables, each secret with its own canary value.
func secretSends() []secretSend {
	var out []secretSend
	for _, d := range spec.Kinds() {
		for _, f := range append(slices.Clone(d.Fields), d.LoginParams...) {
			if f.Type != spec.TypeSecret {
				continue
			}
			name := string(d.Kind)
			if d.Type != "" {
				name += " / " + d.Type
			}
			s := secretSend{what: name + " " + f.Name, params: url.Values{"title": {"canary " + name}}}
			canary := fmt.Sprintf("CANARY-%d-%s", len(out), f.Name)
			s.params.Set(f.Name, canary)
			if d.Kind == spec.KindVault {
				s.params.Set("type", d.QualysType)
			} else {
				s.record = qualysclient.RecordType(d.Kind)
				s.params.Set("ips", fmt.Sprintf("10.99.%d.1", len(out)))
				if d.Type != "" {
					s.params.Set("sub_type", d.QualysType)
				}
			}
			out = append(out, s)
		}
	}
	return out
}

// sendTraced sends s through a real client with the Debug trace on, against the emulator, and
// returns the trace and the error text (the request may well be refused; what matters is what the
// client shows of it).
func sendTraced(t *testing.T, secretParams []string, s secretSend) string {
	t.Helper()
	emu, err := qualysemu.New(qualysemu.Config{Username: "canary-user", Password: "canary-login-pw"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	defer srv.Close()
	trace := &traceBuffer{}
	c, err := qualysclient.New(qualysclient.Config{BaseURL: srv.URL, Username: "canary-user", Password: "canary-login-pw",
		Debug: trace, SecretParams: secretParams})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if s.record == "" {
		_, err = c.CreateVault(ctx, s.params)
	} else {
		_, err = c.CreateRecord(ctx, s.record, s.params)
	}
	out := trace.String()
	if err != nil {
		out += "\nerror: " + err.Error()
	}
	if !strings.Contains(out, "-->") {
		t.Fatalf("%s: no request in the debug trace:\n%s", s.what, out)
	}
	return out
}

// TestNoSpecSecretInDebugTrace sends every secret field of every kind, each with a distinct
// canary, through a client configured as the CLI configures it (globals.go: SecretParams from
// spec.SecretParamNames) with --debug-http on, and proves no canary appears in the trace or the
// error.
func TestNoSpecSecretInDebugTrace(t *testing.T) {
	sends := secretSends()
	if len(sends) < 10 {
		t.Fatalf("only %d secret fields in the tables", len(sends))
	}
	for _, s := range sends {
		out := sendTraced(t, spec.SecretParamNames(), s)
		for k := range s.params {
			if v := s.params.Get(k); strings.HasPrefix(v, "CANARY-") && strings.Contains(out, v) {
				t.Errorf("%s: canary %s shows in the --debug-http trace:\n%s", s.what, v, out)
			}
		}
	}
}

// TestDebugTraceCanaryCanFail is the negative control of TestNoSpecSecretInDebugTrace: a secret
// named like "pin", which the client's heuristics do not recognise, shows in the trace unless
// SecretParams names it. So the canary search detects a leak, and a spec secret with such a name
// is masked only because spec.SecretParamNames feeds SecretParams.
func TestDebugTraceCanaryCanFail(t *testing.T) {
	if slices.Contains(spec.SecretParamNames(), "pin") {
		t.Fatal("spec now has a secret named pin: pick another name the heuristics miss")
	}
	s := secretSend{what: "unix pin", record: qualysclient.Unix,
		params: url.Values{"title": {"canary pin"}, "ips": {"10.98.0.1"}, "pin": {"CANARY-pin-0042"}}}
	if out := sendTraced(t, spec.SecretParamNames(), s); !strings.Contains(out, "CANARY-pin-0042") {
		t.Fatalf("pin was masked without being named: the heuristics catch it, so this control proves nothing:\n%s", out)
	}
	if out := sendTraced(t, append(spec.SecretParamNames(), "pin"), s); strings.Contains(out, "CANARY-pin-0042") {
		t.Errorf("pin named in SecretParams still shows in the trace:\n%s", out)
	}
}
