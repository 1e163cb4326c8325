// Package apply executes a plan's steps through the Qualys client, in the plan's order and with the
// plan's batches, and reports what was applied, what failed and what was not attempted. It never
// re-decides what to change: that is internal/plan's job.
//
// # Rules
//
//   - One step is one API call, sent once. Secrets are resolved for every step before the first
//     call, so a missing secret stops the run before anything changes.
//   - A vault created by the run is remembered by title; a later step whose VaultRef names it gets
//     its new ID as vault_id.
//   - A call in flight is never cancelled: Run sends each call with a context that ignores the
//     cancellation of ctx (the call finishes and its outcome is known), and checks ctx between
//     steps. Once ctx is done, the remaining steps are not attempted (except the take of a
//     hand-over whose release was applied). Waits for the Qualys rate
//     limit before a call is sent may still end early: see Interruptible.
//   - A step fails when Qualys refuses it (with the Qualys code and text), when the client gave up
//     on a rate limit, or when its outcome is unknown. Steps that depend on a failed step (directly
//     or through other skipped steps) are not attempted; the other steps of the failed step's phase
//     still run; later phases are not attempted, because the plan's phases build on each other
//     (records log in through vaults of phase 1; deletes in phases 4 and 5 must not remove
//     credentials whose replacements failed). Running apply again finishes the job: the next plan
//     is the rest.
//   - Hand-overs (plan.Handover: a release paired with its take, a replacement among them) run
//     one pair at a time per group, as the plan orders them. After a take that was not applied no
//     further release of its group runs; IPs an update released are given back to it when its take
//     failed; a take whose release was applied runs even after an interruption; every pair left in
//     flight is named in Result.Handovers (handover.go).
//   - A write whose outcome is unknown (timeout, dropped connection, 5xx, undecodable answer) is
//     never sent again. A create is settled by listing objects with its title: found means it took
//     effect (and yields its ID), not found means it did not. A delete is settled by listing the
//     IDs it names. An update stays "unknown": its effect is visible in the re-plan that follows
//     every apply.
package apply

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// Client is the part of the Qualys client that apply needs.
type Client interface {
	CreateRecord(ctx context.Context, t qualysclient.RecordType, params url.Values) (int64, error)
	UpdateRecords(ctx context.Context, t qualysclient.RecordType, ids []int64, params url.Values) error
	DeleteRecords(ctx context.Context, t qualysclient.RecordType, ids []int64) error
	CreateVault(ctx context.Context, params url.Values) (int64, error)
	UpdateVault(ctx context.Context, id int64, params url.Values) error
	DeleteVault(ctx context.Context, id int64) error
	ListRecords(ctx context.Context, t qualysclient.RecordType, opt qualysclient.ListOptions) ([]qualysclient.Record, error)
	ListVaults(ctx context.Context) ([]qualysclient.Vault, error)
}

// Status is the outcome of one step.
type Status string

// Step outcomes.
const (
	// Applied: Qualys made the change (possibly confirmed by re-reading, see StepResult.Resolved).
	Applied Status = "applied"
	// Failed: the change was not made, or only partly (a batch where some IDs failed).
	Failed Status = "failed"
	// Unknown: the call may or may not have taken effect and re-reading could not tell.
	Unknown Status = "unknown"
	// Pending: not attempted (see StepResult.Reason).
	Pending Status = "pending"
)

// StepResult is the outcome of one plan step. Its JSON form is part of `qsync apply --format json`.
type StepResult struct {
	// Step is the plan step's ID (its 1-based position), Phase its phase.
	Step  int       `json:"step"`
	Phase int       `json:"phase"`
	Kind  spec.Kind `json:"kind"`
	Op    string    `json:"op"`
	// Keys are the objects the call touches; IDs their Qualys IDs (updates and deletes).
	Keys   []spec.Key `json:"keys"`
	IDs    []int64    `json:"ids,omitempty"`
	Status Status     `json:"status"`
	// CreatedID is the Qualys ID of the object a create made.
	CreatedID int64 `json:"created_id,omitempty"`
	// Resolved is true when a lost answer was settled by re-reading.
	Resolved bool `json:"resolved,omitempty"`
	// HTTPStatus, Code and Text are Qualys's answer to a failed call (Code 0: none given).
	HTTPStatus int    `json:"http_status,omitempty"`
	Code       int    `json:"code,omitempty"`
	Text       string `json:"text,omitempty"`
	// FailedIDs are the IDs of a batch that were not changed; SucceededIDs those that were.
	FailedIDs    []int64 `json:"failed_ids,omitempty"`
	SucceededIDs []int64 `json:"succeeded_ids,omitempty"`
	// Error is the full error message of a failed or unknown step.
	Error string `json:"error,omitempty"`
	// Reason says why a pending step was not attempted.
	Reason string `json:"reason,omitempty"`
}

