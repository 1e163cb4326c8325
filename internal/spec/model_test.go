package spec

import (
	"cmp"
	"testing"
)

// TestCompareKeys: keys written in their order compare by their places, for vaults, kinds, titles,
// equal keys and the empty key, and Less agrees.
func TestCompareKeys(t *testing.T) {
	ordered := []Key{
		{Kind: KindVault}, {Kind: KindVault, Title: "a"}, {Kind: KindVault, Title: "b"},
		{}, {Kind: "a", Title: "x"}, {Kind: KindMySQL, Title: "a"}, {Kind: KindMySQL, Title: "z"},
		{Kind: KindUnix, Title: "a"}, {Kind: KindUnix, Title: "b"}, {Kind: KindWindows, Title: ""},
	}
	for i, a := range ordered {
		for j, b := range ordered {
			want := cmp.Compare(i, j)
			if got := CompareKeys(a, b); got != want {
				t.Errorf("CompareKeys(%v, %v) = %d, want %d", a, b, got, want)
			}
			if Less(a, b) != (want < 0) {
				t.Errorf("Less(%v, %v) = %v, want %v", a, b, Less(a, b), want < 0)
			}
		}
	}
}
