package attribution

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/build"
	"github.com/qsync/qsync/internal/spec"
)

// NoteApproximate is the plan note when the configuration at the base revision cannot be planned
// against Qualys (so drift cannot be told apart from the pull request's own changes where the
// configuration also changed).
const NoteApproximate = "attribution: the configuration at the base revision could not be planned against Qualys (%v); changes whose configuration changed are labelled as this change, without checking for drift"

// Attribute labels every change of p (plan.Change.Attribution) against base, planning the
// configuration at base against the same live estate with opts: a change of an object the
// configuration at base declares the same way is drift (Qualys differs from a configuration that
// did not change); one whose configuration changed is the pull request's own change, or both
// when the plan of the configuration at base also changes that live object. A delete of an object
// the configuration at base declared is the pull request's own change (both when Qualys had also
// changed it); of one it did not declare, drift. Without a configuration at base every change is
// the pull request's own. Changes that overwrite drift carry the live object's LAST_MODIFIED
// (plan.Change.LiveModified) when Qualys lists it. p.Base is set to base.Label().
func Attribute(p *plan.Plan, base *Base, live *spec.Document, opts plan.Options) {
	p.Base = base.Label()
	if base.Doc == nil {
		for i := range p.Changes {
			p.Changes[i].Attribution = plan.AttributionChange
		}
		return
	}
	drifted := driftedObjects(p, base.Doc, live, opts)
	for i := range p.Changes {
		c := &p.Changes[i]
		c.Attribution = label(c, baseObject(c, base.Doc), drifted)
		if c.Attribution != plan.AttributionChange && c.Before != nil {
			c.LiveModified = modified(c.Before)
		}
	}
}

// drift is what the plan of the configuration at base changes: live IDs, and keys of creates.
type drift struct {
	ids     map[int64]bool
	creates map[spec.Key]bool
	// approximate is set when that plan could not be made.
	approximate bool
}

// driftedObjects plans the configuration at base against live: every object that plan changes
// differs in Qualys from the configuration at base.
func driftedObjects(p *plan.Plan, base, live *spec.Document, opts plan.Options) drift {
	d := drift{ids: map[int64]bool{}, creates: map[spec.Key]bool{}}
	// The guards and secrets are not the question here: what differs is.
	o := plan.Options{Owner: opts.Owner, AllowDeletes: true, AllowReplace: true, Adopt: opts.Adopt}
	bp, err := build.Plan(base, live, o)
	if err != nil {
		d.approximate = true
		p.Notes = append(p.Notes, fmt.Sprintf(NoteApproximate, firstLine(err.Error())))
		return d
	}
	for _, c := range bp.Changes {
		if c.ID != 0 {
			d.ids[c.ID] = true
		}
		if c.Action == plan.ActionCreate {
			d.creates[c.Key] = true
		}
	}
	return d
}

// label decides one change's attribution; b is the object at base (nil: not declared then).
func label(c *plan.Change, b *spec.Object, d drift) plan.Attribution {
	live := d.ids[c.ID] && c.ID != 0 || c.Action == plan.ActionCreate && d.creates[c.Key]
	if c.Action == plan.ActionDelete {
		switch {
		case b == nil:
			return plan.AttributionDrift // managed, but not declared at base either
		case live:
			return plan.AttributionBoth
		}
		return plan.AttributionChange
	}
	if b == nil {
		return plan.AttributionChange
	}
	changed := !sameConfig(b, c.After)
	switch {
	case changed && live:
		return plan.AttributionBoth
	case changed:
		return plan.AttributionChange
	case live, d.approximate:
		// Without the plan at base, a change of an object whose configuration did not change
		// can only come from Qualys.
		return plan.AttributionDrift
	}
	// The configuration is the same and Qualys matches it: not drift of a setting (a secret
	// rotated in the environment, --push-secrets), so this run's own change.
	return plan.AttributionChange
}

// baseObject returns the object the configuration at base declared for c: by key, by the live
// title of a rename, or by one of the desired object's previous titles.
func baseObject(c *plan.Change, base *spec.Document) *spec.Object {
	if o := base.Find(c.Key); o != nil {
		return o
	}
	var titles []string
	if c.PreviousTitle != "" {
		titles = append(titles, c.PreviousTitle)
	}
	if c.After != nil {
		titles = append(titles, c.After.PreviousTitles...)
	}
	for _, t := range titles {
		if o := base.Find(spec.Key{Kind: c.Key.Kind, Title: t}); o != nil {
			return o
		}
	}
	return nil
}

// sameConfig reports whether two configured objects declare the same thing: their model in
// canonical form, leaving out where they were written (positions, the directory file secrets
// resolve in).
func sameConfig(a, b *spec.Object) bool {
	if a == nil || b == nil {
		return a == b
	}
	return canonicalJSON(a) == canonicalJSON(b)
}

func canonicalJSON(o *spec.Object) string {
	c := *o
	c.Secrets = map[string]spec.SecretRef{}
	for k, ref := range o.Secrets {
		ref.Root = ""
		c.Secrets[k] = ref
	}
	if len(o.Items) > 0 {
		c.Items = map[string][]spec.Item{}
		for f, items := range o.Items {
			out := make([]spec.Item, len(items))
			for i, it := range items {
				it.Secrets = map[string]spec.SecretRef{}
				for k, ref := range items[i].Secrets {
					ref.Root = ""
					it.Secrets[k] = ref
				}
				out[i] = it
			}
			c.Items[f] = out
		}
	}
	b, _ := json.Marshal(&c) // plain data
	return string(b)
}

// modified is the live object's LAST_MODIFIED, nil when Qualys lists none.
func modified(o *spec.Object) *plan.Modified {
	if o.ModifiedAt.IsZero() && o.ModifiedBy == "" {
		return nil
	}
	m := &plan.Modified{By: o.ModifiedBy}
	if !o.ModifiedAt.IsZero() {
		m.At = o.ModifiedAt.UTC().Format(time.RFC3339)
	}
	return m
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}
