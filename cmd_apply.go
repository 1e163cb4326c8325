package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/qsync/qsync/internal/apply"
	"github.com/qsync/qsync/internal/pipeline"
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/planfile"
	"github.com/qsync/qsync/internal/term"
)

// ApplyCmd changes Qualys to match the configuration or a saved plan.
type ApplyCmd struct {
	PlanFlags
	Paths       []string `arg:"" name:"path" help:"YAML files or directories of them, or one saved plan file from 'qsync plan --out'."`
	AutoApprove bool     `name:"auto-approve" help:"Apply without asking for confirmation (required when not on a terminal, e.g. in CI)."`
	Format      string   `enum:"text,json" default:"text" help:"Output: text, or json (a machine-readable result on stdout, progress on stderr; fields in docs/apply.md)."`
	Check       bool     `help:"Only check that the saved plan would apply (configuration, live objects, re-plan): no write is sent; exit 0 if it would, 1 with the reason."`
}

// Run applies and verifies.
func (c *ApplyCmd) Run(ctx context.Context, g *Globals, env *Env) error {
	out := env.Stdout
	if c.Format == "json" {
		out = env.Stderr // keep stdout for the JSON result (apply.Report)
	}
	pl := c.pipeline(env)
	var r *pipeline.Run
	var err error
	if saved := len(c.Paths) == 1 && planfile.IsPlanFile(c.Paths[0]); c.Check || saved {
		if r, err = c.loadSaved(ctx, g, env, pl, saved); err != nil || c.Check {
			return err
		}
		fmt.Fprintln(out, pipeline.ApplyingSaved(c.Paths[0], r.Plan))
	} else {
		if r, err = runPlan(ctx, g, env, c.Paths, c.PlanFlags); err != nil {
			return err
		}
		if err := c.refuseUnattended(env, r.Plan); err != nil {
			return err
		}
		if err := renderPlan(g, env, out, r.Plan, "text"); err != nil {
			return err
		}
		if n := r.Plan.Policy.Errors(); n > 0 {
			return policyFailure(n)
		}
		if !r.Plan.Empty() {
			if err := c.confirm(env, out); err != nil {
				return err
			}
		}
	}
	if r.Plan.Empty() {
		fmt.Fprintln(out, pipeline.NoChanges(r.Plan))
		if len(r.Plan.Refused) > 0 {
			if err := c.report(env, &apply.Result{}, r, true, r.Plan, pipeline.Outside{}); err != nil {
				return err
			}
			return errRefused(len(r.Plan.Refused))
		}
		o := pl.Outside(r)
		if r.Plan.Scoped() {
			fmt.Fprintln(out, pipeline.Converged(r.Plan, o, r.Plan))
		}
		return c.report(env, &apply.Result{}, r, true, nil, o)
	}

	// Ctrl-C stops the run after the call in flight; a second Ctrl-C ends qsync at once.
	stopWatch := context.AfterFunc(ctx, func() {
		signal.Reset(os.Interrupt, syscall.SIGTERM)
		fmt.Fprintln(env.Stderr, "\nqsync: interrupted; finishing the call in flight, then stopping (Ctrl-C again to quit at once, leaving a call in flight with an unknown outcome)")
	})
	defer stopWatch()

	var progress apply.Progress = apply.LineProgress{W: out}
	if term.IsTerminal(out) {
		progress = apply.BarProgress{W: out, Columns: func() int { return term.Width(out) }}
	}
	waitedBefore := r.Client.Stats().Waited
	res, err := pl.Apply(ctx, r, progress)
	if err != nil {
		return err
	}
	apply.WriteSummary(out, res, r.Plan)
	if waited := r.Client.Stats().Waited - waitedBefore; waited > 0 {
		fmt.Fprintf(out, "Waited %s in total for Qualys rate and concurrency limits and retries.\n", waited.Round(time.Second))
	}

	if res.Interrupted {
		// Stopped on request: no re-reading and re-planning the whole estate now.
		fmt.Fprintln(out, "\nNot verified (interrupted): run qsync plan to see what remains, or qsync apply again to finish.")
		if err := c.report(env, res, r, false, nil, pipeline.Outside{}); err != nil {
			return err
		}
		return &exitErr{code: exitPartial, err: fmt.Errorf("apply was interrupted (%s); run it again to finish: the next plan is the rest of the job", res.Counts())}
	}

	// Verify by planning again, whatever happened: the next plan is the rest of the job.
	fmt.Fprintln(out, "\nVerifying: re-reading Qualys and planning again.")
	var remaining *plan.Plan
	var outside pipeline.Outside
	var checked *plan.Plan
	v, verr := pl.VerifyScope(ctx, r)
	if verr == nil {
		remaining, outside, checked = v.Remaining, v.Outside, v.Checked
	}
	switch {
	case verr != nil:
		fmt.Fprintf(env.Stderr, "qsync: could not verify the result: %v\n", verr)
	case remaining == nil:
		for _, n := range checked.UncheckedNotes() { // what "Converged" below cannot vouch for
			fmt.Fprintf(out, "Note: %s\n", n)
		}
		fmt.Fprintln(out, pipeline.Converged(r.Plan, outside, checked))
	default:
		fmt.Fprintln(out, "Not converged: Qualys still differs from the configuration; this is what the next apply would do:")
		if err := renderPlan(g, env, out, remaining, "text"); err != nil {
			return err
		}
	}
	if err := c.report(env, res, r, verr == nil, remaining, outside); err != nil {
		return err
	}
	switch {
	case !res.OK():
		return &exitErr{code: exitPartial, err: fmt.Errorf("apply finished partially (%s); run it again to finish: the next plan is the rest of the job", res.Counts())}
	case verr != nil:
		return &exitErr{code: exitError, err: verr}
	case remaining != nil && len(remaining.Steps) == 0 && len(remaining.Refused) > 0:
		return errRefused(len(remaining.Refused))
	case remaining != nil:
		return &exitErr{code: exitError, err: errors.New("every step was applied but Qualys does not match the configuration")}
	}
	return nil
}

