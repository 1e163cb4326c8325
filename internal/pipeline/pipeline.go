// Package pipeline owns qsync's one sequence: load and validate the configuration, read the live
// Qualys estate, build the plan, save a plan file or check one (staleness and Verify), apply, and
// verify the result by planning again. The CLI (qsync plan and apply), the benchmarks
// (internal/bench) and the fault drills (internal/drill) all run this sequence, so what is tested
// and measured is what ships.
//
// The environment is passed in: the process environment (Getenv, for QSYNC_SECRET_KEY), the
// writer diagnostics go to, the secret resolver, and the Qualys client of each step. The pipeline
// prints nothing but diagnostics; what to tell the user about a plan or a run is the caller's.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/qsync/qsync/internal/apply"
	"github.com/qsync/qsync/internal/live"
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/build"
	"github.com/qsync/qsync/internal/planfile"
	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/spec/load"
	"github.com/qsync/qsync/internal/spec/secret"
	"github.com/qsync/qsync/internal/spec/unverified"
)

// Client is the part of the Qualys client the pipeline needs: live's reads, apply's writes, and
// the client's statistics (for the rate budget a plan shows).
type Client interface {
	live.Reader
	apply.Client
	Stats() qualysclient.Stats
}

// Pipeline runs the sequence in one environment. The zero value reads secrets with secret.Resolve,
// plans without a secret key and discards diagnostics.
type Pipeline struct {
	// Getenv reads the environment: QSYNC_SECRET_KEY turns secret fingerprints on. Nil reads
	// nothing.
	Getenv func(string) string
	// Stderr receives the problems of the configuration and of the plan (nil: discarded).
	Stderr io.Writer
	// DiagnosticsFormat prints them: text (file:line:col: path: message, the default), json or
	// github (workflow annotations).
	DiagnosticsFormat string
	// Resolve returns a secret's value; nil means secret.Resolve ({env: NAME} from the process
	// environment, {file: path}).
	Resolve func(spec.SecretRef) (string, error)
}

// Run is one pass of the pipeline: the configuration, the live estate read, the plan built from
// them, and the client that read it (and applies it).
type Run struct {
	Client  Client
	Desired *spec.Document
	Live    *spec.Document
	Plan    *plan.Plan
}

// Load loads and validates the configuration files or directories in paths, printing every
// problem at once. A login may name a vault that is not declared: plan checks it against the
// live vaults.
func (pl *Pipeline) Load(paths ...string) (*spec.Document, error) {
	if pl.Getenv != nil {
		if err := secret.CheckKey(pl.Getenv("QSYNC_SECRET_KEY")); err != nil {
			return nil, err
		}
	}
	doc, diags := load.Files(load.Options{}, paths...)
	if len(diags) > 0 {
		pl.diagnose(diags)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("configuration has %d problem(s); nothing was sent to Qualys", diags.ErrorCount())
	}
	pl.noteUnverified(doc)
	return doc, nil
}

// ReadLive reads the whole live estate, as planning needs it: every record kind, and every vault
// viewed, not only those the configuration names. The vault list output carries no comments, so
// without a view qsync could not see the ownership marker of a managed vault that was removed
// from the configuration, and would never delete it. Vaults are few, so this costs a handful of
// calls on the vault API's own rate budget. The document is Complete (see spec.Document).
func ReadLive(ctx context.Context, c live.Reader) (*spec.Document, error) {
	return read(ctx, c, planRead)
}

// ReadKinds reads every vault (each viewed: only the view carries the comments that say who owns
// it) and the records of kinds only; with no kinds, no records at all. It is export's read; the
// document is not Complete unless kinds lists every record kind.
func ReadKinds(ctx context.Context, c live.Reader, kinds []spec.Kind) (*spec.Document, error) {
	return read(ctx, c, live.Options{ViewAll: true, Kinds: kinds, VaultsOnly: len(kinds) == 0})
}

// ReadEach is ReadLive for qsync doctor: the same calls, plus what live saw of each kind's
// answers (elements modelled, unexpected, missing) and what each endpoint answered. A failed
// list or view does not stop the read (see live.ReadEach), so the report covers every endpoint;
// the error is a read that could not be tried at all (credentials, rate limit), unwrapped, for
// doctor to report. Plans never use it.
func ReadEach(ctx context.Context, c live.Reader) (*spec.Document, *live.Report, []live.Access, error) {
	return live.ReadEach(ctx, c, planRead)
}

