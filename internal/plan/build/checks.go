package build

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/ipindex"
	"github.com/qsync/qsync/internal/spec"
)

// checkVaultUse refuses to delete or replace a vault that a remaining record still uses: Qualys
// cannot delete a vault in use.
func (b *builder) checkVaultUse() {
	for _, v := range b.items {
		if v.l == nil || v.l.Kind != spec.KindVault || (v.action != plan.ActionDelete && v.action != plan.ActionReplace) {
			continue
		}
		var users []string
		for _, r := range b.live.Objects {
			if !r.Kind.IsRecord() || r.Login == nil || b.liveVault(r) != v.l {
				continue
			}
			rit := b.byLive[r]
			if v.action == plan.ActionDelete && rit != nil && (rit.action == plan.ActionDelete || rit.action == plan.ActionReplace ||
				(rit.d != nil && (rit.d.Login == nil || rit.d.Login.Vault != v.l.Title))) {
				continue // the record goes away or moves to another vault before phase 5
			}
			users = append(users, r.Key().String())
		}
		if v.action == plan.ActionDelete {
			for _, it := range b.items {
				if it.d != nil && it.d.Kind.IsRecord() && it.d.Login != nil && it.d.Login.Vault == v.l.Title && it.l == nil {
					users = append(users, it.d.Key().String())
				}
			}
		}
		if len(users) == 0 {
			continue
		}
		slices.Sort(users)
		users = slices.Compact(users)
		if v.action == plan.ActionDelete {
			b.diags.add(nil, v.key(), "is not in the configuration but is still used by %s; remove or move those records first", strings.Join(users, ", "))
		} else {
			b.diags.add(v.d, v.key(), "%s, which needs a new vault, but Qualys cannot delete a vault used by %s; declare the new vault under a new title, move the records to it, then remove this one",
				v.change.Reason, strings.Join(users, ", "))
		}
	}
}

// checkUnwritable refuses, before anything is sent, a create or replacement of a vault whose type
// qsync cannot write (spec.KindDef.Unwritable: Qualys does not document its create parameters),
// and an update that would change its settings or secrets. Adopting one, renaming it and
// changing its comments stay possible: those send only the title and comments.
func (b *builder) checkUnwritable() {
	for _, it := range b.items {
		if it.d == nil || it.def == nil || it.def.Unwritable == "" {
			continue
		}
		var what string
		switch it.action {
		case plan.ActionCreate, plan.ActionReplace:
			what = string(it.action)
		case plan.ActionUpdate, plan.ActionAdopt, plan.ActionRename:
			if sends := settingsSent(it); len(sends) > 0 {
				what = "change " + strings.Join(sends, ", ") + " of"
			}
		}
		if what == "" {
			continue
		}
		b.diags.add(it.d, it.d.Key(), "qsync cannot %s vault type %s (%s); create it in Qualys, then name it in logins or adopt it with only title and comments",
			what, it.def.Type, it.def.Unwritable)
	}
}

