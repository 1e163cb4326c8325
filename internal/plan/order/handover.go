package order

import (
	"maps"
	"slices"
	"strings"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/ipindex"
	"github.com/qsync/qsync/internal/spec"
)

// This file is the one place where releases meet takes (DESIGN.md "Safety invariants" 2 and
// "Ordering" 2). A call releases something when it gives up what another call of the same plan
// needs free: a title (a delete, a rename), the IPs of an exclusivity group or a rule slot (an
// Oracle record without a port on a host, a DB2 record on an (IP, port); see spec.Slots), by a
// delete, an update removing IPs or an update changing a rule's field. pairHandovers finds every
// such release and pairs it with its take; no other code makes a take wait for a release, so a
// new kind, rule or feature inherits the pairing instead of re-deriving it. A pair is one
// Handover of the Plan: it runs alone (never batched), release then take, and the pairs of one
// group run one at a time, each after the previous pair's take (chainHandovers), so a take Qualys
// refuses leaves at most one hand-over undone and stops the rest of its group.

// edge is a hand-over between two calls being planned.
type edge struct {
	rel, take *proto
	what      map[string]bool
	ips       spec.IPSet
	title     string
	slots     []string
}

// pairing collects the edges of one plan, one per (release, take) pair of calls.
type pairing struct {
	edges []*edge
	byEnd map[[2]*proto]*edge
}

func (pr *pairing) get(rel, take *proto) *edge {
	k := [2]*proto{rel, take}
	if e := pr.byEnd[k]; e != nil {
		return e
	}
	e := &edge{rel: rel, take: take, what: map[string]bool{}}
	pr.byEnd[k] = e
	pr.edges = append(pr.edges, e)
	return e
}

// pairHandovers is the single choke point of hand-overs: it pairs every call that frees a title,
// IPs or a rule slot with every call of the plan that takes it, makes each take depend on its
// release, keeps both out of batches and moves each group of connected pairs between different
// objects to phase 2 (DESIGN.md "Ordering" 2). protos are the unbatched calls; it returns the
// pairs in the order they were found (deterministic: the calls are in item order).
func pairHandovers(protos []*proto) []*edge {
	pr := &pairing{byEnd: map[[2]*proto]*edge{}}
	pairTitles(pr, protos)
	pairSlots(pr, protos)
	for _, p := range protos {
		if p.replaced != nil {
			pr.get(p.replaced, p) // a replacement is a pair even when nothing else is handed over
		}
	}
	for _, e := range pr.edges {
		e.take.deps[e.rel] = true
		e.rel.batch, e.take.batch = false, false
	}
	for _, p := range protos {
		if p.replaced != nil {
			deleteLast(p)
		}
	}
	for _, unit := range units(pr.edges) {
		moveToRelease(unit)
	}
	return pr.edges
}

// deleteLast makes the delete half of replacement create c wait for every other release c
// waits for (unless that release waits for the delete): the old object is deleted only when the
// rest of what its replacement takes is free, so a release Qualys refuses leaves it in place.
func deleteLast(c *proto) {
	del := c.replaced
	for r := range c.deps {
		if r != del && !dependsOn(r, del, map[*proto]bool{}) {
			del.deps[r] = true
		}
	}
}

// dependsOn reports whether call p waits for call q, directly or through other calls.
func dependsOn(p, q *proto, seen map[*proto]bool) bool {
	if seen[p] {
		return false
	}
	seen[p] = true
	for d := range p.deps {
		if d == q || dependsOn(d, q, seen) {
			return true
		}
	}
	return false
}

// pairTitles pairs each call taking a title with the call freeing it.
func pairTitles(pr *pairing, protos []*proto) {
	frees := map[spec.Key]*proto{}
	for _, p := range protos {
		for _, k := range p.frees {
			frees[k] = p
		}
	}
	for _, t := range protos {
		for _, k := range t.takes {
			if r := frees[k]; r != nil && r != t {
				e := pr.get(r, t)
				e.what[plan.HandsTitle], e.title = true, k.Title
			}
		}
	}
}

// heldSlot is a slot an object releases or takes, on the IPs it releases or takes it.
type heldSlot struct {
	slot spec.Slot
	ips  spec.IPSet
	p    *proto
}

