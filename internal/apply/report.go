package apply

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/qualysclient"
)

// Counts says how a run ended: "3 applied, 1 failed, 2 not attempted" (an outcome-unknown count
// only when there is one).
func (r *Result) Counts() string {
	s := fmt.Sprintf("%d applied, %d failed", r.Applied, r.Failed)
	if r.Unknown > 0 {
		s += fmt.Sprintf(", %d outcome unknown", r.Unknown)
	}
	return s + fmt.Sprintf(", %d not attempted", r.Pending)
}

// WriteSummary writes the report of a run of p for people: the counts, the calls made against the
// calls planned, then every step not applied, grouped by outcome.
func WriteSummary(w io.Writer, res *Result, p *plan.Plan) {
	fmt.Fprintf(w, "\nApply: %s. Write calls: %d of %d planned", res.Counts(), res.Calls, p.TotalCalls())
	if res.Reads > 0 {
		fmt.Fprintf(w, " (+%d read(s) to settle lost answers)", res.Reads)
	}
	if res.GiveBacks > 0 {
		fmt.Fprintf(w, " (+%d to give IPs back)", res.GiveBacks)
	}
	fmt.Fprintln(w, ".")
	if res.Interrupted {
		fmt.Fprintln(w, "Interrupted: the steps after the interruption were not attempted.")
	}
	groups := []struct {
		status Status
		title  string
	}{
		{Failed, "Failed (not changed in Qualys):"},
		{Unknown, "Outcome unknown (may or may not have taken effect; the verification below shows which):"},
		{Pending, "Not attempted:"},
	}
	for _, gr := range groups {
		first := true
		for i := range res.Steps {
			sr := &res.Steps[i]
			if sr.Status != gr.status || interrupted(sr) {
				continue
			}
			if first {
				fmt.Fprintln(w, gr.title)
				first = false
			}
			detail := sr.Error
			if sr.Status == Pending {
				detail = sr.Reason
			}
			fmt.Fprintf(w, "  step %d: %s%s: %s\n", sr.Step, sr.Describe(), idList(sr.IDs), detail)
		}
	}
	writeInterrupted(w, res)
	writeHandovers(w, res)
}

// ReasonInterrupted is the reason of the steps an interruption (Ctrl-C, SIGTERM) left out.
const ReasonInterrupted = "interrupted before this step"

