package plan

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/spec"
	"go4.org/netipx"
)

// item is one object of the plan: a desired object, its live counterpart, or both.
type item struct {
	d, l    *spec.Object
	def     *spec.KindDef // of the desired object (of the live one for deletes)
	action  Action        // "" when nothing changes
	managed bool          // the live object carried this owner's marker
	change  Change

	// What an in-place update sends (see diffUpdate).
	rename         bool
	added, removed spec.IPSet
	params         map[string]string // everything except title and IPs
	secrets        map[string]spec.SecretRef
	vaultRef       string
	marker         *spec.Marker // marker to write (create, adopt, update)

	// Ordering facts decided by planSteps.
	freeTitle   bool // the rename frees a title another object needs
	releaseIPs  bool // the IP removal runs in its own phase-2 step
	earlyDelete bool // the record delete runs in phase 2
}

func (it *item) key() spec.Key {
	if it.d != nil {
		return it.d.Key()
	}
	return it.l.Key()
}

// group is the IP exclusivity group of a record ("" = none).
func (it *item) group() string {
	if it.def == nil {
		return ""
	}
	return it.def.ExclusiveGroup
}

type builder struct {
	opts    Options
	owner   string
	desired *spec.Document
	live    *spec.Document
	diags   diags

	liveBy    map[spec.Key]*spec.Object
	items     []*item
	byDesired map[*spec.Object]*item
	byLive    map[*spec.Object]*item
	refused   []Refusal
	unmanaged []spec.Key
	opaque    []Opaque
	notes     []string
	fpCache   map[fingerprintKey]string // fingerprints by secret reference, see fingerprints
}

// Build compares the desired document with the live one and returns the plan that makes Qualys
// equal to the configuration. Both documents must be in canonical form (see package spec). Build
// does no I/O; it calls opts.Resolve only to fingerprint secrets when opts.SecretKey is set.
//
// Errors: a spec.Diagnostics lists every ownership, matching and reference problem at once; a
// *RefusedError reports a delete threshold breach; an error wrapping ErrLiveIncomplete reports a
// create or delete refused because the live read may be incomplete.
func Build(desired, live *spec.Document, opts Options) (*Plan, error) {
	if desired == nil {
		desired = &spec.Document{}
	}
	if live == nil {
		live = &spec.Document{}
	}
	b := &builder{opts: opts.withDefaults(), desired: desired, live: live,
		byDesired: map[*spec.Object]*item{}, byLive: map[*spec.Object]*item{}}
	b.owner = opts.Owner
	if b.owner == "" {
		b.owner = desired.Owner
	}
	if b.owner == "" {
		return nil, errors.New("no owner: set owner in the configuration")
	}
	// Logins may name vaults that exist in Qualys without being declared here: checked against
	// the live vaults here, the one place where desired meets live.
	b.diags = append(b.diags, spec.CheckVaultRefs(desired, live)...)
	b.indexLive()
	b.match()
	if err := b.diags.err(); err != nil {
		return nil, err
	}
	for _, it := range b.items {
		b.diffItem(it)
	}
	b.checkVaultUse()
	b.checkIPConflicts()
	if err := b.diags.err(); err != nil {
		return nil, err
	}
	p := &Plan{FormatVersion: FormatVersion, Owner: b.owner, LiveDigests: map[string]string{},
		Calls: map[string]int{}, RateRemaining: opts.RateRemaining}
	if err := b.guard(); err != nil {
		return nil, err
	}
	steps, err := b.planSteps()
	if err != nil {
		return nil, err
	}
	p.Steps = steps
	for i := range p.Steps {
		p.Calls[p.Steps[i].Endpoint()]++
	}
	for _, it := range b.items {
		if it.action == "" {
			continue
		}
		c := it.change
		c.Key, c.Action = it.key(), it.action
		c.Before, c.After = it.l, it.d
		if it.l != nil {
			c.ID = it.l.ID
			p.LiveDigests[it.l.Key().String()] = ObjectDigest(it.l)
		}
		if it.d != nil {
			c.Type = it.d.Type
		} else {
			c.Type = it.l.Type
		}
		p.Changes = append(p.Changes, c)
	}
	sortChanges(p.Changes)
	p.Unmanaged = b.unmanaged
	p.Opaque = b.opaque
	p.Refused = b.refused
	p.Notes = b.notes
	if p.RateRemaining > 0 {
		for _, ep := range sortedKeys(p.Calls) {
			if p.Calls[ep] > p.RateRemaining {
				p.Notes = append(p.Notes, fmt.Sprintf("%s needs %d calls but only %d remain in the current rate window; apply will wait for the window to reset",
					ep, p.Calls[ep], p.RateRemaining))
			}
		}
	}
	return p, nil
}

