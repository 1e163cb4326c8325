package order

import (
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

// TestCompareKeys checks that CompareKeys agrees with spec.Less on every pair of a set of keys
// covering vaults, kinds, titles, equal keys and the empty key.
func TestCompareKeys(t *testing.T) {
	keys := []spec.Key{
		{}, {Kind: spec.KindVault}, {Kind: spec.KindVault, Title: "a"}, {Kind: spec.KindVault, Title: "b"},
		{Kind: spec.KindUnix, Title: "a"}, {Kind: spec.KindUnix, Title: "b"}, {Kind: spec.KindMySQL, Title: "a"},
		{Kind: spec.KindMySQL, Title: "z"}, {Kind: spec.KindWindows, Title: ""}, {Kind: "a", Title: "x"},
	}
	for _, a := range keys {
		for _, b := range keys {
			want := 0
			switch {
			case spec.Less(a, b):
				want = -1
			case spec.Less(b, a):
				want = 1
			}
			if got := CompareKeys(a, b); got != want {
				t.Errorf("CompareKeys(%v, %v) = %d, want %d", a, b, got, want)
			}
		}
	}
}
