package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/build"
	"github.com/qsync/qsync/internal/spec"
)

// Pattern is one --only: KIND/TITLE-GLOB, e.g. "unix/linux-*", "mysql/billing-db" or
// "*/CA PAM prod". Both halves are path.Match patterns (* and ? do not match a slash, [a-z] is a
// class, a backslash quotes the next character), and the title is everything after the first
// slash, so a title pattern may contain slashes; an exact title matches itself.
type Pattern struct{ Kind, Title string }

// ParseOnly reads one --only pattern, refusing a malformed one and a KIND that matches no kind.
func ParseOnly(s string) (Pattern, error) {
	kind, title, ok := strings.Cut(s, "/")
	if !ok || title == "" {
		return Pattern{}, fmt.Errorf("--only %q: want KIND/TITLE-GLOB, KIND one of %s", s, strings.Join(spec.KindNames(), ", "))
	}
	if _, err := path.Match(title, ""); err != nil {
		return Pattern{}, fmt.Errorf("--only %q: title pattern: %w", s, err)
	}
	p := Pattern{Kind: kind, Title: title}
	for _, k := range spec.KindNames() {
		if m, err := path.Match(kind, k); err != nil || m {
			if err != nil {
				return Pattern{}, fmt.Errorf("--only %q: kind pattern: %w", s, err)
			}
			return p, nil
		}
	}
	return Pattern{}, fmt.Errorf("--only %q: want KIND/TITLE-GLOB, KIND one of %s", s, strings.Join(spec.KindNames(), ", "))
}

// Match reports whether the pattern matches the object k (both halves valid, see ParseOnly).
func (p Pattern) Match(k spec.Key) bool {
	km, _ := path.Match(p.Kind, string(k.Kind))
	tm, _ := path.Match(p.Title, k.Title)
	return km && tm
}

// Exact is the --only pattern that matches k alone (glob characters in its title quoted).
func Exact(k spec.Key) string {
	return string(k.Kind) + "/" + globQuoter.Replace(k.Title)
}