// Describe names the step for people: `create unix "web"`, `delete mysql x3`.
func (sr *StepResult) Describe() string { return describe(sr.Op, sr.Kind, sr.Keys) }

// Result reports a run. Its JSON form is part of `qsync apply --format json`.
type Result struct {
	Steps []StepResult `json:"steps"`
	// Counts of Steps by status.
	Applied int `json:"applied"`
	Failed  int `json:"failed"`
	Unknown int `json:"unknown"`
	Pending int `json:"pending"`
	// Calls is the number of write calls sent (one per attempted step); Reads the number of list
	// calls made to settle lost answers.
	Calls int `json:"calls"`
	Reads int `json:"reads"`
	// Interrupted is true when ctx ended before every step was attempted.
	Interrupted bool `json:"interrupted,omitempty"`
	// Handovers names every hand-over of the plan left in flight (its release applied, its take
	// not) and whether its IPs were given back; GiveBacks counts the update calls that gave IPs
	// back (not in Calls). See handover.go.
	Handovers []HandoverResult `json:"handovers,omitempty"`
	GiveBacks int              `json:"give_backs,omitempty"`
}

// OK reports whether every step was applied.
func (r *Result) OK() bool { return r.Failed == 0 && r.Unknown == 0 && r.Pending == 0 }

// Progress is told about each step as it starts and ends; done counts the steps finished before
// (StepStarted) or including (StepFinished) this one, out of total.
type Progress interface {
	StepStarted(st *plan.Step, done, total int)
	StepFinished(sr *StepResult, done, total int)
}

// Options tune a run.
type Options struct {
	// Resolve returns a secret's value; required when steps carry secrets.
	Resolve func(ref spec.SecretRef) (string, error)
	// Progress is told about every step (nil: silent).
	Progress Progress
}

// Run executes p's steps in order (see the package comment for the rules). It returns an error,
// before any call, only for a problem with the plan itself or a secret that cannot be resolved;
// step failures are in the Result.
func Run(ctx context.Context, c Client, p *plan.Plan, opts Options) (*Result, error) {
	secrets, err := resolveSecrets(p, opts)
	if err != nil {
		return nil, err
	}
	ho, err := newHandoverRun(p)
	if err != nil {
		return nil, err
	}
	r := &runner{c: c, p: p, opts: opts, secrets: secrets, vaultIDs: map[string]int64{},
		keyByID: map[string]spec.Key{}, ho: ho, res: &Result{}}
	for _, ch := range p.Changes {
		if ch.ID != 0 {
			r.keyByID[idKey(ch.Key.Kind, ch.ID)] = ch.Key
		}
	}
	r.run(ctx)
	return r.res, nil
}

type runner struct {
	c        Client
	p        *plan.Plan
	opts     Options
	secrets  map[int]map[string]string // step ID -> secret parameter -> value
	vaultIDs map[string]int64          // titles of vaults created in this run -> their IDs
	keyByID  map[string]spec.Key       // idKey(kind, live ID) -> key, to name a batch's failed IDs
	ho       *handoverRun              // the plan's hand-overs (handover.go)
	res      *Result
}

func (r *runner) run(ctx context.Context) {
	total := len(r.p.Steps)
	notDone := map[int]bool{} // IDs of steps not applied
	stopPhase := 0            // phase of the first failure: later phases are not attempted
	for i := range r.p.Steps {
		st := &r.p.Steps[i]
		sr := StepResult{Step: st.ID, Phase: st.Phase, Kind: st.Kind, Op: st.Op, Keys: st.Keys, IDs: st.IDs, Status: Pending}
		actx := ctx
		switch {
		case ctx.Err() != nil && !r.ho.finishes(st.ID):
			sr.Reason = ReasonInterrupted
			r.res.Interrupted = true
		default:
			if ctx.Err() != nil {
				actx = context.WithoutCancel(ctx) // the take of a hand-over in flight: finish the pair
			}
			sr.Reason = r.ho.stoppedReason(r.p, st.ID)
			for _, d := range st.DependsOn {
				if sr.Reason == "" && notDone[d] {
					sr.Reason = fmt.Sprintf("depends on step %d, which was not applied", d)
					break
				}
			}
			if sr.Reason == "" && stopPhase != 0 && st.Phase > stopPhase {
				sr.Reason = fmt.Sprintf("a step of phase %d failed, and phase %d builds on it", stopPhase, st.Phase)
			}
		}
		if sr.Reason == "" {
			if r.opts.Progress != nil {
				r.opts.Progress.StepStarted(st, i, total)
			}
			r.attempt(actx, st, &sr)
		}
		r.finishedHandover(ctx, st, &sr)
		switch sr.Status {
		case Applied:
			r.res.Applied++
		case Failed:
			r.res.Failed++
		case Unknown:
			r.res.Unknown++
		case Pending:
			r.res.Pending++
		}
		if sr.Status != Applied {
			notDone[st.ID] = true
			if sr.Status != Pending && stopPhase == 0 {
				stopPhase = st.Phase
			}
		}
		r.res.Steps = append(r.res.Steps, sr)
		if r.opts.Progress != nil {
			r.opts.Progress.StepFinished(&r.res.Steps[len(r.res.Steps)-1], i+1, total)
		}
	}
}

