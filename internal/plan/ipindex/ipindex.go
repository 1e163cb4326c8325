// Package ipindex finds, among many address ranges, those that overlap a query range, without
// comparing the query with every range: the plan's IP exclusivity, unique-rule and hand-over
// checks ask it for the few ranges a changed record can touch.
package ipindex

import (
	"net/netip"
	"slices"
	"sort"

	"go4.org/netipx"
)

// span is one indexed range and the number of the object it belongs to.
type span struct {
	r   netipx.IPRange
	obj int
}

// Index holds ranges sorted by start, with the running maximum of their ends, so a query visits
// only ranges that can overlap. Add ranges, call Sort once, then query with Overlapping.
type Index struct {
	spans  []span
	maxEnd []netip.Addr
}

// Add indexes range r of object obj (a number the caller gives its objects, such as a slice
// index).
func (ix *Index) Add(r netipx.IPRange, obj int) {
	ix.spans = append(ix.spans, span{r: r, obj: obj})
}

// Sort prepares the index for queries; call it after the last Add.
func (ix *Index) Sort() {
	slices.SortFunc(ix.spans, func(x, y span) int { return x.r.From().Compare(y.r.From()) })
	ix.maxEnd = make([]netip.Addr, len(ix.spans))
	for i, s := range ix.spans {
		ix.maxEnd[i] = s.r.To()
		if i > 0 && ix.maxEnd[i].Less(ix.maxEnd[i-1]) {
			ix.maxEnd[i] = ix.maxEnd[i-1]
		}
	}
}

// Overlapping adds to hits the objects of the ranges that overlap r.
func (ix *Index) Overlapping(r netipx.IPRange, hits map[int]bool) {
	// Ranges starting after r ends cannot overlap; walk back from the last that starts in time
	// while some earlier range may still reach r.
	n := sort.Search(len(ix.spans), func(i int) bool { return r.To().Less(ix.spans[i].r.From()) })
	for j := n - 1; j >= 0 && !ix.maxEnd[j].Less(r.From()); j-- {
		if !ix.spans[j].r.To().Less(r.From()) {
			hits[ix.spans[j].obj] = true
		}
	}
}
