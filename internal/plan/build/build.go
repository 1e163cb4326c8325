package build

import (
	"cmp"
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"slices"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/order"
	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/spec/load"
)

// item is one object of the plan: a desired object, its live counterpart, or both.
type item struct {
	d, l    *spec.Object
	def     *spec.KindDef // of the desired object (of the live one for deletes)
	action  plan.Action   // "" when nothing changes
	managed bool          // the live object carried this owner's marker
	rename  bool          // l was matched through d's previous_titles

	// What the item changes and sends, set by decide; its fields read as the item's own. An item
	// that changes nothing shares the builder's empty itemPlan: most items of a large estate
	// change nothing, and an itemPlan in each made every item 184 bytes instead of 56 (13 MB more
	// per build.Plan of 100k records, all of it live until the plan is built).
	*itemPlan
}

// itemPlan is what an item changes (for the reviewer, see diff.go) and sends (see params.go); the
// steps are cut from these.
type itemPlan struct {
	change         change
	added, removed spec.IPSet // IPs an in-place update adds and removes
	params         map[string]string
	secrets        map[string]spec.SecretRef
	vaultRef       string            // title of a vault created by this plan that the login points at
	vaultRefs      map[string]string // per key or root tool parameter, a vault created by this plan (items.go)
	marker         *spec.Marker      // marker to write (create, adopt, update)
}

// change is the part of a plan.Change that decide fills (finalChange adds the identity).
type change struct {
	Fields        []plan.FieldChange
	Unchanged     int
	Reason        string
	PreviousTitle string
	Drift         bool
}

// key is the object's identity: the desired key, or the live one for a delete (order.Key).
func (it *item) key() spec.Key { return order.Key(it.d, it.l) }

// group is the IP exclusivity group of a record ("" = none; order.Group).
func (it *item) group() string { return order.Group(it.def) }

// builder holds the state of one build.Plan call: the inputs, the hands-off classes of the live objects,
// the items being planned, and everything collected on the way (problems, refusals, notes).
type builder struct {
	opts    plan.Options
	owner   string
	desired *spec.Document
	live    *spec.Document
	diags   diags

	liveBy map[spec.Key]*spec.Object // live objects by key (the first of a duplicated key)
	items  []*item
	byLive map[*spec.Object]*item
	// vaultItems indexes the items of declared vaults by title (declaredVault).
	vaultItems map[string]*item
	typeFields map[spec.Kind]string // typeField, memoised
	// decided is the itemPlan decide fills, copied out for an item that changes something;
	// unchanged is the empty one the others share (see item).
	decided, unchanged itemPlan
	refused            []plan.Refusal
	unmanaged          []spec.Key
	opaque             []plan.Opaque
	notes              []string
	driftNoted         bool                      // notes holds NoteSecretDrift
	fpCache            map[fingerprintKey]string // fingerprints by secret reference, see fingerprints
	secretSets         map[secretSetKey][]secretSet
	seed               maphash.Seed // of secretSetKey
}

// Plan compares the desired document with the live one and returns the plan that makes Qualys
// equal to the configuration. Both documents must be in canonical form (see package spec). Plan
// does no I/O; it calls opts.Resolve only to fingerprint secrets when opts.SecretKey is set.
//
// Errors: a spec.Diagnostics lists every ownership, matching and reference problem at once; a
// *plan.RefusedError reports a delete threshold breach; an error wrapping plan.ErrLiveIncomplete
// reports a create or delete refused because the live read may be incomplete.
func Plan(desired, live *spec.Document, opts plan.Options) (*plan.Plan, error) {
	if desired == nil {
		desired = &spec.Document{}
	}
	if live == nil {
		live = &spec.Document{}
	}
	b := &builder{opts: withGuardDefaults(opts), desired: desired, live: live}
	b.owner = opts.Owner
	if b.owner == "" {
		b.owner = desired.Owner
	}
	if b.owner == "" {
		return nil, errors.New("no owner: set owner in the configuration")
	}
	// Logins may name vaults that exist in Qualys without being declared here: checked against
	// the live vaults here, the one place where desired meets live.
	b.diags = append(b.diags, load.CheckVaultRefs(desired, live)...)
	b.indexLive()
	b.pair()
	if err := b.diags.err(); err != nil {
		return nil, err
	}
	for _, it := range b.items {
		b.decide(it)
	}
	b.checkVaultUse()
	b.checkUnwritable()
	stay := b.stayingRecords()
	b.checkIPConflicts(stay)
	b.checkRuleConflicts(stay)
	b.checkSentSecrets()
	if err := b.diags.err(); err != nil {
		return nil, err
	}
	steps, hs, err := b.planSteps()
	if gerr := b.guard(); gerr != nil {
		return nil, countHandovers(gerr, hs)
	}
	if err != nil {
		return nil, err
	}
	p := b.assemble(steps)
	p.Handovers = hs
	return p, nil
}

// typeField returns typeField(k), memoised: spec.VariantKeys walks the kind tables, and doing that
// for each of 100k records cost 0.02 s per build.Plan.
func (b *builder) typeField(k spec.Kind) string {
	f, ok := b.typeFields[k]
	if !ok {
		if b.typeFields == nil {
			b.typeFields = map[spec.Kind]string{}
		}
		f = typeField(k)
		b.typeFields[k] = f
	}
	return f
}

