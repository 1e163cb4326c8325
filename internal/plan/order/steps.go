package order

import (
	"maps"
	"slices"
	"sort"

	"go4.org/netipx"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// orderGroup orders the calls within one phase, before their keys do (see order). The groups
// keep the promise of DESIGN.md "Ordering" inside each phase; dependencies (link) then move a
// call after the call that frees the title or IPs it takes, or creates the vault it names.
type orderGroup int

// The order groups. Groups of different phases never meet, so two names share the value 0.
const (
	// groupRelease runs first in its phase: deletes. In phase 1 the delete half of a vault
	// replacement; in phase 2 record deletes that free a title or IPs another record takes; in
	// phase 3 the delete half of a record replacement (sorted with the record creates, each
	// just before its create); in phases 4 and 5 every delete.
	groupRelease orderGroup = 0
	// groupRecordCreate holds the record creates of phase 3, which run before its remaining
	// record updates (DESIGN.md "Ordering" 3: record creates, then the remaining updates).
	groupRecordCreate orderGroup = 0
	// groupUpdate holds in-place updates: vault updates (phase 1), updates that only remove IPs
	// or free a title (phase 2), and the remaining record updates (phase 3).
	groupUpdate orderGroup = 1
	// groupVaultCreate holds vault creates, after the vault updates of phase 1 (a renamed vault
	// may free the title a create takes).
	groupVaultCreate orderGroup = 2
)

// proto is a step being planned, with the facts its ordering depends on.
type proto struct {
	step    plan.Step
	it      *item // the object the call changes
	group   orderGroup
	batch   bool
	index   int
	id      int  // step ID, set by number
	release bool // the phase-2 call split off a record update (see release)
	deps    map[*proto]bool
	frees   []spec.Key // titles this call frees
	takes   []spec.Key // titles this call needs free
	removes spec.IPSet // IPs this call removes from a record (given back if a take fails)
	vault   string     // title of the vault this call creates
	// replaces marks the delete half of a replacement; replaced, on the create half, is that
	// delete.
	replaces bool
	replaced *proto
}

// sortKey sorts calls of one phase and group by their first key.
func (p *proto) sortKey() string {
	if len(p.step.Keys) == 0 {
		return string(p.step.Kind)
	}
	return keySort(p.step.Keys[0])
}

// keySort turns a key into a string that sorts like spec.Less.
func keySort(k spec.Key) string {
	r := "1"
	if k.Kind == spec.KindVault {
		r = "0"
	}
	return r + string(k.Kind) + "\x00" + k.Title
}

// demand is what the plan's creates and renames need free before they run: titles, and per IP
// exclusivity group the IPs records create or add.
type demand struct {
	titles map[spec.Key]*item
	ips    map[string][]netipx.IPRange // sorted, disjoint
}

// newDemand collects the titles and IPs the plan's creates, replacements and updates take.
func newDemand(items []*item) demand {
	dm := demand{titles: map[spec.Key]*item{}, ips: map[string][]netipx.IPRange{}}
	sets := map[string]*netipx.IPSetBuilder{} // one builder per group: a union per item is quadratic
	for _, it := range items {
		if it.d == nil || it.action == "" {
			continue
		}
		creates := it.action == plan.ActionCreate || it.action == plan.ActionReplace
		if creates || it.d.Title != it.l.Title {
			dm.titles[it.d.Key()] = it
		}
		if g := it.releaseGroup(); g != "" && it.d.Kind.IsRecord() {
			taken := it.added
			if creates {
				taken = it.d.IPs
			}
			if taken.Set() == nil {
				continue
			}
			if sets[g] == nil {
				sets[g] = &netipx.IPSetBuilder{}
			}
			sets[g].AddSet(taken.Set())
		}
	}
	for g, sb := range sets {
		set, _ := spec.IPSetFromBuilder(sb) // cannot fail: only valid sets were added
		dm.ips[g] = set.Ranges()
	}
	return dm
}

// takenByOther reports whether another item needs the title k free.
func (dm demand) takenByOther(k spec.Key, it *item) bool {
	w := dm.titles[k]
	return w != nil && w != it
}

// releaseGroup is the group within which the IPs a record gives up are released (phase 2) before
// another record takes them (phase 3): its exclusivity group or, for a kind with a cross-record
// rule Qualys enforces (a spec.UniqueRule that is not a warning), the kind, because Qualys refuses
// an update that makes two such records share an IP even for a moment (two Oracle "All Ports"
// records swapping hosts).
func (it *item) releaseGroup() string {
	if g := it.group(); g != "" || it.def == nil {
		return g
	}
	if slices.ContainsFunc(it.def.Unique, func(r spec.UniqueRule) bool { return !r.Warning }) {
		return "unique:" + string(it.def.Kind)
	}
	return ""
}

// needsIPs reports whether a create or update of exclusivity group g takes one of ips.
func (dm demand) needsIPs(g string, ips spec.IPSet) bool {
	if g == "" {
		return false
	}
	need := dm.ips[g]
	for _, r := range ips.Ranges() {
		// The first range needed that does not end before r starts is the only one that can
		// overlap r (the ranges are sorted and disjoint).
		i := sort.Search(len(need), func(i int) bool { return !need[i].To().Less(r.From()) })
		if i < len(need) && need[i].Overlaps(r) {
			return true
		}
	}
	return false
}

// stepPlanner cuts the items into calls, one method per action.
type stepPlanner struct {
	need   demand
	protos []*proto
}

// add appends a call to the plan.
func (sp *stepPlanner) add(p *proto) *proto {
	p.deps = map[*proto]bool{}
	sp.protos = append(sp.protos, p)
	return p
}

// Steps turns the objects whose change build decided into ordered, batched API calls (see the
// plan.Phase constants and orderGroup) and the hand-overs that pair them: vaults; then releases
// of titles and IPs; record creates (replacements one object at a time) and the remaining record
// updates; record deletes; vault deletes. Record updates with identical parameters, secret
// references and vault reference in one phase are batched into one call; all record deletes of
// one kind in one phase are one call. objs are in key order; an error names a dependency cycle.
func Steps(objs []Object) ([]plan.Step, []plan.Handover, error) {
	items := newItems(objs)
	sp := &stepPlanner{need: newDemand(items)}
	for _, it := range items {
		n := len(sp.protos)
		switch {
		case it.action == "":
		case it.action == plan.ActionDelete && it.l.Kind == spec.KindVault:
			sp.vaultDelete(it)
		case it.action == plan.ActionDelete:
			sp.recordDelete(it)
		case it.action == plan.ActionCreate:
			sp.create(it)
		case it.action == plan.ActionReplace:
			del := sp.replacedDelete(it)
			c := sp.create(it)
			c.deps[del], c.replaced = true, del
		case it.d.Kind == spec.KindVault:
			sp.vaultUpdate(it)
		default:
			sp.recordUpdate(it)
		}
		for _, p := range sp.protos[n:] {
			p.it = it
		}
	}
	edges := pairHandovers(sp.protos)
	protos := batch(sp.protos)
	if err := link(protos); err != nil {
		return nil, nil, err
	}
	if err := chainHandovers(protos, edges); err != nil {
		return nil, nil, err
	}
	steps, err := order(protos)
	if err != nil {
		return nil, nil, err
	}
	return steps, handovers(edges), nil
}

// deleteProto is the call deleting live object l.
func deleteProto(l *spec.Object) *proto {
	return &proto{step: plan.Step{Kind: l.Kind, Op: plan.OpDelete, Keys: []spec.Key{l.Key()}, IDs: []int64{l.ID}},
		frees: []spec.Key{l.Key()}, group: groupRelease}
}

// vaultDelete deletes a vault missing from the configuration, last and one call per vault.
func (sp *stepPlanner) vaultDelete(it *item) {
	p := deleteProto(it.l)
	p.step.Phase = plan.PhaseDeleteVaults
	sp.add(p)
}

// recordDelete deletes a record missing from the configuration: in phase 4 (after the creates,
// so a create Qualys refuses stops it), or in phase 2 when its title or the IPs of its
// exclusivity group are taken by a create or update. A delete that frees a rule slot another
// record takes moves to phase 2 with its hand-over (pairHandovers).
func (sp *stepPlanner) recordDelete(it *item) {
	l := it.l
	p := deleteProto(l)
	p.step.Phase, p.batch = plan.PhaseDeleteRecords, true
	p.removes = l.IPs
	if sp.need.titles[l.Key()] != nil || sp.need.needsIPs(it.group(), l.IPs) {
		p.step.Phase = plan.PhaseRelease
	}
	sp.add(p)
}

// replacedDelete deletes the live half of a replacement, in the phase of its create (phase 1 for
// a vault, 3 for a record) and never batched: replacements run one object at a time (delete,
// create), each after the previous replacement's create (see chainReplacements), so a create
// Qualys refuses stops the run after one loss.
func (sp *stepPlanner) replacedDelete(it *item) *proto {
	l := it.l
	p := deleteProto(l)
	p.removes, p.replaces = l.IPs, true
	p.step.Phase = plan.PhaseRecords
	if l.Kind == spec.KindVault {
		p.step.Phase = plan.PhaseVaults
	}
	return sp.add(p)
}

// create creates a declared object (also the new half of a replacement): a vault in phase 1,
// after the vault updates; a record in phase 3, before the record updates.
func (sp *stepPlanner) create(it *item) *proto {
	d := it.d
	p := &proto{step: plan.Step{Kind: d.Kind, Op: plan.OpCreate, Keys: []spec.Key{d.Key()},
		Params: maps.Clone(it.params), Secrets: it.secrets, VaultRef: it.vaultRef, VaultRefs: it.vaultRefs},
		takes: []spec.Key{d.Key()}}
	if d.Kind == spec.KindVault {
		p.step.Phase, p.group, p.vault = plan.PhaseVaults, groupVaultCreate, d.Title
	} else {
		p.step.Phase, p.group = plan.PhaseRecords, groupRecordCreate
	}
	return sp.add(p)
}

// vaultUpdate updates a vault in place in phase 1, one call per vault; a rename frees the old
// title and takes the new one.
func (sp *stepPlanner) vaultUpdate(it *item) {
	d, l := it.d, it.l
	p := sp.add(&proto{step: plan.Step{Phase: plan.PhaseVaults, Kind: d.Kind, Op: plan.OpUpdate, Keys: []spec.Key{d.Key()},
		IDs: []int64{l.ID}, Params: maps.Clone(it.params), Secrets: it.secrets}, group: groupUpdate})
	if d.Title != l.Title {
		p.step.Params["title"] = d.Title
		p.frees, p.takes = []spec.Key{l.Key()}, []spec.Key{d.Key()}
	}
}

// updateSplit says how a record update is cut into calls.
type updateSplit struct {
	freeTitle  bool // the rename frees a title another object needs: it runs in phase 2
	releaseIPs bool // the IP removal runs in its own phase-2 call
	rest       bool // something is left for the phase-3 call
}

// split decides how a record update is cut: an IP removal another record needs, or that is all
// the update does, runs in phase 2; so does a rename whose old title another object takes.
func (sp *stepPlanner) split(it *item) updateSplit {
	rename := it.d.Title != it.l.Title
	var s updateSplit
	s.freeTitle = rename && sp.need.takenByOther(it.l.Key(), it)
	s.rest = len(it.params) > 0 || len(it.secrets) > 0 || !it.added.IsZero() || (rename && !s.freeTitle)
	s.releaseIPs = !it.removed.IsZero() && (sp.need.needsIPs(it.releaseGroup(), it.removed) || !s.rest)
	return s
}

// recordUpdate updates a record in place: the release of IPs or a title in phase 2 (when split
// off), the rest in phase 3. Both batch with identical calls.
func (sp *stepPlanner) recordUpdate(it *item) {
	s := sp.split(it)
	if s.releaseIPs || s.freeTitle {
		sp.release(it, s)
	}
	if s.rest {
		sp.recordUpdateRest(it, s)
	}
}

// release is the phase-2 call of a record update that removes IPs or frees a title.
func (sp *stepPlanner) release(it *item, s updateSplit) {
	d, l := it.d, it.l
	p := sp.add(&proto{step: plan.Step{Phase: plan.PhaseRelease, Kind: d.Kind, Op: plan.OpUpdate, Keys: []spec.Key{d.Key()},
		IDs: []int64{l.ID}, Params: map[string]string{}}, group: groupUpdate, batch: true, release: true})
	if s.releaseIPs {
		p.step.Params["remove_ips"] = it.removed.String()
		p.removes = it.removed
	}
	if s.freeTitle {
		p.step.Params["title"] = d.Title
		p.frees, p.takes = []spec.Key{l.Key()}, []spec.Key{d.Key()}
	}
}

// recordUpdateRest is the phase-3 call of a record update: its parameters, secrets, the IPs it
// adds (and removes, unless released earlier) and its rename (unless released earlier).
func (sp *stepPlanner) recordUpdateRest(it *item, s updateSplit) {
	d, l := it.d, it.l
	params := maps.Clone(it.params)
	p := sp.add(&proto{step: plan.Step{Phase: plan.PhaseRecords, Kind: d.Kind, Op: plan.OpUpdate, Keys: []spec.Key{d.Key()},
		IDs: []int64{l.ID}, Params: params, Secrets: it.secrets, VaultRef: it.vaultRef, VaultRefs: it.vaultRefs},
		group: groupUpdate, batch: true})
	if d.Title != l.Title && !s.freeTitle {
		params["title"] = d.Title
		p.frees, p.takes = []spec.Key{l.Key()}, []spec.Key{d.Key()}
	}
	ipParams(params, it, s.releaseIPs)
	if !s.releaseIPs {
		p.removes = it.removed
	}
}

// ipParams adds the IP parameters of a phase-3 record update: the IPs it adds, and those it
// removes unless released (a phase-2 call removes them); the whole set when it does both.
func ipParams(params map[string]string, it *item, released bool) {
	added, removed := !it.added.IsZero(), !it.removed.IsZero()
	switch {
	case released:
		if added {
			params["add_ips"] = it.added.String()
		}
	case added && removed:
		params["ips"] = it.d.IPs.String()
	case added:
		params["add_ips"] = it.added.String()
	case removed:
		params["remove_ips"] = it.removed.String()
	}
}
