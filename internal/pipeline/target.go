package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// ParseTarget reads one --target: KIND/TITLE, e.g. "mysql/billing-db" or "vault/CA PAM prod"
// (the title is everything after the first slash, so it may contain slashes).
func ParseTarget(s string) (spec.Key, error) {
	kind, title, ok := strings.Cut(s, "/")
	if !ok || title == "" || !slices.Contains(spec.KindNames(), kind) {
		return spec.Key{}, fmt.Errorf("--target %q: want KIND/TITLE with KIND one of %s", s, strings.Join(spec.KindNames(), ", "))
	}
	return spec.Key{Kind: spec.Kind(kind), Title: title}, nil
}

// scope narrows desired and live to the targets before planning, in the manner of dnscontrol's
// hands-off rules: the inputs change, Build does not. Desired keeps only the targeted objects.
// Live keeps every object, so that Build still sees every IP a record holds and every record a
// vault serves, but a live object that is not targeted loses its ownership marker: Build treats it
// as unmanaged and never updates or deletes it. A targeted object that is gone from the
// configuration but managed live is thus deleted; one the configuration renames (previous_titles)
// is found under its old title.
//
// It refuses (when strict) a target that names no object on either side, and a targeted record that logs in
// through a vault this configuration creates but which is not targeted (the record could not be
// created before the vault: target the vault too). The returned documents are copies; the
// objects they share with the inputs are not modified.
func scope(desired, live *spec.Document, targets []string, strict bool) (*spec.Document, *spec.Document, error) {
	want := map[spec.Key]bool{}
	for _, t := range targets {
		k, err := ParseTarget(t)
		if err != nil {
			return nil, nil, err
		}
		want[k] = true
	}
	liveBy := map[spec.Key]*spec.Object{}
	for _, o := range live.Objects {
		liveBy[o.Key()] = o
	}
	found := map[spec.Key]bool{}
	keepLive := map[spec.Key]bool{}
	d := *desired
	d.Objects = nil
	var problems []string
	for _, o := range desired.Objects {
		if !want[o.Key()] {
			continue
		}
		found[o.Key()] = true
		keepLive[o.Key()] = true
		for _, prev := range o.PreviousTitles {
			keepLive[spec.Key{Kind: o.Kind, Title: prev}] = true
		}
		if o.Login != nil {
			vk := spec.Key{Kind: spec.KindVault, Title: o.Login.Vault}
			if !want[vk] && liveBy[vk] == nil && desired.Find(vk) != nil {
				problems = append(problems, fmt.Sprintf("%s logs in through vault %q, which this configuration creates but --target does not name; add --target vault/%s", o.Key(), vk.Title, vk.Title))
			}
		}
		d.Objects = append(d.Objects, o)
	}
	l := *live
	l.Objects = make([]*spec.Object, 0, len(live.Objects))
	for _, o := range live.Objects {
		if want[o.Key()] {
			found[o.Key()] = true
			keepLive[o.Key()] = true
		}
		if keepLive[o.Key()] || o.Marker == nil {
			l.Objects = append(l.Objects, o)
			continue
		}
		handsOff := *o
		handsOff.Marker = nil
		l.Objects = append(l.Objects, &handsOff)
	}
	for _, t := range targets {
		if k, _ := ParseTarget(t); strict && !found[k] {
			problems = append(problems, fmt.Sprintf("--target %s names nothing: no %s is in the configuration or in Qualys", t, k))
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return nil, nil, fmt.Errorf("targeting: %s; nothing was sent to Qualys", strings.Join(slices.Compact(problems), "; "))
	}
	return &d, &l, nil
}

// scoped narrows a built plan's report to the targets: Unmanaged keeps only the objects that are
// unmanaged in Qualys themselves (not those scope put out of reach), and a note says, first, that
// the plan is partial.
func scoped(p *plan.Plan, live *spec.Document, targets []string) {
	managed := map[spec.Key]bool{}
	for _, o := range live.Objects {
		if o.Marker != nil && o.Marker.Owner == p.Owner {
			managed[o.Key()] = true
		}
	}
	p.Unmanaged = slices.DeleteFunc(p.Unmanaged, func(k spec.Key) bool { return managed[k] })
	p.Notes = append([]string{TargetNote(targets)}, p.Notes...)
}

// TargetNote is the note of a targeted plan.
func TargetNote(targets []string) string {
	return fmt.Sprintf("TARGETED, PARTIAL PLAN: only %s planned (--target); every other object was left out, and the configuration is not fully applied until a plan without --target is empty",
		strings.Join(targets, ", "))
}

// Banner is what a caller prints above a rendered plan (text or markdown) that is targeted, so
// that no reviewer misses it; empty for other plans and for json (whose flags.targets says it).
func Banner(p *plan.Plan, format string) string {
	if len(p.Flags.Targets) == 0 {
		return ""
	}
	switch format {
	case "text":
		return "!!! " + TargetNote(p.Flags.Targets) + "\n\n"
	case "markdown":
		return "> [!CAUTION]\n> **" + TargetNote(p.Flags.Targets) + "**\n\n"
	}
	return ""
}

// PlanSecretsOnly is Plan for the protected job's "send changed secrets" step (--secrets-only):
// only the objects whose sole changes are secrets (a rotated value, or a record created by a plan
// made --without-secrets that has no fingerprint yet) are planned, as if each were a --target;
// every other difference is left for a reviewed plan. It reads Qualys once and builds twice: the
// full plan finds those objects, the scoped plan changes them. The plan records them as its
// targets, so a saved one is verified like any targeted plan.
func (pl *Pipeline) PlanSecretsOnly(ctx context.Context, c Client, desired *spec.Document, f plan.Flags) (*Run, error) {
	if f.SecretsUnchecked || len(f.Targets) > 0 {
		return nil, errors.New("--secrets-only needs the secrets' values (not --without-secrets) and takes no --target")
	}
	full, err := pl.Plan(ctx, c, desired, f)
	if err != nil {
		return nil, err
	}
	for _, ch := range full.Plan.Changes {
		if secretOnly(ch) {
			f.Targets = append(f.Targets, string(ch.Key.Kind)+"/"+ch.Key.Title)
		}
	}
	d, l, err := scope(desired, full.Live, f.Targets, false)
	if err != nil {
		return nil, err
	}
	p, err := plan.Build(d, l, pl.Options(desired, f, c.Stats().RateRemaining))
	if err != nil {
		return nil, err // the full plan built, so the scoped one does too
	}
	if len(f.Targets) > 0 {
		scoped(p, full.Live, f.Targets)
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