// pairSlots pairs each call taking a slot (IPs of an exclusivity group, a unique rule's slot)
// with each call releasing a conflicting one on the same IPs, as spec.Slots names them from the
// kind table. Warning rules (from secondary sources) are not enforced by Qualys and pair nothing.
func pairSlots(pr *pairing, protos []*proto) {
	released := map[string][]heldSlot{}
	var taken []heldSlot
	seen := map[*item]bool{}
	calls := map[*item][]*proto{}
	for _, p := range protos {
		calls[p.it] = append(calls[p.it], p)
	}
	for _, p := range protos {
		it := p.it
		if it == nil || !it.key().Kind.IsRecord() {
			continue
		}
		if p.step.Op == plan.OpCreate {
			taken = append(taken, takenSlots(nil, it.d, p)...)
			continue
		}
		if seen[it] {
			continue // an update cut into two calls is looked at once, through its calls
		}
		seen[it] = true
		if it.action != plan.ActionDelete && it.action != plan.ActionReplace && it.added.IsZero() && it.removed.IsZero() &&
			(it.def == nil || len(it.def.Unique) == 0) {
			continue // an update of a kind without rule slots moves a slot only with its IPs
		}
		var after *spec.Object
		if it.action != plan.ActionDelete && it.action != plan.ActionReplace {
			after = it.d
			if rest := updateCall(calls[it], false); rest != nil {
				taken = append(taken, takenSlots(it.l, it.d, rest)...)
			}
		}
		for _, s := range releasedSlots(it.l, after) {
			s.p = releaseCall(calls[it], s.slot, after)
			if s.p != nil {
				released[s.slot.Key] = append(released[s.slot.Key], s)
			}
		}
	}
	index := map[string]*ipindex.Index{}
	for key, rs := range released {
		ix := &ipindex.Index{}
		for i, r := range rs {
			for _, rg := range r.ips.Ranges() {
				ix.Add(rg, i)
			}
		}
		ix.Sort()
		index[key] = ix
	}
	for _, t := range taken {
		ix := index[t.slot.Key]
		if ix == nil {
			continue
		}
		hits := map[int]bool{}
		for _, rg := range t.ips.Ranges() {
			ix.Overlapping(rg, hits)
		}
		for _, i := range slices.Sorted(maps.Keys(hits)) {
			r := released[t.slot.Key][i]
			if r.p.it == t.p.it && r.p.replaced == nil && !r.p.replaces {
				continue
			}
			if r.slot.Shared && t.slot.Shared {
				continue
			}
			ips := r.ips.Intersect(t.ips)
			if ips.IsZero() {
				continue
			}
			e := pr.get(r.p, t.p)
			e.ips = e.ips.Union(ips)
			if strings.HasPrefix(t.slot.Key, "group ") {
				e.what[plan.HandsIPs] = true
			} else {
				e.what[plan.HandsSlot] = true
				if !slices.Contains(e.slots, t.slot.Reason) {
					e.slots = append(e.slots, t.slot.Reason)
				}
			}
		}
	}
}

// enforcedSlots are the slots of o that Qualys enforces (no warning rules).
func enforcedSlots(o *spec.Object) []spec.Slot {
	if o == nil {
		return nil
	}
	return slices.DeleteFunc(spec.Slots(o), func(s spec.Slot) bool { return s.Warning })
}

// releasedSlots are the slots live object l holds (a setting Qualys did not report counting as
// unset, so a release is never missed) on the IPs where after (nil: deleted) no longer holds the
// same slot.
func releasedSlots(l, after *spec.Object) []heldSlot {
	if l == nil {
		return nil
	}
	guess := *l
	guess.Unknown = nil
	keep := slotIPs(enforcedSlots(after))
	var out []heldSlot
	for _, s := range enforcedSlots(&guess) {
		if ips := s.IPs.Minus(keep[s.Key]); !ips.IsZero() {
			out = append(out, heldSlot{slot: s, ips: ips})
		}
	}
	return out
}

// takenSlots are the slots desired object d holds on IPs where live object l (nil: a create)
// does not already hold them, taken by call p.
func takenSlots(l, d *spec.Object, p *proto) []heldSlot {
	had := slotIPs(enforcedSlots(l))
	var out []heldSlot
	for _, s := range enforcedSlots(d) {
		if ips := s.IPs.Minus(had[s.Key]); !ips.IsZero() {
			out = append(out, heldSlot{slot: s, ips: ips, p: p})
		}
	}
	return out
}

// slotIPs maps slot keys to the IPs they are held on.
func slotIPs(slots []spec.Slot) map[string]spec.IPSet {
	m := map[string]spec.IPSet{}
	for _, s := range slots {
		m[s.Key] = m[s.Key].Union(s.IPs)
	}
	return m
}

// releaseCall is the call (of the calls of one item) that releases slot s: its delete; for an
// update, the call removing the IPs when after still holds the slot's key (the slot is released
// by the IP removal), else the call changing its settings.
func releaseCall(calls []*proto, s spec.Slot, after *spec.Object) *proto {
	if after == nil {
		for _, p := range calls {
			if p.step.Op == plan.OpDelete {
				return p
			}
		}
		return nil
	}
	if _, kept := slotIPs(enforcedSlots(after))[s.Key]; kept {
		for _, p := range calls {
			if !p.removes.IsZero() {
				return p
			}
		}
	}
	return updateCall(calls, false)
}

