package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/qsync/qsync/internal/live"
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// PlanFlags are the planning choices shared by plan and apply.
type PlanFlags struct {
	Adopt        bool `help:"Take over every live object whose title matches the configuration (writes the ownership marker)."`
	AllowDeletes bool `name:"allow-deletes" help:"Allow a plan that deletes more than 30% of the managed objects of a kind."`
	PushSecrets  bool `name:"push-secrets" help:"Send every secret, even when it cannot be known to have changed."`
	// DiagnosticsFormat prints the problems of the configuration and of the plan (one type, one
	// printer) on stderr.
	DiagnosticsFormat string `name:"diagnostics-format" enum:"text,json,github" default:"text" help:"How problems of the configuration and the plan are printed on stderr: text (file:line:col: path: message), json, or github (workflow annotations)."`
}

// planRun is one pass of load → read live → build.
type planRun struct {
	client  *qualysclient.Client
	desired *spec.Document
	live    *spec.Document
	plan    *plan.Plan
}

// loadConfig loads and validates the configuration, printing diagnostics to stderr.
func loadConfig(env *Env, paths []string, format string) (*spec.Document, error) {
	doc, diags := spec.LoadWithOptions(spec.Options{AllowUndeclaredVaults: true}, paths...)
	if len(diags) > 0 {
		_ = diags.Write(env.Stderr, format)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("configuration has %d problem(s); nothing was sent to Qualys", diags.ErrorCount())
	}
	return doc, nil
}

// readLive reads the live estate. Every vault is viewed, not only those the configuration names:
// the vault list output carries no comments, so without a view qsync could not see the ownership
// marker of a managed vault that was removed from the configuration, and would never delete it.
// Vaults are few, so this costs a handful of calls on the vault API's own rate budget.
func readLive(ctx context.Context, c live.Reader) (*spec.Document, error) {
	doc, err := live.Read(ctx, c, live.Options{ViewAll: true})
	if err != nil {
		return nil, fmt.Errorf("read live Qualys state: %w", err)
	}
	return doc, nil
}

// planOptions builds plan options from flags and the environment.
func planOptions(env *Env, desired *spec.Document, f PlanFlags, rateRemaining int) plan.Options {
	var key []byte
	if k := env.Getenv("QSYNC_SECRET_KEY"); k != "" {
		key = []byte(k)
	}
	return plan.Options{
		Owner:         desired.Owner,
		Adopt:         f.Adopt,
		PushSecrets:   f.PushSecrets,
		SecretKey:     key,
		AllowDeletes:  f.AllowDeletes,
		RateRemaining: rateRemaining,
		Resolve: func(o *spec.Object, param string) (string, error) {
			ref, ok := o.Secrets[param]
			if !ok {
				return "", fmt.Errorf("%s has no secret %s", o.Key(), param)
			}
			return spec.Resolve(ref) // plan names the object, the parameter and the position
		},
	}
}

// runPlan loads the configuration, reads Qualys and builds the plan.
func runPlan(ctx context.Context, g *Globals, env *Env, paths []string, f PlanFlags) (*planRun, error) {
	desired, err := loadConfig(env, paths, f.DiagnosticsFormat)
	if err != nil {
		return nil, err
	}
	c, err := g.client(env)
	if err != nil {
		return nil, err
	}
	return replan(ctx, c, env, desired, f)
}

// replan reads Qualys and builds a plan for an already loaded configuration.
func replan(ctx context.Context, c *qualysclient.Client, env *Env, desired *spec.Document, f PlanFlags) (*planRun, error) {
	liveDoc, err := readLive(ctx, c)
	if err != nil {
		return nil, err
	}
	st := c.Stats()
	p, err := plan.Build(desired, liveDoc, planOptions(env, desired, f, st.RateRemaining))
	var diags spec.Diagnostics
	if errors.As(err, &diags) {
		_ = diags.Write(env.Stderr, f.DiagnosticsFormat)
		return nil, fmt.Errorf("the plan has %d problem(s); nothing was sent to Qualys", diags.ErrorCount())
	}
	if err != nil {
		return nil, err
	}
	p.Config = desired.Files
	p.Flags = plan.Flags{Adopt: f.Adopt, AllowDeletes: f.AllowDeletes, PushSecrets: f.PushSecrets}
	if p.ConfigDigest, err = configDigest(desired.Files); err != nil {
		return nil, err
	}
	return &planRun{client: c, desired: desired, live: liveDoc, plan: p}, nil
}

// configDigest hashes the configuration files' names and contents, in sorted order.
func configDigest(files []string) (string, error) {
	sorted := append([]string(nil), files...)
	sort.Strings(sorted)
	h := sha256.New()
	for _, f := range sorted {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("config digest: %w", err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", f, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// renderPlan writes a plan in the chosen format.
func renderPlan(g *Globals, env *Env, w io.Writer, p *plan.Plan, format string) error {
	return plan.Render(w, p, format, plan.RenderOptions{Color: format == "text" && g.color(env, w)})
}
