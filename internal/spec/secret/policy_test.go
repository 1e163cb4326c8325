package secret

import (
	"strings"
	"testing"
)

// TestCheckEnvNameCached: the answer for a name is the same on the first call and on the cached
// ones, for denied names (in any case), names qsync export writes under QSYNC_, and allowed names.
func TestCheckEnvNameCached(t *testing.T) {
	cases := []struct {
		name    string
		pattern string // "" when allowed
	}{
		{"GITHUB_TOKEN", "GITHUB_*"},
		{"github_token", "GITHUB_*"},
		{"QSYNC_SECRET_KEY", "QSYNC_*"},
		{"QSYNC_UNIX_PASSWORD", ""},
		{"CI_DEPLOY_PASSWORD", "CI_*PASSWORD*"},
		{"UNIX_SCAN_PASSWORD", ""},
	}
	for round := range 2 {
		for _, c := range cases {
			msg := CheckEnvName(c.name, "")
			if c.pattern == "" && msg != "" || c.pattern != "" && !strings.Contains(msg, "(matches "+c.pattern+")") {
				t.Errorf("round %d: CheckEnvName(%q) = %q, want the pattern %q", round, c.name, msg, c.pattern)
			}
		}
	}
	if msg := CheckEnvName("UNIX_SCAN_PASSWORD", "QUALYS_SECRET_"); !strings.Contains(msg, `does not start with "QUALYS_SECRET_"`) {
		t.Errorf("a cached allowed name skipped the prefix check: %q", msg)
	}
}
