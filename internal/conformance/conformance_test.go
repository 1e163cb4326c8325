package conformance_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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

// TestDefaultEmulatorConfirmsEverything: against the emulator's default shapes every inference a
// probe exercises is confirmed, every probe ran to the end and removed its object, and the
// subscription is left as it was.
func TestDefaultEmulatorConfirmsEverything(t *testing.T) {
	srv, url := emulator(t)
	rep := run(t, url, conformance.Options{})
	for _, in := range rep.Contradictions() {
		t.Errorf("contradicted: %s", in)
	}
	for _, p := range rep.Probes {
		if p.Error != "" || !p.Deleted {
			t.Errorf("probe %s: error %q, deleted %v", p.Subject, p.Error, p.Deleted)
		}
	}
	if rep.Totals.Contradicted != 0 || rep.Totals.Confirmed == 0 {
		t.Errorf("totals %+v", rep.Totals)
	}
	st := srv.Snapshot()
	if n := len(st.Records) + len(st.Vaults); n != 0 {
		t.Errorf("%d objects left behind", n)
	}
	for _, p := range rep.Probes {
		if p.Calls < 5 {
			t.Errorf("probe %s: %d calls, want at least create, read, update, read, delete", p.Subject, p.Calls)
		}
		t.Logf("| %s | %d |", p.Subject, p.Calls)
	}
	t.Logf("totals %+v, %d calls (estimated %d)", rep.Totals, rep.Calls, rep.Estimated.Calls)
}

