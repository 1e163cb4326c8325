package planfile

import (
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

func TestCheckPolicy(t *testing.T) {
	under := func(digest string, vs ...plan.Violation) *plan.Plan {
		return &plan.Plan{Policy: &plan.Policy{Digest: digest, Sources: []string{"policy/"}, Violations: vs}}
	}
	warn := plan.Violation{Rule: "r", Severity: spec.SeverityWarning, Message: "m"}
	bad := plan.Violation{Rule: "r", Severity: spec.SeverityError, Message: "m"}
	for _, tc := range []struct {
		name   string
		p      *plan.Plan
		digest string
		want   string
	}{
		{"no policy either time", &plan.Plan{}, "", ""},
		{"same policy", under("aaa"), "aaa", ""},
		{"same policy, warnings only", under("aaa", warn), "aaa", ""},
		{"same policy, an error", under("aaa", bad), "aaa", "violates 1 policy rule(s) of error severity"},
		{"policy changed", under("aaa"), "bbb", "the policy changed since the plan was made"},
		{"policy dropped", under("aaa"), "", "apply is given none"},
		{"policy added", &plan.Plan{}, "bbb", "made without a policy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPolicy(tc.p, tc.digest, []string{"now.yaml"})
			if (err == nil) != (tc.want == "") || err != nil && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestAttributionNotCompared: a saved plan made with --base (changes labelled, Qualys's
// LAST_MODIFIED recorded) is the same plan as one made without it: attribution is for the reader,
// apply acts on the steps.
func TestAttributionNotCompared(t *testing.T) {
	key := spec.Key{Kind: "mysql", Title: "db"}
	now := &plan.Plan{Owner: "secops", Changes: []plan.Change{{Key: key, Action: plan.ActionUpdate, ID: 5}}}
	saved := &plan.Plan{Owner: "secops", Base: "main (commit 0123456789ab)", Changes: []plan.Change{{Key: key, Action: plan.ActionUpdate, ID: 5,
		Attribution: plan.AttributionDrift, LiveModified: &plan.Modified{At: "2026-11-30T09:15:00Z", By: "jdoe"}}}}
	if d := firstDiff(saved, now); d != "" {
		t.Errorf("attribution compared: %s", d)
	}
	saved.Changes[0].ID = 6
	if d := firstDiff(saved, now); d == "" {
		t.Error("a changed id not compared")
	}
}