// attempt sends one step's call and settles its outcome into sr.
func (r *runner) attempt(ctx context.Context, st *plan.Step, sr *StepResult) {
	v, err := r.params(st)
	if err != nil {
		sr.Status, sr.Error = Failed, err.Error()
		return
	}
	r.res.Calls++
	id, err := r.send(callContext(ctx), st, v)
	if err != nil && isInterruptedWait(ctx, err) {
		// Interrupted while waiting out a rate limit: the call was never sent.
		r.res.Calls--
		sr.Reason = "interrupted while waiting for the Qualys rate limit; not sent"
		r.res.Interrupted = true
		return
	}
	if err != nil && errors.Is(err, qualysclient.ErrOutcomeUnknown) {
		// Settle it by re-reading, never by sending again. Reads are not interrupted either.
		rctx := context.WithoutCancel(ctx)
		switch st.Op {
		case plan.OpCreate:
			id, err = r.resolveCreate(rctx, st, err, sr)
		case plan.OpDelete:
			err = r.resolveDelete(rctx, st, err, sr)
		}
	}
	if err == nil {
		sr.Status = Applied
		sr.CreatedID = id
		if st.Kind == spec.KindVault && st.Op == plan.OpCreate && len(st.Keys) == 1 {
			r.vaultIDs[st.Keys[0].Title] = id
		}
		return
	}
	sr.Status = Failed
	if errors.Is(err, qualysclient.ErrOutcomeUnknown) {
		sr.Status = Unknown
	}
	var apiErr *qualysclient.APIError
	if errors.As(err, &apiErr) {
		sr.HTTPStatus, sr.Code, sr.Text = apiErr.Status, apiErr.Code, apiErr.Text
	}
	var batchErr *qualysclient.BatchError
	if errors.As(err, &batchErr) {
		sr.FailedIDs = batchErr.FailedIDs()
		sr.SucceededIDs = slices.Sorted(slices.Values(batchErr.Succeeded))
		if len(batchErr.Failed) > 0 {
			sr.Code, sr.Text = batchErr.Failed[0].Code, batchErr.Failed[0].Text
		}
		err = fmt.Errorf("%w; not changed: %s", err, r.nameIDs(st.Kind, sr.FailedIDs))
	}
	sr.Error = err.Error()
}

// nameIDs lists IDs with the titles the plan knows for them: `mysql "a" (id 5), id 9`.
func (r *runner) nameIDs(kind spec.Kind, ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		if k, ok := r.keyByID[idKey(kind, id)]; ok {
			parts[i] = fmt.Sprintf("%s (id %d)", k, id)
		} else {
			parts[i] = fmt.Sprintf("id %d", id)
		}
	}
	return strings.Join(parts, ", ")
}

func idKey(kind spec.Kind, id int64) string { return string(kind) + " " + strconv.FormatInt(id, 10) }

// describe names a step's call and the objects it touches: `update mysql "a"`, `update mysql
// "a", "b", "c"`, `delete unix "a", "b", "c" and 4 more`.
func describe(op string, kind spec.Kind, keys []spec.Key) string {
	const named = 3
	s := op + " " + string(kind)
	for i, k := range keys {
		if i == named {
			return s + fmt.Sprintf(" and %d more", len(keys)-named)
		}
		if i > 0 {
			s += ","
		}
		s += " " + strconv.Quote(k.Title)
	}
	return s
}

