package drill

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qsync/qsync/internal/apply"
	"github.com/qsync/qsync/internal/bench"
	"github.com/qsync/qsync/internal/pipeline"
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/render"
	"github.com/qsync/qsync/internal/planfile"
	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/spec"
)

// noWait replaces the client's real waiting: 409 refusals with no ToWait and read retries back off
// instantly, so a drill never sleeps.
func noWait(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// outputs collects everything a run writes where a user or a log could see it.
type outputs struct{ bytes.Buffer }

func (o *outputs) add(label string, v any) {
	fmt.Fprintf(&o.Buffer, "\n== %s\n", label)
	switch x := v.(type) {
	case error:
		if x != nil {
			o.WriteString(x.Error())
		}
	case string:
		o.WriteString(x)
	default:
		b, _ := json.Marshal(x)
		o.Write(b)
	}
}

// drillFlags are the flags of every drill run: the random deletes may exceed the threshold.
var drillFlags = plan.Flags{AllowDeletes: true}

// pipelineFor returns the production pipeline with the drill's secrets, printing diagnostics to
// out.
func pipelineFor(env map[string]string, out io.Writer) *pipeline.Pipeline {
	pl := bench.Pipeline([]byte(bench.SecretKey), env)
	pl.Stderr = out
	return pl
}

// pass is one run as `qsync plan -out plan.json && qsync apply plan.json` does it: plan, save the
// plan file, check it against the configuration and Qualys, apply it, and verify by planning
// again. Every output goes into out. It returns the apply result (nil when planning or the check
// failed), the plan verification left to do (nil when converged) and the first error.
func pass(t *testing.T, emu *bench.Emulator, cfgPath string, env map[string]string, out *outputs) (*apply.Result, *plan.Plan, error) {
	t.Helper()
	pl := pipelineFor(env, &out.Buffer)
	desired, err := pl.Load(cfgPath)
	if err != nil {
		t.Fatalf("the drill's configuration does not load: %v\n%s", err, out.String())
	}
	c, err := emu.Client(&out.Buffer, noWait)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r, err := pl.Plan(ctx, c, desired, drillFlags)
	if err != nil {
		out.add("plan error", err)
		return nil, nil, err
	}
	for _, format := range []string{"text", "markdown", "json"} {
		var b bytes.Buffer
		if err := render.Plan(&b, r.Plan, format, render.Options{Color: format == "text"}); err != nil {
			t.Fatalf("render %s: %v", format, err)
		}
		out.add("plan "+format, b.String())
	}
	planPath := filepath.Join(t.TempDir(), "plan.json")
	if err := planfile.WriteFile(planPath, r.Plan); err != nil {
		t.Fatal(err)
	}
	saved, err := os.ReadFile(planPath)
	if err != nil {
		t.Fatal(err)
	}
	out.add("saved plan", string(saved))
	p, desired, err := pl.OpenPlanFile(planPath, plan.Flags{})
	if err != nil {
		t.Fatalf("a saved plan does not open: %v", err)
	}
	if r, err = pl.CheckPlanFile(ctx, c, planPath, p, desired); err != nil {
		out.add("saved plan check error", err)
		return nil, nil, err
	}
	var progress bytes.Buffer
	res, err := pl.Apply(ctx, r, apply.LineProgress{W: &progress})
	out.add("progress", progress.String())
	out.add("result", res)
	out.add("apply error", err)
	if err != nil {
		return nil, nil, err
	}
	var summary bytes.Buffer
	apply.WriteSummary(&summary, res, r.Plan)
	out.add("summary", summary.String())
	remaining, err := pl.Verify(ctx, r)
	out.add("verify error", err)
	if remaining != nil {
		var b bytes.Buffer
		_ = render.Plan(&b, remaining, "text", render.Options{})
		out.add("remaining", b.String())
	}
	return res, remaining, err
}

// replan loads the configuration, reads Qualys and returns the plan of what differs.
func replan(t *testing.T, emu *bench.Emulator, cfgPath string, env map[string]string) *plan.Plan {
	t.Helper()
	var diags bytes.Buffer
	pl := pipelineFor(env, &diags)
	desired, err := pl.Load(cfgPath)
	if err != nil {
		t.Fatalf("%v\n%s", err, diags.String())
	}
	c, err := emu.Client(nil, noWait)
	if err != nil {
		t.Fatal(err)
	}
	r, err := pl.Plan(context.Background(), c, desired, drillFlags)
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, diags.String())
	}
	return r.Plan
}

