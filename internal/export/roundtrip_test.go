package export_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/bench"
	"github.com/qsync/qsync/internal/export"
	"github.com/qsync/qsync/internal/pipeline"
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/render"
	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/spec"
)

// documentedCreates reads the emulator's documented create requests (one per record endpoint,
// unix sub_type and variant, with the catalogue's parameter names), by "<slug>[:<variant>]".
func documentedCreates(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("../qualysemu/testdata/documented_creates.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, form, _ := strings.Cut(line, " ")
		out[key] = strings.TrimSpace(form)
	}
	return out
}

// encodeForm URL-encodes the values of a name=value&... form written for readability.
func encodeForm(form string) url.Values {
	v := url.Values{}
	for _, p := range strings.Split(form, "&") {
		k, val, _ := strings.Cut(p, "=")
		v.Add(k, val)
	}
	return v
}

// roundTripCase is one kind of qsync's table with the documented request that creates a record
// of it: the key names the endpoint and, for a unix sub_type or an ms_sql provider, the variant.
type roundTripCase struct{ key, path, form string }

// roundTripCases derives the cases from qsync's record table: every kind and unix sub_type that
// qsync manages (slug-only opaque kinds cannot be declared, so they are not exported), plus each
// variant the documented requests add (Azure MS SQL). A kind without a documented request fails.
func roundTripCases(t *testing.T) []roundTripCase {
	creates := documentedCreates(t)
	var out []roundTripCase
	seen := map[string]bool{}
	for _, d := range spec.Kinds() {
		if d.Kind == spec.KindVault || d.Opaque != "" {
			continue
		}
		key := string(d.Kind)
		if d.Type != "" {
			key += ":" + d.Type
		}
		form, ok := creates[key]
		if !ok {
			t.Errorf("%s: no documented create request in internal/qualysemu/testdata/documented_creates.txt", key)
			continue
		}
		seen[key] = true
		out = append(out, roundTripCase{key, "/api/2.0/fo/auth/" + string(d.Kind) + "/", form})
	}
	for key, form := range creates {
		slug, _, variant := strings.Cut(key, ":")
		if seen[key] {
			continue
		}
		if !variant || spec.Lookup(spec.Kind(slug), "") == nil {
			t.Errorf("%s: documented create request of a kind qsync's table does not have", key)
			continue
		}
		out = append(out, roundTripCase{key, "/api/2.0/fo/auth/" + slug + "/", form})
	}
	return out
}

// TestExportAdoptRoundTripEveryKind: for every record kind of qsync's table, a record created in
// the emulator through a documented create request is exported by export --adopt, the export
// validates, plans as adoptions only (with QSYNC_SECRET_KEY, so adoption also sends the
// secrets the export references), applies, and the next plan is empty.
func TestExportAdoptRoundTripEveryKind(t *testing.T) {
	for _, c := range roundTripCases(t) {
		t.Run(c.key, func(t *testing.T) {
			t.Parallel()
			roundTrip(t, c)
		})
	}
}

func roundTrip(t *testing.T, c roundTripCase) {
	ctx := context.Background()
	emu, err := bench.StartEmulator(qualysemu.Config{RateUnlimited: true}, nil, nil, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	form := encodeForm(c.form)
	form.Set("action", "create")
	form.Set("title", "rt "+c.key)
	form.Set("comments", "Created outside qsync.")
	if body := post(t, emu.URL+c.path, form); !strings.Contains(body, "<ID>") {
		t.Fatalf("documented create refused:\n%s", body)
	}

	client, err := emu.Client(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	opts := export.Options{Dir: t.TempDir(), SplitBy: "none", Owner: "secops", Adopt: true}
	liveDoc, err := pipeline.ReadKinds(ctx, client, opts.RecordKinds())
	if err != nil {
		t.Fatal(err)
	}
	var report bytes.Buffer
	if err := export.Write(liveDoc, opts, &report); err != nil {
		t.Fatalf("export: %v\n%s", err, report.String())
	}
	if !strings.Contains(report.String(), "1 unmanaged") {
		t.Fatalf("the record was not exported:\n%s", report.String())
	}
	if strings.Contains(report.String(), "canary") {
		t.Errorf("the export report shows a secret:\n%s", report.String())
	}
	exported, err := os.ReadFile(opts.Dir + "/qsync.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(exported, []byte("canary")) {
		t.Errorf("the export holds a secret:\n%s", exported)
	}

	var stderr bytes.Buffer
	pl := &pipeline.Pipeline{
		Getenv: func(name string) string {
			if name == "QSYNC_SECRET_KEY" {
				return "round-trip-key-of-32-bytes-0123456"
			}
			return ""
		},
		Stderr:  &stderr,
		Resolve: func(ref spec.SecretRef) (string, error) { return "new-" + strings.ToLower(ref.Env), nil },
	}
	desired, err := pl.Load(opts.Dir)
	if err != nil {
		t.Fatalf("load the export: %v\n%s\n%s", err, stderr.String(), exported)
	}
	run, err := pl.Plan(ctx, client, desired, plan.Flags{})
	if err != nil {
		t.Fatalf("plan: %v\n%s\n%s", err, stderr.String(), exported)
	}
	if len(run.Plan.Changes) != 1 {
		t.Fatalf("plan has %d changes, want one adoption:\n%s", len(run.Plan.Changes), planText(run.Plan))
	}
	for _, ch := range run.Plan.Changes {
		if ch.Action != plan.ActionAdopt || ch.Drift {
			t.Fatalf("plan of the export is not adoptions only:\n%s\n%s", planText(run.Plan), exported)
		}
	}
	res, err := pl.Apply(ctx, run, nil)
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, planText(run.Plan))
	}
	if res.Failed > 0 || res.Pending > 0 || res.Unknown > 0 {
		t.Fatalf("apply: %+v", res)
	}
	again, err := pl.Verify(ctx, run)
	if err != nil {
		t.Fatalf("verify: %v\n%s", err, stderr.String())
	}
	if again != nil {
		t.Fatalf("the plan after the adoption is not empty:\n%s\n%s", planText(again), exported)
	}
}

func post(t *testing.T, u string, form url.Values) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(bench.EmuUser, bench.EmuPassword)
	req.Header.Set("X-Requested-With", "qsync round trip test")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func planText(p *plan.Plan) string {
	var b bytes.Buffer
	_ = render.Plan(&b, p, "text", render.Options{})
	return b.String()
}
