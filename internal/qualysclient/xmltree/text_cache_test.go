package xmltree

import (
	"fmt"
	"strings"
	"testing"
	"unsafe"
)

// TestTextCache: the cache returns the text it is given, whatever it holds, and the same string
// for a text it has just seen.
func TestTextCache(t *testing.T) {
	same := func(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }
	c := &textCache{seed: textCaches.New().(*textCache).seed}
	if got := c.text(nil); got != "" {
		t.Errorf("empty text read as %q", got)
	}
	a := c.text([]byte("scanner"))
	if a != "scanner" {
		t.Fatalf("text = %q", a)
	}
	if b := c.text([]byte("scanner")); b != "scanner" || !same(a, b) {
		t.Errorf("a repeated text was allocated again")
	}
	long := strings.Repeat("x", maxCachedText+1)
	if l1, l2 := c.text([]byte(long)), c.text([]byte(long)); l1 != long || l2 != long || same(l1, l2) {
		t.Errorf("a text longer than %d is read %q, %q, shared %v; want it read, not cached", maxCachedText, l1, l2, same(l1, l2))
	}
	// Many texts: more than the slots, so some evict others; each still reads as itself.
	for i := range 4 * textCacheSlots {
		want := fmt.Sprintf("id-%d", i%(2*textCacheSlots))
		if got := c.text([]byte(want)); got != want {
			t.Fatalf("text(%q) = %q", want, got)
		}
	}
	// The buffer a text was read from may change afterwards: the cached string does not.
	buf := []byte("bench")
	s := c.text(buf)
	copy(buf, "XXXXX")
	if s != "bench" || c.text([]byte("bench")) != "bench" {
		t.Errorf("a cached text changed with its source buffer: %q", s)
	}
}
