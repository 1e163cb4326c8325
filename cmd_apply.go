package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/qsync/qsync/internal/apply"
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// ApplyCmd changes Qualys to match the configuration or a saved plan.
type ApplyCmd struct {
	PlanFlags
	Paths       []string `arg:"" name:"path" help:"YAML files or directories of them, or one saved plan file from 'qsync plan --out'."`
	AutoApprove bool     `name:"auto-approve" help:"Apply without asking for confirmation (required when not on a terminal, e.g. in CI)."`
	Format      string   `enum:"text,json" default:"text" help:"Output: text, or json (a machine-readable result on stdout, progress on stderr; fields in docs/apply.md)."`
}

// applyReport is the JSON output of apply --format json (see docs/apply.md): written to stdout,
// while progress and the report go to stderr. Fields:
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
//	planned_calls      the API calls the plan announced
//	verified           true when Qualys was re-read and re-planned after the steps
//	converged          true when that re-plan is empty
//	remaining          the re-plan (plan JSON format) when it is not empty
//
// No secret value appears in it.
type applyReport struct {
	Result       *apply.Result `json:"result"`
	PlannedCalls int           `json:"planned_calls"`
	Verified     bool          `json:"verified"`
	Converged    bool          `json:"converged"`
	Remaining    *plan.Plan    `json:"remaining,omitempty"`
}

// Run applies and verifies.
func (c *ApplyCmd) Run(ctx context.Context, g *Globals, env *Env) error {
	out := env.Stdout
	if c.Format == "json" {
		out = env.Stderr // keep stdout for the JSON result
	}
	var r *planRun
	var err error
	if len(c.Paths) == 1 && isSavedPlan(c.Paths[0]) {
		r, err = c.loadSaved(ctx, g, env)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Applying the saved plan %s (%d step(s), %d API call(s)).\n", c.Paths[0], len(r.plan.Steps), r.plan.TotalCalls())
	} else {
		r, err = runPlan(ctx, g, env, c.Paths, c.PlanFlags)
		if err != nil {
			return err
		}
		if err := renderPlan(g, env, out, r.plan, "text"); err != nil {
			return err
		}
		if !r.plan.Empty() {
			if err := c.confirm(env, out); err != nil {
				return err
			}
		}
	}
	if r.plan.Empty() {
		fmt.Fprintln(out, "No changes to apply.")
		if len(r.plan.Refused) > 0 {
			if err := c.report(env, &apply.Result{}, r.plan, true, r.plan); err != nil {
				return err
			}
			return errRefused(len(r.plan.Refused))
		}
		return c.report(env, &apply.Result{}, r.plan, true, nil)
	}

	// Ctrl-C stops the run after the call in flight; a second Ctrl-C ends qsync at once.
	stopWatch := context.AfterFunc(ctx, func() {
		signal.Reset(os.Interrupt, syscall.SIGTERM)
		fmt.Fprintln(env.Stderr, "\nqsync: interrupted; finishing the call in flight, then stopping (Ctrl-C again to quit at once, leaving a call in flight with an unknown outcome)")
	})
	defer stopWatch()

	var progress apply.Progress = apply.LineProgress{W: out}
	if isTerminal(out) {
		progress = apply.BarProgress{W: out}
	}
	waitedBefore := r.client.Stats().Waited
	res, err := apply.Run(ctx, r.client, r.plan, apply.Options{Resolve: spec.Resolve, Progress: progress})
	if err != nil {
		return err
	}
	writeSummary(out, res, r.plan)
	if waited := r.client.Stats().Waited - waitedBefore; waited > 0 {
		fmt.Fprintf(out, "Waited %s in total for Qualys rate and concurrency limits and retries.\n", waited.Round(time.Second))
	}

	// Verify by planning again, whatever happened: the next plan is the rest of the job.
	fmt.Fprintln(out, "\nVerifying: re-reading Qualys and planning again.")
	// After an interrupted run the verification still runs (it only reads; Ctrl-C again quits).
	verifyCtx := ctx
	if ctx.Err() != nil {
		verifyCtx = context.WithoutCancel(ctx)
	}
	// --push-secrets re-sends every secret by design, so a verification with it would never come
	// back empty: verify with it off (secrets were just sent).
	verifyFlags := c.PlanFlags
	verifyFlags.PushSecrets = false
	verify, verr := replan(verifyCtx, r.client, env, r.desired, verifyFlags)
	if verr != nil {
		fmt.Fprintf(env.Stderr, "qsync: could not verify the result: %v\n", verr)
	}
	var remaining *plan.Plan
	if verify != nil && (!verify.plan.Empty() || len(verify.plan.Refused) > 0) {
		remaining = verify.plan
	}
	switch {
	case verify != nil && remaining == nil:
		fmt.Fprintln(out, "Converged: Qualys matches the configuration.")
	case remaining != nil:
		fmt.Fprintln(out, "Not converged: Qualys still differs from the configuration; this is what the next apply would do:")
		if err := renderPlan(g, env, out, remaining, "text"); err != nil {
			return err
		}
	}
	if err := c.report(env, res, r.plan, verr == nil, remaining); err != nil {
		return err
	}
	if !res.OK() {
		return &exitErr{code: exitPartial, err: fmt.Errorf("apply finished partially (%s); run it again to finish: the next plan is the rest of the job", counts(res))}
	}
	if verr != nil {
		return &exitErr{code: exitError, err: verr}
	}
	if remaining != nil {
		if len(remaining.Steps) == 0 && len(remaining.Refused) > 0 {
			return errRefused(len(remaining.Refused))
		}
		return &exitErr{code: exitError, err: errors.New("every step was applied but Qualys does not match the configuration")}
	}
	return nil
}