// resolveSecrets resolves every secret of every step before the first call.
func resolveSecrets(p *plan.Plan, opts Options) (map[int]map[string]string, error) {
	out := map[int]map[string]string{}
	var errs []error
	for _, st := range p.Steps {
		if len(st.Secrets) == 0 {
			continue
		}
		if opts.Resolve == nil {
			return nil, fmt.Errorf("step %d (%s) needs secrets but no resolver was given", st.ID, describe(st.Op, st.Kind, st.Keys))
		}
		vals := map[string]string{}
		for _, name := range slices.Sorted(maps.Keys(st.Secrets)) {
			v, err := opts.Resolve(st.Secrets[name])
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %s: %w", describe(st.Op, st.Kind, st.Keys), name, err))
				continue
			}
			if max := secretMaxLen(st, name); max > 0 && utf8.RuneCountInString(v) > max {
				errs = append(errs, fmt.Errorf("%s: %s (%s) is %d characters long; Qualys accepts at most %d",
					describe(st.Op, st.Kind, st.Keys), name, st.Secrets[name], utf8.RuneCountInString(v), max))
				continue
			}
			vals[name] = v
		}
		out[st.ID] = vals
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("resolve secrets (nothing was sent): %w", errors.Join(errs...))
	}
	return out, nil
}

// secretMaxLen returns the documented length limit of a step's secret parameter (0: none known),
// from the kind's descriptor table: vault steps name their type, record steps their variant
// (sub_type, provider_name).
func secretMaxLen(st plan.Step, param string) int {
	var def *spec.KindDef
	if st.Kind == spec.KindVault {
		def = spec.VaultTypeByQualys(st.Params["type"])
	} else {
		variant, _ := spec.VariantKeys(st.Kind)
		def = spec.VariantByQualys(st.Kind, st.Params[variant])
		if def == nil {
			def = spec.Lookup(st.Kind, "")
		}
	}
	if def == nil {
		return 0
	}
	if f := def.Field(param); f != nil {
		return f.MaxLen
	}
	return 0
}

// params builds the request parameters of a step: its plain parameters, its resolved secrets, and
// vault_id filled in from a vault created earlier in this run.
func (r *runner) params(st *plan.Step) (url.Values, error) {
	v := url.Values{}
	for k, val := range st.Params {
		v.Set(k, val)
	}
	for k, val := range r.secrets[st.ID] {
		v.Set(k, val)
	}
	if st.VaultRef != "" {
		id, ok := r.vaultIDs[st.VaultRef]
		if !ok {
			return nil, fmt.Errorf("%s: vault %q was not created earlier in this run", describe(st.Op, st.Kind, st.Keys), st.VaultRef)
		}
		v.Set("vault_id", strconv.FormatInt(id, 10))
	}
	for _, param := range slices.Sorted(maps.Keys(st.VaultRefs)) {
		id, ok := r.vaultIDs[st.VaultRefs[param]]
		if !ok {
			return nil, fmt.Errorf("%s: vault %q was not created earlier in this run", describe(st.Op, st.Kind, st.Keys), st.VaultRefs[param])
		}
		v.Set(param, strconv.FormatInt(id, 10))
	}
	return v, nil
}

// send makes the step's one API call.
func (r *runner) send(ctx context.Context, st *plan.Step, v url.Values) (int64, error) {
	c := r.c
	rt := qualysclient.RecordType(st.Kind)
	one := func() (int64, error) {
		if len(st.IDs) != 1 {
			return 0, fmt.Errorf("step %d: a vault %s takes exactly one id, got %d", st.ID, st.Op, len(st.IDs))
		}
		return st.IDs[0], nil
	}
	switch {
	case st.Kind == spec.KindVault && st.Op == plan.OpCreate:
		return c.CreateVault(ctx, v)
	case st.Kind == spec.KindVault && st.Op == plan.OpUpdate:
		id, err := one()
		if err != nil {
			return 0, err
		}
		return 0, c.UpdateVault(ctx, id, v)
	case st.Kind == spec.KindVault && st.Op == plan.OpDelete:
		id, err := one()
		if err != nil {
			return 0, err
		}
		return 0, c.DeleteVault(ctx, id)
	case st.Op == plan.OpCreate:
		return c.CreateRecord(ctx, rt, v)
	case st.Op == plan.OpUpdate:
		return 0, c.UpdateRecords(ctx, rt, st.IDs, v)
	case st.Op == plan.OpDelete:
		return 0, c.DeleteRecords(ctx, rt, st.IDs)
	}
	return 0, fmt.Errorf("step %d: unknown operation %q on %s", st.ID, st.Op, st.Kind)
}