// writeInterrupted writes one line per kind and operation for the steps an interruption left
// out, instead of one per step: "  create mysql: 12 steps (steps 9-20), 14 objects".
func writeInterrupted(w io.Writer, res *Result) {
	type group struct {
		steps   []int64
		objects int
	}
	groups := map[string]*group{}
	var order []string
	for i := range res.Steps {
		sr := &res.Steps[i]
		if !interrupted(sr) {
			continue
		}
		name := sr.Op + " " + string(sr.Kind)
		if groups[name] == nil {
			groups[name] = &group{}
			order = append(order, name)
		}
		groups[name].steps = append(groups[name].steps, int64(sr.Step))
		groups[name].objects += max(len(sr.Keys), 1)
	}
	if len(order) == 0 {
		return
	}
	sort.Strings(order)
	fmt.Fprintln(w, "Not attempted after the interruption:")
	for _, name := range order {
		g := groups[name]
		fmt.Fprintf(w, "  %s: %d step%s (%s %s), %d object%s\n", name, len(g.steps), plural(len(g.steps)),
			map[bool]string{true: "step", false: "steps"}[len(g.steps) == 1], qualysclient.FormatIDs(g.steps), g.objects, plural(g.objects))
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// idList is " (id 7)" or " (ids 1,5,9-12)", empty without IDs.
func idList(ids []int64) string {
	switch len(ids) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf(" (id %d)", ids[0])
	}
	return " (ids " + qualysclient.FormatIDs(ids) + ")"
}

// Report is the JSON output of `qsync apply --format json` (see docs/apply.md), written to stdout
// while progress and the summary go to stderr. Fields:
//
//	result.steps[]     one per plan step, in order: step (plan step ID), phase, kind, op,
//	                   keys[] {kind,title}, ids[] (Qualys IDs of updates and deletes),
//	                   status (applied | failed | unknown | pending), created_id, resolved (a lost
//	                   answer settled by re-reading), http_status, code and text (Qualys's answer),
//	                   failed_ids[] and succeeded_ids[] (a batch that failed in part), error,
//	                   reason (why a pending step was not attempted)
//	result.applied, result.failed, result.unknown, result.pending   counts of steps by status
//	result.calls       write calls sent; result.reads: list calls made to settle lost answers
//	result.interrupted true when Ctrl-C (or SIGTERM) stopped the run
//	result.handovers[] the hand-overs left in flight (release applied, take not): release and
//	                   take (step IDs), mode (move | replacement), from, from_id, to, handed
//	                   (what was handed over), status (in_flight | given_back), release_unknown
//	                   (the release's outcome is unknown), gave_back (the IPs added back to
//	                   from), error (why giving them back failed)
//	result.give_backs  update calls sent to give IPs back after a failed take (not in calls)
//	planned_calls      the API calls the plan announced
//	verified           true when Qualys was re-read and re-planned after the steps
//	converged          true when that re-plan is empty and, for a scoped run, nothing outside
//	                   the scope differs either
//	scope              what a scoped run covered (--only patterns, --secrets-only,
//	                   --without-secrets); absent for a full run
//	left_out           changes outside the scope that the run left out (scoped runs)
//	outside_unchecked  why the rest of the configuration could not be checked (scoped runs)
//	remaining          the re-plan (plan JSON format) when it is not empty
//
// No secret value appears in it.
type Report struct {
	Result       *Result `json:"result"`
	PlannedCalls int     `json:"planned_calls"`
	Verified     bool    `json:"verified"`
	Converged    bool    `json:"converged"`
	// Only lists the --only patterns of a scoped apply.
	Only []string `json:"only,omitempty"`
	// Scope, LeftOut and OutsideUnchecked say what a scoped run covered and left out (see
	// ScopeResult); converged is false when it left changes out or could not tell.
	Scope            string     `json:"scope,omitempty"`
	LeftOut          int        `json:"left_out,omitempty"`
	OutsideUnchecked string     `json:"outside_unchecked,omitempty"`
	Remaining        *plan.Plan `json:"remaining,omitempty"`
}

// ScopeResult is what the verification of a scoped run (plan.Plan.Scoped) found outside its
// scope: LeftOut changes, or, when Unchecked is set, why it could not tell.
type ScopeResult struct {
	LeftOut   int
	Unchecked string
}

// WriteReport writes the Report of a run of p as indented JSON. verified says whether Qualys was
// re-planned after the run; remaining is that re-plan when it is not empty.
func WriteReport(w io.Writer, res *Result, p *plan.Plan, verified bool, remaining *plan.Plan) error {
	return WriteScopedReport(w, res, p, verified, remaining, ScopeResult{})
}

// WriteScopedReport is WriteReport for a run whose verification found outside the plan's scope
// what sr says (the zero value for a full plan).
func WriteScopedReport(w io.Writer, res *Result, p *plan.Plan, verified bool, remaining *plan.Plan, sr ScopeResult) error {
	if res.Steps == nil {
		res.Steps = []StepResult{}
	}
	rep := Report{Result: res, PlannedCalls: p.TotalCalls(), Verified: verified,
		Converged: verified && remaining == nil && res.OK(), Remaining: remaining}
	if p.Scoped() {
		rep.Scope, rep.LeftOut, rep.OutsideUnchecked = p.ScopeName(), sr.LeftOut, sr.Unchecked
		rep.Converged = rep.Converged && sr.LeftOut == 0 && sr.Unchecked == ""
		if !p.Flags.SecretsOnly {
			rep.Only = p.Flags.Targets
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
