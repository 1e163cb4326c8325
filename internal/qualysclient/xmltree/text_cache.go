package xmltree

import (
	"hash/maphash"
	"sync"
)

// textCache hands out one string for each short text it has seen recently, so that the texts a
// list page repeats in every record (a username, NETWORK_ID 0, a timestamp, the creator, a vault
// type, identical comments) are allocated once rather than once per element. It is a direct-mapped
// table: a text evicts whatever other text hashed to its slot, so it holds at most
// textCacheSlots strings and costs one hash and one comparison per text. On the 100,000-record
// read (about 12 texts per record, half of them repeated) it saved 6 MB of the 9 MB of strings a
// read retained, and 25 MB of allocation.
type textCache struct {
	seed  maphash.Seed
	slots [textCacheSlots]string
}

const (
	textCacheSlots = 1024 // a power of two
	// maxCachedText bounds the texts worth looking up: longer ones (long comments) rarely repeat.
	maxCachedText = 128
)

// textCaches keeps the caches between documents, so that the pages of a list share one.
var textCaches = sync.Pool{New: func() any { return &textCache{seed: maphash.MakeSeed()} }}

// text returns string(b), the cached copy when the cache holds one.
func (c *textCache) text(b []byte) string {
	if len(b) == 0 || len(b) > maxCachedText {
		return string(b)
	}
	slot := &c.slots[maphash.Bytes(c.seed, b)&(textCacheSlots-1)]
	if *slot == string(b) { // compared without a copy of b
		return *slot
	}
	s := string(b)
	*slot = s
	return s
}