// planRead is what a plan reads: every record kind, every vault viewed (see ReadLive).
var planRead = live.Options{ViewAll: true}

// readLive is ReadLive that prints what the read's report says the reader of a plan should know
// (e.g. that list-all could not be used and every record kind was listed) as warnings.
//
// The kinds desired declares are listed whatever list-all says (see live.Options.Declared).
func (pl *Pipeline) readLive(ctx context.Context, c live.Reader, desired *spec.Document) (*spec.Document, error) {
	opts := planRead
	opts.Declared = declaredKinds(desired)
	doc, rep, err := live.ReadReport(ctx, c, opts)
	if err != nil {
		return nil, fmt.Errorf("read live Qualys state: %w", err)
	}
	var diags spec.Diagnostics
	for _, n := range rep.Notices {
		diags = append(diags, spec.Diagnostic{Message: "reading Qualys: " + n, Severity: spec.SeverityWarning})
	}
	if len(diags) > 0 {
		pl.diagnose(diags)
	}
	return doc, nil
}

func read(ctx context.Context, c live.Reader, opts live.Options) (*spec.Document, error) {
	doc, err := live.Read(ctx, c, opts)
	if err != nil {
		return nil, fmt.Errorf("read live Qualys state: %w", err)
	}
	return doc, nil
}

// Options returns the plan options for desired with flags f: the owner, the secret key from the
// environment and a resolver of desired objects' secrets. rateRemaining is the client's last
// X-RateLimit-Remaining (zero: unknown). Unless f.SecretsUnchecked (a plan made on purpose without
// the secrets' values), every secret a step sends is read as apply reads it (the Pipeline's
// Resolve, else secret.Resolve) and checked as its request carries it (a unix key's in an XML body:
// secret.CheckXMLText), so that one apply would refuse is a positioned plan error.
func (pl *Pipeline) Options(desired *spec.Document, f plan.Flags, rateRemaining int) plan.Options {
	var key []byte
	if pl.Getenv != nil && !f.SecretsUnchecked { // without the values there is nothing to fingerprint
		if k := pl.Getenv("QSYNC_SECRET_KEY"); k != "" {
			key = []byte(k)
		}
	}
	resolve := pl.resolver()
	opts := plan.Options{
		Owner:         desired.Owner,
		SecretKey:     key,
		RateRemaining: rateRemaining,
		Resolve: func(o *spec.Object, param string) (string, error) {
			ref, err := secretRef(o, param)
			if err != nil {
				return "", err
			}
			v, err := resolve(ref) // plan names the object, the parameter and the position
			if err == nil {
				err = checkCarried(param, v)
			}
			return v, err
		},
	}
	if !f.SecretsUnchecked {
		opts.CheckSecret = func(o *spec.Object, param string) error {
			ref, err := secretRef(o, param)
			if err != nil {
				return err
			}
			v, err := resolve(ref) // what apply would read: refused here if apply would refuse it
			if err != nil {
				return err
			}
			return checkCarried(param, v)
		}
	}
	return opts.WithFlags(f)
}

// checkCarried refuses a secret value the request that sends param cannot carry: a unix key's or
// root tool's secret travels in an XML body (secret.CheckXMLText).
func checkCarried(param, v string) error {
	if _, _, _, item := spec.ParseItemSecretName(param); item {
		return secret.CheckXMLText(v)
	}
	return nil
}

// secretRef returns the reference of o's secret parameter param: a field's, or a unix key's or
// root tool's (spec.ItemSecretName).
func secretRef(o *spec.Object, param string) (spec.SecretRef, error) {
	ref, ok := o.Secrets[param]
	if field, i, sub, isItem := spec.ParseItemSecretName(param); isItem && !ok && i < len(o.Items[field]) {
		ref, ok = o.Items[field][i].Secrets[sub]
	}
	if !ok {
		return spec.SecretRef{}, fmt.Errorf("%s has no secret %s", o.Key(), param)
	}
	return ref, nil
}