// settingsSent lists, sorted, the parameters and secrets an in-place update of it sends besides
// its title, comments and the vault type every vault update carries.
func settingsSent(it *item) []string {
	var out []string
	for p := range it.params {
		if p != "title" && p != "comments" && p != "type" {
			out = append(out, p)
		}
	}
	for p := range it.secrets {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// checkIPConflicts reports desired records whose IPs a live record keeps: one that qsync does not
// manage, or one whose change was refused. Qualys allows an IP in only one record of an
// exclusivity group (the unix family, windows). stay are the live records that keep their IPs
// (stayingRecords).
func (b *builder) checkIPConflicts(stay []*spec.Object) {
	index := indexRanges(stay)
	for _, it := range b.items {
		d := it.d
		if d == nil || !d.Kind.IsRecord() || it.action == "" || it.group() == "" || index[it.group()] == nil {
			continue
		}
		hits := map[int]bool{}
		for _, r := range d.IPs.Ranges() {
			index[it.group()].Overlapping(r, hits)
		}
		for _, i := range slices.Sorted(maps.Keys(hits)) { // in live order, as the reader sorted them
			if l := stay[i]; l != it.l {
				b.reportIPConflict(it, l)
			}
		}
	}
}

// checkRuleConflicts reports desired records that would break a unique rule of their kind
// (spec.KindDef.Unique: Oracle's one All-Ports record per host, DB2's (IP, port)) with a live
// record that keeps its values: one qsync does not manage (unmarked, another owner's) or one whose
// change was refused. The loader checks the declared records among themselves; this is the
// check against everything else in Qualys, so apply never fails what the plan promised. Rules
// from a secondary source (warnings) are not checked here, nor records whose values Qualys did
// not report (spec.RuleConflict). stay are the live records that keep their IPs
// (stayingRecords).
func (b *builder) checkRuleConflicts(stay []*spec.Object) {
	byKind := map[spec.Kind]*ipindex.Index{} // the ranges of the records that stay, of kinds with rules
	for i, l := range stay {
		if def := l.Def(); def != nil && len(def.Unique) > 0 && l.Opaque == "" {
			if byKind[l.Kind] == nil {
				byKind[l.Kind] = &ipindex.Index{}
			}
			for _, r := range l.IPs.Ranges() {
				byKind[l.Kind].Add(r, i)
			}
		}
	}
	for _, ix := range byKind {
		ix.Sort()
	}
	for _, it := range b.items {
		d := it.d
		if d == nil || !d.Kind.IsRecord() || it.action == "" || it.action == plan.ActionDelete || byKind[d.Kind] == nil {
			continue
		}
		hits := map[int]bool{}
		for _, r := range d.IPs.Ranges() {
			byKind[d.Kind].Overlapping(r, hits)
		}
		for _, i := range slices.Sorted(maps.Keys(hits)) {
			l := stay[i]
			if l == it.l {
				continue
			}
			r, both := spec.RuleConflict(d, l)
			if r == nil || r.Warning {
				continue
			}
			why := "which is not managed by owner " + strconv.Quote(b.owner)
			if b.byLive[l] != nil {
				why = "whose change is refused"
			}
			b.diags.add(d, d.Key(), "ips %s are in %s (id %d), %s, and both have %s: %s",
				both, l.Key(), l.ID, why, r.Describe(d, l), r.Reason)
		}
	}
}

// stayingRecords returns the live records that keep their IPs: those the plan does not touch and
// those whose change was refused. Both have no action, so the checks that take this list skip
// their items (a desired record whose change was refused is compared with nothing).
func (b *builder) stayingRecords() []*spec.Object {
	stay := make([]*spec.Object, 0, len(b.live.Objects))
	for _, l := range b.live.Objects {
		it := b.byLive[l]
		if l.Kind.IsRecord() && (it == nil || (it.d != nil && it.action == "")) {
			stay = append(stay, l)
		}
	}
	return stay
}

// indexRanges indexes the ranges of the records that stay by exclusivity group, so each changed
// record is checked against the few live ranges it can touch instead of every live record.
func indexRanges(stay []*spec.Object) map[string]*ipindex.Index {
	index := map[string]*ipindex.Index{}
	for i, l := range stay {
		// An opaque record has no Type, so Def is its kind's plain descriptor: the exclusivity
		// group is the kind's (every unix sub_type shares "unix").
		def := l.Def()
		if def == nil || def.ExclusiveGroup == "" {
			continue
		}
		g := def.ExclusiveGroup
		if index[g] == nil {
			index[g] = &ipindex.Index{}
		}
		for _, r := range l.IPs.Ranges() {
			index[g].Add(r, i)
		}
	}
	for _, ix := range index {
		ix.Sort()
	}
	return index
}

// reportIPConflict reports the IPs a desired record shares with live record l, which keeps them.
func (b *builder) reportIPConflict(it *item, l *spec.Object) {
	d := it.d
	x := d.IPs.Intersect(l.IPs)
	if x.IsZero() {
		return
	}
	why := "which is not managed by owner " + strconv.Quote(b.owner)
	switch {
	case b.opts.OutOfScope[l.Key()]:
		why = outOfScopeWhy
	case b.byLive[l] != nil:
		why = "whose change is refused"
	case l.Opaque != "":
		why = "which qsync cannot represent (" + l.Opaque + ") and leaves alone"
	}
	b.diags.add(d, d.Key(), "ips %s are in %s (id %d), %s; Qualys allows an IP in only one %s record",
		x, l.Key(), l.ID, why, it.group())
}

// guard applies the safety rules: the delete threshold and failing closed on an incomplete read.
// A replacement deletes the live object before it creates the new one, so it counts as a delete
// in every rule. The threshold applies per kind and across the owner's whole estate (every
// managed vault and record), so spreading deletes over many kinds does not pass it.
func (b *builder) guard() error {
	managed := map[spec.Kind]int{}
	deletes := map[spec.Kind]int{}
	creates, dels, managedAll := 0, 0, 0
	for _, it := range b.items {
		if it.l != nil && it.managed {
			managed[it.l.Kind]++
			managedAll++
		}
		switch it.action {
		case plan.ActionDelete:
			deletes[it.l.Kind]++
			dels++
		case plan.ActionCreate:
			creates++
		case plan.ActionReplace:
			deletes[it.l.Kind]++
			creates++
			dels++
		}
	}
	if !b.live.Complete && (creates > 0 || dels > 0) {
		return fmt.Errorf("%w: refusing to plan %d create(s) and %d delete(s) from a partial view of Qualys (a list was truncated or failed); fix the read and plan again",
			plan.ErrLiveIncomplete, creates, dels)
	}
	if b.opts.AllowDeletes {
		return nil
	}
	over := func(n, m int) bool {
		return m >= b.opts.DeleteMinCount && float64(n) > b.opts.DeleteThreshold*float64(m)
	}
	for _, k := range slices.Sorted(maps.Keys(deletes)) {
		if n, m := deletes[k], managed[k]; over(n, m) {
			return &plan.RefusedError{Kind: k, Deletes: n, Managed: m, Threshold: b.opts.DeleteThreshold}
		}
	}
	if over(dels, managedAll) {
		return &plan.RefusedError{Owner: b.owner, Deletes: dels, Managed: managedAll, Threshold: b.opts.DeleteThreshold}
	}
	return nil
}
