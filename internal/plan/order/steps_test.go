package order

import (
	"reflect"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

func ipSet(t *testing.T, entries ...string) spec.IPSet {
	t.Helper()
	s, err := spec.ParseIPSet(entries...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func unixRecord(t *testing.T, title string, id int64, ips ...string) *spec.Object {
	return &spec.Object{Kind: spec.KindUnix, Title: title, ID: id, IPs: ipSet(t, ips...)}
}

// TestStepsPairsAnIPMove: record a gives up 10.0.0.2, which record b takes. Steps runs the
// release first (phase 2, alone), makes the take depend on it and reports the pair as a
// hand-over that gives the IPs back to a if the take fails; a delete of a third record of
// another kind runs in phase 4.
func TestStepsPairsAnIPMove(t *testing.T) {
	def := spec.Lookup(spec.KindUnix, "")
	aLive, bLive := unixRecord(t, "a", 1, "10.0.0.1-10.0.0.2"), unixRecord(t, "b", 2, "10.0.0.3")
	aWant, bWant := unixRecord(t, "a", 0, "10.0.0.1"), unixRecord(t, "b", 0, "10.0.0.2-10.0.0.3")
	gone := &spec.Object{Kind: spec.KindMySQL, Title: "old-db", ID: 3, IPs: ipSet(t, "10.9.0.1")}
	steps, hs, err := Steps([]Object{
		{Desired: aWant, Live: aLive, Def: def, Action: plan.ActionUpdate, Removed: ipSet(t, "10.0.0.2"), Params: map[string]string{}},
		{Desired: bWant, Live: bLive, Def: def, Action: plan.ActionUpdate, Added: ipSet(t, "10.0.0.2"), Params: map[string]string{}},
		{Live: gone, Def: spec.Lookup(spec.KindMySQL, ""), Action: plan.ActionDelete},
	})
	if err != nil {
		t.Fatal(err)
	}
	type short struct {
		ID, Phase int
		Op        string
		Keys      []spec.Key
		Params    map[string]string
		DependsOn []int
	}
	var got []short
	for _, s := range steps {
		got = append(got, short{s.ID, s.Phase, s.Op, s.Keys, s.Params, s.DependsOn})
	}
	want := []short{
		{1, plan.PhaseRelease, plan.OpUpdate, []spec.Key{aLive.Key()}, map[string]string{"remove_ips": "10.0.0.2"}, nil},
		{2, plan.PhaseRelease, plan.OpUpdate, []spec.Key{bLive.Key()}, map[string]string{"add_ips": "10.0.0.2"}, []int{1}},
		{3, plan.PhaseDeleteRecords, plan.OpDelete, []spec.Key{gone.Key()}, nil, nil},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("steps:\n  %+v\nwant:\n  %+v", got, want)
	}
	wantHs := []plan.Handover{{Mode: plan.HandoverMove, Group: "unix", Release: 1, Take: 2, From: aLive.Key(), FromID: 1,
		To: bLive.Key(), What: []string{plan.HandsIPs}, IPs: []string{"10.0.0.2"}, GiveBack: "10.0.0.2"}}
	if !reflect.DeepEqual(hs, wantHs) {
		t.Errorf("hand-overs:\n  %+v\nwant:\n  %+v", hs, wantHs)
	}
}

// TestStepsWithoutActionsIsEmpty: objects whose change is nothing make no call.
func TestStepsWithoutActionsIsEmpty(t *testing.T) {
	o := unixRecord(t, "a", 1, "10.0.0.1")
	steps, hs, err := Steps([]Object{{Desired: o, Live: o, Def: spec.Lookup(spec.KindUnix, "")}})
	if err != nil || len(steps) != 0 || len(hs) != 0 {
		t.Errorf("Steps = %v, %v, %v; want nothing", steps, hs, err)
	}
}
