package load

import (
	"fmt"
	"strings"

	"go4.org/netipx"

	"github.com/qsync/qsync/internal/spec"
)

// checkWarnGroups warns about an address that a record shares with a record of one of its kind's
// WarnExclusiveGroups (network_ssh and the unix family): a secondary source says Qualys refuses
// it, a primary one does not, so qsync says so and goes on. One warning per pair of records, at
// the first overlapping entry of the record whose kind names the group.
func (l *loader) checkWarnGroups(objs []*spec.Object) {
	members := map[string][]*spec.Object{}
	for _, o := range objs {
		if d := o.Def(); d != nil && d.ExclusiveGroup != "" {
			members[d.ExclusiveGroup] = append(members[d.ExclusiveGroup], o)
		}
	}
	unions := map[string][]netipx.IPRange{} // sorted ranges of each group's union, built once
	union := func(g string) []netipx.IPRange {
		if u, ok := unions[g]; ok {
			return u
		}
		var b netipx.IPSetBuilder
		for _, m := range members[g] {
			if set := m.IPs.Set(); set != nil {
				b.AddSet(set)
			}
		}
		u, _ := spec.IPSetFromBuilder(&b)
		unions[g] = u.Ranges()
		return unions[g]
	}
	for _, o := range objs {
		d := o.Def()
		if d == nil {
			continue
		}
		for _, g := range d.WarnExclusiveGroups {
			if !spec.RangesOverlap(union(g), o.IPs.Ranges()) {
				continue
			}
			for _, m := range members[g] {
				both := m.IPs.Intersect(o.IPs)
				if m == o || both.IsZero() {
					continue
				}
				at := spec.Diagnostic{Pos: o.FieldPos.At("ips"), Path: spec.ObjectPath(o) + "/ips"}
				for _, e := range l.extra[o].ips {
					if !m.IPs.Intersect(singleRange(e)).IsZero() {
						at.Pos, at.Path = e.pos, e.path()
						break
					}
				}
				at.Severity = spec.SeverityWarning
				at.Message = fmt.Sprintf("%s is in both %s and %s (at %s): Qualys may refuse an IP in a %s record and a record of the %s group (secondary source)",
					strings.Join(both.Entries(), ", "), spec.ObjectLabel(o), spec.ObjectLabel(m), m.Pos, o.Kind, g)
				l.ds = append(l.ds, at)
			}
		}
	}
}