// unmanaged returns the snapshot's objects that carry no marker of bench.Owner, by ID.
func unmanaged(st qualysemu.State) map[string]any {
	out := map[string]any{}
	for _, r := range st.Records {
		if _, m := spec.SplitComments(r.Params["comments"]); m == nil || m.Owner != bench.Owner {
			out["record "+strconv.FormatInt(r.ID, 10)] = r
		}
	}
	for _, v := range st.Vaults {
		if _, m := spec.SplitComments(v.Params["comments"]); m == nil || m.Owner != bench.Owner {
			out["vault "+strconv.FormatInt(v.ID, 10)] = v
		}
	}
	return out
}

// checkEstate proves the end state: titles unique per type, and exactly the desired objects
// managed. A managed vault removed from the configuration is deleted: qsync views every vault,
// so it sees the ownership marker of one the configuration no longer names.
func checkEstate(t *testing.T, st qualysemu.State, desired *bench.Estate) {
	t.Helper()
	seen := map[string]int64{}
	got := map[spec.Key]bool{}
	for _, r := range st.Records {
		k := r.Type + " " + r.Title()
		if id, dup := seen[k]; dup {
			t.Errorf("duplicated: %s (ids %d and %d)", k, id, r.ID)
		}
		seen[k] = r.ID
		if _, m := spec.SplitComments(r.Params["comments"]); m != nil && m.Owner == bench.Owner {
			got[spec.Key{Kind: spec.Kind(r.Type), Title: r.Title()}] = true
		}
	}
	for _, v := range st.Vaults {
		k := "vault " + v.Title()
		if id, dup := seen[k]; dup {
			t.Errorf("duplicated: %s (ids %d and %d)", k, id, v.ID)
		}
		seen[k] = v.ID
		if _, m := spec.SplitComments(v.Params["comments"]); m != nil && m.Owner == bench.Owner {
			got[spec.Key{Kind: spec.KindVault, Title: v.Title()}] = true
		}
	}
	want := managedKeys(desired, bench.Owner)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("managed objects in Qualys differ from the configuration:\n got %v\nwant %v", got, want)
	}
}

// coverage counts, over the drills of one test, the seeds that delete a managed vault and those
// whose faults hit that delete.
type coverage struct{ vaultDeletes, faultHit atomic.Int64 }

