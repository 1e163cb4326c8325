package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/qsync/qsync/internal/attribution"
	"github.com/qsync/qsync/internal/pipeline"
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/planfile"
	"github.com/qsync/qsync/internal/policy"
	"github.com/qsync/qsync/internal/spec"
)

// PolicyFlags select the policy a configuration and its plans are checked against (docs/policy.md).
type PolicyFlags struct {
	Policy []string `name:"policy" env:"QSYNC_POLICY" placeholder:"PATH" help:"Check against a policy: a policy file, a directory of them, or builtin:NAME (repeatable; QSYNC_POLICY takes a comma-separated list). Error-severity violations fail plan and apply (docs/policy.md)."`
}

// errPolicy marks the failure of a plan that violates its policy: the plan was written with its
// violations, so a markdown plan needs no failure block.
var errPolicy = errors.New("the plan breaks its policy")

// policyFailure returns the error of a plan whose policy checks found n errors.
func policyFailure(n int) error {
	return &exitErr{code: exitError, err: fmt.Errorf("%w: %d violation(s) of error severity (listed with the plan)", errPolicy, n)}
}

// checkSavedPolicy refuses a saved plan made under another policy than the one given now.
func (f PolicyFlags) checkSavedPolicy(pl *pipeline.Pipeline, p *plan.Plan) error {
	set, err := pl.LoadPolicy(f.Policy...)
	if err != nil {
		return err
	}
	digest, sources := "", []string(nil)
	if set != nil {
		digest, sources = set.Digest, set.Sources
	}
	return planfile.CheckPolicy(p, digest, sources)
}

// validatePolicy checks a configuration that loaded without errors against the policy in paths
// (qsync validate: object rules only, with no plan), returning the policy's own problems or the
// violations as diagnostics.
func validatePolicy(doc *spec.Document, loaded spec.Diagnostics, paths []string) spec.Diagnostics {
	set, diags := policy.Load(paths...)
	if diags.HasErrors() || loaded.HasErrors() || set == nil {
		return diags
	}
	vs, err := set.Check(policy.Input{Desired: doc})
	if err != nil {
		return append(diags, spec.Diagnostic{Message: err.Error()})
	}
	for _, v := range vs {
		diags = append(diags, v.Diagnostic())
	}
	return diags
}

// attribute labels the run's changes against the configuration at git revision base
// (plan --base).
func attribute(ctx context.Context, pl *pipeline.Pipeline, r *pipeline.Run, base string, paths []string) error {
	b, err := attribution.LoadBase(ctx, base, paths, r.Desired.Files)
	if err != nil {
		return err
	}
	attribution.Attribute(r.Plan, b, r.Live, pl.Options(r.Desired, r.Plan.Flags, 0))
	return nil
}

// PolicyCmd groups the policy commands.
type PolicyCmd struct {
	Test PolicyTestCmd `cmd:"" help:"Run policy fixtures: each subdirectory of DIR holds a configuration (config/ or config.yaml), optionally a live estate (live.yaml) and the expected violations (expect.yaml)."`
}

// PolicyTestCmd runs policy fixtures offline, like conftest verify.
type PolicyTestCmd struct {
	PolicyFlags
	Dir string `arg:"" name:"dir" type:"existingdir" help:"Directory of fixture cases, one subdirectory each."`
}

// Run runs every case and prints one line per case; it fails when any case does.
func (c *PolicyTestCmd) Run(env *Env) error {
	if len(c.Policy) == 0 {
		return errors.New("policy test: no policy: pass --policy PATH (or set QSYNC_POLICY)")
	}
	set, diags := policy.Load(c.Policy...)
	if len(diags) > 0 {
		if err := diags.Write(env.Stderr, "text"); err != nil {
			return err
		}
	}
	if diags.HasErrors() {
		return fmt.Errorf("policy has %d problem(s)", diags.ErrorCount())
	}
	results, err := policy.TestFixtures(set, c.Dir)
	if err != nil {
		return err
	}
	if !policy.WriteResults(env.Stdout, results) {
		return &exitErr{code: exitError}
	}
	return nil
}
