package apply

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// handoverPlan: two hand-overs of the unix group (1 releases 10.0.0.2 from a, 2 gives it to b;
// 3 deletes c, 4 creates d with its IPs), one of windows (5 deletes w, 6 creates w2), and a
// phase-3 mysql update (7). The plan chains the unix pairs (3 after 2), as build.Plan does.
func handoverPlan() *plan.Plan {
	u := func(t string) spec.Key { return key(spec.KindUnix, t) }
	w := func(t string) spec.Key { return key(spec.KindWindows, t) }
	return &plan.Plan{
		Steps: []plan.Step{
			{ID: 1, Phase: plan.PhaseRelease, Kind: spec.KindUnix, Op: plan.OpUpdate, Keys: []spec.Key{u("a")}, IDs: []int64{1}, Params: map[string]string{"remove_ips": "10.0.0.2"}},
			{ID: 2, Phase: plan.PhaseRelease, Kind: spec.KindUnix, Op: plan.OpUpdate, Keys: []spec.Key{u("b")}, IDs: []int64{2}, Params: map[string]string{"add_ips": "10.0.0.2"}, DependsOn: []int{1}},
			{ID: 3, Phase: plan.PhaseRelease, Kind: spec.KindUnix, Op: plan.OpDelete, Keys: []spec.Key{u("c")}, IDs: []int64{3}, DependsOn: []int{2}},
			{ID: 4, Phase: plan.PhaseRelease, Kind: spec.KindUnix, Op: plan.OpCreate, Keys: []spec.Key{u("d")}, Params: map[string]string{"title": "d", "ips": "10.0.0.3"}, DependsOn: []int{3}},
			{ID: 5, Phase: plan.PhaseRelease, Kind: spec.KindWindows, Op: plan.OpDelete, Keys: []spec.Key{w("w")}, IDs: []int64{5}},
			{ID: 6, Phase: plan.PhaseRelease, Kind: spec.KindWindows, Op: plan.OpCreate, Keys: []spec.Key{w("w2")}, Params: map[string]string{"title": "w2", "ips": "10.0.0.5"}, DependsOn: []int{5}},
			{ID: 7, Phase: plan.PhaseRecords, Kind: spec.KindMySQL, Op: plan.OpUpdate, Keys: []spec.Key{key(spec.KindMySQL, "m")}, IDs: []int64{7}, Params: map[string]string{"port": "3307"}},
		},
		Handovers: []plan.Handover{
			{Mode: plan.HandoverMove, Group: "unix", Release: 1, Take: 2, From: u("a"), FromID: 1, To: u("b"), What: []string{plan.HandsIPs}, IPs: []string{"10.0.0.2"}, GiveBack: "10.0.0.2"},
			{Mode: plan.HandoverReplacement, Group: "unix", Release: 3, Take: 4, From: u("c"), FromID: 3, To: u("d"), What: []string{plan.HandsIPs}, IPs: []string{"10.0.0.3"}},
			{Mode: plan.HandoverReplacement, Group: "windows", Release: 5, Take: 6, From: w("w"), FromID: 5, To: w("w2"), What: []string{plan.HandsIPs}, IPs: []string{"10.0.0.5"}},
		},
	}
}

// TestHandoverFailedTakeGivesBackAndStopsItsGroup: when the take of an IP move fails, the IPs go
// back to the record that released them, no further release of the group runs (named by the
// failed take), other groups' hand-overs still run, and the result names the hand-over.
func TestHandoverFailedTakeGivesBackAndStopsItsGroup(t *testing.T) {
	f := newFake()
	f.fail[2] = &qualysclient.APIError{Op: "update unix records", Status: 200, Code: 1905, Text: "parameter ips has invalid value"}
	res := run(t, f, handoverPlan())
	if got, want := statuses(res), []Status{Applied, Failed, Pending, Pending, Applied, Applied, Pending}; !reflect.DeepEqual(got, want) {
		t.Fatalf("statuses = %v, want %v", got, want)
	}
	if want := []string{"update unix 1", "update unix 2", "update unix 1", "delete windows 5", "create windows w2"}; !reflect.DeepEqual(f.calls, want) {
		t.Fatalf("calls = %v, want %v", f.calls, want)
	}
	if got := f.params[2].Get("add_ips"); got != "10.0.0.2" {
		t.Errorf("give-back sent add_ips=%q, want 10.0.0.2", got)
	}
	if want := `no further hand-over of unix runs after step 2 (update unix "b") was not applied`; res.Steps[2].Reason != want {
		t.Errorf("step 3 reason = %q, want %q", res.Steps[2].Reason, want)
	}
	want := []HandoverResult{{Release: 1, Take: 2, Mode: plan.HandoverMove, From: key(spec.KindUnix, "a"), FromID: 1, To: key(spec.KindUnix, "b"),
		Handed: "IPs 10.0.0.2", Status: GivenBack, GaveBack: "10.0.0.2"}}
	if !reflect.DeepEqual(res.Handovers, want) {
		t.Errorf("handovers = %+v, want %+v", res.Handovers, want)
	}
	if res.GiveBacks != 1 || res.Calls != 4 {
		t.Errorf("give_backs = %d, calls = %d; want 1 and 4", res.GiveBacks, res.Calls)
	}
	if !strings.Contains(res.Steps[1].Error, `IPs 10.0.0.2 given back to unix "a"`) {
		t.Errorf("step 2 error does not say the IPs were given back: %s", res.Steps[1].Error)
	}
	var b bytes.Buffer
	WriteSummary(&b, res, handoverPlan())
	if !strings.Contains(b.String(), "Hand-overs in flight (released, not taken):\n  move unix \"a\" (id 1) -> unix \"b\"") ||
		!strings.Contains(b.String(), "(+1 to give IPs back)") {
		t.Errorf("summary does not name the hand-over:\n%s", b.String())
	}
}

