package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/qsync/qsync/internal/plan"
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
// documents are copies; the objects they share with the inputs are not modified.
func scope(desired, live *spec.Document, only []string, strict bool) (*spec.Document, *spec.Document, error) {
	m, err := newMatcher(only)
	if err != nil {
		return nil, nil, err
	}
	liveBy := map[spec.Key]*spec.Object{}
	for _, o := range live.Objects {
		liveBy[o.Key()] = o
	}
	keepLive := map[spec.Key]bool{}
	renamedTo := map[spec.Key]spec.Key{}
	d := *desired
	d.Objects = nil
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
		d.Objects = append(d.Objects, o)
	}
	l := *live
	l.Objects = make([]*spec.Object, 0, len(live.Objects))
	for _, o := range live.Objects {
		k := o.Key()
		if m.match(k, true) && !keepLive[k] {
			if to, ok := renamedTo[k]; ok && o.Marker != nil {
				problems = append(problems, fmt.Sprintf("%s is renamed to %q in this configuration, which --only does not match; add --only %s", k, to.Title, Exact(to)))
			}
			keepLive[k] = true
		}
		if keepLive[k] || o.Marker == nil {
			l.Objects = append(l.Objects, o)
			continue
		}
		handsOff := *o
		handsOff.Marker = nil
		l.Objects = append(l.Objects, &handsOff)
	}
	for i, hit := range m.hit {
		if strict && !hit {
			problems = append(problems, fmt.Sprintf("--only %s matches nothing: no such object is in the configuration or in Qualys", m.raw[i]))
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return nil, nil, fmt.Errorf("scoping: %s; nothing was sent to Qualys", strings.Join(slices.Compact(problems), "; "))
	}
	return &d, &l, nil
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
// made --without-secrets that has no fingerprint yet) are planned, as if each were an --only of its exact title;
// every other difference is left for a reviewed plan. It reads Qualys once and builds twice: the
// full plan finds those objects, the scoped plan changes them. The plan records them as its
// patterns, so a saved one is verified like any scoped plan.
func (pl *Pipeline) PlanSecretsOnly(ctx context.Context, c Client, desired *spec.Document, f plan.Flags) (*Run, error) {
	if f.SecretsUnchecked || len(f.Targets) > 0 {
		return nil, errors.New("--secrets-only needs the secrets' values (not --without-secrets) and takes no --only")
	}
	full, err := pl.Plan(ctx, c, desired, f)
	if err != nil {
		return nil, err
	}
	for _, ch := range full.Plan.Changes {
		if secretOnly(ch) {
			f.Targets = append(f.Targets, Exact(ch.Key))
		}
	}
	d, l, err := scope(desired, full.Live, f.Targets, false)
	if err != nil {
		return nil, err
	}
	opts := pl.Options(desired, f, c.Stats().RateRemaining)
	opts.VerifyReads = full.Plan.VerifyReads // the verification reads the whole estate again
	p, err := plan.Build(d, l, opts)
	if err != nil {
		return nil, err // the full plan built, so the scoped one does too
	}
	if len(f.Targets) > 0 {
		scoped(p, full.Live)
	}
	p.Notes = append([]string{fmt.Sprintf("secrets only (--secrets-only): %d object(s) whose only changes are secrets; %d other change(s) were left out", len(p.Changes), len(full.Plan.Changes)-len(p.Changes))}, p.Notes...)
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