// counts is "3 applied, 1 failed, 2 not attempted" (an outcome-unknown count only when non-zero).
func counts(res *apply.Result) string {
	s := fmt.Sprintf("%d applied, %d failed", res.Applied, res.Failed)
	if res.Unknown > 0 {
		s += fmt.Sprintf(", %d outcome unknown", res.Unknown)
	}
	return s + fmt.Sprintf(", %d not attempted", res.Pending)
}

// writeSummary writes the apply report: counts, the calls made against the calls planned, then
// every step not applied, grouped by outcome.
func writeSummary(w io.Writer, res *apply.Result, p *plan.Plan) {
	fmt.Fprintf(w, "\nApply: %s. Write calls: %d of %d planned", counts(res), res.Calls, p.TotalCalls())
	if res.Reads > 0 {
		fmt.Fprintf(w, " (+%d read(s) to settle lost answers)", res.Reads)
	}
	fmt.Fprintln(w, ".")
	if res.Interrupted {
		fmt.Fprintln(w, "Interrupted: the steps after the interruption were not attempted.")
	}
	groups := []struct {
		status apply.Status
		title  string
	}{
		{apply.Failed, "Failed (not changed in Qualys):"},
		{apply.Unknown, "Outcome unknown (may or may not have taken effect; the verification below shows which):"},
		{apply.Pending, "Not attempted:"},
	}
	for _, gr := range groups {
		first := true
		for i := range res.Steps {
			sr := &res.Steps[i]
			if sr.Status != gr.status {
				continue
			}
			if first {
				fmt.Fprintln(w, gr.title)
				first = false
			}
			detail := sr.Error
			if sr.Status == apply.Pending {
				detail = sr.Reason
			}
			fmt.Fprintf(w, "  step %d: %s%s: %s\n", sr.Step, sr.Describe(), idList(sr.IDs), detail)
		}
	}
}

func idList(ids []int64) string {
	switch len(ids) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf(" (id %d)", ids[0])
	}
	return " (ids " + qualysclient.FormatIDs(ids) + ")"
}

