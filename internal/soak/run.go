package soak

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/qsync/qsync/internal/apply"
	"github.com/qsync/qsync/internal/bench"
	"github.com/qsync/qsync/internal/pipeline"
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/render"
	"github.com/qsync/qsync/internal/planfile"
	"github.com/qsync/qsync/internal/prcomment"
	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/redact"
	"github.com/qsync/qsync/internal/spec"
)

// Options configure a soak run.
type Options struct {
	// Seed makes the run: the estate, the transitions and the faults.
	Seed uint64
	// Count is the number of transitions.
	Count int
	// Classes are the transition classes to draw from (nil: every class).
	Classes []Class
	// FaultRate is the share of transitions whose first apply gets a fault (0: none).
	FaultRate float64
	// Dir holds the configuration, plan and result files (a temporary directory).
	Dir string
	// Log, when set, receives one line per transition.
	Log io.Writer
}

// Report is what a run did and found.
type Report struct {
	Seed uint64
	// Transitions counts the transitions run, per class; Refused those whose configuration qsync
	// refused to plan (not a violation: RefusedWhy holds the first reasons).
	Transitions map[Class]int
	Refused     map[Class]int
	RefusedWhy  []string
	// Faults counts the faults injected, by name; FaultsHit those that hit a call.
	Faults    map[string]int
	FaultsHit map[string]int
	// Violations are the invariant violations found, in order.
	Violations []Violation
}

// Violation is one invariant found broken after a transition.
type Violation struct {
	Seed       uint64
	Step       int
	Class      Class
	Invariant  int
	Transition string
	Fault      string
	Detail     string
}

func (v Violation) String() string {
	f := v.Fault
	return fmt.Sprintf("seed %d step %d [%s, %s]: invariant %d (%s) broken: %s: %s", v.Seed, v.Step, v.Class, f, v.Invariant, InvariantNames[v.Invariant], v.Transition, v.Detail)
}

// runner is one soak run's state: the emulator, the proxy in front of it and the model.
type runner struct {
	opts  Options
	r     *rand.Rand
	emu   *qualysemu.Server
	proxy *proxy
	url   string
	m     *model
	rep   *Report
	seen  map[string]bool // violations reported, by detail
}

// Run runs opts.Count transitions from opts.Seed and reports them; the error is a run that could
// not go on (the harness itself failing), never a violation.
func Run(ctx context.Context, opts Options) (*Report, error) {
	if len(opts.Classes) == 0 {
		opts.Classes = AllClasses
	}
	rn := &runner{opts: opts, r: rand.New(rand.NewPCG(opts.Seed, 0x50a4)), seen: map[string]bool{},
		rep: &Report{Seed: opts.Seed, Transitions: map[Class]int{}, Refused: map[Class]int{}, Faults: map[string]int{}, FaultsHit: map[string]int{}}}
	live, m := initial(rn.r)
	rn.m = m
	srv, err := qualysemu.New(qualysemu.Config{Username: bench.EmuUser, Password: bench.EmuPassword, RateUnlimited: true})
	if err != nil {
		return nil, err
	}
	if err := srv.LoadSeed(bytes.NewReader(live.Seed([]byte(bench.SecretKey), m.env))); err != nil {
		return nil, fmt.Errorf("seed the emulator: %w", err)
	}
	rn.emu, rn.proxy = srv, &proxy{next: srv}
	hs := httptest.NewServer(rn.proxy)
	defer hs.Close()
	rn.url = hs.URL
	for step := 1; step <= opts.Count; step++ {
		if err := ctx.Err(); err != nil {
			return rn.rep, err
		}
		if err := rn.step(ctx, step); err != nil {
			return rn.rep, fmt.Errorf("step %d: %w", step, err)
		}
	}
	return rn.rep, nil
}

// kindsPerSeed is the number of record kinds (besides classKinds) an estate starts with.
const kindsPerSeed = 12

// classKinds are the kinds some class needs a record of.
var classKinds = []spec.Kind{"unix", "windows", "ms_sql", "oracle"}

