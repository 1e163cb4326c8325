package apply

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// This file runs the plan's hand-overs (plan.Handover): a step releasing a title, IPs or a rule
// slot paired with the step taking it. The plan orders each pair release, then take, and the
// pairs of a group one at a time; here apply keeps the rest of the promise:
//
//   - after a take that was not applied, no further release of its group runs (those steps are
//     pending, naming the take);
//   - when a take failed and the old holder still exists (an update that removed IPs), the IPs
//     are added back to it (plan.Handover.GiveBack), and the result says so;
//   - a take whose release was applied runs even after an interruption, so Ctrl-C never splits
//     a pair;
//   - every pair left in flight (release applied, take not) is named in Result.Handovers.

// Hand-over outcomes (HandoverResult.Status).
const (
	// InFlight: the release was applied and the take was not; what was released is held by
	// neither object (see HandoverResult.Error for a give-back that failed).
	InFlight = "in_flight"
	// GivenBack: the take failed and the released IPs were added back to the old holder.
	GivenBack = "given_back"
)

// HandoverResult is a hand-over that did not complete: its release was applied (or its outcome
// is unknown) and its take was not. Its JSON form is part of `qsync apply --format json`.
type HandoverResult struct {
	// Release and Take are the plan's step IDs.
	Release int `json:"release"`
	Take    int `json:"take"`
	// Mode is "move" or "replacement" (plan.Handover).
	Mode   string   `json:"mode"`
	From   spec.Key `json:"from"`
	FromID int64    `json:"from_id,omitempty"`
	To     spec.Key `json:"to"`
	// Handed says what was handed over: "IPs 10.0.0.2, the title \"a\"".
	Handed string `json:"handed"`
	// Status is "in_flight" or "given_back".
	Status string `json:"status"`
	// ReleaseUnknown: the release's outcome is unknown (it may not have released anything).
	ReleaseUnknown bool `json:"release_unknown,omitempty"`
	// GaveBack are the IPs added back to From (status given_back).
	GaveBack string `json:"gave_back,omitempty"`
	// Error says why IPs that should have been given back were not.
	Error string `json:"error,omitempty"`
}

// Describe tells people what became of the hand-over.
func (h *HandoverResult) Describe() string {
	if h.From == h.To && h.Mode == plan.HandoverReplacement {
		return fmt.Sprintf("replacement of %s: step %d deleted it, step %d did not create it again; it is gone until the create is applied",
			keyText(h.From, h.FromID), h.Release, h.Take)
	}
	verb := "released"
	if h.ReleaseUnknown {
		verb = "may have released"
	}
	s := fmt.Sprintf("%s %s -> %s: step %d %s %s, step %d did not take it", h.Mode, keyText(h.From, h.FromID), h.To, h.Release, verb, h.Handed, h.Take)
	switch {
	case h.Status == GivenBack:
		s += fmt.Sprintf("; IPs %s given back to %s", h.GaveBack, h.From)
	case h.Error != "":
		s += fmt.Sprintf("; giving the IPs back to %s failed (%s): no record holds them now", h.From, h.Error)
	case h.Mode == plan.HandoverReplacement:
		s += fmt.Sprintf("; %s was deleted: what it held is held by no record until the take is applied", h.From)
	default:
		s += "; what was released is held by no record until the take is applied"
	}
	return s
}

func keyText(k spec.Key, id int64) string {
	if id == 0 {
		return k.String()
	}
	return fmt.Sprintf("%s (id %d)", k, id)
}

// handoverRun is the state of the plan's hand-overs during one run.
type handoverRun struct {
	hs        []plan.Handover
	byTake    map[int][]int  // take step ID -> indexes in hs
	byRelease map[int][]int  // release step ID -> indexes in hs
	status    map[int]Status // step ID -> outcome, for the steps of hand-overs
	stopped   map[string]int // group -> the take step that was not applied
}