func (c *ApplyCmd) report(env *Env, res *apply.Result, p *plan.Plan, verified bool, remaining *plan.Plan) error {
	if c.Format != "json" {
		return nil
	}
	if res.Steps == nil {
		res.Steps = []apply.StepResult{}
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(applyReport{Result: res, PlannedCalls: p.TotalCalls(), Verified: verified,
		Converged: verified && remaining == nil && res.OK(), Remaining: remaining})
}

// confirm asks on a terminal; without one it refuses unless --auto-approve was given.
func (c *ApplyCmd) confirm(env *Env, out io.Writer) error {
	if c.AutoApprove {
		return nil
	}
	if env.Stdin == nil || !isTerminal(env.Stdin) {
		return errors.New("refusing to apply without confirmation: not on a terminal; pass --auto-approve (e.g. in CI)")
	}
	fmt.Fprint(out, "\nApply these changes to Qualys? Only 'yes' will be accepted: ")
	line, _ := bufio.NewReader(env.Stdin).ReadString('\n')
	if strings.TrimSpace(line) != "yes" {
		return &exitErr{code: exitError, err: errors.New("apply cancelled; nothing was changed")}
	}
	return nil
}

// isSavedPlan reports whether path is a saved plan (a JSON file) rather than configuration.
func isSavedPlan(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 64)
	n, _ := f.Read(head)
	return bytes.HasPrefix(bytes.TrimSpace(head[:n]), []byte("{"))
}

// loadSaved reads a saved plan, reloads the configuration it was made from, and refuses it when
// the configuration or any live object it touches changed since.
func (c *ApplyCmd) loadSaved(ctx context.Context, g *Globals, env *Env) (*planRun, error) {
	f, err := os.Open(c.Paths[0])
	if err != nil {
		return nil, fmt.Errorf("read saved plan: %w", err)
	}
	p, err := plan.Read(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("read saved plan %s: %w", c.Paths[0], err)
	}
	if len(p.Config) == 0 {
		return nil, fmt.Errorf("saved plan %s names no configuration files", c.Paths[0])
	}
	desired, err := loadConfig(env, p.Config, c.DiagnosticsFormat)
	if err != nil {
		return nil, err
	}
	digest, err := configDigest(desired.Files)
	if err != nil {
		return nil, err
	}
	if digest != p.ConfigDigest {
		return nil, fmt.Errorf("refusing a stale plan: the configuration (%s) changed since the plan was made; run qsync plan again", strings.Join(p.Config, ", "))
	}
	client, err := g.client(env)
	if err != nil {
		return nil, err
	}
	liveDoc, err := readLive(ctx, client)
	if err != nil {
		return nil, err
	}
	if stale := staleObjects(p, liveDoc); len(stale) > 0 {
		return nil, fmt.Errorf("refusing a stale plan: Qualys changed since the plan was made:\n  %s\nrun qsync plan again", strings.Join(stale, "\n  "))
	}
	// Steps are executed as written: make sure they are the ones qsync plans from this
	// configuration and this Qualys state, so an edited file cannot delete or change what the plan
	// does not own or list, nor send another secret.
	if err := plan.Verify(p, desired, liveDoc, planOptions(env, desired, PlanFlags{}, 0)); err != nil {
		return nil, fmt.Errorf("refusing the saved plan %s: %w; run qsync plan again", c.Paths[0], err)
	}
	return &planRun{client: client, desired: desired, live: liveDoc, plan: p}, nil
}

// staleObjects lists the objects a saved plan touches that changed in Qualys since: a touched object
// that changed or vanished, or an object to create that now exists.
func staleObjects(p *plan.Plan, liveDoc *spec.Document) []string {
	byKey := map[string]*spec.Object{}
	for _, o := range liveDoc.Objects {
		byKey[o.Key().String()] = o
	}
	var stale []string
	for key, digest := range p.LiveDigests {
		o := byKey[key]
		switch {
		case o == nil:
			stale = append(stale, key+": no longer exists")
		case plan.ObjectDigest(o) != digest:
			stale = append(stale, key+": was changed")
		}
	}
	for _, ch := range p.Changes {
		if ch.Action == plan.ActionCreate && byKey[ch.Key.String()] != nil {
			stale = append(stale, ch.Key.String()+": now exists")
		}
	}
	sort.Strings(stale)
	return stale
}

// errRefused reports changes a guard refused (protect: true): Qualys does not match the
// configuration, though nothing failed.
func errRefused(n int) error {
	return &exitErr{code: exitError, err: fmt.Errorf("%d change(s) were refused because the objects are protected (protect: true); see the plan", n)}
}