// initial returns the starting estate (ours, unmanaged and another owner's objects, one managed
// record of every kind and unix sub_type with every secret, and some random ones) and the model
// of its managed part.
func initial(r *rand.Rand) (*bench.Estate, *model) {
	m := &model{prev: map[string][]string{}, allowReplace: map[string]bool{}, env: bench.Env(Canary),
		keys: map[string][]keyItem{}, tools: map[string][]toolItem{}}
	live := &bench.Estate{}
	for i := range 2 {
		live.Vaults = append(live.Vaults, bench.GenVault(i, Owner))
	}
	hand := bench.GenVault(2, "")
	hand.Title = "hand-vault"
	live.Vaults = append(live.Vaults, hand)
	// A managed record of the kinds the classes need (unix, windows, ms_sql, oracle) and of a
	// random dozen others, each with every secret of its kind: every read lists each kind held,
	// so a smaller estate per seed makes more transitions, and the seeds of a run cover the table.
	kindShapes := bench.KindShapes()
	picked := 0
	for _, j := range r.Perm(len(kindShapes)) {
		rec := bench.GenRecord(j*bench.Shapes+kindShapes[j], Owner, live.Vaults)
		if picked >= kindsPerSeed && !slices.Contains(classKinds, rec.Kind) {
			continue
		}
		picked++
		live.Records = append(live.Records, rec)
	}
	for i := range 4 + r.IntN(6) {
		live.Records = append(live.Records, bench.GenRecord((len(kindShapes)+i)*bench.Shapes+r.IntN(bench.Shapes), Owner, live.Vaults))
	}
	for i := range 2 + r.IntN(3) {
		u := bench.GenRecord(r.IntN(bench.Shapes), "", nil)
		u.Title, u.IPs = fmt.Sprintf("hand-%d", i), bench.IPv4(13, 4*i)
		ownSecrets(m, u)
		live.Records = append(live.Records, u)
	}
	for i := range 1 + r.IntN(3) {
		u := bench.GenRecord(r.IntN(bench.Shapes), "other", nil)
		u.Title, u.IPs = fmt.Sprintf("other-%d", i), bench.IPv4(14, 4*i)
		ownSecrets(m, u)
		live.Records = append(live.Records, u)
	}
	for _, rec := range live.Records {
		if rec.Owner == Owner {
			ownSecrets(m, rec)
		}
		// A windows domain, which cannot change in place: the replace class changes it.
		_, ad := rec.Attrs["windows_ad_domain"]
		if rec.Kind == "windows" && rec.Vault == "" && !ad {
			rec.Attrs["windows_domain"] = "CORP"
		}
	}
	m.e = &bench.Estate{}
	for _, v := range live.Clone().Vaults {
		if v.Owner == Owner {
			m.e.Vaults = append(m.e.Vaults, v)
		}
	}
	for _, rec := range live.Clone().Records {
		if rec.Owner == Owner {
			m.e.Records = append(m.e.Records, rec)
		}
	}
	return live, m
}

// step runs one transition: change the model, apply it with a fault, check invariants 1-3 and 5,
// apply again without a fault and check all five.
func (rn *runner) step(ctx context.Context, step int) error {
	next := rn.m.clone()
	var t transition
	ok := false
	for range 20 {
		if t, ok = mutate(rn.r, next, pick(rn.r, rn.opts.Classes)); ok {
			break
		}
		next = rn.m.clone()
	}
	if !ok {
		return nil
	}
	dir := filepath.Join(rn.opts.Dir, fmt.Sprintf("step-%04d", step))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg, err := next.write(dir)
	if err != nil {
		return err
	}
	f := chooseFault(rn.r, rn.opts.FaultRate)
	violate := func(inv int, fault, detail string) {
		if rn.seen[detail] { // a state found wrong stays wrong: report it where it first showed
			return
		}
		rn.seen[detail] = true
		rn.rep.Violations = append(rn.rep.Violations, Violation{Seed: rn.opts.Seed, Step: step, Class: t.class, Invariant: inv, Transition: t.what, Fault: fault, Detail: detail})
	}
	fname := "no fault"
	if f != nil {
		fname = f.Name
		rn.rep.Faults[f.Name]++
	}
	fault := map[bool]string{true: " [fault " + fname + "]", false: ""}[f != nil]
	rn.rep.Transitions[t.class]++
	if rn.opts.Log != nil {
		fmt.Fprintf(rn.opts.Log, "step %d %s: %s%s\n", step, t.class, t.what, fault)
	}

	before := rn.emu.Snapshot()
	first := rn.pass(ctx, dir, cfg, next, t.flags, f)
	if first.hit {
		rn.rep.FaultsHit[fname]++
	}
	mid := rn.emu.Snapshot()
	rn.checkApply(before, mid, next, first, func(inv int, d string) { violate(inv, fname, d) })

	second := rn.pass(ctx, dir, cfg, next, plan.Flags{AllowDeletes: true}, nil)
	after := rn.emu.Snapshot()
	const again = "second apply"
	rn.checkApply(before, after, next, second, func(inv int, d string) { violate(inv, again, d) })
	switch {
	case second.refused != nil && first.refused != nil:
		rn.rep.Refused[t.class]++
		if len(rn.rep.RefusedWhy) < 20 {
			rn.rep.RefusedWhy = append(rn.rep.RefusedWhy, fmt.Sprintf("seed %d step %d %s: %s: %s", rn.opts.Seed, step, t.class, t.what, firstLine(second.refused.Error())))
		}
		return nil // the model stays as it was; Qualys may have changed, the next step converges it
	case second.refused != nil:
		violate(InvConverged, again, "the second apply was refused after the first was planned: "+firstLine(second.refused.Error()))
	case second.verifyErr != nil || second.applyErr != nil:
		violate(InvConverged, again, fmt.Sprintf("the second apply failed: %v", errors.Join(second.applyErr, second.verifyErr)))
	case second.v == nil || second.v.Remaining != nil || second.res != nil && !second.res.OK():
		violate(InvConverged, again, "the second apply did not converge: "+second.remaining)
	}
	rn.m = next
	clear(rn.m.prev) // converged: the renames are done
	return nil
}

