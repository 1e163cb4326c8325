package xmltree

import (
	"fmt"
	"testing"
	"unsafe"
)

// TestNameTable: a name reads as one entry however often it is looked up, distinct names (more of
// them than the table holds too) as distinct entries, and an entry hands out a recent text's
// string again.
func TestNameTable(t *testing.T) {
	var tab nameTable
	a := lookupName(&tab, "USERNAME")
	if a.name != "USERNAME" || lookupName(&tab, "USERNAME") != a {
		t.Fatalf("USERNAME looked up twice gave two entries")
	}
	if e := lookupName(&tab, "USERNAMES"); e == a || e.name != "USERNAMES" {
		t.Errorf("a longer name shares USERNAME's entry")
	}
	entries := map[string]*nameEntry{}
	for i := range 3 * maxTableNames { // past the open-addressing slots, into the overflow map
		name := fmt.Sprintf("E%d", i)
		e := lookupName(&tab, name)
		if e.name != name || entries[name] != nil {
			t.Fatalf("lookup(%q) = %q", name, e.name)
		}
		entries[name] = e
	}
	for name, e := range entries {
		if lookupName(&tab, name) != e {
			t.Fatalf("%s looked up again gave another entry", name)
		}
	}

	same := func(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }
	buf := []byte("scanner")
	s1 := a.text(buf)
	copy(buf, "XXXXXXX") // the parser reuses its buffers: the text handed out must not change
	if s1 != "scanner" || !same(a.text([]byte("scanner")), s1) {
		t.Errorf("a repeated text was %q, or allocated again", s1)
	}
	// Texts alternating between a few values keep their strings; older ones give way to new ones.
	vals := []string{"cisco", "checkpoint_firewall", "scanner"}
	first := map[string]string{}
	for range 3 {
		for _, v := range vals {
			got := a.text([]byte(v))
			if got != v {
				t.Fatalf("text(%q) = %q", v, got)
			}
			if f, ok := first[v]; ok && !same(f, got) {
				t.Errorf("%q, one of %d recent texts, was allocated again", v, len(vals))
			}
			first[v] = got
		}
	}
	for i := range 2 * recentTexts {
		if v := fmt.Sprint(i); a.text([]byte(v)) != v {
			t.Fatalf("text(%q) wrong", v)
		}
	}
	if got := a.text([]byte("cisco")); got != "cisco" || same(got, first["cisco"]) {
		t.Errorf("a text evicted by %d newer ones is still handed out", 2*recentTexts)
	}
}

// lookupName looks name up in tab.
func lookupName(tab *nameTable, name string) *nameEntry {
	return tab.lookup([]byte(name), nameHash([]byte(name)))
}