// actionRank orders changes: deletes first and loudest, then replacements, creates and updates.
func actionRank(a Action) int {
	switch a {
	case ActionDelete:
		return 0
	case ActionReplace:
		return 1
	case ActionCreate:
		return 2
	default:
		return 3
	}
}

func sortChanges(cs []Change) {
	sort.SliceStable(cs, func(i, j int) bool {
		ri, rj := actionRank(cs[i].Action), actionRank(cs[j].Action)
		if ri != rj {
			return ri < rj
		}
		return spec.Less(cs[i].Key, cs[j].Key)
	})
}

func (b *builder) indexLive() {
	b.liveBy = map[spec.Key]*spec.Object{}
	for _, l := range b.live.Objects {
		if prev := b.liveBy[l.Key()]; prev != nil {
			b.diags.add(nil, l.Key(), "appears twice in Qualys (IDs %d and %d); titles must be unique, rename one in Qualys first", prev.ID, l.ID)
			continue
		}
		b.liveBy[l.Key()] = l
	}
}

func (b *builder) isManaged(l *spec.Object) bool {
	return l.Marker != nil && l.Marker.Owner == b.owner
}

// match pairs desired objects with live ones: by key, or through previous_titles (a rename). A
// live object whose title a desired object lists in previous_titles is claimed by that object
// unless the desired object's own title already exists live and is not claimed by another rename.
// Then it checks ownership of every pair and collects deletes and unmanaged objects.
func (b *builder) match() {
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
	sort.SliceStable(desired, func(i, j int) bool { return spec.Less(desired[i].Key(), desired[j].Key()) })

	// Tentative rename claims: the first previous title that exists live.
	claim := map[*spec.Object]*spec.Object{}
	claimedBy := map[*spec.Object][]*spec.Object{}
	for _, d := range desired {
		for _, p := range d.PreviousTitles {
			if l := b.liveBy[spec.Key{Kind: d.Kind, Title: p}]; l != nil && p != d.Title {
				claim[d] = l
				claimedBy[l] = append(claimedBy[l], d)
				break
			}
		}
	}
	for l, ds := range claimedBy {
		if len(ds) > 1 {
			for _, d := range ds[1:] {
				b.diags.add(d, d.Key(), "previous_titles names %s, which %s also claims", l.Key(), ds[0].Key())
			}
		}
	}
	// A claim is effective when the desired title is free live, or is itself effectively claimed
	// by another rename (a chain); computed to a fixpoint. A desired object whose own title exists
	// live and stays matches that object: previous_titles then means nothing (which also makes a
	// finished rename stable).
	eff := map[*spec.Object]*spec.Object{} // live -> desired, effective claims
	for changed := true; changed; {
		changed = false
		for _, d := range desired {
			l := claim[d]
			if l == nil || eff[l] == d || len(claimedBy[l]) > 1 {
				continue
			}
			own := b.liveBy[d.Key()]
			if own == nil || (eff[own] != nil && eff[own] != d) {
				eff[l] = d
				changed = true
			}
		}
	}
	effective := func(d *spec.Object) bool { return claim[d] != nil && eff[claim[d]] == d }
	claimedByOther := func(l *spec.Object, d *spec.Object) bool { return eff[l] != nil && eff[l] != d }
	matched := map[*spec.Object]*spec.Object{} // live -> desired
	opaqueDeclared := map[*spec.Object]bool{}  // opaque live objects a desired object matches (an error)
	for _, d := range desired {
		it := &item{d: d, def: d.Def()}
		var l *spec.Object
		switch {
		case effective(d):
			l = claim[d]
			it.rename = true
		case b.liveBy[d.Key()] != nil && !claimedByOther(b.liveBy[d.Key()], d):
			l = b.liveBy[d.Key()]
		}
		if l != nil {
			if l.Opaque != "" {
				b.diags.add(d, d.Key(), "matches %s (id %d) in Qualys, which qsync cannot represent (%s), so it can neither update nor replace it; remove it from Qualys by hand, declare this object under another title, or upgrade qsync",
					l.Key(), l.ID, l.Opaque)
				opaqueDeclared[l] = true
				continue
			}
			if other := matched[l]; other != nil {
				b.diags.add(d, d.Key(), "matches %s (id %d), which %s matches too", l.Key(), l.ID, other.Key())
				continue
			}
			matched[l] = d
			it.l = l
			b.byLive[l] = it
			b.checkOwner(it)
		}
		b.byDesired[d] = it
		b.items = append(b.items, it)
	}
	for _, l := range b.live.Objects {
		if b.byLive[l] != nil || b.liveBy[l.Key()] != l || opaqueDeclared[l] {
			continue
		}
		if l.Opaque != "" && b.isManaged(l) {
			// Leaving it alone would hide the delete the configuration asks for.
			b.diags.add(nil, l.Key(), "exists in Qualys (id %d) with the ownership marker of owner %q, but qsync cannot represent it (%s), so it can neither update nor delete it; remove it from Qualys by hand or upgrade qsync",
				l.ID, b.owner, l.Opaque)
			continue
		}
		if !b.isManaged(l) {
			b.unmanaged = append(b.unmanaged, l.Key())
			if l.Opaque != "" {
				b.opaque = append(b.opaque, Opaque{Key: l.Key(), ID: l.ID, Reason: l.Opaque})
			}
			continue
		}
		it := &item{l: l, def: l.Def(), managed: true, action: ActionDelete}
		b.byLive[l] = it
		b.items = append(b.items, it)
	}
	sort.SliceStable(b.unmanaged, func(i, j int) bool { return spec.Less(b.unmanaged[i], b.unmanaged[j]) })
	sort.SliceStable(b.opaque, func(i, j int) bool { return spec.Less(b.opaque[i].Key, b.opaque[j].Key) })
	b.checkOpaqueVaults(desired)
	sort.SliceStable(b.items, func(i, j int) bool { return spec.Less(b.items[i].key(), b.items[j].key()) })
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
		if v := b.liveBy[spec.Key{Kind: spec.KindVault, Title: d.Login.Vault}]; v != nil && v.Opaque != "" {
			b.diags.add(d, d.Key(), "login names vault %q (id %d), which qsync cannot represent (%s); a record managed by qsync cannot log in through it",
				v.Title, v.ID, v.Opaque)
		}
	}
}

