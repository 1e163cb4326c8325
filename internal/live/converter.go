package live

import (
	"hash/maphash"

	"github.com/qsync/qsync/internal/spec"
)

// converter converts the listed records of one kind (see ConvertRecord). The records of a list
// repeat a few shapes, and a sharing converter (newSharingConverter, as read uses one per kind)
// reads each repeated part once and gives every object the same value: the attributes of records
// whose settings are the same (a username, a port, the booleans), the list of unknown settings of
// a shape, the text and marker of identical comments (records sharing a password carry identical
// markers), and the descriptor of a vault type. The objects of one read may so share their Attrs
// map, Unknown slice, Comments and Marker: they are read-only, like the rest of the live model. On
// the 100,000-record read this kept 52 MB of the 120 MB the live model retained (a map with up to
// eight entries takes 336 bytes), and 60 MB of allocation.
//
// A converter is not safe for concurrent use.
type converter struct {
	kind        spec.Kind
	facts       *kindFacts
	vaultTitles map[int64]string
	pairs       []attr   // scratch for readFieldPairs' attributes
	unknown     []string // scratch for readFieldPairs' unknown list

	// The shared values; all nil (nothing shared) for ConvertRecord's single record.
	unknowns   map[string][]string // by the names joined with NUL
	key        []byte              // scratch for a key of unknowns
	attrs      *[attrSlots]map[string]string
	comments   *[commentSlots]commentSlot
	seed       maphash.Seed
	vaultTypes map[string]*spec.KindDef // spec.VaultTypeByQualys by Qualys type
}

// attrSlots is the size of a converter's direct-mapped cache of Attrs maps, by the hash of their
// pairs: a power of two, room for the few combinations of settings most records of a list repeat;
// records whose settings are their own only evict each other.
const attrSlots = 512

// commentSlots is the size of a converter's direct-mapped cache of split comments: a power of two,
// enough for the few markers a list repeats (one per owner and set of secret fingerprints);
// comments that do not repeat only evict each other.
const commentSlots = 256

// commentSlot is one entry of the cache: raw comments and what spec.SplitComments returned.
type commentSlot struct {
	raw, text string
	marker    *spec.Marker
}

// newSharingConverter returns a converter of kind's records that shares repeated values between
// the objects it returns.
func newSharingConverter(kind spec.Kind, vaultTitles map[int64]string) *converter {
	return &converter{
		kind: kind, facts: kindFactsOf(kind), vaultTitles: vaultTitles,
		unknowns: map[string][]string{}, attrs: new([attrSlots]map[string]string), comments: new([commentSlots]commentSlot),
		seed: maphash.MakeSeed(), vaultTypes: map[string]*spec.KindDef{},
	}
}

// splitComments is spec.SplitComments, the same text and marker for comments seen before.
func (c *converter) splitComments(raw string) (string, *spec.Marker) {
	if c.comments == nil || raw == "" {
		return spec.SplitComments(raw)
	}
	slot := &c.comments[maphash.String(c.seed, raw)&(commentSlots-1)]
	if slot.raw == raw {
		return slot.text, slot.marker
	}
	text, m := spec.SplitComments(raw)
	*slot = commentSlot{raw: raw, text: text, marker: m}
	return text, m
}

// sharedUnknown returns names as an object's Unknown: nil when empty, else the one slice with
// those names (its capacity clipped, so that an append never writes into it). names is the
// caller's scratch: it is copied, never kept.
func (c *converter) sharedUnknown(names []string) []string {
	if len(names) == 0 {
		return nil
	}
	if c.unknowns == nil {
		return append([]string(nil), names...)
	}
	c.key = c.key[:0]
	for _, n := range names {
		c.key = append(append(c.key, n...), 0)
	}
	if s, ok := c.unknowns[string(c.key)]; ok { // the lookup does not copy the key
		return s
	}
	s := append(make([]string, 0, len(names)), names...)
	c.unknowns[string(c.key)] = s
	return s
}

// sharedAttrs returns pairs as an object's Attrs (see attrMap), the map of an earlier object when it
// holds exactly these pairs.
func (c *converter) sharedAttrs(pairs []attr) map[string]string {
	if len(pairs) == 0 || c.attrs == nil {
		return attrMap(pairs)
	}
	var h maphash.Hash
	h.SetSeed(c.seed)
	for _, p := range pairs {
		h.WriteString(p.name)
		h.WriteByte(0)
		h.WriteString(p.value)
		h.WriteByte(0)
	}
	slot := &c.attrs[h.Sum64()&(attrSlots-1)]
	if holdsExactly(*slot, pairs) {
		return *slot
	}
	m := attrMap(pairs)
	*slot = m
	return m
}

// holdsExactly reports whether m holds pairs and nothing else.
func holdsExactly(m map[string]string, pairs []attr) bool {
	if len(m) != len(pairs) {
		return false
	}
	for _, p := range pairs {
		if v, ok := m[p.name]; !ok || v != p.value {
			return false
		}
	}
	return true
}

// vaultType is spec.VaultTypeByQualys, looked up once per type name.
func (c *converter) vaultType(name string) *spec.KindDef {
	if c.vaultTypes == nil {
		return spec.VaultTypeByQualys(name)
	}
	d, ok := c.vaultTypes[name]
	if !ok {
		d = spec.VaultTypeByQualys(name)
		c.vaultTypes[name] = d
	}
	return d
}