// Plan reads Qualys through c and builds the plan for the loaded configuration desired with
// flags f. The plan records the configuration files, their digest and f, so that it can be saved
// and applied later (see planfile). The plan's problems are printed as diagnostics.
func (pl *Pipeline) Plan(ctx context.Context, c Client, desired *spec.Document, f plan.Flags) (*Run, error) {
	return pl.plan(ctx, c, desired, f, true)
}

// plan is Plan; strict refuses an --only pattern that matches nothing (Verify does not: a
// scoped delete that was applied can leave its pattern matching nothing).
func (pl *Pipeline) plan(ctx context.Context, c Client, desired *spec.Document, f plan.Flags, strict bool) (*Run, error) {
	before := callCount(c.Stats())
	liveDoc, err := pl.readLive(ctx, c, desired)
	if err != nil {
		return nil, err
	}
	st := c.Stats()
	opts := pl.Options(desired, f, st.RateRemaining)
	opts.VerifyReads = callCount(st) - before // Verify after apply reads the same estate again
	p, err := pl.build(desired, liveDoc, opts, f, strict)
	var diags spec.Diagnostics
	if errors.As(err, &diags) {
		pl.diagnose(diags)
		return nil, fmt.Errorf("the plan has %d problem(s); nothing was sent to Qualys", diags.ErrorCount())
	}
	if err != nil {
		return nil, err
	}
	if p.Config, err = absPaths(desired.Files); err != nil {
		return nil, err
	}
	p.Flags = f
	if p.ConfigDigest, err = planfile.ConfigDigest(desired.Files); err != nil {
		return nil, err
	}
	return &Run{Client: c, Desired: desired, Live: liveDoc, Plan: p}, nil
}

// build is build.Plan for flags f, scoped to the --only patterns f.Targets (see scope; also
// with --secrets-only, whose targets may be none) and with the notes of f.
func (pl *Pipeline) build(desired, liveDoc *spec.Document, opts plan.Options, f plan.Flags, strict bool) (*plan.Plan, error) {
	if narrowed(f) {
		d, l, out, err := scope(desired, liveDoc, f.Targets, strict && !f.SecretsOnly)
		if err != nil {
			return nil, err
		}
		opts.OutOfScope = out
		p, err := build.Plan(d, l, opts)
		if err != nil {
			return nil, err
		}
		scoped(p, liveDoc)
		return p, noteSecrets(p, f)
	}
	p, err := build.Plan(desired, liveDoc, opts)
	if err != nil {
		return nil, err
	}
	return p, noteSecrets(p, f)
}

// NoteSecretsUnchecked replaces build.NoteSecretDrift in a plan made --without-secrets.
const NoteSecretsUnchecked = "secret drift is not checked in this job (--without-secrets: it has no secret values); the protected apply job checks and sends changed secrets (docs/secrets.md)"

func noteSecrets(p *plan.Plan, f plan.Flags) error {
	if !f.SecretsUnchecked {
		return nil
	}
	p.Notes = slices.DeleteFunc(p.Notes, func(n string) bool { return n == build.NoteSecretDrift })
	p.Notes = append(p.Notes, NoteSecretsUnchecked)
	return nil
}

// OpenPlanFile reads the plan file at path and loads the configuration it was made from,
// refusing the plan when planning flags were given (given: a saved plan keeps the flags it was
// made with, see planfile.CheckFlags) or when that configuration changed since. It sends nothing to Qualys: see
// CheckPlanFile for the live half of the check.
func (pl *Pipeline) OpenPlanFile(path string, given plan.Flags) (*plan.Plan, *spec.Document, error) {
	p, err := planfile.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if err := planfile.CheckFlags(p, given); err != nil {
		return nil, nil, err
	}
	if len(p.Config) == 0 {
		return nil, nil, fmt.Errorf("saved plan %s names no configuration files", path)
	}
	desired, err := pl.Load(p.Config...)
	if err != nil {
		return nil, nil, err
	}
	if err := planfile.CheckConfig(p, desired); err != nil {
		return nil, nil, err
	}
	return p, desired, nil
}

