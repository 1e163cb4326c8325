package ipindex

import (
	"maps"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"go4.org/netipx"
)

// TestOverlappingMatchesBruteForce compares every query with a scan of all ranges, over random
// ranges of a small address space (many overlaps, nested and touching ranges).
func TestOverlappingMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	addr := func(n int) netip.Addr { return netip.AddrFrom4([4]byte{10, 0, byte(n >> 8), byte(n)}) }
	randRange := func() netipx.IPRange {
		a, b := rng.IntN(300), rng.IntN(300)
		if b < a {
			a, b = b, a
		}
		return netipx.IPRangeFrom(addr(a), addr(b))
	}
	for round := range 50 {
		var ix Index
		var all []netipx.IPRange
		for i := range rng.IntN(40) {
			r := randRange()
			all = append(all, r)
			ix.Add(r, i)
		}
		ix.Sort()
		for range 20 {
			q := randRange()
			got := map[int]bool{}
			ix.Overlapping(q, got)
			want := map[int]bool{}
			for i, r := range all {
				if r.Overlaps(q) {
					want[i] = true
				}
			}
			if !maps.Equal(got, want) {
				t.Fatalf("round %d: query %s over %v: got %v, want %v", round, q, all,
					slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
			}
		}
	}
}
