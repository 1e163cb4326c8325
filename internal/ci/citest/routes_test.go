package citest

import (
	"strings"
	"testing"
)

func TestMatchPath(t *testing.T) {
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		{"issues", "issues", true},
		{"issues", "issues/3", false},
		{"pulls/*", "pulls/4", true},
		{"pulls/*", "pulls", false},
		{"pulls/*", "pulls/4/files", false},
		{"commits/*/pulls", "commits/abc/pulls", true},
		{"commits/*/pulls", "commits/abc/merges", false},
		{"jobs/*/artifacts/**", "jobs/7/artifacts/out/plan.json", true},
		{"jobs/*/artifacts/**", "jobs/7/artifacts/plan.json", true},
		{"jobs/*/artifacts/**", "jobs/7/artifacts", false},
		{"issues/**", "issues/3/notes", true},
		{"issues/**", "issues", false},
	} {
		if got := matchPath(tc.pattern, strings.Split(tc.path, "/")); got != tc.want {
			t.Errorf("matchPath(%q, %q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
	}
}
