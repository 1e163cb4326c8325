package spec

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"go4.org/netipx"
)

// IPSet is a set of IPv4 and IPv6 addresses. Its zero value is the empty set. Two IPSets holding the
// same addresses are Equal however they were written (single addresses, ranges or CIDR prefixes).
type IPSet struct {
	set *netipx.IPSet
}

// ParseIP parses one entry: an address ("10.0.0.1"), a range ("10.0.0.1-10.0.0.9") or a CIDR prefix
// ("10.0.0.0/28"), IPv4 or IPv6. A prefix of length 0 (every address of its family) and a prefix
// with host bits set ("10.0.0.5/24": a single address or the network?) are refused: both are
// almost always typing mistakes, and either would silently widen what gets scanned.
func ParseIP(s string) (netipx.IPRange, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return netipx.IPRange{}, fmt.Errorf("empty IP address")
	case strings.Contains(s, "/"):
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netipx.IPRange{}, fmt.Errorf("%q is not a CIDR prefix", s)
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 { // an IPv4-mapped prefix is IPv4, as a mapped address is
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		if p.Bits() == 0 {
			return netipx.IPRange{}, fmt.Errorf("%q: a /0 prefix covers every address; list the networks to scan", s)
		}
		if m := p.Masked(); m.Addr() != p.Addr() {
			return netipx.IPRange{}, fmt.Errorf("%q has host bits set: write %s for the network or %s for the address",
				s, m, p.Addr())
		}
		return netipx.RangeOfPrefix(p), nil
	case strings.Contains(s, "-"):
		from, to, _ := strings.Cut(s, "-")
		a, errA := netip.ParseAddr(strings.TrimSpace(from))
		b, errB := netip.ParseAddr(strings.TrimSpace(to))
		if errA != nil || errB != nil {
			return netipx.IPRange{}, fmt.Errorf("%q is not an IP range", s)
		}
		if a.Zone() != "" || b.Zone() != "" {
			return netipx.IPRange{}, fmt.Errorf("%q: IPv6 zones are not allowed", s)
		}
		if a.Is4() != b.Is4() {
			return netipx.IPRange{}, fmt.Errorf("%q mixes IPv4 and IPv6", s)
		}
		if a.Unmap().Is4() && b.Unmap().Is4() { // IPv4-mapped ends are IPv4; a wider range stays IPv6
			a, b = a.Unmap(), b.Unmap()
		}
		r := netipx.IPRangeFrom(a, b)
		if !r.IsValid() {
			return netipx.IPRange{}, fmt.Errorf("%q: range start is after its end", s)
		}
		return r, nil
	default:
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netipx.IPRange{}, fmt.Errorf("%q is not an IP address", s)
		}
		if a.Zone() != "" {
			return netipx.IPRange{}, fmt.Errorf("%q: IPv6 zones are not allowed", s)
		}
		a = a.Unmap()
		return netipx.IPRangeFrom(a, a), nil
	}
}

// ParseIPSet parses entries as ParseIP does and returns their union.
func ParseIPSet(entries ...string) (IPSet, error) {
	var b netipx.IPSetBuilder
	for _, e := range entries {
		r, err := ParseIP(e)
		if err != nil {
			return IPSet{}, err
		}
		b.AddRange(r)
	}
	return IPSetFromBuilder(&b)
}

// IPSetFromBuilder finishes b into an IPSet.
func IPSetFromBuilder(b *netipx.IPSetBuilder) (IPSet, error) {
	s, err := b.IPSet()
	if err != nil {
		return IPSet{}, fmt.Errorf("build IP set: %w", err)
	}
	// The empty set is the zero IPSet (set nil), so IsZero and Equal need not look at ranges.
	// Compared with Equal: netipx's Ranges copies them (an allocation per live record read).
	if s.Equal(&emptyIPSet) {
		return IPSet{}, nil
	}
	return IPSet{set: s}, nil
}

var emptyIPSet netipx.IPSet