// newHandoverRun indexes the hand-overs of p; a hand-over naming a step p does not have, or
// giving back IPs to an object its release step does not update, is an error in the plan.
func newHandoverRun(p *plan.Plan) (*handoverRun, error) {
	h := &handoverRun{hs: p.Handovers, byTake: map[int][]int{}, byRelease: map[int][]int{}, status: map[int]Status{}, stopped: map[string]int{}}
	for i, ho := range p.Handovers {
		if ho.Release < 1 || ho.Release > len(p.Steps) || ho.Take < 1 || ho.Take > len(p.Steps) || ho.Release >= ho.Take {
			return nil, fmt.Errorf("plan: hand-over %d (steps %d and %d) does not name a release and a later take of the plan", i+1, ho.Release, ho.Take)
		}
		if rel := &p.Steps[ho.Release-1]; ho.GiveBack != "" && (rel.Op != plan.OpUpdate || !slices.Contains(rel.IDs, ho.FromID)) {
			return nil, fmt.Errorf("plan: hand-over %d gives IPs back to id %d, which its release (step %d) does not update", i+1, ho.FromID, ho.Release)
		}
		h.byTake[ho.Take] = append(h.byTake[ho.Take], i)
		h.byRelease[ho.Release] = append(h.byRelease[ho.Release], i)
	}
	return h, nil
}

// finishes reports whether step id is the take of a hand-over whose release this run applied:
// it runs even after an interruption, so that no pair is left half done by Ctrl-C.
func (h *handoverRun) finishes(id int) bool {
	for _, i := range h.byTake[id] {
		if h.status[h.hs[i].Release] == Applied {
			return true
		}
	}
	return false
}

// stoppedReason says why release step id must not run: a take of its group was not applied.
func (h *handoverRun) stoppedReason(p *plan.Plan, id int) string {
	for _, i := range h.byRelease[id] {
		if take, ok := h.stopped[h.hs[i].Group]; ok {
			st := &p.Steps[take-1]
			return fmt.Sprintf("no further hand-over of %s runs after step %d (%s) was not applied", h.hs[i].Group, take, describe(st.Op, st.Kind, st.Keys))
		}
	}
	return ""
}

// finishedHandover records the outcome of step st. After a take that was not applied it stops
// the take's group, gives back what can be given back (unless the take's outcome is unknown: it
// may have taken), names the hand-overs left in flight in the result and in the step's error.
func (r *runner) finishedHandover(ctx context.Context, st *plan.Step, sr *StepResult) {
	h := r.ho
	if len(h.byTake[st.ID]) == 0 && len(h.byRelease[st.ID]) == 0 {
		return
	}
	h.status[st.ID] = sr.Status
	if sr.Status == Applied {
		return
	}
	var notes []string
	for _, i := range h.byTake[st.ID] {
		ho := &h.hs[i]
		if _, ok := h.stopped[ho.Group]; !ok {
			h.stopped[ho.Group] = st.ID
		}
		rs := h.status[ho.Release]
		if rs != Applied && rs != Unknown {
			continue
		}
		hr := HandoverResult{Release: ho.Release, Take: ho.Take, Mode: ho.Mode, From: ho.From, FromID: ho.FromID, To: ho.To,
			Handed: ho.Handed(), Status: InFlight, ReleaseUnknown: rs == Unknown}
		if sr.Status != Unknown && ho.GiveBack != "" { // failed or never sent: not taken
			r.giveBack(ctx, ho, &hr)
		}
		r.res.Handovers = append(r.res.Handovers, hr)
		notes = append(notes, hr.Describe())
	}
	if sr.Status != Pending && len(notes) > 0 {
		sr.Error += fmt.Sprintf("; this was the take of a hand-over: %s; no further hand-over of %s runs; fix the cause (or set the old value back) and apply again",
			strings.Join(notes, "; "), h.hs[h.byTake[st.ID][0]].Group)
	}
}

// giveBack adds the IPs a failed take did not take back to the old holder (one update call).
func (r *runner) giveBack(ctx context.Context, ho *plan.Handover, hr *HandoverResult) {
	rel := &r.p.Steps[ho.Release-1]
	v := url.Values{}
	v.Set("add_ips", ho.GiveBack)
	r.res.GiveBacks++
	err := r.c.UpdateRecords(callContext(context.WithoutCancel(ctx)), qualysclient.RecordType(rel.Kind), []int64{ho.FromID}, v)
	if err != nil {
		hr.Error = err.Error()
		return
	}
	hr.Status, hr.GaveBack = GivenBack, ho.GiveBack
}

// writeHandovers writes the hand-overs a run left in flight, for people.
func writeHandovers(w io.Writer, res *Result) {
	if len(res.Handovers) == 0 {
		return
	}
	fmt.Fprintln(w, "Hand-overs in flight (released, not taken):")
	for i := range res.Handovers {
		fmt.Fprintf(w, "  %s\n", res.Handovers[i].Describe())
	}
}
