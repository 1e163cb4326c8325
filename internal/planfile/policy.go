package planfile

import (
	"fmt"
	"strings"

	"github.com/qsync/qsync/internal/plan"
)

// CheckPolicy refuses a saved plan that was made under another policy than the one apply is
// given now (digest: the policy's digest, "" for none; sources name it), and a plan whose policy
// checks found errors: a plan is applied under the rules it was reviewed under, or not at all.
func CheckPolicy(p *plan.Plan, digest string, sources []string) error {
	made := ""
	if p.Policy != nil {
		made = p.Policy.Digest
	}
	switch {
	case made != digest && made == "":
		return fmt.Errorf("refusing the saved plan: it was made without a policy, and apply is given one (%s); run qsync plan again with the same --policy", strings.Join(sources, ", "))
	case made != digest && digest == "":
		return fmt.Errorf("refusing the saved plan: it was made under a policy (%s), and apply is given none; pass the same --policy (or QSYNC_POLICY)", strings.Join(p.Policy.Sources, ", "))
	case made != digest:
		return fmt.Errorf("refusing the saved plan: the policy changed since the plan was made (made under %s, digest %.12s; now %s, digest %.12s); run qsync plan again",
			strings.Join(p.Policy.Sources, ", "), made, strings.Join(sources, ", "), digest)
	case p.Policy.Errors() > 0:
		return fmt.Errorf("refusing the saved plan: it violates %d policy rule(s) of error severity (see the plan)", p.Policy.Errors())
	}
	return nil
}