// CheckPlanFile reads Qualys through c and refuses the saved plan p (from OpenPlanFile, named
// path in errors) when any live object it touches changed since, or when its steps are not
// exactly the ones qsync plans now from this configuration and this Qualys state: apply executes
// steps as written, so an edited file could otherwise delete or change what the plan does not own
// or list, or send another secret.
func (pl *Pipeline) CheckPlanFile(ctx context.Context, c Client, path string, p *plan.Plan, desired *spec.Document) (*Run, error) {
	liveDoc, err := pl.readLive(ctx, c, desired)
	if err != nil {
		return nil, err
	}
	if err := planfile.CheckLive(p, liveDoc); err != nil {
		return nil, err
	}
	d, l := desired, liveDoc
	opts := pl.Options(desired, p.Flags, 0)
	if narrowed(p.Flags) { // a scoped plan is verified against the same scope
		if d, l, opts.OutOfScope, err = scope(desired, liveDoc, p.Flags.Targets, !p.Flags.SecretsOnly); err != nil {
			return nil, fmt.Errorf("refusing the saved plan %s: %w", path, err)
		}
	}
	if err := planfile.Verify(p, d, l, opts); err != nil {
		return nil, fmt.Errorf("refusing the saved plan %s: %w; run qsync plan again", path, err)
	}
	return &Run{Client: c, Desired: desired, Live: liveDoc, Plan: p}, nil
}

// Apply executes the run's plan through its client (see apply.Run), telling progress about every
// step.
func (pl *Pipeline) Apply(ctx context.Context, r *Run, progress apply.Progress) (*apply.Result, error) {
	return apply.Run(ctx, r.Client, r.Plan, apply.Options{Resolve: pl.resolver(), Progress: progress})
}

// Verify re-reads Qualys and plans the run's configuration again, after Apply, whatever happened:
// it returns the plan of what still differs (changes, or changes a guard refused), nil when Qualys
// matches the configuration within the run's scope. It runs even when ctx was cancelled (an
// interrupted apply is still verified; it only reads). The flags are the plan's, except that
// secrets are not pushed again: --push-secrets re-sends every secret by design, so a verification
// with it would never come back empty, and the secrets were just sent. See VerifyScope for what a
// scoped run left out.
func (pl *Pipeline) Verify(ctx context.Context, r *Run) (*plan.Plan, error) {
	v, err := pl.VerifyScope(ctx, r)
	if err != nil {
		return nil, err
	}
	return v.Remaining, nil
}

// Verification is the outcome of VerifyScope.
type Verification struct {
	// Remaining is the plan of what still differs within the run's scope (nil: nothing).
	Remaining *plan.Plan
	// Outside is what a scoped run left out of the configuration (zero for a full run).
	Outside Outside
	// Checked is the plan made to verify (its notes say which configured settings Qualys does not
	// report, so that "Converged" claims only what was checked: plan.Plan.MatchesClaim).
	Checked *plan.Plan
}

// Converged reports whether Qualys matches the whole configuration: nothing remains and the
// scope left nothing out.
func (v *Verification) Converged() bool { return v.Remaining == nil && !v.Outside.LeftOut() }

// VerifyScope is Verify, and for a scoped run (plan.Plan.Scoped) also plans the whole
// configuration against the state it re-read (no further read), so that a scoped run never
// claims that Qualys matches the configuration when it left changes out.
func (pl *Pipeline) VerifyScope(ctx context.Context, r *Run) (*Verification, error) {
	if ctx.Err() != nil {
		ctx = context.WithoutCancel(ctx)
	}
	f := r.Plan.Flags
	f.PushSecrets = false
	again, err := pl.plan(ctx, r.Client, r.Desired, f, false)
	if err != nil {
		return nil, err
	}
	v := &Verification{Checked: again.Plan}
	if !again.Plan.Empty() || len(again.Plan.Refused) > 0 {
		v.Remaining = again.Plan
	}
	if r.Plan.Scoped() {
		v.Outside = pl.outside(r.Desired, again.Live, f, again.Plan)
	}
	return v, nil
}

// callCount is the number of HTTP requests the client sent so far.
func callCount(st qualysclient.Stats) int {
	n := 0
	for _, c := range st.Calls {
		n += c
	}
	return n
}

