package plantest

import "testing"

// TestUnifiedDiff pins the failure output of the golden tests: hunks with three lines of context,
// line numbers of both sides, and a marker for a missing final newline.
func TestUnifiedDiff(t *testing.T) {
	for _, tc := range []struct {
		name, want, got, diff string
	}{
		{name: "equal", want: "a\nb\n", got: "a\nb\n", diff: ""},
		{name: "changed line", want: "1\n2\n3\n4\n5\n6\n7\n8\n", got: "1\n2\n3\n4\nfive\n6\n7\n8\n",
			diff: "--- want\n+++ got\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"},
		{name: "two hunks", want: "a\n1\n2\n3\n4\n5\n6\n7\n8\nb\n", got: "A\n1\n2\n3\n4\n5\n6\n7\n8\nB\n",
			diff: "--- want\n+++ got\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -7,4 +7,4 @@\n 6\n 7\n 8\n-b\n+B\n"},
		{name: "no final newline", want: "a\n", got: "a\nb",
			diff: "--- want\n+++ got\n@@ -1,1 +1,2 @@\n a\n+b\n\\ No newline at end of file\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := UnifiedDiff("want", "got", tc.want, tc.got); got != tc.diff {
				t.Errorf("UnifiedDiff:\n%s\nwant:\n%s", got, tc.diff)
			}
		})
	}
}