var globQuoter = strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`)

// matcher matches a key against every pattern of one --only list, counting which matched.
type matcher struct {
	raw  []string
	pats []Pattern
	hit  []bool
}

func newMatcher(only []string) (*matcher, error) {
	m := &matcher{raw: only, hit: make([]bool, len(only))}
	for _, s := range only {
		p, err := ParseOnly(s)
		if err != nil {
			return nil, err
		}
		m.pats = append(m.pats, p)
	}
	return m, nil
}

// match reports whether any pattern matches k; count records the hit (for "matches nothing").
func (m *matcher) match(k spec.Key, count bool) bool {
	any := false
	for i, p := range m.pats {
		if p.Match(k) {
			any = true
			m.hit[i] = m.hit[i] || count
		}
	}
	return any
}

// scope narrows desired and live to the --only patterns before planning, in the manner of
// dnscontrol's hands-off rules: the inputs change, Build does not. Desired keeps only the matching
// objects. Live keeps every object, so that Build still sees every IP a record holds and every
// record a vault serves, but a live object that no pattern matches loses its ownership marker:
// Build treats it as unmanaged and never updates or deletes it. A matching object that is gone
// from the configuration but managed live is thus deleted; one the configuration renames
// (previous_titles) is found under its old title, whether or not the old title matches.
//
// It refuses (when strict) a pattern that matches no object on either side; and always a matching
// record that logs in through a vault this configuration creates but which no pattern matches (the
// record could not be created before the vault), and a matching live object that the
// configuration renames to a title no pattern matches (it would be deleted). The returned
// documents are copies; the objects they share with the inputs are not modified. out holds the
// managed live objects scope put out of reach (plan.Options.OutOfScope).
func scope(desired, live *spec.Document, only []string, strict bool) (d, l *spec.Document, out map[spec.Key]bool, err error) {
	m, err := newMatcher(only)
	if err != nil {
		return nil, nil, nil, err
	}
	liveBy := map[spec.Key]*spec.Object{}
	for _, o := range live.Objects {
		liveBy[o.Key()] = o
	}
	keepLive := map[spec.Key]bool{}
	renamedTo := map[spec.Key]spec.Key{}
	out = map[spec.Key]bool{}
	dd := *desired
	dd.Objects = nil
	var problems []string
	for _, o := range desired.Objects {
		if !m.match(o.Key(), true) {
			for _, prev := range o.PreviousTitles {
				renamedTo[spec.Key{Kind: o.Kind, Title: prev}] = o.Key()
			}
			continue
		}
		keepLive[o.Key()] = true
		for _, prev := range o.PreviousTitles {
			keepLive[spec.Key{Kind: o.Kind, Title: prev}] = true
		}
		if o.Login != nil {
			vk := spec.Key{Kind: spec.KindVault, Title: o.Login.Vault}
			if !m.match(vk, false) && liveBy[vk] == nil && desired.Find(vk) != nil {
				problems = append(problems, fmt.Sprintf("%s logs in through vault %q, which this configuration creates but --only does not match; add --only %s", o.Key(), vk.Title, Exact(vk)))
			}
		}
		dd.Objects = append(dd.Objects, o)
	}
	ll := *live
	ll.Objects = make([]*spec.Object, 0, len(live.Objects))
	for _, o := range live.Objects {
		k := o.Key()
		if m.match(k, true) && !keepLive[k] {
			if to, ok := renamedTo[k]; ok && o.Marker != nil {
				problems = append(problems, fmt.Sprintf("%s is renamed to %q in this configuration, which --only does not match; add --only %s", k, to.Title, Exact(to)))
			}
			keepLive[k] = true
		}
		if keepLive[k] || o.Marker == nil {
			ll.Objects = append(ll.Objects, o)
			continue
		}
		if o.Marker.Owner == desired.Owner {
			out[k] = true
		}
		handsOff := *o
		handsOff.Marker = nil
		ll.Objects = append(ll.Objects, &handsOff)
	}
	for i, hit := range m.hit {
		if strict && !hit {
			problems = append(problems, fmt.Sprintf("--only %s matches nothing: no such object is in the configuration or in Qualys", m.raw[i]))
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return nil, nil, nil, fmt.Errorf("scoping: %s; nothing was sent to Qualys", strings.Join(slices.Compact(problems), "; "))
	}
	return &dd, &ll, out, nil
}

// scoped narrows a built plan's report to the scope: Unmanaged keeps only the objects that are
// unmanaged in Qualys themselves (not those scope put out of reach). The renderers say that the
// plan is partial (plan.Plan.ScopeLine), from its flags.
func scoped(p *plan.Plan, live *spec.Document) {
	managed := map[spec.Key]bool{}
	for _, o := range live.Objects {
		if o.Marker != nil && o.Marker.Owner == p.Owner {
			managed[o.Key()] = true
		}
	}
	p.Unmanaged = slices.DeleteFunc(p.Unmanaged, func(k spec.Key) bool { return managed[k] })
}

// PlanSecretsOnly is Plan for the protected job's "send changed secrets" step (--secrets-only):
// only the objects whose sole changes are secrets (a rotated value, or a record created by a plan
// made --without-secrets that has no fingerprint yet) are planned, as if each were an --only of its
// exact title; every other difference is left for a reviewed plan. It reads Qualys once and builds
// twice: the full plan finds those objects, the scoped plan changes them. The plan records
// --secrets-only and those objects as its targets, so a saved one is verified like any scoped
// plan, and it never claims that Qualys matches the configuration (plan.Plan.Scoped). With no
// such object the plan is empty, and every managed object is still listed as managed.
func (pl *Pipeline) PlanSecretsOnly(ctx context.Context, c Client, desired *spec.Document, f plan.Flags) (*Run, error) {
	if f.SecretsUnchecked || len(f.Targets) > 0 {
		return nil, errors.New("--secrets-only needs the secrets' values (not --without-secrets) and takes no --only")
	}
	f.SecretsOnly = false // the full plan first
	full, err := pl.Plan(ctx, c, desired, f)
	if err != nil {
		return nil, err
	}
	f.SecretsOnly = true
	for _, ch := range full.Plan.Changes {
		if secretOnly(ch) {
			f.Targets = append(f.Targets, Exact(ch.Key))
		}
	}
	opts := pl.Options(desired, f, c.Stats().RateRemaining)
	opts.VerifyReads = full.Plan.VerifyReads // the verification reads the whole estate again
	p, err := pl.build(desired, full.Live, opts, f, false)
	if err != nil {
		return nil, err // the full plan built, so the scoped one does too
	}
	left := len(full.Plan.Changes) - len(p.Changes)
	p.Notes = append([]string{fmt.Sprintf("secrets only (--secrets-only): %d object(s) whose only changes are secrets; %d other change(s) were left out", len(p.Changes), left)}, p.Notes...)
	p.Config, p.ConfigDigest, p.Flags = full.Plan.Config, full.Plan.ConfigDigest, f
	return &Run{Client: c, Desired: desired, Live: full.Live, Plan: p}, nil
}

// secretOnly reports whether a change is an in-place update of secrets and nothing else.
func secretOnly(ch plan.Change) bool {
	if ch.Action != plan.ActionUpdate || len(ch.Fields) == 0 {
		return false
	}
	for _, fc := range ch.Fields {
		if !fc.Sensitive {
			return false
		}
	}
	return true
}

// narrowed reports whether flags f narrow the objects a plan covers (--only, --secrets-only):
// desired and live are then scoped before Build.
func narrowed(f plan.Flags) bool { return len(f.Targets) > 0 || f.SecretsOnly }

// Outside is what a scoped run left out, found by planning the whole configuration against the
// same live state (no second read): Changes counts the changes and refusals outside the scope
// (those a scoped plan also has are not counted); Unchecked, when not empty, says why that full
// plan could not be made (e.g. a secret value this job does not have), and then nothing can be
// said about the rest. The zero value is a full plan's: nothing left out.
type Outside struct {
	Changes   int
	Unchecked string
}

// LeftOut reports whether the scope left something out, or could not tell.
func (o Outside) LeftOut() bool { return o.Changes > 0 || o.Unchecked != "" }

// outside plans desired against live without the scope of r's flags (no --only, no
// --secrets-only, secrets checked; the other choices kept, --push-secrets dropped as in Verify)
// and counts what differs outside scoped, the scoped plan of the same state.
func (pl *Pipeline) outside(desired, live *spec.Document, f plan.Flags, scoped *plan.Plan) Outside {
	full := plan.Flags{Adopt: f.Adopt, AllowDeletes: f.AllowDeletes, AllowReplace: f.AllowReplace}
	p, err := build.Plan(desired, live, pl.Options(desired, full, 0))
	if err != nil {
		var diags spec.Diagnostics
		if errors.As(err, &diags) {
			return Outside{Unchecked: fmt.Sprintf("a plan of the whole configuration has %d problem(s) (qsync plan without the scope shows them)", diags.ErrorCount())}
		}
		return Outside{Unchecked: fmt.Sprintf("a plan of the whole configuration fails: %v", err)}
	}
	in := map[spec.Key]bool{}
	if scoped != nil {
		for _, ch := range scoped.Changes {
			in[ch.Key] = true
		}
		for _, r := range scoped.Refused {
			in[r.Key] = true
		}
	}
	n := 0
	for _, ch := range p.Changes {
		if !in[ch.Key] {
			n++
		}
	}
	for _, r := range p.Refused {
		if !in[r.Key] {
			n++
		}
	}
	return Outside{Changes: n}
}

// Outside is what the run's plan leaves out of the configuration (see Outside), for a scoped plan
// that has nothing to apply; a full plan leaves nothing out.
func (pl *Pipeline) Outside(r *Run) Outside {
	if !r.Plan.Scoped() {
		return Outside{}
	}
	return pl.outside(r.Desired, r.Live, r.Plan.Flags, r.Plan)
}