// updateCall returns the update call among the calls of one item that is (release true) or is
// not (false) the phase-2 call split off it, else its other update call, or nil.
func updateCall(calls []*proto, release bool) *proto {
	var found *proto
	for _, p := range calls {
		if p.step.Op != plan.OpUpdate {
			continue
		}
		if p.release == release {
			return p
		}
		found = p
	}
	return found
}

// units groups the pairs into connected units: calls linked by pairs, in the order their first
// pair was found.
func units(edges []*edge) [][]*proto {
	parent := map[*proto]*proto{}
	var find func(p *proto) *proto
	find = func(p *proto) *proto {
		if q, ok := parent[p]; ok && q != p {
			r := find(q)
			parent[p] = r
			return r
		}
		parent[p] = p
		return p
	}
	for _, e := range edges {
		a, b := find(e.rel), find(e.take)
		if a != b {
			parent[b] = a
		}
	}
	idx := map[*proto]int{}
	var out [][]*proto
	add := func(p *proto) {
		r := find(p)
		i, ok := idx[r]
		if !ok {
			i = len(out)
			idx[r] = i
			out = append(out, nil)
		}
		if !slices.Contains(out[i], p) {
			out[i] = append(out[i], p)
		}
	}
	for _, e := range edges {
		add(e.rel)
		add(e.take)
	}
	return out
}

// moveToRelease moves a unit of record calls that hands something from one object to another
// into phase 2, so that each pair runs release then take before the record creates and updates
// of phase 3 (a unit that only replaces objects keeps its phase).
func moveToRelease(unit []*proto) {
	cross := false
	for _, p := range unit {
		if !p.step.Kind.IsRecord() {
			return
		}
		if p.it != unit[0].it {
			cross = true
		}
	}
	if !cross {
		return
	}
	for _, p := range unit {
		p.step.Phase = plan.PhaseRelease
	}
}

// handoverGroup is the group within which the hand-overs of a call run one at a time: its record
// kind's exclusivity group, else its kind.
func handoverGroup(p *proto) string {
	if p.it != nil && p.it.group() != "" {
		return p.it.group()
	}
	return string(p.step.Kind)
}

// chainHandovers makes the units of each group run one at a time: in the order the calls would
// run anyway, the calls of a unit that wait for nothing in it (its releases) depend on the takes
// of the previous unit of the group. A take Qualys refuses then leaves every later hand-over of
// its group unattempted (apply skips what depends on a failed step). The added dependencies
// follow an order that satisfies every other dependency (units only meet through them), so they
// cannot make a cycle.
func chainHandovers(protos []*proto, edges []*edge) error {
	us := units(edges)
	if len(us) < 2 {
		return nil
	}
	sortProtos(protos)
	sorted, err := topological(protos)
	if err != nil {
		return err
	}
	pos := map[*proto]int{}
	for i, p := range sorted {
		pos[p] = i
	}
	first := func(u []*proto) int {
		m := len(sorted)
		for _, p := range u {
			m = min(m, pos[p])
		}
		return m
	}
	slices.SortStableFunc(us, func(a, b []*proto) int { return first(a) - first(b) })
	isTake := map[*proto]bool{}
	for _, e := range edges {
		isTake[e.take] = true
	}
	last := map[string][]*proto{}
	for _, u := range us {
		g := handoverGroup(u[0])
		prev := last[g]
		for _, p := range u {
			if !hasDepIn(p, u) {
				for _, q := range prev {
					if isTake[q] {
						p.deps[q] = true
					}
				}
			}
		}
		last[g] = u
	}
	return nil
}

// hasDepIn reports whether p depends on a call of unit u.
func hasDepIn(p *proto, u []*proto) bool {
	for _, q := range u {
		if p.deps[q] {
			return true
		}
	}
	return false
}

// handovers turns the pairs into the plan's Handovers, with the IDs number gave the calls, sorted
// by release, then take.
func handovers(edges []*edge) []plan.Handover {
	var out []plan.Handover
	for _, e := range edges {
		h := plan.Handover{Mode: plan.HandoverMove, Group: handoverGroup(e.rel), Release: e.rel.id, Take: e.take.id,
			To: e.take.step.Keys[0], IPs: e.ips.Entries(), Title: e.title, Slots: slices.Clone(e.slots)}
		if it := e.rel.it; it != nil {
			h.From, h.FromID = it.key(), it.l.ID
		} else {
			h.From = e.rel.step.Keys[0]
		}
		if e.rel.step.Op == plan.OpDelete {
			h.Mode = plan.HandoverReplacement
			h.From = e.rel.step.Keys[0]
		}
		for w := range e.what {
			h.What = append(h.What, w)
		}
		slices.Sort(h.What)
		if h.What == nil {
			h.What = []string{}
		}
		if e.rel.step.Op == plan.OpUpdate {
			h.GiveBack = e.ips.Intersect(e.rel.removes).String()
		}
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b plan.Handover) int {
		if a.Release != b.Release {
			return a.Release - b.Release
		}
		return a.Take - b.Take
	})
	return out
}
