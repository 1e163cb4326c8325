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
	"sort"
	"strings"

	"github.com/qsync/qsync/internal/apply"
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// ApplyCmd changes Qualys to match the configuration or a saved plan.
type ApplyCmd struct {
	PlanFlags
	Paths       []string `arg:"" name:"path" help:"YAML files or directories of them, or one saved plan file from 'qsync plan --out'."`
	AutoApprove bool     `name:"auto-approve" help:"Apply without asking for confirmation (required when not on a terminal, e.g. in CI)."`
	Format      string   `enum:"text,json" default:"text" help:"Output: text, or json (a machine-readable result on stdout)."`
}

// applyReport is the JSON output of apply --format json.
type applyReport struct {
	Result    *apply.Result `json:"result"`
	Converged bool          `json:"converged"`
	Remaining *plan.Plan    `json:"remaining,omitempty"`
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
		fmt.Fprintf(out, "Applying the saved plan %s (%d step(s)).\n", c.Paths[0], len(r.plan.Steps))
	} else {
		r, err = runPlan(ctx, g, env, c.Paths, c.PlanFlags)
		if err != nil {
			return err
		}
		if err := renderPlan(g, env, out, r.plan, "text"); err != nil {
			return err
		}
		if r.plan.Empty() {
			return c.report(env, &apply.Result{}, nil)
		}
		if err := c.confirm(env, out); err != nil {
			return err
		}
	}
	if r.plan.Empty() {
		fmt.Fprintln(out, "No changes to apply.")
		return c.report(env, &apply.Result{}, nil)
	}
	res, err := apply.Run(ctx, r.client, r.plan, apply.Options{Resolve: spec.Resolve, Progress: out})
	if err != nil {
		return err
	}
	// Verify by planning again, whatever happened: the next plan is the rest of the job.
	verify, verr := replan(context.WithoutCancel(ctx), r.client, env, r.desired, c.PlanFlags)
	if verr != nil {
		fmt.Fprintf(env.Stderr, "qsync: could not verify the result: %v\n", verr)
	}
	var remaining *plan.Plan
	if verify != nil && !verify.plan.Empty() {
		remaining = verify.plan
	}
	summary := fmt.Sprintf("Apply: %d applied, %d failed, %d not attempted.", res.Applied, res.Failed, res.Pending)
	switch {
	case verify != nil && remaining == nil:
		fmt.Fprintln(out, summary, "Converged: Qualys matches the configuration.")
	case remaining != nil:
		fmt.Fprintln(out, summary, "Qualys still differs from the configuration:")
		if err := renderPlan(g, env, out, remaining, "text"); err != nil {
			return err
		}
	default:
		fmt.Fprintln(out, summary)
	}
	if err := c.report(env, res, remaining); err != nil {
		return err
	}
	if !res.OK() {
		return &exitErr{code: exitPartial, err: errors.New("apply finished partially; run it again to finish (the next plan is the rest of the job)")}
	}
	if verr != nil {
		return &exitErr{code: exitError, err: verr}
	}
	if remaining != nil {
		return &exitErr{code: exitError, err: errors.New("every step was applied but Qualys does not match the configuration")}
	}
	return nil
}

func (c *ApplyCmd) report(env *Env, res *apply.Result, remaining *plan.Plan) error {
	if c.Format != "json" {
		return nil
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(applyReport{Result: res, Converged: remaining == nil && res.OK(), Remaining: remaining})
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
	desired, err := loadConfig(env, p.Config)
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
	liveDoc, err := readLive(ctx, client, desired)
	if err != nil {
		return nil, err
	}
	if stale := staleObjects(p, liveDoc); len(stale) > 0 {
		return nil, fmt.Errorf("refusing a stale plan: Qualys changed since the plan was made:\n  %s\nrun qsync plan again", strings.Join(stale, "\n  "))
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
