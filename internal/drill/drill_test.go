package drill

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qsync/qsync/internal/apply"
	"github.com/qsync/qsync/internal/bench"
	"github.com/qsync/qsync/internal/plan"
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

// pass is one plan-and-apply run, as `qsync apply` does it, writing every output into out. It
// returns the apply result (nil when planning failed) and the first error.
func pass(t *testing.T, emu *bench.Emulator, cfgPath string, env map[string]string, out *outputs) (*apply.Result, error) {
	t.Helper()
	desired, err := bench.LoadDesired(cfgPath)
	if err != nil {
		t.Fatalf("the drill's configuration does not load: %v", err)
	}
	c, err := emu.Client(&out.Buffer, noWait)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	liveDoc, err := bench.ReadLive(ctx, c, desired)
	if err != nil {
		out.add("read error", err)
		return nil, err
	}
	opts := bench.PlanOptions(desired, []byte(bench.SecretKey), env)
	opts.AllowDeletes = true
	p, err := plan.Build(desired, liveDoc, opts)
	if err != nil {
		out.add("plan error", err)
		return nil, err
	}
	for _, format := range []string{"text", "markdown", "json"} {
		var b bytes.Buffer
		if err := plan.Render(&b, p, format, plan.RenderOptions{Color: format == "text"}); err != nil {
			t.Fatalf("render %s: %v", format, err)
		}
		out.add("plan "+format, b.String())
	}
	var saved bytes.Buffer
	if err := plan.Save(&saved, p); err != nil {
		t.Fatal(err)
	}
	out.add("saved plan", saved.String())
	if _, err := plan.Read(bytes.NewReader(saved.Bytes())); err != nil {
		t.Fatalf("a saved plan does not read back: %v", err)
	}
	var progress bytes.Buffer
	res, err := apply.Run(ctx, c, p, apply.Options{Resolve: bench.ResolveFrom(env), Progress: apply.LineProgress{W: &progress}})
	out.add("progress", progress.String())
	out.add("result", res)
	out.add("apply error", err)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// replan reads Qualys again and returns the plan of what still differs.
func replan(t *testing.T, emu *bench.Emulator, cfgPath string, env map[string]string) *plan.Plan {
	t.Helper()
	desired, err := bench.LoadDesired(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	c, err := emu.Client(nil, noWait)
	if err != nil {
		t.Fatal(err)
	}
	liveDoc, err := bench.ReadLive(context.Background(), c, desired)
	if err != nil {
		t.Fatalf("re-read after the clean run: %v", err)
	}
	opts := bench.PlanOptions(desired, []byte(bench.SecretKey), env)
	opts.AllowDeletes = true
	p, err := plan.Build(desired, liveDoc, opts)
	if err != nil {
		t.Fatalf("re-plan after the clean run: %v", err)
	}
	return p
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
// managed. A managed vault removed from the configuration stays: the vault list carries no
// comments, so qsync views (and can see the marker of) only the vaults the configuration names,
// and never deletes a vault it cannot prove it owns.
func checkEstate(t *testing.T, st qualysemu.State, live, desired *bench.Estate) {
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
	for k := range managedKeys(live, bench.Owner) {
		if k.Kind == spec.KindVault {
			want[k] = true
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("managed objects in Qualys differ from the configuration:\n got %v\nwant %v", got, want)
	}
}

func runDrill(t *testing.T, seed uint64) {
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
	res, err := pass(t, emu, cfgPath, sc.env, &out)
	faulty := "planning failed"
	if err == nil && res != nil {
		faulty = fmt.Sprintf("%d applied, %d failed, %d pending", res.Applied, res.Failed, res.Pending)
	}
	emu.ClearFaults()
	t.Logf("faulty run: %s", faulty)

	res, err = pass(t, emu, cfgPath, sc.env, &out)
	if err != nil || res == nil || !res.OK() {
		t.Fatalf("the clean re-run after a faulty one (%s) did not finish: %v\n%s", faulty, err, out.String())
	}
	if p := replan(t, emu, cfgPath, sc.env); !p.Empty() {
		var b bytes.Buffer
		_ = plan.Render(&b, p, "text", plan.RenderOptions{})
		t.Fatalf("not converged after a faulty run (%s) and a clean one; still to do:\n%s\nfaults and outputs:%s", faulty, b.String(), out.String())
	}
	after := emu.Snapshot()
	if got := unmanaged(after); !reflect.DeepEqual(got, before) {
		t.Errorf("objects qsync does not manage were touched:\nbefore %v\nafter  %v", before, got)
	}
	checkEstate(t, after, sc.live, sc.desired)
	if i := strings.Index(out.String(), Canary); i >= 0 {
		s := out.String()
		t.Errorf("the canary secret appears in the outputs: ...%s...", s[max(0, i-300):min(len(s), i+100)])
	}
	b, _ := json.Marshal(emu.Requests())
	if bytes.Contains(b, []byte(Canary)) {
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
	for seed := 1; seed <= seeds; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			runDrill(t, uint64(seed))
		})
	}
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
			_ = plan.Render(&b, p, "text", plan.RenderOptions{})
			t.Errorf("seed %d: the live estate plans changes against itself:\n%s", seed, b.String())
		}
		emu.Close()
	}
}
