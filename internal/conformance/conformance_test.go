package conformance_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/qsync/qsync/internal/conformance"
	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/qualysemu"
)

const (
	emuUser = "conformance"
	emuPass = "conformance-password"
	probeIP = "10.250.0.9"
)

// emulator starts an in-process emulator with the given variants, without rate limits.
func emulator(t *testing.T, variants ...string) (*qualysemu.Server, string) {
	t.Helper()
	srv, err := qualysemu.New(qualysemu.Config{Username: emuUser, Password: emuPass, RateUnlimited: true, Variants: variants})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return srv, hs.URL
}

// client returns a Qualys client sending through a Recorder, as the command builds it.
func client(t *testing.T, url string) (*qualysclient.Client, *conformance.Recorder) {
	t.Helper()
	rec := &conformance.Recorder{Next: http.DefaultTransport}
	c, err := qualysclient.New(qualysclient.Config{BaseURL: url, Username: emuUser, Password: emuPass,
		HTTPClient: &http.Client{Transport: rec}})
	if err != nil {
		t.Fatal(err)
	}
	return c, rec
}

// run prepares and runs conformance against url with opts (Address, Recorder filled in).
func run(t *testing.T, url string, opts conformance.Options) *conformance.Report {
	t.Helper()
	c, rec := client(t, url)
	opts.Recorder, opts.Address, opts.BaseURL, opts.Username = rec, probeIP, url, emuUser
	p, err := conformance.Prepare(opts)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := conformance.Run(context.Background(), c, p)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// knownOpen are contradictions between qsync's kind table and its own emulator that issue 22
// item 1 resolves (the multi-port encoding of unix records): conformance finds them, as it must.
// Each entry fails the test once it is resolved, so the list only shrinks.
var knownOpen = map[string]bool{
	"unix/cisco ports":               true,
	"unix/checkpoint_firewall ports": true,
}

// TestDefaultEmulatorConfirmsEverything: against the emulator's default shapes every inference a
// probe exercises is confirmed, every probe ran to the end and removed its object, and the
// subscription is left as it was.
func TestDefaultEmulatorConfirmsEverything(t *testing.T) {
	srv, url := emulator(t)
	rep := run(t, url, conformance.Options{})
	open := map[string]bool{}
	for _, in := range rep.Contradictions() {
		if knownOpen[in.Subject+" "+in.Name] {
			open[in.Subject+" "+in.Name] = true
			continue
		}
		t.Errorf("contradicted: %s", in)
	}
	for k := range knownOpen {
		if !open[k] {
			t.Errorf("%s is no longer contradicted: remove it from knownOpen", k)
		}
	}
	for _, p := range rep.Probes {
		if p.Error != "" || !p.Deleted {
			t.Errorf("probe %s: error %q, deleted %v", p.Subject, p.Error, p.Deleted)
		}
	}
	if rep.Totals.Contradicted != len(knownOpen) || rep.Totals.Confirmed == 0 {
		t.Errorf("totals %+v", rep.Totals)
	}
	st := srv.Snapshot()
	if n := len(st.Records) + len(st.Vaults); n != 0 {
		t.Errorf("%d objects left behind", n)
	}
	t.Logf("totals %+v, %d calls (estimated %d)", rep.Totals, rep.Calls, rep.Estimated.Calls)
}
