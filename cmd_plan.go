package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/qsync/qsync/internal/planfile"
	"github.com/qsync/qsync/internal/prcomment"
)

// PlanCmd shows what apply would change.
type PlanCmd struct {
	PlanFlags
	Paths            []string `arg:"" name:"path" help:"YAML files or directories of them."`
	Format           string   `enum:"text,markdown,json" default:"text" help:"Output: text, markdown (for a pull request comment) or json."`
	Out              string   `type:"path" placeholder:"FILE" help:"Save the plan to FILE for 'qsync apply FILE' (also -out)."`
	DetailedExitcode bool     `name:"detailed-exitcode" help:"Exit 2 when there are changes, 0 when there are none."`
	Base             string   `placeholder:"REF" help:"Also read the configuration as of git revision REF (e.g. the pull request's merge base) and label each change: this change, drift (changed in Qualys outside qsync) or both (docs/policy.md)."`
}

// Run plans and prints the plan.
func (c *PlanCmd) Run(ctx context.Context, g *Globals, env *Env) (err error) {
	if c.Format == "markdown" { // a failed run writes a failure block (markdownFailure)
		var finish func(error) error
		env, finish = markdownFailure(env)
		defer func() {
			if !errors.Is(err, errPolicy) { // the plan shows its violations
				err = finish(err)
			}
		}()
	}
	r, err := runPlan(ctx, g, env, c.Paths, c.PlanFlags)
	if err != nil {
		return err
	}
	if c.Base != "" {
		if err := attribute(ctx, c.pipeline(env), r, c.Base, c.Paths); err != nil {
			return err
		}
	}
	if err := renderPlan(g, env, env.Stdout, r.Plan, c.Format); err != nil {
		return err
	}
	if n := r.Plan.Policy.Errors(); n > 0 {
		return policyFailure(n) // not saved: apply would refuse it
	}
	if c.Out != "" {
		if err := planfile.WriteFileRedacted(c.Out, r.Plan, env.redactBytes); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "Saved the plan to %s. Apply exactly these changes with: qsync apply %s\n", c.Out, c.Out)
	}
	// A refused change (protect: true) also means Qualys does not match the configuration.
	if c.DetailedExitcode && (!r.Plan.Empty() || len(r.Plan.Refused) > 0) {
		return &exitErr{code: exitChanges}
	}
	return nil
}

// markdownFailure is for "plan --format markdown": it returns an Env whose stderr is also
// recorded, and a finish function that, when the command fails, writes the failure block to
// stdout (prcomment.FailureLog) and returns the error unchanged, so the exit code stays 1.
func markdownFailure(env *Env) (*Env, func(error) error) {
	rec := prcomment.NewFailureLog(256 << 10)
	teed := *env
	teed.Trace = env.traceWriter() // the debug trace is not recorded: a PR never sees it
	teed.Stderr = rec.Tee(env.Stderr)
	return &teed, func(err error) error {
		var ee *exitErr
		if err == nil || errors.As(err, &ee) && ee.code != exitError {
			return err
		}
		if werr := rec.Render(env.Stdout, "qsync plan", err, prcomment.CI{Getenv: env.Getenv}); werr != nil {
			return errors.Join(err, fmt.Errorf("write the failure block: %w", werr))
		}
		return err
	}
}
