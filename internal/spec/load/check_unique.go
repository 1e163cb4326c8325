package load

import (
	"fmt"
	"sort"
	"strings"

	"go4.org/netipx"

	"github.com/qsync/qsync/internal/spec"
)

// checkUniqueRules reports every pair of records of one kind that breaks one of the kind's
// UniqueRules, once per pair (the first rule broken, errors before warnings), at the later record.
// objs are in file order. Records are swept by address range, so only records that share an IP are
// compared.
func (l *loader) checkUniqueRules(objs []*spec.Object) {
	type item struct {
		idx int // position in objs: the later of a pair is the one reported
		r   netipx.IPRange
	}
	byKind := map[spec.Kind][]item{}
	for i, o := range objs {
		if d := o.Def(); d != nil && o.Kind.IsRecord() && len(d.Unique) > 0 {
			for _, r := range o.IPs.Ranges() {
				byKind[o.Kind] = append(byKind[o.Kind], item{i, r})
			}
		}
	}
	type pair struct{ early, late int }
	var pairs []pair
	seen := map[pair]bool{}
	for _, items := range byKind {
		sort.SliceStable(items, func(i, j int) bool { return items[i].r.From().Less(items[j].r.From()) })
		var active []item
		for _, it := range items {
			kept := active[:0]
			for _, a := range active {
				if !a.r.To().Less(it.r.From()) {
					kept = append(kept, a)
				}
			}
			active = kept
			for _, a := range active {
				if a.idx == it.idx {
					continue
				}
				p := pair{min(a.idx, it.idx), max(a.idx, it.idx)}
				if !seen[p] {
					seen[p] = true
					pairs = append(pairs, p)
				}
			}
			active = append(active, it)
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].late != pairs[j].late {
			return pairs[i].late < pairs[j].late
		}
		return pairs[i].early < pairs[j].early
	})
	for _, p := range pairs {
		early, late := objs[p.early], objs[p.late]
		r := spec.FirstBroken(late.Def().Unique, early, late)
		if r == nil {
			continue
		}
		msg := fmt.Sprintf("%s and %s (at %s) both hold %s with %s: %s", spec.ObjectLabel(late), spec.ObjectLabel(early),
			early.Pos, strings.Join(early.IPs.Intersect(late.IPs).Entries(), ", "), r.Describe(late, early), r.Reason)
		if r.Warning {
			l.ds.Warnf(late.Pos, spec.ObjectPath(late), "%s", msg)
		} else {
			l.ds.Errorf(late.Pos, spec.ObjectPath(late), "%s", msg)
		}
	}
}