// checkApply checks invariants 1, 2, 3 and 5 after a pass, and invariant 4's claims: a pass that
// says Qualys matches the configuration (converged, nothing left out of its scope) must be right
// by the emulator's state.
func (rn *runner) checkApply(before, after qualysemu.State, m *model, p *passResult, violate func(int, string)) {
	for _, d := range handsOff(before, after) {
		violate(InvHandsOff, d)
	}
	for _, d := range lostCredentials(before, after, m, p.res) {
		violate(InvCredentials, d)
	}
	for _, d := range secretsGone(before, after, m) {
		violate(InvSecrets, d)
	}
	for _, o := range []struct {
		what string
		text string
	}{{"a plan (before the redactor)", p.plans.String()}, {"the output (after the redactor)", string(p.redactor.Bytes(p.out.Bytes()))}} {
		i := strings.Index(o.text, Canary)
		if i < 0 {
			continue
		}
		out := o.text
		start := max(0, strings.LastIndex(out[:i], "\n== "))
		line := out[strings.LastIndex(out[:i], "\n")+1:]
		if j := strings.IndexByte(line, '\n'); j >= 0 {
			line = line[:j]
		}
		violate(InvCanary, fmt.Sprintf("the canary secret appears in %s: %s, in the line %q", o.what, firstLine(out[start:]), strings.ReplaceAll(line, Canary, "<CANARY>")))
	}
	if p.v != nil && p.v.Converged() && (p.res == nil || p.res.OK()) {
		if mm := mismatches(after, m); len(mm) > 0 {
			violate(InvConverged, fmt.Sprintf("the run says Qualys matches the configuration, but %s", strings.Join(mm, "; ")))
		}
	}
}

// passResult is what one pass of the pipeline did; out holds everything it wrote.
type passResult struct {
	out outputs
	// plans holds the rendered plans and the saved plan file, which must hold no secret value
	// even before qsync's redactor (they carry references only); out is searched after it.
	plans     outputs
	redactor  *redact.Redactor
	trace     bytes.Buffer // the client's --debug-http trace, added to out at the end
	refused   error        // the configuration, the plan or the saved plan's check was refused
	res       *apply.Result
	applyErr  error
	v         *pipeline.Verification
	verifyErr error
	remaining string // the remaining plan, as text, when the verification found one
	hit       bool   // the fault hit a call
}

// outputs collects everything a pass writes where a user, a log or a pull request could see it.
type outputs struct{ bytes.Buffer }

func (o *outputs) add(label, text string) { fmt.Fprintf(&o.Buffer, "\n== %s\n%s", label, text) }