// report writes the JSON result with --format json.
func (c *ApplyCmd) report(env *Env, res *apply.Result, r *pipeline.Run, verified bool, remaining *plan.Plan, o pipeline.Outside) error {
	if c.Format != "json" {
		return nil
	}
	return apply.WriteScopedReport(env.Stdout, res, r.Plan, verified, remaining, apply.ScopeResult{LeftOut: o.Changes, Unchecked: o.Unchecked})
}

// refuseUnattended refuses a plan with changes when nobody can confirm it (no terminal, no
// --auto-approve), before printing the plan: a CI log then shows the refusal and the counts, not
// a long plan that nothing will apply.
func (c *ApplyCmd) refuseUnattended(env *Env, p *plan.Plan) error {
	if c.AutoApprove || p.Empty() || env.Stdin != nil && term.IsTerminal(env.Stdin) {
		return nil
	}
	cr, up, del, rep := p.Summary()
	return fmt.Errorf("refusing to apply without confirmation: not on a terminal; pass --auto-approve (e.g. in CI). Nothing was sent; the plan (%d to create, %d to update, %d to delete, %d to replace) is what qsync plan shows", cr, up, del, rep)
}

// confirm asks on a terminal; without one it refuses unless --auto-approve was given.
func (c *ApplyCmd) confirm(env *Env, out io.Writer) error {
	if c.AutoApprove {
		return nil
	}
	switch yes, tty := term.AskYes(env.Stdin, out, "\nApply these changes to Qualys? Only 'yes' will be accepted: "); {
	case !tty:
		return errors.New("refusing to apply without confirmation: not on a terminal; pass --auto-approve (e.g. in CI)")
	case !yes:
		return &exitErr{code: exitError, err: errors.New("apply cancelled; nothing was changed")}
	}
	return nil
}

// loadSaved opens the saved plan and its configuration, then connects to Qualys and checks the
// plan against it (refusing a stale or edited plan).
func (c *ApplyCmd) loadSaved(ctx context.Context, g *Globals, env *Env, pl *pipeline.Pipeline, saved bool) (*pipeline.Run, error) {
	if !saved || len(c.Targets) > 0 {
		return nil, errors.New("--check takes one saved plan file, and --only does not apply to one (it records its own scope)")
	}
	p, desired, err := pl.OpenPlanFile(c.Paths[0], c.flags())
	if err != nil {
		return nil, err
	}
	env.learnSecrets(desired)
	if err := c.checkSavedPolicy(pl, p); err != nil {
		return nil, err
	}
	client, err := g.client(env)
	if err != nil {
		return nil, err
	}
	r, err := pl.CheckPlanFile(ctx, client, c.Paths[0], p, desired)
	if err == nil && c.Check {
		fmt.Fprintln(env.Stdout, pipeline.CheckPassed(c.Paths[0], r.Plan))
	}
	return r, err
}

// errRefused reports changes a guard refused (protect: true, a replacement without consent):
// Qualys does not match the configuration, though nothing failed.
func errRefused(n int) error {
	return &exitErr{code: exitError, err: fmt.Errorf("%d change(s) were refused (protect: true, or a replacement without allow_replace); see the plan", n)}
}
