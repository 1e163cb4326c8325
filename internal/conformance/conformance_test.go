package conformance_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
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

// TestVariantsNameEachDifference: against emulator variants that rename elements, change value
// formats and refuse parameters, the report contradicts exactly the inferences each variant
// breaks (besides knownOpen), and says what it observed.
func TestVariantsNameEachDifference(t *testing.T) {
	for _, tc := range []struct {
		variant string
		// want maps "subject aspect name" to a text the observation must contain.
		want map[string]string
	}{
		{"conformance-renamed", map[string]string{
			"oracle element servicename":       "value found in SERVICE_NAME",
			"mysql element database":           "value found in DATABASE_NAME",
			"windows element ntlmv2":           "value found in NTLM_V2",
			"vault/ca_pam element apikey_name": "value found in API_KEY_NAME",
		}},
		{"conformance-formats", map[string]string{
			"mysql format hosts":                    `listed "qc`,
			"windows format kerberos":               `listed "Enabled", which qsync cannot read`,
			"windows format ntlm":                   `listed "Enabled", which qsync cannot read`,
			"windows format ntlmv2":                 `listed "Enabled", which qsync cannot read`,
			"windows format require_smb_signing":    `listed "Enabled", which qsync cannot read`,
			"windows format use_agentless_tracking": `listed "Enabled", which qsync cannot read`,
		}},
		{"conformance-refuses", map[string]string{
			"postgresql parameter pgsql_win_conf_path":                   "refused: 1901 Unrecognized parameter(s): pgsql_win_conf_path",
			"unix parameter agentless_tracking_path":                     "refused: 1901 Unrecognized parameter(s): agentless_tracking_path",
			"unix/cisco parameter agentless_tracking_path":               "refused: 1901",
			"unix/checkpoint_firewall parameter agentless_tracking_path": "refused: 1901",
		}},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			_, url := emulator(t, tc.variant)
			rep := run(t, url, conformance.Options{Kinds: []string{"oracle", "mysql", "windows", "postgresql", "unix"}, VaultTypes: []string{"ca_pam"}})
			got := map[string]conformance.Inference{}
			for _, in := range rep.Contradictions() {
				if !knownOpen[in.Subject+" "+in.Name] {
					got[in.Subject+" "+in.Aspect+" "+in.Name] = in
				}
			}
			for k, text := range tc.want {
				in, ok := got[k]
				if !ok {
					t.Errorf("%s: not contradicted", k)
					continue
				}
				if !strings.Contains(in.Observed, text) {
					t.Errorf("%s: observed %q, want it to contain %q", k, in.Observed, text)
				}
			}
			for k, in := range got {
				if _, ok := tc.want[k]; !ok {
					t.Errorf("unexpected contradiction: %s", in)
				}
			}
			if rep.OK() {
				t.Error("report OK despite contradictions")
			}
		})
	}
}