// noWait replaces the client's waits: a soak run never sleeps.
func noWait(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// pass runs the pipeline as `qsync plan --out plan.json` then `qsync apply plan.json` (with
// --secrets-only: `qsync apply --secrets-only`), with fault f on the writes, and verifies.
func (rn *runner) pass(ctx context.Context, dir, cfg string, m *model, flags plan.Flags, f *fault) *passResult {
	p := &passResult{redactor: m.redactor()}
	pl := bench.Pipeline([]byte(bench.SecretKey), m.env)
	pl.Stderr = &p.out
	desired, err := pl.Load(cfg)
	if err != nil {
		p.refused = fmt.Errorf("%w: %s", err, firstLine(p.out.String()))
		return p
	}
	defer func() { p.out.add("debug HTTP trace", p.trace.String()) }()
	c, err := qualysclient.New(qualysclient.Config{BaseURL: rn.url, Username: bench.EmuUser, Password: bench.EmuPassword,
		Debug: &p.trace, Stderr: &p.out, Sleep: noWait})
	if err != nil {
		p.refused = err
		return p
	}
	var r *pipeline.Run
	if flags.SecretsOnly {
		r, err = pl.PlanSecretsOnly(ctx, c, desired, flags)
	} else {
		r, err = pl.Plan(ctx, c, desired, flags)
	}
	if err != nil {
		p.refused = err
		if diags := firstLine(p.out.String()); diags != "" {
			p.refused = fmt.Errorf("%w: %s", err, diags)
		}
		p.out.add("plan error", err.Error())
		return p
	}
	rn.render(p, dir, r.Plan)
	if rn.opts.Log != nil {
		fmt.Fprintf(rn.opts.Log, "  plan: %d step(s): %s\n", len(r.Plan.Steps), planText(r.Plan))
	}
	if !flags.SecretsOnly { // --secrets-only runs in the protected job, without a saved plan
		path := filepath.Join(dir, "plan.json")
		if err := planfile.WriteFile(path, r.Plan); err != nil {
			p.refused = err
			return p
		}
		saved, _ := os.ReadFile(path)
		p.out.add("saved plan", string(saved))
		p.plans.add("saved plan", string(saved))
		sp, d, err := pl.OpenPlanFile(path, plan.Flags{})
		if err == nil {
			r, err = pl.CheckPlanFile(ctx, c, path, sp, d)
		}
		if err != nil {
			p.out.add("saved plan check", err.Error())
			p.refused = err
			return p
		}
	}
	if r.Plan.Empty() {
		o := pl.Outside(r)
		p.v = &pipeline.Verification{Outside: o}
		if len(r.Plan.Refused) > 0 {
			p.v.Remaining = r.Plan
			p.remaining = planText(r.Plan)
		}
		p.out.add("no changes", pipeline.NoChanges(r.Plan)+"\n"+pipeline.Converged(r.Plan, o, r.Plan))
		return p
	}

	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	var progress apply.Progress = apply.LineProgress{W: &p.out}
	var cut *interrupter
	if f != nil {
		f.place(rn.r, r.Plan.TotalCalls(), len(r.Plan.Steps))
		switch {
		case f.Emu != nil:
			rn.emu.AddFault(*f.Emu)
		case f.HTML > 0:
			rn.proxy.arm(f.HTML)
		case f.Interrupt > 0:
			cut = &interrupter{Progress: progress, after: f.Interrupt, cancel: cancel}
			progress = cut
		}
	}
	p.res, p.applyErr = pl.Apply(actx, r, progress)
	if f != nil {
		switch {
		case f.Emu != nil:
			p.hit = len(rn.emu.Faults()) == 0
			rn.emu.ClearFaults()
		case f.HTML > 0:
			p.hit = rn.proxy.disarm()
		case f.Interrupt > 0:
			p.hit = cut.cut
		}
	}
	if p.applyErr != nil {
		p.out.add("apply error", p.applyErr.Error())
		return p
	}
	var summary bytes.Buffer
	apply.WriteSummary(&summary, p.res, r.Plan)
	p.out.add("summary", summary.String())

	p.v, p.verifyErr = pl.VerifyScope(ctx, r)
	sr := apply.ScopeResult{}
	var remaining *plan.Plan
	if p.verifyErr != nil {
		p.out.add("verify error", p.verifyErr.Error())
	} else {
		remaining, sr = p.v.Remaining, apply.ScopeResult{LeftOut: p.v.Outside.Changes, Unchecked: p.v.Outside.Unchecked}
		if remaining == nil {
			p.out.add("converged", pipeline.Converged(r.Plan, p.v.Outside, p.v.Checked))
		} else {
			p.remaining = planText(remaining)
			p.out.add("remaining", p.remaining)
		}
	}
	result := filepath.Join(dir, "result.json")
	var rb bytes.Buffer
	if err := apply.WriteScopedReport(&rb, p.res, r.Plan, p.verifyErr == nil, remaining, sr); err == nil {
		p.out.add("result", rb.String())
		if os.WriteFile(result, rb.Bytes(), 0o600) == nil {
			body, err := prcomment.ApplyBody(result, prcomment.RenderContext{Owner: Owner})
			p.out.add("apply comment", body+errText(err))
		}
	}
	return p
}

// render writes the plan in every format into the pass's outputs, and the pull request body made
// from its markdown.
func (rn *runner) render(p *passResult, dir string, pl *plan.Plan) {
	for _, format := range []string{"text", "markdown", "json"} {
		var b bytes.Buffer
		if err := render.Plan(&b, pl, format, render.Options{Color: format == "text"}); err != nil {
			p.out.add("render "+format, err.Error())
			continue
		}
		p.out.add("plan "+format, b.String())
		p.plans.add("plan "+format, b.String())
		if format == "markdown" {
			md := filepath.Join(dir, "plan.md")
			if os.WriteFile(md, b.Bytes(), 0o600) == nil {
				body, err := prcomment.PlanBody(md, nil, prcomment.RenderContext{Owner: Owner})
				p.out.add("plan comment", body+errText(err))
			}
		}
	}
}

// planText sums up a remaining plan for a violation: its changes and refusals.
func planText(p *plan.Plan) string {
	var parts []string
	for _, c := range p.Changes {
		parts = append(parts, fmt.Sprintf("%s %s", c.Action, c.Key))
	}
	for _, r := range p.Refused {
		reason := r.Reason
		if len(reason) > 120 {
			reason = reason[:120] + "..."
		}
		parts = append(parts, fmt.Sprintf("refused %s %s: %s", r.Action, r.Key, reason))
	}
	return strings.Join(parts, "; ")
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return "\n" + err.Error()
}

func firstLine(s string) string {
	s = strings.TrimLeft(s, "\n= ")
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// interrupter cancels the apply's context when the after-th step finished, as Ctrl-C during the
// next call would: the call in flight finishes, the rest is not attempted.
type interrupter struct {
	apply.Progress
	after  int
	cancel context.CancelFunc
	cut    bool // steps were left when it cancelled
}

func (i *interrupter) StepFinished(sr *apply.StepResult, done, total int) {
	i.Progress.StepFinished(sr, done, total)
	if done == i.after {
		i.cut = done < total
		i.cancel()
	}
}

// Failed reports whether the report holds a violation.
func (rep *Report) Failed() bool { return len(rep.Violations) > 0 }

// Merge adds another run's counts and violations to rep.
func (rep *Report) Merge(o *Report) {
	for k, v := range o.Transitions {
		rep.Transitions[k] += v
	}
	for k, v := range o.Refused {
		rep.Refused[k] += v
	}
	for k, v := range o.Faults {
		rep.Faults[k] += v
	}
	for k, v := range o.FaultsHit {
		rep.FaultsHit[k] += v
	}
	rep.RefusedWhy = append(rep.RefusedWhy, o.RefusedWhy...)
	rep.Violations = append(rep.Violations, o.Violations...)
}

// NewReport returns an empty report to Merge runs into.
func NewReport() *Report {
	return &Report{Transitions: map[Class]int{}, Refused: map[Class]int{}, Faults: map[string]int{}, FaultsHit: map[string]int{}}
}

// WriteTable prints the report: transitions, refusals and violations per class (by invariant),
// the faults injected and hit, then every violation.
func WriteTable(w io.Writer, rep *Report) {
	byClass := map[Class]map[int]int{}
	for _, v := range rep.Violations {
		if byClass[v.Class] == nil {
			byClass[v.Class] = map[int]int{}
		}
		byClass[v.Class][v.Invariant]++
	}
	fmt.Fprintf(w, "%-12s %11s %8s", "class", "transitions", "refused")
	for inv := InvHandsOff; inv <= InvCanary; inv++ {
		fmt.Fprintf(w, " %11s", fmt.Sprintf("%d:%s", inv, InvariantNames[inv]))
	}
	fmt.Fprintln(w)
	total := 0
	for _, c := range AllClasses {
		if rep.Transitions[c] == 0 {
			continue
		}
		total += rep.Transitions[c]
		fmt.Fprintf(w, "%-12s %11d %8d", c, rep.Transitions[c], rep.Refused[c])
		for inv := InvHandsOff; inv <= InvCanary; inv++ {
			fmt.Fprintf(w, " %11d", byClass[c][inv])
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%-12s %11d\n\n", "total", total)
	fmt.Fprintf(w, "%-12s %8s %5s\n", "fault", "injected", "hit")
	names := sortedKeys(rep.Faults)
	for _, n := range names {
		fmt.Fprintf(w, "%-12s %8d %5d\n", n, rep.Faults[n], rep.FaultsHit[n])
	}
	if len(rep.RefusedWhy) > 0 {
		fmt.Fprintf(w, "\nrefused configurations (first %d):\n", len(rep.RefusedWhy))
		for _, s := range rep.RefusedWhy {
			fmt.Fprintf(w, "  %s\n", s)
		}
	}
	fmt.Fprintf(w, "\n%d violation(s)\n", len(rep.Violations))
	vs := slices.Clone(rep.Violations)
	for _, v := range vs {
		fmt.Fprintf(w, "  %s\n", v)
	}
}
