package main

import (
	"context"
	"fmt"

	"github.com/qsync/qsync/internal/planfile"
)

// PlanCmd shows what apply would change.
type PlanCmd struct {
	PlanFlags
	Paths            []string `arg:"" name:"path" help:"YAML files or directories of them."`
	Format           string   `enum:"text,markdown,json" default:"text" help:"Output: text, markdown (for a pull request comment) or json."`
	Out              string   `type:"path" placeholder:"FILE" help:"Save the plan to FILE for 'qsync apply FILE' (also -out)."`
	DetailedExitcode bool     `name:"detailed-exitcode" help:"Exit 2 when there are changes, 0 when there are none."`
}

// Run plans and prints the plan.
func (c *PlanCmd) Run(ctx context.Context, g *Globals, env *Env) (err error) {
	if c.Format == "markdown" { // a failed run writes a failure block (plan_failure.go)
		var finish func(error) error
		env, finish = markdownFailure(env)
		defer func() { err = finish(err) }()
	}
	r, err := runPlan(ctx, g, env, c.Paths, c.PlanFlags)
	if err != nil {
		return err
	}
	if err := renderPlan(g, env, env.Stdout, r.Plan, c.Format); err != nil {
		return err
	}
	if c.Out != "" {
		if err := planfile.WriteFile(c.Out, r.Plan); err != nil {
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
