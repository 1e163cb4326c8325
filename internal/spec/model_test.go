package spec

import "testing"

// TestCompareKeysAgreesWithLess: CompareKeys orders every pair of keys as Less does, and is zero
// only for equal keys.
func TestCompareKeysAgreesWithLess(t *testing.T) {
	keys := []Key{{KindVault, "b"}, {KindVault, "a"}, {"unix", "a"}, {"unix", "b"}, {"oracle", "z"}, {"oracle", ""}, {"unix", "a"}}
	for _, a := range keys {
		for _, b := range keys {
			c := CompareKeys(a, b)
			if (c < 0) != Less(a, b) || (c > 0) != Less(b, a) || (c == 0) != (a == b) {
				t.Errorf("CompareKeys(%v, %v) = %d, Less says %v / %v", a, b, c, Less(a, b), Less(b, a))
			}
		}
	}
}
