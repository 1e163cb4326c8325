package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/qsync/qsync/internal/ci"
	"github.com/qsync/qsync/internal/prcomment"
	qversion "github.com/qsync/qsync/internal/version"
)

// CICmd groups what the GitHub Action and the GitLab component run besides plan and apply.
type CICmd struct {
	Stamp     CIStampCmd     `cmd:"" help:"Record, next to a saved plan, the pull or merge request and head commit it was made for (qsync-plan.meta.json), for fetch-plan to verify."`
	FetchPlan CIFetchPlanCmd `cmd:"" name:"fetch-plan" help:"Download the plan reviewed in the pull or merge request this run belongs to (merge queue, merge train, or the merge commit's push), verified against the request's head commit."`
	Drift     CIDriftCmd     `cmd:"" help:"Open, update or close this configuration's one drift issue from the exit code and markdown of 'qsync plan --detailed-exitcode --format markdown'."`
}

func ciEnv(env *Env) ci.Env {
	return ci.Env{Getenv: env.Getenv, UserAgent: "qsync/" + qversion.Current(version).String()}
}

// CIStampCmd writes ci.MetaFile next to a saved plan.
type CIStampCmd struct {
	Plan   string `arg:"" name:"plan" type:"existingfile" help:"The saved plan (qsync plan --out FILE)."`
	Config string `env:"QSYNC_CONFIG" default:"." placeholder:"PATH" help:"The configuration path the plan was made from."`
}

// Run stamps the plan.
func (c *CIStampCmd) Run(env *Env) error {
	m, err := ci.Stamp(ciEnv(env), c.Config, c.Plan)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "qsync: stamped %s: %s request %d, head commit %s, configuration %s\n", c.Plan, m.Platform, m.Request, m.HeadSHA, m.Config)
	return nil
}

// CIFetchPlanCmd downloads the reviewed plan.
type CIFetchPlanCmd struct {
	Artifact string `default:"qsync-plan" placeholder:"NAME" help:"GitHub: the name of the plan artifact; GitLab: the name of the plan job."`
	Config   string `env:"QSYNC_CONFIG" default:"." placeholder:"PATH" help:"The configuration path the plan must have been made from."`
	Number   int    `placeholder:"N" help:"Pull or merge request number (default: the one of the run's event, merge queue group or merge train, else the one the commit was merged from)."`
	Dir      string `default:"." placeholder:"DIR" help:"Directory to write plan.json (and plan.md) to."`
}

// Run fetches the plan.
func (c *CIFetchPlanCmd) Run(ctx context.Context, env *Env) error {
	f, err := ci.Detect(ciEnv(env))
	if err != nil {
		return fmt.Errorf("fetch-plan: %w", err)
	}
	got, err := ci.FetchPlan(ctx, f, ci.FetchOptions{Artifact: c.Artifact, Config: c.Config, Number: c.Number, Dir: c.Dir})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "qsync: fetched the plan reviewed in %s at its head commit %s (%s): %s\n",
		got.Request.Noun, got.Request.HeadSHA, got.Where, strings.Join(got.Files, ", "))
	return nil
}

// CIDriftCmd keeps the drift issue.
type CIDriftCmd struct {
	Plan     string `arg:"" name:"plan" help:"The markdown plan of the drift check (qsync plan --detailed-exitcode --format markdown)."`
	ExitCode int    `name:"exit-code" required:"" placeholder:"N" help:"The exit code of that plan: 0 no drift (closes the issue), 2 drift (opens or updates it); any other fails without touching the issue."`
	Config   string `env:"QSYNC_CONFIG" default:"." placeholder:"PATH" help:"The configuration path: each configuration has its own issue."`
	Owner    string `env:"QSYNC_OWNER" placeholder:"NAME" help:"The configuration's owner (default: the owner: line of its YAML)."`
	Label    string `default:"qsync-drift" placeholder:"LABEL" help:"The label of drift issues."`
}

// Run updates the issue, and exits with 2 when there is drift, so the scheduled job fails.
func (c *CIDriftCmd) Run(ctx context.Context, env *Env) error {
	owner, err := configOwner(c.Owner, c.Config)
	if err != nil {
		return err
	}
	var plan []byte
	if c.ExitCode == exitOK || c.ExitCode == exitChanges {
		b, err := os.ReadFile(c.Plan)
		if err != nil {
			return fmt.Errorf("drift: %w", err)
		}
		plan = b
	}
	f, err := ci.Detect(ciEnv(env))
	if err != nil {
		return fmt.Errorf("drift: %w", err)
	}
	pc := prcomment.CI{Getenv: env.Getenv}
	out, err := ci.Drift(ctx, f, ci.DriftOptions{PlanExit: c.ExitCode, Plan: string(plan), Owner: owner, Config: c.Config,
		Label: c.Label, Commit: pc.Commit(), RunURL: pc.RunURL()})
	if err != nil {
		return err
	}
	switch out.Action {
	case "none":
		fmt.Fprintln(env.Stderr, "qsync: no drift: Qualys matches the configuration")
	case "closed":
		fmt.Fprintf(env.Stderr, "qsync: no drift any more: closed drift issue %d %s\n", out.Issue.Number, out.Issue.URL)
	default:
		fmt.Fprintf(env.Stderr, "qsync: Qualys differs from the configuration: drift issue %d %s (%s)\n", out.Issue.Number, out.Issue.URL, out.Action)
		return &exitErr{code: exitChanges}
	}
	return nil
}
