package build

import (
	"slices"

	"github.com/qsync/qsync/internal/spec"
)

// declared returns the desired objects qsync can plan, sorted by key, and reports objects of an
// unknown kind or type and keys declared twice.
func (b *builder) declared() []*spec.Object {
	seen := map[spec.Key]*spec.Object{}
	var desired []*spec.Object
	for _, d := range b.desired.Objects {
		if d.Def() == nil {
			b.diags.add(d, d.Key(), "unknown kind or type %q", d.Type)
			continue
		}
		if prev := seen[d.Key()]; prev != nil {
			b.diags.add(d, d.Key(), "declared twice (also at %s)", prev.Pos)
			continue
		}
		seen[d.Key()] = d
		desired = append(desired, d)
	}
	slices.SortStableFunc(desired, func(x, y *spec.Object) int { return compareKeys(x.Key(), y.Key()) })
	return desired
}

// renames are the effective rename claims (previous_titles): the live object each renamed
// desired object takes over, and the reverse.
type renames struct {
	from map[*spec.Object]*spec.Object // desired -> the live object it renames
	to   map[*spec.Object]*spec.Object // live -> the desired object renaming it
}

// renameClaims decides which live object each desired object takes over through previous_titles.
// A desired object claims the live object with its first previous title that exists live; two
// claims of one live object are an error. A claim is effective when the desired title is free
// live, or is itself effectively claimed by another rename (a chain), computed to a fixpoint. A
// desired object whose own title exists live and stays matches that object: previous_titles then
// means nothing (which also makes a finished rename stable).
func (b *builder) renameClaims(desired []*spec.Object) renames {
	claim := map[*spec.Object]*spec.Object{}       // desired -> live, tentative
	claimedBy := map[*spec.Object][]*spec.Object{} // live -> desired, tentative
	for _, d := range desired {
		if l := b.firstPreviousTitle(d); l != nil {
			claim[d] = l
			claimedBy[l] = append(claimedBy[l], d)
		}
	}
	for l, ds := range claimedBy {
		for _, d := range ds[1:] {
			b.diags.add(d, d.Key(), "previous_titles names %s, which %s also claims", l.Key(), ds[0].Key())
		}
	}
	rn := renames{from: map[*spec.Object]*spec.Object{}, to: map[*spec.Object]*spec.Object{}}
	for changed := true; changed; {
		changed = false
		for _, d := range desired {
			l := claim[d]
			if l == nil || rn.to[l] == d || len(claimedBy[l]) > 1 {
				continue
			}
			own := b.liveBy[d.Key()]
			if own == nil || (rn.to[own] != nil && rn.to[own] != d) {
				rn.to[l] = d
				changed = true
			}
		}
	}
	for l, d := range rn.to {
		rn.from[d] = l
	}
	return rn
}

// firstPreviousTitle returns the live object with the first of d's previous titles that exists
// live, or nil.
func (b *builder) firstPreviousTitle(d *spec.Object) *spec.Object {
	for _, p := range d.PreviousTitles {
		if l := b.liveBy[spec.Key{Kind: d.Kind, Title: p}]; l != nil && p != d.Title {
			return l
		}
	}
	return nil
}

// candidate returns the live object a desired object changes in place: the one it renames, else
// the one with its key unless another rename takes that one; nil for a create.
func (b *builder) candidate(d *spec.Object, rn renames) (l *spec.Object, rename bool) {
	if l := rn.from[d]; l != nil {
		return l, true
	}
	if l := b.liveBy[d.Key()]; l != nil && (rn.to[l] == nil || rn.to[l] == d) {
		return l, false
	}
	return nil, false
}

// match pairs every declared object with its candidate live object, checks the owner of each
// pair, and appends the items. It returns the live objects the configuration names, so that
// collectDeletes leaves them out.
func (b *builder) match(desired []*spec.Object, rn renames) map[*spec.Object]bool {
	named := map[*spec.Object]bool{}
	matched := map[*spec.Object]*spec.Object{} // live -> desired
	for _, d := range desired {
		it := &item{d: d, def: d.Def()}
		if l, rename := b.candidate(d, rn); l != nil {
			named[l] = true
			if b.class[l] == liveOpaque {
				b.diags.add(d, d.Key(), "matches %s (id %d) in Qualys, which qsync cannot represent (%s), so it can neither update nor replace it; remove it from Qualys by hand, declare this object under another title, or upgrade qsync",
					l.Key(), l.ID, l.Opaque)
				continue
			}
			if other := matched[l]; other != nil {
				b.diags.add(d, d.Key(), "matches %s (id %d), which %s matches too", l.Key(), l.ID, other.Key())
				continue
			}
			matched[l] = d
			it.l, it.rename = l, rename
			b.byLive[l] = it
			b.checkOwner(it)
		}
		b.items = append(b.items, it)
	}
	return named
}