// checkOwner decides whether a matched live object may be changed: it must carry this owner's
// marker, or carry none and be adopted.
func (b *builder) checkOwner(it *item) {
	d, l := it.d, it.l
	switch {
	case b.isManaged(l):
		it.managed = true
	case l.Marker != nil:
		b.diags.add(d, d.Key(), "exists in Qualys (id %d) but is managed by owner %q, not %q; qsync never takes over another owner's object",
			l.ID, l.Marker.Owner, b.owner)
	case d.Adopt || b.opts.Adopt:
		it.action = ActionAdopt
	default:
		what := "exists in Qualys"
		if it.rename {
			what = fmt.Sprintf("previous title %q exists in Qualys", l.Title)
		}
		b.diags.add(d, d.Key(), "%s (id %d) but is not managed by owner %q; set adopt: true or pass --adopt", what, l.ID, b.owner)
	}
}

// vaultInfo is what a record needs to log in through a vault.
type vaultInfo struct {
	def *spec.KindDef
	id  int64  // live ID, zero when the vault is created by this plan
	ref string // title of the vault created by this plan
}

// resolveVault finds the vault a desired record names: a declared vault (possibly created or
// replaced by this plan) or a live one.
func (b *builder) resolveVault(title string) (vaultInfo, bool) {
	k := spec.Key{Kind: spec.KindVault, Title: title}
	for _, it := range b.items {
		if it.d == nil || it.d.Key() != k {
			continue
		}
		vi := vaultInfo{def: it.def}
		if it.l == nil || it.action == ActionReplace {
			vi.ref = title
		} else {
			vi.id = it.l.ID
		}
		return vi, true
	}
	if l := b.liveBy[k]; l != nil {
		// A live vault the configuration does not declare (unmanaged, or managed and about to be
		// deleted: checkVaultUse reports that).
		return vaultInfo{def: l.Def(), id: l.ID}, true
	}
	return vaultInfo{}, false
}