// absPaths returns files as absolute paths: a plan records where its configuration is, whatever
// directory it is applied from.
func absPaths(files []string) ([]string, error) {
	out := make([]string, len(files))
	for i, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, fmt.Errorf("configuration path %s: %w", f, err)
		}
		out[i] = abs
	}
	return out, nil
}

func (pl *Pipeline) resolver() func(spec.SecretRef) (string, error) {
	if pl.Resolve != nil {
		return pl.Resolve
	}
	return secret.Resolve
}

// noteUnverified prints, once per load, which unverified parameter names the configuration uses
// (unverified.Note): a line of text, or a GitHub notice; nothing with json diagnostics, whose
// stderr holds JSON only.
func (pl *Pipeline) noteUnverified(doc *spec.Document) {
	note := unverified.Note(doc)
	if note == "" || pl.Stderr == nil {
		return
	}
	switch pl.DiagnosticsFormat {
	case "json":
	case "github":
		// A workflow command is one line: GitHub decodes %0A back into the note's line breaks.
		fmt.Fprintf(pl.Stderr, "::notice title=qsync::%s\n", strings.ReplaceAll(strings.TrimPrefix(note, "note: "), "\n", "%0A"))
	default:
		fmt.Fprintln(pl.Stderr, note)
	}
}

func (pl *Pipeline) diagnose(diags spec.Diagnostics) {
	if pl.Stderr == nil {
		return
	}
	format := pl.DiagnosticsFormat
	if format == "" {
		format = "text"
	}
	_ = diags.Write(pl.Stderr, format)
}

// ApplyingSaved is what qsync apply prints before it applies the saved plan at path.
func ApplyingSaved(path string, p *plan.Plan) string {
	return fmt.Sprintf("Applying the saved plan %s (%d step(s), %d API call(s)%s).", path, len(p.Steps), p.TotalCalls(), scopeSuffix(p))
}

// Converged is what qsync apply prints when planning again finds nothing to do within the plan's
// scope; o is what the scope left out (VerifyScope, or Outside for a plan with nothing to do) and
// checked the plan that found nothing to do (Verification.Checked, or p itself when p was made
// fresh; nil means p): its notes qualify the claim. Only a run that left nothing out says that
// Qualys matches the configuration.
func Converged(p *plan.Plan, o Outside, checked *plan.Plan) string {
	if checked == nil {
		checked = p
	}
	switch {
	case !p.Scoped():
		return "Converged: " + checked.MatchesClaim() + "."
	case o.Unchecked != "":
		return fmt.Sprintf("Converged within the scope (%s) only: whether anything outside it differs was not checked (%s).", p.ScopeName(), o.Unchecked)
	case o.Changes > 0:
		return fmt.Sprintf("Converged within the scope (%s) only: %d change(s) outside it were left out; a plan without the scope shows them.", p.ScopeName(), o.Changes)
	}
	return fmt.Sprintf("Converged within the scope (%s), and nothing outside it differs: %s.", p.ScopeName(), checked.MatchesClaim())
}

// NoChanges is what qsync apply prints when the plan has nothing to apply.
func NoChanges(p *plan.Plan) string {
	if p.Scoped() {
		return fmt.Sprintf("No changes to apply within the scope (%s).", p.ScopeName())
	}
	return "No changes to apply."
}

func scopeSuffix(p *plan.Plan) string {
	if !p.Scoped() {
		return ""
	}
	return ", scoped to " + p.ScopeName()
}

// CheckPassed is what qsync apply --check prints when the saved plan at path would apply.
func CheckPassed(path string, p *plan.Plan) string {
	return fmt.Sprintf("The saved plan %s would apply: %d step(s), %d API call(s)%s. The configuration and every live object it touches are unchanged, and planning again gives the same steps. Nothing was sent (--check).",
		path, len(p.Steps), p.TotalCalls(), scopeSuffix(p))
}

// declaredKinds lists the record kinds of desired's objects, sorted.
func declaredKinds(desired *spec.Document) []spec.Kind {
	var out []spec.Kind
	for _, o := range desired.Objects {
		if o.Kind.IsRecord() && !slices.Contains(out, o.Kind) {
			out = append(out, o.Kind)
		}
	}
	slices.Sort(out)
	return out
}