// TestHandoverFailedGiveBackIsReported: a give-back Qualys refuses leaves the hand-over in flight,
// with the reason.
func TestHandoverFailedGiveBackIsReported(t *testing.T) {
	f := newFake()
	f.fail[2] = &qualysclient.APIError{Op: "update unix records", Status: 200, Code: 1905, Text: "bad"}
	f.fail[3] = &qualysclient.APIError{Op: "update unix records", Status: 200, Code: 1905, Text: "worse"}
	res := run(t, f, handoverPlan())
	if len(res.Handovers) != 1 || res.Handovers[0].Status != InFlight || !strings.Contains(res.Handovers[0].Error, "worse") {
		t.Fatalf("handovers = %+v", res.Handovers)
	}
	if !strings.Contains(res.Handovers[0].Describe(), "no record holds them now") {
		t.Errorf("describe = %s", res.Handovers[0].Describe())
	}
}

// TestHandoverUnknownTakeIsNotGivenBack: a take whose outcome is unknown may have taken the IPs:
// nothing is given back, the hand-over is named in flight.
func TestHandoverUnknownTakeIsNotGivenBack(t *testing.T) {
	f := newFake()
	f.fail[2] = lost("update unix records")
	res := run(t, f, handoverPlan())
	if res.Steps[1].Status != Unknown || res.GiveBacks != 0 {
		t.Fatalf("step 2 = %s, give_backs = %d", res.Steps[1].Status, res.GiveBacks)
	}
	if len(res.Handovers) != 1 || res.Handovers[0].Status != InFlight {
		t.Fatalf("handovers = %+v", res.Handovers)
	}
	if res.Steps[2].Status != Pending {
		t.Errorf("step 3 ran after an unknown take: %+v", res.Steps[2])
	}
}

// TestHandoverInterruptFinishesThePair: Ctrl-C while a release is in flight does not split the
// pair: its take still runs, then the run stops.
func TestHandoverInterruptFinishesThePair(t *testing.T) {
	f := newFake()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.onWrite = func(n int) {
		if n == 1 {
			cancel()
		}
	}
	res, err := Run(ctx, f, handoverPlan(), Options{Resolve: resolve})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statuses(res), []Status{Applied, Applied, Pending, Pending, Pending, Pending, Pending}; !reflect.DeepEqual(got, want) {
		t.Fatalf("statuses = %v, want %v", got, want)
	}
	if !res.Interrupted || len(res.Handovers) != 0 {
		t.Errorf("interrupted = %v, handovers = %+v", res.Interrupted, res.Handovers)
	}
}

// TestHandoverMalformedIsRefused: a hand-over naming a step the plan does not have, or giving IPs
// back to an object its release does not update, stops the run before any call.
func TestHandoverMalformedIsRefused(t *testing.T) {
	for name, edit := range map[string]func(p *plan.Plan){
		"unknown step":      func(p *plan.Plan) { p.Handovers[0].Take = 99 },
		"take first":        func(p *plan.Plan) { p.Handovers[0].Release, p.Handovers[0].Take = 2, 1 },
		"foreign give-back": func(p *plan.Plan) { p.Handovers[0].FromID = 42 },
		"delete gives back": func(p *plan.Plan) { p.Handovers[1].GiveBack = "10.0.0.3" },
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake()
			p := handoverPlan()
			edit(p)
			if _, err := Run(context.Background(), f, p, Options{Resolve: resolve}); err == nil || len(f.calls) != 0 {
				t.Errorf("err = %v, calls = %v", err, f.calls)
			}
		})
	}
}

// TestHandoverUnknownReleaseIsNamedAndGivenBack: a release whose outcome is unknown may have
// removed the IPs: its take is not attempted, the IPs are added back to the old holder (harmless
// if it kept them) and the hand-over is named.
func TestHandoverUnknownReleaseIsNamedAndGivenBack(t *testing.T) {
	f := newFake()
	f.fail[1] = lost("update unix records")
	res := run(t, f, handoverPlan())
	if res.Steps[0].Status != Unknown || res.Steps[1].Status != Pending {
		t.Fatalf("steps 1, 2 = %s, %s", res.Steps[0].Status, res.Steps[1].Status)
	}
	if len(res.Handovers) != 1 || res.Handovers[0].Status != GivenBack || !res.Handovers[0].ReleaseUnknown {
		t.Fatalf("handovers = %+v", res.Handovers)
	}
	if !strings.Contains(res.Handovers[0].Describe(), "step 1 may have released IPs 10.0.0.2") {
		t.Errorf("describe = %s", res.Handovers[0].Describe())
	}
	if want := []string{"update unix 1", "update unix 1", "delete windows 5", "create windows w2"}; !reflect.DeepEqual(f.calls, want) {
		t.Errorf("calls = %v, want %v", f.calls, want)
	}
}