// liveVault returns the live vault a live record logs in through, or nil.
func (b *builder) liveVault(l *spec.Object) *spec.Object {
	if l == nil || l.Login == nil {
		return nil
	}
	return b.liveBy[spec.Key{Kind: spec.KindVault, Title: l.Login.Vault}]
}

// checkVaultUse refuses to delete or replace a vault that a remaining record still uses: Qualys
// cannot delete a vault in use.
func (b *builder) checkVaultUse() {
	for _, v := range b.items {
		if v.l == nil || v.l.Kind != spec.KindVault || (v.action != ActionDelete && v.action != ActionReplace) {
			continue
		}
		var users []string
		for _, r := range b.live.Objects {
			if !r.Kind.IsRecord() || r.Login == nil || b.liveVault(r) != v.l {
				continue
			}
			rit := b.byLive[r]
			if v.action == ActionDelete && rit != nil && (rit.action == ActionDelete || rit.action == ActionReplace ||
				(rit.d != nil && (rit.d.Login == nil || rit.d.Login.Vault != v.l.Title))) {
				continue // the record goes away or moves to another vault before phase 5
			}
			users = append(users, r.Key().String())
		}
		if v.action == ActionDelete {
			for _, it := range b.items {
				if it.d != nil && it.d.Kind.IsRecord() && it.d.Login != nil && it.d.Login.Vault == v.l.Title && it.l == nil {
					users = append(users, it.d.Key().String())
				}
			}
		}
		if len(users) == 0 {
			continue
		}
		sort.Strings(users)
		users = dedupe(users)
		if v.action == ActionDelete {
			b.diags.add(nil, v.key(), "is not in the configuration but is still used by %s; remove or move those records first", strings.Join(users, ", "))
		} else {
			b.diags.add(v.d, v.key(), "%s, which needs a new vault, but Qualys cannot delete a vault used by %s; declare the new vault under a new title, move the records to it, then remove this one",
				v.change.Reason, strings.Join(users, ", "))
		}
	}
}

// checkIPConflicts reports desired records whose IPs a live record keeps: one that qsync does not
// manage, or one whose change was refused. Qualys allows an IP in only one record of an
// exclusivity group (the unix family, windows).
func (b *builder) checkIPConflicts() {
	var stay []*spec.Object
	refused := map[*spec.Object]bool{}
	for _, l := range b.live.Objects {
		it := b.byLive[l]
		if l.Kind.IsRecord() && (it == nil || (it.d != nil && it.action == "")) {
			stay = append(stay, l)
			if it != nil {
				refused[it.d] = true
			}
		}
	}
	// Index the ranges of the records that stay by group, so each changed record is checked
	// against the few live ranges it can touch instead of every live record.
	index := map[string]*rangeIndex{}
	for i, l := range stay {
		// An opaque record has no Type, so Def is its kind's plain descriptor: the exclusivity
		// group is the kind's (every unix sub_type shares "unix").
		if l.Def() == nil || l.Def().ExclusiveGroup == "" {
			continue
		}
		g := l.Def().ExclusiveGroup
		if index[g] == nil {
			index[g] = &rangeIndex{}
		}
		for _, r := range l.IPs.Ranges() {
			index[g].spans = append(index[g].spans, span{r: r, obj: i})
		}
	}
	for _, ix := range index {
		ix.sort()
	}
	for _, it := range b.items {
		d := it.d
		if d == nil || !d.Kind.IsRecord() || it.action == "" || refused[d] || it.group() == "" || index[it.group()] == nil {
			continue
		}
		hits := map[int]bool{}
		for _, r := range d.IPs.Ranges() {
			index[it.group()].overlapping(r, hits)
		}
		objs := make([]int, 0, len(hits))
		for i := range hits {
			objs = append(objs, i)
		}
		sort.Ints(objs) // in live order, as the reader sorted them
		for _, i := range objs {
			l := stay[i]
			if l == it.l {
				continue
			}
			if x := d.IPs.Intersect(l.IPs); !x.IsZero() {
				why := "which is not managed by owner " + strconv.Quote(b.owner)
				switch {
				case b.byLive[l] != nil:
					why = "whose change is refused"
				case l.Opaque != "":
					why = "which qsync cannot represent (" + l.Opaque + ") and leaves alone"
				}
				b.diags.add(d, d.Key(), "ips %s are in %s (id %d), %s; Qualys allows an IP in only one %s record",
					x, l.Key(), l.ID, why, it.group())
			}
		}
	}
}

