package pipeline

import (
	"fmt"

	"github.com/qsync/qsync/internal/policy"
)

// LoadPolicy loads the policy files, directories and builtin:NAME rules in paths (see
// policy.Load), printing every problem at once; no paths is no policy (nil).
func (pl *Pipeline) LoadPolicy(paths ...string) (*policy.Set, error) {
	set, diags := policy.Load(paths...)
	if len(diags) > 0 {
		pl.diagnose(diags)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("policy has %d problem(s); nothing was sent to Qualys", diags.ErrorCount())
	}
	return set, nil
}

// CheckPolicy checks the run's configuration, live estate and plan against set, records the
// outcome in the plan (plan.Plan.Policy: digest, sources, violations; a saved plan keeps it) and
// prints the violations as diagnostics. A nil set checks nothing. Whether an error-severity
// violation stops the command is the caller's (plan exits 1, apply refuses).
func (pl *Pipeline) CheckPolicy(r *Run, set *policy.Set) error {
	res, err := set.Result(policy.Input{Desired: r.Desired, Live: r.Live, Plan: r.Plan})
	if err != nil {
		return fmt.Errorf("policy: %w", err)
	}
	r.Plan.Policy = res
	if diags := res.Diagnostics(); len(diags) > 0 {
		pl.diagnose(diags)
	}
	return nil
}