// Ranges returns the merged, sorted ranges of the set.
func (s IPSet) Ranges() []netipx.IPRange {
	if s.set == nil {
		return nil
	}
	return s.set.Ranges()
}

// Set returns the underlying netipx set (nil for the empty set).
func (s IPSet) Set() *netipx.IPSet { return s.set }

// Overlaps reports whether s and o share an address.
func (s IPSet) Overlaps(o IPSet) bool { return RangesOverlap(s.Ranges(), o.Ranges()) }

// RangesOverlap reports whether two sorted lists of disjoint ranges share an address, in
// O(m log n) for m ranges in the shorter list and n in the longer (netipx's Overlaps compares
// every pair), so a caller can keep a large list and test many small sets against it.
func RangesOverlap(a, b []netipx.IPRange) bool {
	small, big := a, b
	if len(small) > len(big) {
		small, big = big, small
	}
	for _, r := range small {
		// The first range of big that does not end before r starts is the only one that can
		// overlap r: big's ranges are sorted and disjoint.
		i := sort.Search(len(big), func(i int) bool { return !big[i].To().Less(r.From()) })
		if i < len(big) && big[i].Overlaps(r) {
			return true
		}
	}
	return false
}

// IsZero reports whether the set is empty.
func (s IPSet) IsZero() bool { return s.set == nil } // see IPSetFromBuilder

// Equal reports whether both sets hold the same addresses.
func (s IPSet) Equal(o IPSet) bool {
	if s.set == nil || o.set == nil { // the empty set, and only it, has none (see IPSetFromBuilder)
		return s.set == o.set
	}
	return s.set.Equal(o.set) // compares the merged ranges, as Ranges would return them, without copies
}

// Entries returns the canonical text form: merged ranges in order, a single address as itself and
// a wider range as "from-to". This is also the form sent to Qualys.
func (s IPSet) Entries() []string {
	rs := s.Ranges()
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = FormatRange(r)
	}
	return out
}

// FormatRange writes r as "a" when it holds one address, else "a-b".
func FormatRange(r netipx.IPRange) string {
	if r.From() == r.To() {
		return r.From().String()
	}
	return r.From().String() + "-" + r.To().String()
}

// String joins Entries with commas.
func (s IPSet) String() string { return strings.Join(s.Entries(), ",") }

// Minus returns the addresses in s that are not in o.
func (s IPSet) Minus(o IPSet) IPSet {
	var b netipx.IPSetBuilder
	if s.set != nil {
		b.AddSet(s.set)
	}
	if o.set != nil {
		b.RemoveSet(o.set)
	}
	r, _ := IPSetFromBuilder(&b) // cannot fail: no invalid ranges are added
	return r
}

// Intersect returns the addresses in both s and o.
func (s IPSet) Intersect(o IPSet) IPSet {
	if s.set == nil || o.set == nil {
		return IPSet{}
	}
	var b netipx.IPSetBuilder
	b.AddSet(s.set)
	b.Intersect(o.set)
	r, _ := IPSetFromBuilder(&b)
	return r
}

// Union returns the addresses in s or o.
func (s IPSet) Union(o IPSet) IPSet {
	var b netipx.IPSetBuilder
	if s.set != nil {
		b.AddSet(s.set)
	}
	if o.set != nil {
		b.AddSet(o.set)
	}
	r, _ := IPSetFromBuilder(&b)
	return r
}

// MarshalJSON writes the set as a list of canonical entries.
func (s IPSet) MarshalJSON() ([]byte, error) {
	e := s.Entries()
	if e == nil {
		e = []string{}
	}
	return json.Marshal(e)
}

// UnmarshalJSON reads a list of entries.
func (s *IPSet) UnmarshalJSON(b []byte) error {
	var e []string
	if err := json.Unmarshal(b, &e); err != nil {
		return fmt.Errorf("IP set: %w", err)
	}
	v, err := ParseIPSet(e...)
	if err != nil {
		return err
	}
	*s = v
	return nil
}