// resolveCreate settles a create whose answer was lost by listing objects with its title: found
// means it took effect (and yields the new ID); not found means it did not, and the step failed
// cleanly so a re-run creates it. It never re-sends the create.
func (r *runner) resolveCreate(ctx context.Context, st *plan.Step, cause error, sr *StepResult) (int64, error) {
	if len(st.Keys) != 1 {
		return 0, cause
	}
	title := st.Keys[0].Title
	r.res.Reads++
	if st.Kind == spec.KindVault {
		vs, err := r.c.ListVaults(ctx)
		if err != nil {
			return 0, fmt.Errorf("%w; re-reading the vaults to learn the outcome failed too: %v", cause, err)
		}
		for _, v := range vs {
			if v.Title == title {
				sr.Resolved = true
				return v.ID, nil
			}
		}
		return 0, notTaken(cause, sr)
	}
	recs, err := r.c.ListRecords(ctx, qualysclient.RecordType(st.Kind), qualysclient.ListOptions{Title: title})
	if err != nil {
		return 0, fmt.Errorf("%w; re-reading the %s records to learn the outcome failed too: %v", cause, st.Kind, err)
	}
	for _, rec := range recs {
		if rec.Title == title {
			sr.Resolved = true
			return rec.ID, nil
		}
	}
	return 0, notTaken(cause, sr)
}

// resolveDelete settles a delete whose answer was lost by listing the IDs it names: none left
// means it took effect; all left means it did not; some left is a partial failure naming them.
func (r *runner) resolveDelete(ctx context.Context, st *plan.Step, cause error, sr *StepResult) error {
	r.res.Reads++
	var left []int64
	if st.Kind == spec.KindVault {
		vs, err := r.c.ListVaults(ctx)
		if err != nil {
			return fmt.Errorf("%w; re-reading the vaults to learn the outcome failed too: %v", cause, err)
		}
		for _, v := range vs {
			if slices.Contains(st.IDs, v.ID) {
				left = append(left, v.ID)
			}
		}
	} else {
		recs, err := r.c.ListRecords(ctx, qualysclient.RecordType(st.Kind), qualysclient.ListOptions{IDs: st.IDs})
		if err != nil {
			return fmt.Errorf("%w; re-reading the %s records to learn the outcome failed too: %v", cause, st.Kind, err)
		}
		for _, rec := range recs {
			if slices.Contains(st.IDs, rec.ID) {
				left = append(left, rec.ID)
			}
		}
	}
	slices.Sort(left)
	sr.Resolved = true
	switch {
	case len(left) == 0:
		return nil
	case len(left) == len(st.IDs):
		return notTaken(cause, sr)
	}
	sr.FailedIDs = left
	for _, id := range st.IDs {
		if !slices.Contains(left, id) {
			sr.SucceededIDs = append(sr.SucceededIDs, id)
		}
	}
	cause = lostCause(cause)
	return fmt.Errorf("%w; re-reading showed that the delete took effect only in part; still present: %s", cause, r.nameIDs(st.Kind, left))
}

// notTaken reports a lost write that re-reading showed did not happen: a clean failure (not an
// unknown outcome), so the next run sends it again.
func notTaken(cause error, sr *StepResult) error {
	sr.Resolved = true
	cause = lostCause(cause)
	return fmt.Errorf("%w; re-reading showed that the %s did not take effect", cause, sr.Op)
}

// lostCause is the reason an answer was lost, named by the call: "create vault: Post ...: EOF".
func lostCause(err error) error {
	var ou *qualysclient.OutcomeUnknownError
	if !errors.As(err, &ou) {
		return err
	}
	if strings.HasPrefix(ou.Err.Error(), ou.Op+":") {
		return ou.Err
	}
	return fmt.Errorf("%s: %w", ou.Op, ou.Err)
}

// interruptKey carries the caller's context inside a call context; see Interruptible.
type interruptKey struct{}

// callContext returns the context a step's call runs with: it is not cancelled when ctx is (the
// call in flight finishes, so its outcome is known), but remembers ctx for Interruptible.
func callContext(ctx context.Context) context.Context {
	return context.WithValue(context.WithoutCancel(ctx), interruptKey{}, ctx)
}

// Interruptible returns the context that may end a wait made on behalf of a call: for a call made
// by Run, the context Run was given (so Ctrl-C can end a rate-limit wait before the call is sent);
// otherwise ctx itself. A client's Sleep function uses it; a wait it ends must return an error
// wrapping the context's error.
func Interruptible(ctx context.Context) context.Context {
	if p, ok := ctx.Value(interruptKey{}).(context.Context); ok {
		return p
	}
	return ctx
}

// isInterruptedWait reports whether err is a rate-limit wait ended by ctx (the call was not sent).
func isInterruptedWait(ctx context.Context, err error) bool {
	return ctx.Err() != nil && errors.Is(err, ctx.Err()) && !errors.Is(err, qualysclient.ErrOutcomeUnknown)
}
