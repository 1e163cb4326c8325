package xmltree

// nameTable holds every element and attribute name of one document once, with the last few texts
// the elements of each name held. A list page repeats some twenty names in every record, and most
// elements hold a text the same element of a recent record held (USERNAME, NETWORK_ID, the
// DATETIME and BY of CREATED and LAST_MODIFIED, a DIGITAL_VAULT_TYPE, a SUB_TYPE, comments that
// differ only by the fingerprints of a few shared secrets): giving them that string again halves
// the allocations of parsing a list page (13,600 to 7,200 a page in BenchmarkRecordListPage),
// without a lookup of its own.
//
// It is an open-addressing table of nameTableSlots slots with a short hash, cheaper than a Go
// map's lookup; a document with more names than maxTableNames (not a Qualys answer) keeps the rest
// in a map.
type nameTable struct {
	slots    [nameTableSlots]*nameEntry
	n        int
	overflow map[string]*nameEntry
}

// nameEntry is one name of a document and the texts its last elements held.
type nameEntry struct {
	name   string
	recent [recentTexts]string
	next   int // the slot of recent the next new text takes
}

// recentTexts is how many texts a nameEntry keeps: enough for a text that alternates between a few
// values from record to record.
const recentTexts = 4

const (
	nameTableSlots = 256 // a power of two
	maxTableNames  = nameTableSlots / 2
)

// nameHash is FNV-1a: nameHashStep of each byte of a name, from nameHashSeed (skipName hashes a
// name while it reads it).
func nameHash(b []byte) uint32 {
	h := nameHashSeed
	for _, c := range b {
		h = nameHashStep(h, c)
	}
	return h
}

const nameHashSeed uint32 = 2166136261

func nameHashStep(h uint32, c byte) uint32 { return (h ^ uint32(c)) * 16777619 }

// lookup returns the entry of name b, whose nameHash is h, adding one the first time.
func (t *nameTable) lookup(b []byte, h uint32) *nameEntry {
	for i := h & (nameTableSlots - 1); ; i = (i + 1) & (nameTableSlots - 1) {
		e := t.slots[i]
		if e == nil {
			if t.n >= maxTableNames {
				break
			}
			e = &nameEntry{name: string(b)}
			t.slots[i] = e
			t.n++
			return e
		}
		if e.name == string(b) { // compared without a copy of b
			return e
		}
	}
	if e, ok := t.overflow[string(b)]; ok {
		return e
	}
	if t.overflow == nil {
		t.overflow = map[string]*nameEntry{}
	}
	e := &nameEntry{name: string(b)}
	t.overflow[e.name] = e
	return e
}

// text returns string(b): the string of a recent element of e's name when it held the same text.
func (e *nameEntry) text(b []byte) string {
	for _, s := range e.recent {
		if s == string(b) { // compared without a copy of b
			return s
		}
	}
	s := string(b)
	e.recent[e.next] = s
	e.next = (e.next + 1) % recentTexts
	return s
}
