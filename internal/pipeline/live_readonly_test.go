package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/qsync/qsync/internal/bench"
	"github.com/qsync/qsync/internal/export"
	"github.com/qsync/qsync/internal/pipeline"
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/render"
	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/spec"
)

// TestPlanningLeavesTheModelsUnchanged states the read-only rule of the live model (spec.Object:
// objects of one read share equal values, so a change to one would change others) as an
// invariant: after planning in every scope, rendering the plan in every format and exporting, the
// live model is what a fresh read gives and the configuration is what it was when loaded.
func TestPlanningLeavesTheModelsUnchanged(t *testing.T) {
	ctx := context.Background()
	env := bench.Env("bench-value")
	key := []byte(bench.SecretKey)
	liveE, desiredE := bench.PlanEstates(400, 6)
	emu, err := bench.StartEmulator(qualysemu.Config{RateUnlimited: true}, liveE, key, env, "")
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	path, err := desiredE.WriteYAML(t.TempDir(), bench.Owner)
	if err != nil {
		t.Fatal(err)
	}
	pl := bench.Pipeline(key, env)
	desired, err := pl.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := emu.Client(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	loaded := snapshot(t, desired)
	for _, f := range []plan.Flags{{}, {Targets: []string{"mysql/*", "unix/*"}}, {SecretsOnly: true}, {AllowDeletes: true, AllowReplace: true, Adopt: true}} {
		run, err := pl.Plan(ctx, c, desired, f)
		if err != nil {
			t.Fatalf("plan %+v: %v", f, err)
		}
		if len(run.Plan.Changes) == 0 && len(f.Targets) == 0 && !f.SecretsOnly {
			t.Fatalf("plan %+v changes nothing: the test would prove nothing", f)
		}
		for _, format := range []string{"text", "markdown", "json"} {
			if err := render.Plan(io.Discard, run.Plan, format, render.Options{}); err != nil {
				t.Fatalf("render %s: %v", format, err)
			}
		}
		if err := export.Write(run.Live, export.Options{Dir: t.TempDir(), SplitBy: "kind", Owner: bench.Owner, Adopt: true}, io.Discard); err != nil {
			t.Fatalf("export: %v", err)
		}
		fresh, err := pipeline.ReadLive(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := snapshot(t, run.Live), snapshot(t, fresh); !bytes.Equal(got, want) {
			t.Errorf("plan %+v changed the live model it planned against (%d bytes as JSON, a fresh read %d)", f, len(got), len(want))
		}
		if got := snapshot(t, desired); !bytes.Equal(got, loaded) {
			t.Errorf("plan %+v changed the loaded configuration", f)
		}
	}
}

// TestReadIsTheSameInAnyPageSize: the client lends each list page's records to the converter and
// reuses them for the next page, and the converter shares equal values between objects; the live
// model read seven records a page is the one read in a single page.
func TestReadIsTheSameInAnyPageSize(t *testing.T) {
	ctx := context.Background()
	env := bench.Env("bench-value")
	key := []byte(bench.SecretKey)
	liveE, _ := bench.PlanEstates(400, 6)
	read := func(pageSize int) []byte {
		emu, err := bench.StartEmulator(qualysemu.Config{RateUnlimited: true, PageSize: pageSize}, liveE, key, env, "")
		if err != nil {
			t.Fatal(err)
		}
		defer emu.Close()
		c, err := emu.Client(nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := pipeline.ReadLive(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Objects) < 400 {
			t.Fatalf("read %d objects, want the estate's 400 records and 6 vaults", len(doc.Objects))
		}
		return snapshot(t, doc)
	}
	if paged, whole := read(7), read(100000); !bytes.Equal(paged, whole) {
		t.Errorf("the live model read 7 records a page differs from the one read in one page (%d and %d bytes as JSON)", len(paged), len(whole))
	}
}

// snapshot is doc's objects as JSON: every compared value (attributes, secrets' references,
// items, logins, IPs, comments, markers, unknown settings).
func snapshot(t *testing.T, doc *spec.Document) []byte {
	t.Helper()
	b, err := json.Marshal(doc.Objects)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