func runDrill(t *testing.T, seed uint64, cov *coverage) {
	sc := newScenario(seed)
	dir := t.TempDir()
	emu, err := bench.StartEmulator(qualysemu.Config{RateUnlimited: true, Concurrency: 2}, sc.live,
		[]byte(bench.SecretKey), sc.liveEnv, "")
	if err != nil {
		t.Fatalf("seed the emulator: %v", err)
	}
	defer emu.Close()
	cfgPath, err := sc.desired.WriteYAML(dir, bench.Owner)
	if err != nil {
		t.Fatal(err)
	}
	before := unmanaged(emu.Snapshot())

	var out outputs
	for _, f := range sc.faults {
		emu.AddFault(f)
		out.add("fault", f.String())
	}
	res, _, err := pass(t, emu, cfgPath, sc.env, &out)
	faulty := "planning failed"
	if err == nil && res != nil {
		faulty = fmt.Sprintf("%d applied, %d failed, %d pending", res.Applied, res.Failed, res.Pending)
	}
	if len(sc.droppedVaults()) > 0 {
		cov.vaultDeletes.Add(1)
		hit := "not reached"
		if !slices.ContainsFunc(emu.Faults(), func(f qualysemu.Fault) bool { return f.Match == "vault/delete" }) {
			hit = "hit"
			cov.faultHit.Add(1)
		}
		faulty += "; vault delete fault " + hit
	}
	emu.ClearFaults()
	t.Logf("faulty run: %s", faulty)

	res, remaining, err := pass(t, emu, cfgPath, sc.env, &out)
	if err != nil || res == nil || !res.OK() {
		t.Fatalf("the clean re-run after a faulty one (%s) did not finish: %v\n%s", faulty, err, out.String())
	}
	if remaining != nil {
		var b bytes.Buffer
		_ = render.Plan(&b, remaining, "text", render.Options{})
		t.Fatalf("not converged after a faulty run (%s) and a clean one; still to do:\n%s\nfaults and outputs:%s", faulty, b.String(), out.String())
	}
	after := emu.Snapshot()
	if got := unmanaged(after); !reflect.DeepEqual(got, before) {
		t.Errorf("objects qsync does not manage were touched:\nbefore %v\nafter  %v", before, got)
	}
	checkEstate(t, after, sc.desired)
	for _, k := range sc.droppedVaults() {
		for _, v := range after.Vaults {
			if v.Title() == k.Title {
				t.Errorf("the managed %s dropped from the configuration was not deleted", k)
			}
		}
	}
	if i := strings.Index(out.String(), canary); i >= 0 {
		s := out.String()
		t.Errorf("the canary secret appears in the outputs: ...%s...", s[max(0, i-300):min(len(s), i+100)])
	}
	b, _ := json.Marshal(emu.Requests())
	if bytes.Contains(b, []byte(canary)) {
		t.Errorf("the canary secret appears in the emulator's request log")
	}
}

// TestFaultDrills runs one drill per seed (DRILL_SEEDS, default 60).
func TestFaultDrills(t *testing.T) {
	seeds := 60
	if s, err := strconv.Atoi(os.Getenv("DRILL_SEEDS")); err == nil && s > 0 {
		seeds = s
	}
	if testing.Short() {
		seeds = 15
	}
	var cov coverage
	t.Cleanup(func() { // after every parallel drill
		t.Logf("%d seeds: %d delete a managed vault, in %d of them a fault hit that delete",
			seeds, cov.vaultDeletes.Load(), cov.faultHit.Load())
	})
	for seed := 1; seed <= seeds; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			runDrill(t, uint64(seed), &cov)
		})
	}
}

// TestDrillsDeleteVaultsUnderFaults: the default seeds exercise what the drills promise, the
// delete of a managed vault dropped from the configuration, and fault that delete.
func TestDrillsDeleteVaultsUnderFaults(t *testing.T) {
	deletes, alone := 0, 0
	for seed := uint64(1); seed <= 60; seed++ {
		sc := newScenario(seed)
		if len(sc.droppedVaults()) == 0 {
			continue
		}
		deletes++
		if !sc.faultsVaultDelete() {
			t.Errorf("seed %d deletes a managed vault without a fault on that delete", seed)
		}
		if len(sc.faults) == 1 {
			alone++
		}
	}
	if deletes < 15 || alone < 5 {
		t.Errorf("of 60 seeds, %d delete a managed vault (want at least 15), %d with its fault alone (want at least 5)", deletes, alone)
	}
	t.Logf("of 60 seeds, %d delete a managed vault under a fault on that delete, %d with that fault alone", deletes, alone)
}

// TestCleanEstatePlansEmpty: before any fault, a drill's live estate written as its own
// configuration plans empty, so every change a drill sees is one it made.
func TestCleanEstatePlansEmpty(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		sc := newScenario(seed)
		emu, err := bench.StartEmulator(qualysemu.Config{RateUnlimited: true}, sc.live, []byte(bench.SecretKey), sc.liveEnv, "")
		if err != nil {
			t.Fatal(err)
		}
		cfgPath, err := sc.live.WriteYAML(t.TempDir(), bench.Owner)
		if err != nil {
			t.Fatal(err)
		}
		if p := replan(t, emu, cfgPath, sc.liveEnv); !p.Empty() {
			var b bytes.Buffer
			_ = render.Plan(&b, p, "text", render.Options{})
			t.Errorf("seed %d: the live estate plans changes against itself:\n%s", seed, b.String())
		}
		emu.Close()
	}
}