// span is one address range of a live record (obj indexes the records checkIPConflicts keeps).
type span struct {
	r   netipx.IPRange
	obj int
}

// rangeIndex finds the spans overlapping a range: spans sorted by start, with the running
// maximum of their ends, so a query visits only spans that can overlap.
type rangeIndex struct {
	spans  []span
	maxEnd []netip.Addr
}

func (ix *rangeIndex) sort() {
	sort.Slice(ix.spans, func(i, j int) bool { return ix.spans[i].r.From().Less(ix.spans[j].r.From()) })
	ix.maxEnd = make([]netip.Addr, len(ix.spans))
	for i, s := range ix.spans {
		ix.maxEnd[i] = s.r.To()
		if i > 0 && ix.maxEnd[i].Less(ix.maxEnd[i-1]) {
			ix.maxEnd[i] = ix.maxEnd[i-1]
		}
	}
}

// overlapping adds to hits the objects of the spans that overlap r.
func (ix *rangeIndex) overlapping(r netipx.IPRange, hits map[int]bool) {
	// Spans starting after r ends cannot overlap; walk back from the last that starts in time
	// while some earlier span may still reach r.
	n := sort.Search(len(ix.spans), func(i int) bool { return r.To().Less(ix.spans[i].r.From()) })
	for j := n - 1; j >= 0 && !ix.maxEnd[j].Less(r.From()); j-- {
		if !ix.spans[j].r.To().Less(r.From()) {
			hits[ix.spans[j].obj] = true
		}
	}
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// guard applies the safety rules: the delete threshold and failing closed on an incomplete read.
func (b *builder) guard() error {
	managed := map[spec.Kind]int{}
	deletes := map[spec.Kind]int{}
	creates, dels := 0, 0
	for _, it := range b.items {
		if it.l != nil && it.managed {
			managed[it.l.Kind]++
		}
		switch it.action {
		case ActionDelete:
			deletes[it.l.Kind]++
			dels++
		case ActionCreate:
			creates++
		case ActionReplace:
			creates++
			dels++
		}
	}
	if !b.live.Complete && (creates > 0 || dels > 0) {
		return fmt.Errorf("%w: refusing to plan %d create(s) and %d delete(s) from a partial view of Qualys (a list was truncated or failed); fix the read and plan again",
			ErrLiveIncomplete, creates, dels)
	}
	if b.opts.AllowDeletes {
		return nil
	}
	kinds := make([]string, 0, len(deletes))
	for k := range deletes {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		n, m := deletes[spec.Kind(k)], managed[spec.Kind(k)]
		if m >= b.opts.DeleteMinCount && float64(n) > b.opts.DeleteThreshold*float64(m) {
			return &RefusedError{Kind: spec.Kind(k), Deletes: n, Managed: m, Threshold: b.opts.DeleteThreshold}
		}
	}
	return nil
}
