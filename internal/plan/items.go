package plan

import (
	"slices"

	"github.com/qsync/qsync/internal/spec"
)

// This file compares the structured list fields (spec.TypeItems: a unix record's private keys and
// root tools) as multisets of what Qualys lists (spec.ItemText: types, sources, vault references;
// never a secret). An omitted list is not managed and never compared or sent; a list the live
// record does not show is unknown.
//
// Sending entries (the UNIX_AUTH_PARAMS body, which replaces every entry of a section) is not
// planned yet: a declared list that differs from the live one, or a create with entries, is an
// error that says so, rather than a plan that would silently leave out (or drop) keys.

// itemChanges returns the changes of the declared TypeItems fields, and how many are unchanged.
func itemChanges(it *item) ([]FieldChange, int) {
	var fields []FieldChange
	unchanged := 0
	for i := range it.def.Fields {
		f := &it.def.Fields[i]
		want, declared := it.d.Items[f.Name]
		if f.Type != spec.TypeItems || !declared {
			continue
		}
		var have []spec.Item
		if it.l != nil {
			have = it.l.Items[f.Name]
		}
		added, removed := multisetDelta(spec.ItemTexts(f, have), spec.ItemTexts(f, want))
		if len(added) == 0 && len(removed) == 0 {
			if len(want) > 0 {
				unchanged++
			}
			continue
		}
		fields = append(fields, FieldChange{Name: f.Name, Added: added, Removed: removed})
	}
	return fields, unchanged
}

// refuseItemWrites reports an error for every changed TypeItems field: qsync does not send them yet.
func (b *builder) refuseItemWrites(it *item, fields []FieldChange) {
	for _, fc := range fields {
		if f := it.def.Field(fc.Name); f != nil && f.Type == spec.TypeItems {
			b.diags.add(it.d, it.d.Key(), "%s: differs from Qualys (%d to add, %d to remove), and qsync does not send %s yet: "+
				"change them in Qualys, or leave %s out of the configuration so the live ones are left alone",
				fc.Name, len(fc.Added), len(fc.Removed), fc.Name, fc.Name)
		}
	}
}

// multisetDelta returns the texts after has more of than before (added) and fewer (removed).
func multisetDelta(before, after []string) (added, removed []string) {
	count := map[string]int{}
	for _, s := range before {
		count[s]--
	}
	for _, s := range after {
		count[s]++
	}
	for _, s := range slices.Sorted(func(yield func(string) bool) {
		for k := range count {
			if !yield(k) {
				return
			}
		}
	}) {
		for n := count[s]; n > 0; n-- {
			added = append(added, s)
		}
		for n := count[s]; n < 0; n++ {
			removed = append(removed, s)
		}
	}
	return added, removed
}
