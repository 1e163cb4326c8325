package build

import (
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/order"
)

// planSteps cuts the changes decided for the items into ordered, batched API calls and pairs
// their hand-overs (package order).
func (b *builder) planSteps() ([]plan.Step, []plan.Handover, error) {
	n := 0 // most items of a large estate change nothing: size for the ones that do
	for _, it := range b.items {
		if it.action != "" {
			n++
		}
	}
	objs := make([]order.Object, 0, n)
	for _, it := range b.items {
		if it.action == "" {
			continue
		}
		objs = append(objs, order.Object{Desired: it.d, Live: it.l, Def: it.def, Action: it.action,
			Added: it.added, Removed: it.removed, Params: it.params, Secrets: it.secrets,
			VaultRef: it.vaultRef, VaultRefs: it.vaultRefs})
	}
	return order.Steps(objs)
}
