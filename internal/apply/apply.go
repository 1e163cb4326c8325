// Package apply executes a plan's steps through the Qualys client, in the plan's order and with the
// plan's batches, and reports what was applied, what failed and what was not attempted. It never
// re-decides what to change: that is internal/plan's job. A write whose outcome is unknown is
// resolved by re-reading, never by sending it again.
package apply

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"

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
	Applied Status = "applied"
	Failed  Status = "failed"
	// Unknown: the call may or may not have taken effect and re-reading could not tell.
	Unknown Status = "unknown"
	// Pending: not attempted, because an earlier failure stopped the run.
	Pending Status = "pending"
)

// StepResult is the outcome of one plan step.
type StepResult struct {
	Step      int        `json:"step"`
	Kind      spec.Kind  `json:"kind"`
	Op        string     `json:"op"`
	Keys      []spec.Key `json:"keys"`
	Status    Status     `json:"status"`
	CreatedID int64      `json:"created_id,omitempty"`
	// Resolved is true when an unknown outcome was settled by re-reading.
	Resolved bool   `json:"resolved,omitempty"`
	Code     int    `json:"code,omitempty"`
	Error    string `json:"error,omitempty"`
}

// Result reports a run.
type Result struct {
	Steps   []StepResult `json:"steps"`
	Applied int          `json:"applied"`
	Failed  int          `json:"failed"`
	Pending int          `json:"pending"`
}

// OK reports whether every step was applied.
func (r *Result) OK() bool { return r.Failed == 0 && r.Pending == 0 }

// Options tune a run.
type Options struct {
	// Resolve returns a secret's value for a step parameter; required when steps carry secrets.
	Resolve func(ref spec.SecretRef) (string, error)
	// Progress receives one line per step (nil: silent).
	Progress io.Writer
}

// Run executes p's steps in order. After the first failure it finishes the independent steps of the
// same phase (the plan's order makes later phases depend on earlier ones) and leaves the rest
// pending. It returns an error only for a problem with the plan itself; step failures are in the
// Result.
func Run(ctx context.Context, c Client, p *plan.Plan, opts Options) (*Result, error) {
	res := &Result{}
	vaultIDs := map[string]int64{} // titles of vaults created in this run
	failed := map[int]bool{}
	stopAfterPhase := 0
	for _, st := range p.Steps {
		sr := StepResult{Step: st.ID, Kind: st.Kind, Op: st.Op, Keys: st.Keys, Status: Pending}
		blocked := ctx.Err() != nil || (stopAfterPhase != 0 && st.Phase > stopAfterPhase)
		for _, d := range st.DependsOn {
			blocked = blocked || failed[d]
		}
		if blocked {
			failed[st.ID] = true
			res.Steps = append(res.Steps, sr)
			res.Pending++
			progress(opts.Progress, sr, st)
			continue
		}
		id, err := runStep(ctx, c, st, vaultIDs, opts)
		if err != nil && errors.Is(err, qualysclient.ErrOutcomeUnknown) && st.Op == "create" {
			var found bool
			id, found, err = resolveCreate(ctx, c, st, err)
			sr.Resolved = found
		}
		switch {
		case err == nil:
			sr.Status = Applied
			sr.CreatedID = id
			if st.Kind == spec.KindVault && st.Op == "create" && len(st.Keys) == 1 {
				vaultIDs[st.Keys[0].Title] = id
			}
			res.Applied++
		default:
			sr.Status = Failed
			if errors.Is(err, qualysclient.ErrOutcomeUnknown) {
				sr.Status = Unknown
			}
			var apiErr *qualysclient.APIError
			if errors.As(err, &apiErr) {
				sr.Code = apiErr.Code
			}
			sr.Error = err.Error()
			failed[st.ID] = true
			res.Failed++
			if stopAfterPhase == 0 {
				stopAfterPhase = st.Phase
			}
		}
		res.Steps = append(res.Steps, sr)
		progress(opts.Progress, sr, st)
	}
	return res, nil
}

func progress(w io.Writer, sr StepResult, st plan.Step) {
	if w == nil {
		return
	}
	what := describe(st)
	switch sr.Status {
	case Applied:
		extra := ""
		if sr.CreatedID != 0 {
			extra = " (id " + strconv.FormatInt(sr.CreatedID, 10) + ")"
		}
		if sr.Resolved {
			extra += " (confirmed by re-reading after a lost response)"
		}
		fmt.Fprintf(w, "[%d/%s] %s: done%s\n", st.ID, "phase "+strconv.Itoa(st.Phase), what, extra)
	case Pending:
		fmt.Fprintf(w, "[%d/%s] %s: not attempted\n", st.ID, "phase "+strconv.Itoa(st.Phase), what)
	default:
		fmt.Fprintf(w, "[%d/%s] %s: %s: %s\n", st.ID, "phase "+strconv.Itoa(st.Phase), what, sr.Status, sr.Error)
	}
}

