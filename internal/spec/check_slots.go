package spec

import (
	"fmt"
	"strings"
)

// Slot is one cross-record rule slot a record holds on its IPs, derived from its kind's table
// (KindDef.ExclusiveGroup and KindDef.Unique): two records whose slots have the same Key conflict
// on the IPs both slots cover, unless both hold it Shared. A plan that frees a slot on some IPs
// (a delete, an update removing IPs or changing a rule's field) and takes it on the same IPs in
// another step must run the release first: Slots is how the planner asks "which slots does this
// object hold" without knowing any kind by name.
type Slot struct {
	// Key names the slot: the exclusivity group ("group unix"), or a record kind's unique rule and
	// the values its records must not share ("oracle rule 1: port=" for an All-Ports record).
	Key string
	// Shared marks a slot held only in common with other sharing holders (two DB2 pc_only records
	// on one IP and port): it conflicts only with a holder that is not Shared.
	Shared bool
	// Warning marks a slot of a rule from a secondary source: a conflict is a warning.
	Warning bool
	// Reason says what Qualys allows (the rule's Reason).
	Reason string
	// IPs are the addresses the record holds the slot on.
	IPs IPSet
}

// Conflict returns the addresses on which slots s and t conflict (zero when they do not).
func (s Slot) Conflict(t Slot) IPSet {
	if s.Key != t.Key || (s.Shared && t.Shared) {
		return IPSet{}
	}
	return s.IPs.Intersect(t.IPs)
}

// Slots returns the rule slots record o holds, in table order: its kind's exclusivity group (an
// IP may be in one record of the group), then one or two per unique rule that applies to it. A
// vault, an opaque record (its values are unknown, only its group counts) and a record without
// IPs hold none of the rules' slots. A field the live answer did not report counts as never set:
// Qualys lists no element for an unset value (an All-Ports Oracle record has no PORT, a record
// without pc_only no PC_ONLY), so that is what a missing element most likely means.
func Slots(o *Object) []Slot {
	d := o.Def()
	if d == nil || !o.Kind.IsRecord() || o.IPs.IsZero() {
		return nil
	}
	var out []Slot
	if d.ExclusiveGroup != "" {
		out = append(out, Slot{Key: "group " + d.ExclusiveGroup, IPs: o.IPs,
			Reason: "an IP may belong to only one record of the " + d.ExclusiveGroup + " group"})
	}
	if o.Opaque != "" {
		return out
	}
	for i := range d.Unique {
		r := &d.Unique[i]
		if r.When != nil && !r.When.Matches(o) {
			continue
		}
		s := Slot{Warning: r.Warning, Reason: r.Reason, IPs: o.IPs}
		base := fmt.Sprintf("%s rule %d: %s", o.Kind, i+1, slotValues(o, r.Fields))
		if !r.Unless.Matches(o) {
			s.Key = base
			out = append(out, s)
			continue
		}
		s.Key, s.Shared = base, true
		out = append(out, s)
		if len(r.Also) > 0 {
			out = append(out, Slot{Key: base + "; " + r.Unless.Field + ": " + slotValues(o, r.Also),
				Warning: r.Warning, Reason: r.Reason, IPs: o.IPs})
		}
	}
	return out
}

// slotValues writes the values of fields: "port=50000,database=SAMPLE" ("port=" when unset).
func slotValues(o *Object, fields []string) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f + "=" + o.Attrs[f]
	}
	return strings.Join(parts, ",")
}

// RuleConflict returns the first unique rule of their kind that records a and b break on the IPs
// they share (errors before warnings), and those IPs; nil when they do not conflict. It is the
// check the loader runs between declared records (checkUniqueRules), for the planner to run
// between a declared record and a live one that keeps its slots.
func RuleConflict(a, b *Object) (*UniqueRule, IPSet) {
	if a.Kind != b.Kind || !a.Kind.IsRecord() || a.Opaque != "" || b.Opaque != "" {
		return nil, IPSet{}
	}
	d := a.Def()
	if d == nil {
		return nil, IPSet{}
	}
	both := a.IPs.Intersect(b.IPs)
	if both.IsZero() {
		return nil, IPSet{}
	}
	if r := FirstBroken(d.Unique, a, b); r != nil {
		return r, both
	}
	return nil, IPSet{}
}

// Describe names the values a record shares with another under r: "port 50000, database SAMPLE"
// or "no port" (with the rule's Also fields when both records match Unless).
func (r *UniqueRule) Describe(a, b *Object) string {
	return r.describe(a, r.Unless.Matches(a) && r.Unless.Matches(b))
}
