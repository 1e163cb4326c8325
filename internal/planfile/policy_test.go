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