// TestVariantsNameEachDifference: against emulator variants that rename elements, change value
// formats and refuse parameters, the report contradicts exactly the inferences each variant
// breaks, and says what it observed.
func TestVariantsNameEachDifference(t *testing.T) {
	for _, tc := range []struct {
		variant string
		// want maps "subject aspect name" to a text the observation must contain.
		want map[string]string
	}{
		{"conformance-renamed", map[string]string{
			"oracle element servicename":                "value found in SERVICE_NAME",
			"mysql element database":                    "value found in DATABASE_NAME",
			"windows element ntlmv2":                    "value found in NTLM_V2",
			"vault/ca_pam element apikey_name":          "value found in API_KEY_NAME",
			"vault/ca_pam element login.vault_app_name": "value found in DIGITAL_VAULT/VAULT_APPLICATION_NAME",
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
				got[in.Subject+" "+in.Aspect+" "+in.Name] = in
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

// cancelAfterCreate is a client that ends the run's context right after the nth create
// answered, as Ctrl-C would.
type cancelAfterCreate struct {
	conformance.Client
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfterCreate) CreateRecord(ctx context.Context, t qualysclient.RecordType, p url.Values) (int64, error) {
	id, err := c.Client.CreateRecord(ctx, t, p)
	if c.n--; c.n == 0 {
		c.cancel()
	}
	return id, err
}

// TestInterruptDeletesWhatItCreated: a run interrupted (its context ended) while a probe's object
// exists deletes that object anyway, stops, and says it was interrupted; nothing is left.
func TestInterruptDeletesWhatItCreated(t *testing.T) {
	srv, url := emulator(t)
	c, rec := client(t, url)
	p, err := conformance.Prepare(conformance.Options{Address: probeIP, Recorder: rec, Kinds: []string{"mysql", "oracle", "windows"}, VaultTypes: []string{"none"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep, err := conformance.Run(ctx, &cancelAfterCreate{Client: c, n: 2, cancel: cancel}, p)
	if err == nil || !strings.Contains(err.Error(), "interrupted after 2 of 3 probes") {
		t.Fatalf("err = %v, want an interruption after 2 of 3 probes", err)
	}
	if len(rep.Probes) != 2 || !rep.Probes[1].Deleted || rep.OK() {
		t.Errorf("probes %+v", rep.Probes)
	}
	if st := srv.Snapshot(); len(st.Records) != 0 {
		t.Errorf("%d records left behind: %+v", len(st.Records), st.Records)
	}
}

// TestWritesOnlyWhatItCreated: every update and delete of a run names an object the run created
// or a leftover of an interrupted run carrying the marker; objects of others (same prefix
// without the marker, or the marker of another owner) are never written.
func TestWritesOnlyWhatItCreated(t *testing.T) {
	srv, url := emulator(t)
	if err := srv.LoadSeed(strings.NewReader(`records:
  - type: mysql
    params: {title: qsync-conformance-0a1b2c-mysql, ips: 10.250.0.5, port: 3306, database: d, username: u, password: x,
             comments: "[managed by qsync: owner=qsync-conformance]"}
  - type: mysql
    params: {title: qsync-conformance-0a1b2c-oracle, ips: 10.250.0.6, port: 3306, database: d, username: u, password: x,
             comments: "[managed by qsync: owner=secops]"}
  - type: mysql
    params: {title: qsync-conformance-mine, ips: 10.250.0.7, port: 3306, database: d, username: u, password: x,
             comments: "[managed by qsync: owner=qsync-conformance]"}
vaults:
  - params: {title: qsync-conformance-0a1b2c-vault-quest, type: Quest Vault, server_address: q.example.com, username: u, access_key: x,
             comments: "someone's vault"}
  - params: {title: qsync-conformance-0a1b2c-vault-thycotic, type: Thycotic Secret Server, url: "https://t.example.com", username: u,
             password: x, comments: "[managed by qsync: owner=qsync-conformance]"}
`)); err != nil {
		t.Fatal(err)
	}
	before := map[string]string{}
	for _, r := range srv.Snapshot().Records {
		before[strconv.FormatInt(r.ID, 10)] = r.Params["title"]
	}
	for _, v := range srv.Snapshot().Vaults {
		before[strconv.FormatInt(v.ID, 10)] = v.Params["title"]
	}
	leftover := map[string]bool{}
	for id, title := range before {
		if title == "qsync-conformance-0a1b2c-mysql" || title == "qsync-conformance-0a1b2c-vault-thycotic" {
			leftover[id] = true
		}
	}
	rep := run(t, url, conformance.Options{Kinds: []string{"mysql"}, VaultTypes: []string{"quest"}})
	if !slices.Equal(rep.Leftovers, []string{"qsync-conformance-0a1b2c-mysql", "qsync-conformance-0a1b2c-vault-thycotic"}) {
		t.Errorf("leftovers removed: %v", rep.Leftovers)
	}
	for _, r := range srv.Requests() {
		if r.Action != "update" && r.Action != "delete" {
			continue
		}
		for _, id := range strings.Split(r.Params.Get("ids")+r.Params.Get("id"), ",") {
			if title, seeded := before[id]; seeded && !leftover[id] {
				t.Errorf("%s %s wrote %s (%s), which the run did not create", r.Path, r.Action, id, title)
			}
		}
	}
	st := srv.Snapshot()
	if len(st.Records) != 2 || len(st.Vaults) != 1 {
		t.Errorf("want the 2 foreign records and the foreign vault kept, have %d records, %d vaults", len(st.Records), len(st.Vaults))
	}
}

// TestCaptureHoldsNoRunValue: the capture of a whole run holds no value of the run (no
// distinctive token, dummy secret, certificate or key), no address but 192.0.2.1, and not the
// API user; the probe labels stand in their place.
func TestCaptureHoldsNoRunValue(t *testing.T) {
	_, url := emulator(t)
	dir := t.TempDir()
	rep := run(t, url, conformance.Options{Capture: dir, RunID: "c0ffee"})
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil || len(files) != rep.Calls {
		t.Fatalf("%d capture files for %d calls (%v)", len(files), rep.Calls, err)
	}
	labels := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		for _, bad := range []string{"c0ffee", "qsync-conformance-dummy", "BEGIN CERTIFICATE", "PRIVATE KEY", probeIP, emuUser, url} {
			if strings.Contains(s, bad) {
				t.Errorf("%s holds %q", filepath.Base(f), bad)
			}
		}
		labels += strings.Count(s, "probe:")
	}
	if labels == 0 {
		t.Error("no probe label in the capture")
	}
}

// TestJSONFieldsDocumented: every field name of the JSON report (top level, probes, totals,
// inferences) and every aspect is documented in docs/conformance.md.
func TestJSONFieldsDocumented(t *testing.T) {
	_, url := emulator(t)
	rep := run(t, url, conformance.Options{Kinds: []string{"mysql"}, VaultTypes: []string{"ca_pam"}})
	var buf strings.Builder
	if err := conformance.WriteJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(buf.String()), &doc); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("../../docs/conformance.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	names := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				names[k] = true
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	for _, in := range rep.Inferences {
		names[in.Aspect] = true
	}
	for n := range names {
		if !strings.Contains(text, "`"+n+"`") && !strings.Contains(text, "`"+n+"[]`") && !strings.Contains(text, n+",") && !strings.Contains(text, n+"}") {
			t.Errorf("docs/conformance.md does not document %q", n)
		}
	}
	if doc["format_version"] != float64(conformance.FormatVersion) {
		t.Errorf("format_version %v", doc["format_version"])
	}
}
