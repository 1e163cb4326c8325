package conformance

import (
	"fmt"
	"sort"
	"strings"

	"github.com/qsync/qsync/internal/spec"
)

func sortedNames(m map[string]map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkItems checks the entry the probe sent for items field f (a unix private key, a root
// tool): its container lists exactly one entry, and each enum sub-field's value (or the name
// Qualys lists it by) is found in the entry, as an element's text or type attribute, in the
// element the table names. With entry nil it only checks the entry is still there (after an
// update that did not send the section, which must keep it); suffix then names that check.
func (r *run) checkItems(pr *probeRun, f *spec.FieldDef, entry map[string]string, suffix string) {
	if f == nil || pr.elem == nil {
		return
	}
	exp := f.Element + "/" + f.Item
	c := pr.elem.child(f.Element)
	n := 0
	var item *element
	if c != nil {
		for _, k := range c.Kids {
			if k.Name == f.Item {
				n++
				item = k
			}
		}
	}
	switch {
	case c == nil:
		pr.add(AspectElement, f.Name+suffix, exp, "not listed", Contradicted)
		return
	case n != 1:
		pr.add(AspectElement, f.Name+suffix, exp, fmt.Sprintf("lists %d entries, not the 1 sent", n), Contradicted)
		return
	}
	pr.add(AspectElement, f.Name+suffix, exp, "", Confirmed)
	for i := range f.SubFields {
		sf := &f.SubFields[i]
		v := entry[sf.Name]
		if v == "" || sf.Type != spec.TypeEnum || sf.Element == "" {
			continue
		}
		names := []string{v}
		if j := indexOf(sf.Enum, v); j >= 0 && j < len(sf.Listed) {
			names = append(names, sf.Listed[j])
		}
		name := f.Name + "." + sf.Name
		where := item.path(func(e *element) bool {
			for _, n := range names {
				if len(e.Kids) == 0 && strings.EqualFold(strings.TrimSpace(e.Text), n) || strings.EqualFold(e.Attrs["type"], n) {
					return true
				}
			}
			return false
		})
		last := where[strings.LastIndex(where, "/")+1:]
		switch {
		case where == "":
			pr.add(AspectElement, name, sf.Element, "the value is in no element or type attribute of the entry", Contradicted)
		case last != sf.Element:
			pr.add(AspectElement, name, sf.Element, "value found in "+strings.TrimPrefix(where, f.Item+"/"), Contradicted)
		default:
			pr.add(AspectElement, name, sf.Element, "", Confirmed)
		}
	}
}

func indexOf(list []string, v string) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return -1
}
