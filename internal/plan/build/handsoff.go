package build

import (
	"fmt"
	"slices"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// Hands off: before anything is matched, every live object has a class (classify, a function of
// the object and the owner alone) saying what qsync may do with it, as dnscontrol's
// pkg/diff2/handsoff.go decides up front which records a provider may touch. Matching then only
// pairs desired objects with candidate live ones; what a pair or a leftover live object may
// become (update, adopt, delete, left alone, or an error) follows from the class alone:
//
//	class           declared (matched)                 not declared
//	liveManaged     update / rename                    delete
//	liveUnmarked    adopt (adopt: true or --adopt)     left alone (Plan.Unmanaged)
//	                else an error
//	liveForeign     error (another owner's object)     left alone (Plan.Unmanaged)
//	liveOpaque      error (qsync cannot represent it)  left alone (Plan.Unmanaged, Plan.Opaque),
//	                                                   an error if it carries this owner's marker

// liveClass is the hands-off decision about one live object.
type liveClass uint8

// The classes of live objects.
const (
	// liveManaged objects carry this owner's marker: qsync updates and deletes them.
	liveManaged liveClass = iota
	// liveUnmarked objects carry no marker: left alone unless declared and adopted.
	liveUnmarked
	// liveForeign objects carry another owner's marker: never touched.
	liveForeign
	// liveOpaque objects are ones qsync cannot represent (spec.Object.Opaque): never touched,
	// whatever their marker; their IPs still count for IP exclusivity.
	liveOpaque
)

// indexLive indexes the live objects by key, reporting duplicated keys. Their classes need no
// table: classify is a function of the object and the owner alone, and a map of 100k classes cost
// 6 MB per build.Plan.
func (b *builder) indexLive() {
	b.liveBy = make(map[spec.Key]*spec.Object, len(b.live.Objects))
	b.byLive = make(map[*spec.Object]*item, len(b.live.Objects))
	for _, l := range b.live.Objects {
		if prev := b.liveBy[l.Key()]; prev != nil {
			// live.Read makes such twins opaque (never changed, listed with the reason); only
			// a twin qsync could change is an error.
			if prev.Opaque == "" || l.Opaque == "" {
				b.diags.add(nil, l.Key(), "appears twice in Qualys (IDs %d and %d); titles must be unique, rename one in Qualys first", prev.ID, l.ID)
			}
			continue
		}
		b.liveBy[l.Key()] = l
	}
}

// classify decides the class of one live object.
func (b *builder) classify(l *spec.Object) liveClass {
	switch {
	case l.Opaque != "":
		return liveOpaque
	case l.Marker == nil:
		return liveUnmarked
	case l.Marker.Owner == b.owner:
		return liveManaged
	}
	return liveForeign
}

// isManaged reports whether a live object carries this owner's marker (opaque or not).
func (b *builder) isManaged(l *spec.Object) bool {
	return l.Marker != nil && l.Marker.Owner == b.owner
}

// checkOwner decides whether the live object of a matched pair may be changed: it must carry this
// owner's marker, or carry none and be adopted. An opaque one is never matched (see match).
func (b *builder) checkOwner(it *item) {
	d, l := it.d, it.l
	switch b.classify(l) {
	case liveManaged:
		it.managed = true
	case liveForeign:
		b.diags.add(d, d.Key(), "exists in Qualys (id %d) but is managed by owner %q, not %q; qsync never takes over another owner's object",
			l.ID, l.Marker.Owner, b.owner)
	case liveUnmarked:
		if d.Adopt || b.opts.Adopt {
			it.action = plan.ActionAdopt
			return
		}
		what := "exists in Qualys"
		if it.rename {
			what = fmt.Sprintf("previous title %q exists in Qualys", l.Title)
		}
		b.diags.add(d, d.Key(), "%s (id %d) but is not managed by owner %q; set adopt: true or pass --adopt", what, l.ID, b.owner)
	}
}

// collectDeletes decides the fate of every live object the configuration does not name: a
// managed one is deleted, the others are listed as unmanaged. The configuration names the live
// objects declared objects matched (b.byLive) and the opaque ones they tried to match
// (namedOpaque).
func (b *builder) collectDeletes(namedOpaque map[*spec.Object]bool) {
	for _, l := range b.live.Objects {
		if b.byLive[l] != nil || namedOpaque[l] || b.liveBy[l.Key()] != l {
			continue
		}
		switch b.classify(l) {
		case liveManaged:
			it := &item{l: l, def: l.Def(), managed: true, action: plan.ActionDelete}
			b.byLive[l] = it
			b.items = append(b.items, it)
		case liveOpaque:
			if b.isManaged(l) {
				// Leaving it alone would hide the delete the configuration asks for.
				b.diags.add(nil, l.Key(), "exists in Qualys (id %d) with the ownership marker of owner %q, but qsync cannot represent it (%s), so it can neither update nor delete it; remove it from Qualys by hand or upgrade qsync",
					l.ID, b.owner, l.Opaque)
				continue
			}
			b.unmanaged = append(b.unmanaged, l.Key())
			b.opaque = append(b.opaque, plan.Opaque{Key: l.Key(), ID: l.ID, Reason: l.Opaque})
		default:
			b.unmanaged = append(b.unmanaged, l.Key())
		}
	}
	slices.SortStableFunc(b.unmanaged, spec.CompareKeys)
	slices.SortStableFunc(b.opaque, func(x, y plan.Opaque) int { return spec.CompareKeys(x.Key, y.Key) })
}

// checkOpaqueVaults reports desired records that log in through a live vault qsync cannot
// represent: qsync knows neither its type nor its record-side login parameters.
func (b *builder) checkOpaqueVaults(desired []*spec.Object) {
	declared := map[string]bool{}
	for _, d := range desired {
		if d.Kind == spec.KindVault {
			declared[d.Title] = true
		}
	}
	for _, d := range desired {
		if !d.Kind.IsRecord() || d.Login == nil || declared[d.Login.Vault] {
			continue
		}
		if v := b.liveBy[spec.Key{Kind: spec.KindVault, Title: d.Login.Vault}]; v != nil && b.classify(v) == liveOpaque {
			b.diags.add(d, d.Key(), "login names vault %q (id %d), which qsync cannot represent (%s); a record managed by qsync cannot log in through it",
				v.Title, v.ID, v.Opaque)
		}
	}
}