// countHandovers tells a delete threshold refusal how many of its deletes are the releases of
// hand-overs (a delete whose IPs, title or slot a create or update takes: counted like the delete
// half of a replacement, which it is).
func countHandovers(err error, hs []plan.Handover) error {
	var re *plan.RefusedError
	if !errors.As(err, &re) {
		return err
	}
	for _, h := range hs {
		if h.Mode == plan.HandoverReplacement && h.From != h.To && (re.Kind == "" || h.From.Kind == re.Kind) {
			re.Handovers++
		}
	}
	return err
}

// pair matches the declared objects with live ones and collects the deletes (see match.go and
// handsoff.go), leaving b.items sorted by key.
func (b *builder) pair() {
	desired := b.declared()
	namedOpaque := b.match(desired, b.renameClaims(desired))
	declaredItems := len(b.items)
	b.collectDeletes(namedOpaque)
	b.checkOpaqueVaults(desired)
	// The items of declared objects are in key order already (declared sorted them): only the
	// deletes after them are sorted, then merged in, which gives what a stable sort of all the
	// items gives. Sorting 100k items again cost 0.02 s.
	byKey := func(x, y *item) int { return spec.CompareKeys(x.key(), y.key()) }
	slices.SortStableFunc(b.items[declaredItems:], byKey)
	b.items = mergeSorted(b.items[:declaredItems], b.items[declaredItems:], byKey)
}

// mergeSorted merges two sorted slices into one sorted by cmp, taking from a first on ties (so
// that merging the sorted halves of a slice is its stable sort). It returns a itself when b is
// empty, else a new slice.
func mergeSorted[T any](a, b []T, cmp func(x, y T) int) []T {
	if len(b) == 0 {
		return a
	}
	out := make([]T, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if cmp(b[0], a[0]) < 0 {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	out = append(out, a...)
	return append(out, b...)
}

// assemble builds the Plan from the decided items and their steps.
func (b *builder) assemble(steps []plan.Step) *plan.Plan {
	p := &plan.Plan{FormatVersion: plan.FormatVersion, Owner: b.owner, Steps: steps, LiveDigests: map[string]string{},
		Calls: map[string]int{}, RateRemaining: b.opts.RateRemaining, VerifyReads: b.opts.VerifyReads}
	for i := range p.Steps {
		p.Calls[p.Steps[i].Endpoint()]++
	}
	for _, it := range b.items {
		if it.action != "" {
			p.Changes = append(p.Changes, b.finalChange(it, p.LiveDigests))
		}
	}
	sortChanges(p.Changes)
	p.Unmanaged = b.unmanaged
	p.Opaque = b.opaque
	p.Refused = b.refused
	p.Notes = append(b.notes, rateNotes(p.Calls, p.RateRemaining, p.VerifyReads)...)
	return p
}

// finalChange completes the change of an item with its identity, and records the digest of the
// live object it touches.
func (b *builder) finalChange(it *item, digests map[string]string) plan.Change {
	c := plan.Change{Fields: it.change.Fields, Unchanged: it.change.Unchanged, Reason: it.change.Reason,
		PreviousTitle: it.change.PreviousTitle, Drift: it.change.Drift}
	c.Key, c.Action = it.key(), it.action
	c.Before, c.After = it.l, it.d
	if it.l != nil {
		c.ID = it.l.ID
		digests[it.l.Key().String()] = plan.ObjectDigest(it.l)
	}
	if it.d != nil {
		c.Type = it.d.Type
	} else {
		c.Type = it.l.Type
	}
	return c
}

// rateNotes warns about every endpoint that needs more calls than remain in the rate window, and,
// when none does, about a plan whose writes plus the verification's reads after apply (verify) do
// not fit in what remains: the verification then waits, or is refused, although every write went
// through.
func rateNotes(calls map[string]int, remaining, verify int) []string {
	if remaining <= 0 {
		return nil
	}
	var notes []string
	writes := 0
	for _, ep := range slices.Sorted(maps.Keys(calls)) {
		writes += calls[ep]
		if calls[ep] > remaining {
			notes = append(notes, fmt.Sprintf("%s needs %d calls but only %d remain in the current rate window; apply will wait for the window to reset",
				ep, calls[ep], remaining))
		}
	}
	if len(notes) == 0 && writes > 0 && writes+verify > remaining {
		notes = append(notes, fmt.Sprintf("apply needs %d calls (%d writes, then %d reads to verify the result) but only %d remain in the current rate window; "+
			"the verification will wait for the window to reset", writes+verify, writes, verify, remaining))
	}
	return notes
}

// actionRank orders changes: deletes first and loudest, then replacements, creates and updates.
func actionRank(a plan.Action) int {
	switch a {
	case plan.ActionDelete:
		return 0
	case plan.ActionReplace:
		return 1
	case plan.ActionCreate:
		return 2
	default:
		return 3
	}
}

// sortChanges orders changes by actionRank, then by key.
func sortChanges(cs []plan.Change) {
	slices.SortStableFunc(cs, func(x, y plan.Change) int {
		if c := cmp.Compare(actionRank(x.Action), actionRank(y.Action)); c != 0 {
			return c
		}
		return spec.CompareKeys(x.Key, y.Key)
	})
}
