// Package conformance owns `qsync conformance`: the opt-in run that confirms, on a real Qualys
// subscription, the guesses qsync's kind tables make about Qualys (parameter names, the elements
// values are listed in, value formats, defaults, answer shapes, the list-all shape).
//
// For each record kind and variant qsync types, and each vault type with documented create
// parameters, it creates one throwaway object carrying a distinctive value in every settable
// field, reads it back, finds each value's element by value (so a renamed element is discovered,
// not just missed), updates every field once, reads again and deletes the object. Every
// inference is reported as confirmed, contradicted (with what was observed) or not exercised.
//
// Safety: only dummy secrets are sent; titles carry the prefix and the run id and comments the
// ownership marker of owner qsync-conformance; nothing is updated or deleted that this run did
// not create, except the objects an interrupted earlier run left (found by prefix, run-id title
// pattern and marker). Objects are deleted on error and when the context ends (Ctrl-C).
//
// The package reads answers through a Recorder (the HTTP transport of the Qualys client), so it
// sees every element as Qualys wrote it; it knows the expected names from internal/spec.
package conformance

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// Owner is the owner name of the marker every probe carries.
const Owner = "qsync-conformance"

// DefaultPrefix starts every probe title unless Options.Prefix says otherwise.
const DefaultPrefix = "qsync-conformance"

// Client is what a run needs of the Qualys client.
type Client interface {
	ListAll(ctx context.Context, opt qualysclient.ListOptions) (map[qualysclient.RecordType][]int64, error)
	ListRecords(ctx context.Context, t qualysclient.RecordType, opt qualysclient.ListOptions) ([]qualysclient.Record, error)
	CreateRecord(ctx context.Context, t qualysclient.RecordType, params url.Values) (int64, error)
	UpdateRecords(ctx context.Context, t qualysclient.RecordType, ids []int64, params url.Values) error
	DeleteRecords(ctx context.Context, t qualysclient.RecordType, ids []int64) error
	ListVaults(ctx context.Context) ([]qualysclient.Vault, error)
	ViewVault(ctx context.Context, id int64) (qualysclient.Vault, error)
	CreateVault(ctx context.Context, params url.Values) (int64, error)
	UpdateVault(ctx context.Context, id int64, params url.Values) error
	DeleteVault(ctx context.Context, id int64) error
}

// Options configure a run.
type Options struct {
	// Address is the one IP address every probe record holds: one no scan uses.
	Address string
	// Kinds selects record kinds ("oracle") or variants ("unix/cisco"); empty means all.
	// VaultTypes selects vault types ("ca_pam"); empty means all, ["none"] none.
	Kinds, VaultTypes []string
	// Prefix starts every title (default DefaultPrefix).
	Prefix string
	// RunID names this run in every title (default: a fresh NewRunID).
	RunID string
	// Recorder is the transport the client sends through; required by Run.
	Recorder *Recorder
	// Capture, when set, is a directory the redacted answers are written to.
	Capture string
	// BaseURL and Username are replaced in captured answers.
	BaseURL, Username string
	// Progress receives one line per probe; nil means none.
	Progress io.Writer
}

// Prepared is a run decided but not started: what it will create and what it costs.
type Prepared struct {
	opts   Options
	vals   *values
	probes []*probe
	Plan   Plan
}

var prefixRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,40}$`)

// Prepare decides the probes of a run and their cost. It sends nothing.
func Prepare(opts Options) (*Prepared, error) {
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if !prefixRE.MatchString(opts.Prefix) {
		return nil, fmt.Errorf("prefix %q: use 1-41 letters, digits, '.', '_' or '-'", opts.Prefix)
	}
	if opts.RunID == "" {
		id, err := NewRunID()
		if err != nil {
			return nil, err
		}
		opts.RunID = id
	}
	if !runIDRE.MatchString(opts.RunID) {
		return nil, fmt.Errorf("run id %q: want six hex digits", opts.RunID)
	}
	defs, err := selectKinds(opts.Kinds, opts.VaultTypes)
	if err != nil {
		return nil, err
	}
	vals, err := newValues(opts.RunID)
	if err != nil {
		return nil, err
	}
	p := &Prepared{opts: opts, vals: vals}
	var probes []*probe
	for _, d := range defs {
		first := len(probes)
		choices := conditionChoices(d)
		if len(choices) == 0 {
			probes = append(probes, newProbe(d, vals, ""))
		}
		for _, c := range choices {
			probes = append(probes, newProbe(d, vals, c))
		}
		probes[first].login = canLogin(d)
	}
	for _, pr := range probes {
		p.probes = append(p.probes, pr)
		pp := PlanProbe{Subject: pr.name, Create: sortedKeys(pr.createParams(opts, "")), Update: sortedKeys(pr.updateParams(opts))}
		if len(pr.skipped) > 0 {
			pp.Skipped = pr.skipped
		}
		p.Plan.Probes = append(p.Plan.Probes, pp)
	}
	p.Plan.Prefix = opts.Prefix
	p.Plan.Cost = estimate(probes)
	return p, nil
}

var runIDRE = regexp.MustCompile(`^[0-9a-f]{6}$`)

// titleSafe turns a probe name into the last part of its title ("vault/hashicorp auth_type=cert"
// becomes "vault-hashicorp-auth_type-cert").
var titleSafe = strings.NewReplacer("/", "-", " ", "-", "=", "-")

func sortedKeys(v url.Values) []string {
	out := make([]string, 0, len(v))
	for k := range v {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// title is the probe's title: prefix, run id, subject.
func (p *probe) title(opts Options) string {
	return opts.Prefix + "-" + opts.RunID + "-" + titleSafe.Replace(p.name)
}

// comments is the probe's comments: a line naming the run (and, after the update, saying so),
// then the marker.
func comments(opts Options, updated bool) string {
	text := "qsync conformance probe, run " + opts.RunID
	if updated {
		text += ", updated"
	}
	return spec.JoinComments(text, &spec.Marker{Owner: Owner})
}

// createParams returns what the probe's create sends (with dropped parameters left out).
func (p *probe) createParams(opts Options, address string) url.Values {
	v := url.Values{}
	v.Set("title", p.title(opts))
	v.Set("comments", comments(opts, false))
	if p.def.Kind == spec.KindVault {
		v.Set("type", p.def.QualysType)
	} else {
		if address != "" {
			v.Set("ips", address)
		} else {
			v.Set("ips", "ADDRESS")
		}
		if p.def.Type != "" {
			param, _ := p.def.VariantKeys()
			v.Set(param, p.def.QualysType)
		}
	}
	for k, val := range p.create {
		v.Set(k, val)
	}
	for name, e := range p.items {
		v.Set(name, "1")
		for sub, val := range e {
			v.Set(name+".0."+sub, val)
		}
	}
	return v
}

// updateParams returns what the probe's update sends: the new values and new comments (so every
// probe, even of a kind without settings, exercises an update).
func (p *probe) updateParams(opts Options) url.Values {
	v := url.Values{}
	v.Set("comments", comments(opts, true))
	for k, val := range p.update {
		v.Set(k, val)
	}
	for k, val := range p.clears {
		v.Set(k, val)
	}
	if p.def.Kind == spec.KindVault {
		v.Set("type", p.def.QualysType)
	}
	return v
}

// run is the state of one Run.
type run struct {
	c       Client
	opts    Options
	vals    *values
	rep     *Report
	seq     int  // answers captured so far
	calls   int  // answers of the current probe
	listAll bool // the list-all shape was checked
	probes  []*probe
	repl    []replacement // capture labels, made once
}

// Run executes a prepared run: it removes what interrupted earlier runs left, probes every
// kind, and returns the report. The error is non-nil only when the run could not start or its
// capture could not be written; a probe that fails is reported in Report.Probes.
func Run(ctx context.Context, c Client, p *Prepared) (*Report, error) {
	if p.opts.Recorder == nil {
		return nil, fmt.Errorf("conformance: a Recorder is required")
	}
	if p.opts.Address == "" {
		return nil, fmt.Errorf("conformance: an address (--ip) is required")
	}
	if p.opts.Capture != "" {
		if err := mkCaptureDir(p.opts.Capture); err != nil {
			return nil, err
		}
	}
	r := &run{c: c, opts: p.opts, vals: p.vals, rep: &Report{FormatVersion: FormatVersion, RunID: p.opts.RunID,
		Prefix: p.opts.Prefix, Estimated: p.Plan.Cost}, probes: p.probes}
	p.opts.Recorder.take()
	var defs []*spec.KindDef
	for _, pr := range p.probes {
		defs = append(defs, pr.def)
	}
	r.unprobeable()
	if err := r.removeLeftovers(ctx, defs); err != nil {
		r.rep.finish()
		return r.rep, err
	}
	for _, pr := range p.probes {
		res, err := r.probe(ctx, pr)
		r.rep.Probes = append(r.rep.Probes, res)
		if err != nil {
			return r.finish(), err
		}
		if ctx.Err() != nil {
			return r.finish(), fmt.Errorf("interrupted after %d of %d probes (each created object was deleted): %w",
				len(r.rep.Probes), len(p.probes), ctx.Err())
		}
	}
	return r.finish(), nil
}

// unprobeable reports, for a run of every kind (no --kinds, no --vault-types), the kinds no probe
// can exercise: record kinds known by their endpoint only and vault types whose create
// parameters are not documented.
func (r *run) unprobeable() {
	for _, d := range spec.Kinds() {
		switch {
		case d.Kind == spec.KindVault && d.Unwritable != "" && len(r.opts.VaultTypes) == 0:
			r.record(subject(&d), AspectParameter, "create", "accepted", d.Unwritable, NotExercised)
		case d.Kind != spec.KindVault && d.Opaque != "" && len(r.opts.Kinds) == 0:
			r.record(subject(&d), AspectParameter, "create", "accepted", d.Opaque, NotExercised)
		}
	}
}

func (r *run) finish() *Report {
	r.rep.finish()
	return r.rep
}

func (r *run) progress(format string, args ...any) {
	if r.opts.Progress != nil {
		fmt.Fprintf(r.opts.Progress, format+"\n", args...)
	}
}

// record adds an inference.
func (r *run) record(subject, aspect, name, expected, observed, status string) {
	r.rep.Inferences = append(r.rep.Inferences, Inference{Subject: subject, Aspect: aspect, Name: name,
		Expected: expected, Observed: observed, Status: status})
}

// answers takes the answers of the last call, counts them and captures them.
func (r *run) answers(subject, step string) ([]answer, error) {
	as := r.opts.Recorder.take()
	r.calls += len(as)
	r.rep.Calls += len(as)
	for _, a := range as {
		r.seq++
		if r.opts.Capture != "" {
			if err := r.capture(subject, step, a); err != nil {
				return as, err
			}
		}
	}
	return as, nil
}

// last returns the body of the last answer of a call, parsed.
func (r *run) last(subject, step string) (*element, []byte, error) {
	as, err := r.answers(subject, step)
	if err != nil {
		return nil, nil, err
	}
	if len(as) == 0 {
		return nil, nil, fmt.Errorf("%s %s: no answer recorded", subject, step)
	}
	body := as[len(as)-1].Body
	root, err := parseAnswer(body)
	return root, body, err
}

// leftoverRE matches the titles of this prefix's probes.
func leftoverRE(prefix string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(prefix) + `-[0-9a-f]{6}-[a-z0-9_-]+$`)
}

// ownedByConformance reports whether comments end in the marker of Owner.
func ownedByConformance(c string) bool {
	_, m := spec.SplitComments(c)
	return m != nil && m.Owner == Owner
}

// removeLeftovers deletes the objects an interrupted earlier run of this prefix left: a record
// or vault is removed only when its title has the probe pattern (prefix, run id, kind) and its
// comments end in the marker of owner qsync-conformance.
func (r *run) removeLeftovers(ctx context.Context, defs []*spec.KindDef) error {
	re := leftoverRE(r.opts.Prefix)
	endpoints := map[spec.Kind]bool{}
	vaults := false
	for _, d := range defs {
		if d.Kind == spec.KindVault {
			vaults = true
		} else {
			endpoints[d.Kind] = true
		}
	}
	kinds := make([]spec.Kind, 0, len(endpoints))
	for k := range endpoints {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		t := qualysclient.RecordType(k)
		recs, err := r.c.ListRecords(ctx, t, qualysclient.ListOptions{Title: r.opts.Prefix + "-"})
		if _, cerr := r.answers("leftovers", "list-"+string(k)); cerr != nil {
			return cerr
		}
		if err != nil {
			return fmt.Errorf("look for leftovers of %s records: %w", k, err)
		}
		var ids []int64
		var titles []string
		for _, rec := range recs {
			if re.MatchString(rec.Title) && ownedByConformance(rec.Comments) {
				ids = append(ids, rec.ID)
				titles = append(titles, rec.Title)
			}
		}
		if len(ids) == 0 {
			continue
		}
		err = r.c.DeleteRecords(ctx, t, ids)
		if _, cerr := r.answers("leftovers", "delete-"+string(k)); cerr != nil {
			return cerr
		}
		if err != nil {
			return fmt.Errorf("remove leftovers %s: %w", strings.Join(titles, ", "), err)
		}
		r.rep.Leftovers = append(r.rep.Leftovers, titles...)
	}
	if !vaults {
		return nil
	}
	vs, err := r.c.ListVaults(ctx)
	if _, cerr := r.answers("leftovers", "list-vaults"); cerr != nil {
		return cerr
	}
	if err != nil {
		return fmt.Errorf("look for leftover vaults: %w", err)
	}
	for _, v := range vs {
		if !re.MatchString(v.Title) {
			continue
		}
		full, err := r.c.ViewVault(ctx, v.ID)
		if _, cerr := r.answers("leftovers", "view-vault"); cerr != nil {
			return cerr
		}
		if err != nil || !ownedByConformance(full.Comments) {
			continue // not provably ours: left alone
		}
		err = r.c.DeleteVault(ctx, v.ID)
		if _, cerr := r.answers("leftovers", "delete-vault"); cerr != nil {
			return cerr
		}
		if err != nil {
			return fmt.Errorf("remove leftover vault %q: %w", v.Title, err)
		}
		r.rep.Leftovers = append(r.rep.Leftovers, v.Title)
	}
	return nil
}

// cleanupTimeout bounds the delete of a probe after an error or Ctrl-C.
const cleanupTimeout = 2 * time.Minute

// RunID returns the run id every title of this run carries.
func (p *Prepared) RunID() string { return p.opts.RunID }

// SetBaseURL sets the API server replaced in captured answers (known once the client is built).
func (p *Prepared) SetBaseURL(u string) { p.opts.BaseURL = u }