func describe(st plan.Step) string {
	s := st.Op + " " + string(st.Kind)
	switch len(st.Keys) {
	case 0:
	case 1:
		s += " " + strconv.Quote(st.Keys[0].Title)
	default:
		s += fmt.Sprintf(" x%d", len(st.Keys))
	}
	return s
}

// params builds the request parameters of a step: its plain parameters, its secrets resolved now,
// and vault_id filled in from a vault created earlier in this run.
func params(st plan.Step, vaultIDs map[string]int64, opts Options) (url.Values, error) {
	v := url.Values{}
	for k, val := range st.Params {
		v.Set(k, val)
	}
	for k, ref := range st.Secrets {
		if opts.Resolve == nil {
			return nil, fmt.Errorf("step %d needs secret %s but no resolver was given", st.ID, k)
		}
		val, err := opts.Resolve(ref)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", describe(st), k, err)
		}
		v.Set(k, val)
	}
	if st.VaultRef != "" {
		id, ok := vaultIDs[st.VaultRef]
		if !ok {
			return nil, fmt.Errorf("%s: vault %q was not created earlier in this run", describe(st), st.VaultRef)
		}
		v.Set("vault_id", strconv.FormatInt(id, 10))
	}
	return v, nil
}

func runStep(ctx context.Context, c Client, st plan.Step, vaultIDs map[string]int64, opts Options) (int64, error) {
	v, err := params(st, vaultIDs, opts)
	if err != nil {
		return 0, err
	}
	rt := qualysclient.RecordType(st.Kind)
	switch {
	case st.Kind == spec.KindVault && st.Op == "create":
		return c.CreateVault(ctx, v)
	case st.Kind == spec.KindVault && st.Op == "update":
		if len(st.IDs) != 1 {
			return 0, fmt.Errorf("step %d: a vault update takes exactly one id, got %d", st.ID, len(st.IDs))
		}
		return 0, c.UpdateVault(ctx, st.IDs[0], v)
	case st.Kind == spec.KindVault && st.Op == "delete":
		if len(st.IDs) != 1 {
			return 0, fmt.Errorf("step %d: a vault delete takes exactly one id, got %d", st.ID, len(st.IDs))
		}
		return 0, c.DeleteVault(ctx, st.IDs[0])
	case st.Op == "create":
		return c.CreateRecord(ctx, rt, v)
	case st.Op == "update":
		return 0, c.UpdateRecords(ctx, rt, st.IDs, v)
	case st.Op == "delete":
		return 0, c.DeleteRecords(ctx, rt, st.IDs)
	}
	return 0, fmt.Errorf("step %d: unknown operation %q on %s", st.ID, st.Op, st.Kind)
}

// resolveCreate settles a create whose response was lost by listing objects with its title: found
// means it took effect (and yields the new ID); not found means it did not, and the step failed
// cleanly so a re-run creates it. It never re-sends the create.
func resolveCreate(ctx context.Context, c Client, st plan.Step, cause error) (int64, bool, error) {
	if len(st.Keys) != 1 {
		return 0, false, cause
	}
	title := st.Keys[0].Title
	if st.Kind == spec.KindVault {
		vs, err := c.ListVaults(ctx)
		if err != nil {
			return 0, false, fmt.Errorf("%w; re-reading vaults to learn the outcome failed too: %v", cause, err)
		}
		for _, v := range vs {
			if v.Title == title {
				return v.ID, true, nil
			}
		}
		return 0, false, notTaken(cause)
	}
	recs, err := c.ListRecords(ctx, qualysclient.RecordType(st.Kind), qualysclient.ListOptions{Title: title})
	if err != nil {
		return 0, false, fmt.Errorf("%w; re-reading %s records to learn the outcome failed too: %v", cause, st.Kind, err)
	}
	for _, r := range recs {
		if r.Title == title {
			return r.ID, true, nil
		}
	}
	return 0, false, notTaken(cause)
}

// notTaken reports a lost create that re-reading showed did not happen: a clean failure (not an
// unknown outcome), so the next run creates the object.
func notTaken(cause error) error {
	return fmt.Errorf("the create did not take effect (confirmed by re-reading after: %v)", cause)
}
