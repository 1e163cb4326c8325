package main

import (
	"context"
	"io"

	"github.com/qsync/qsync/internal/pipeline"
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/render"
)

// PlanFlags are the planning choices shared by plan and apply.
type PlanFlags struct {
	PolicyFlags
	Adopt        bool     `help:"Take over every live object whose title matches the configuration (writes the ownership marker)."`
	AllowDeletes bool     `name:"allow-deletes" help:"Allow a plan that deletes more than 30% of the managed objects of a kind."`
	PushSecrets  bool     `name:"push-secrets" help:"Send every secret, even when it cannot be known to have changed."`
	Targets      []string `name:"only" aliases:"target" sep:"none" placeholder:"KIND/TITLE-GLOB" help:"Plan and change only the matching objects (repeatable, path.Match globs: quote them; emergencies: docs/apply.md). A saved plan records them."`
	SecretsOnly  bool     `name:"secrets-only" help:"Plan and change only objects whose sole changes are secrets (rotation, in the protected job: docs/secrets.md)."`
	NoSecrets    bool     `name:"without-secrets" help:"Plan without the secrets' values (a pull request job): secret drift is not checked, even with QSYNC_SECRET_KEY (docs/secrets.md)."`
	AllowReplace bool     `name:"allow-replace" help:"Allow replacements (delete, then create with a new ID) of objects whose unchangeable fields change (also allow_replace: true per object)."`
	// DiagnosticsFormat prints the problems of the configuration and of the plan (one type, one
	// printer) on stderr.
	DiagnosticsFormat string `name:"diagnostics-format" enum:"text,json,github" default:"text" help:"How problems of the configuration and the plan are printed on stderr: text (file:line:col: path: message), json, or github (workflow annotations)."`
}

// flags are the choices that change what a plan does.
func (f PlanFlags) flags() plan.Flags {
	return plan.Flags{Adopt: f.Adopt, AllowDeletes: f.AllowDeletes, PushSecrets: f.PushSecrets, AllowReplace: f.AllowReplace, Targets: f.Targets,
		SecretsUnchecked: f.NoSecrets, SecretsOnly: f.SecretsOnly}
}

// pipeline is the pipeline in the process's environment, printing diagnostics on stderr.
func (f PlanFlags) pipeline(env *Env) *pipeline.Pipeline {
	return &pipeline.Pipeline{Getenv: env.Getenv, Stderr: env.Stderr, DiagnosticsFormat: f.DiagnosticsFormat, Resolve: env.resolve}
}

// runPlan loads the configuration, connects to Qualys, reads it and builds the plan.
func runPlan(ctx context.Context, g *Globals, env *Env, paths []string, f PlanFlags) (*pipeline.Run, error) {
	pl := f.pipeline(env)
	desired, err := pl.Load(paths...)
	if err != nil {
		return nil, err
	}
	env.learnSecrets(desired)
	set, err := pl.LoadPolicy(f.Policy...)
	if err != nil {
		return nil, err
	}
	c, err := g.client(env)
	if err != nil {
		return nil, err
	}
	var r *pipeline.Run
	if f.SecretsOnly {
		r, err = pl.PlanSecretsOnly(ctx, c, desired, f.flags())
	} else {
		r, err = pl.Plan(ctx, c, desired, f.flags())
	}
	if err != nil {
		return nil, err
	}
	return r, pl.CheckPolicy(r, set)
}

// renderPlan writes a plan in the chosen format.
func renderPlan(g *Globals, env *Env, w io.Writer, p *plan.Plan, format string) error {
	return render.Plan(w, p, format, render.Options{Color: format == "text" && g.color(env, w)})
}
