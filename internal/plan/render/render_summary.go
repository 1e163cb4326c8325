package render

import (
	"fmt"

	"github.com/qsync/qsync/internal/plan"
)

// countsLine is the summary line of a plan with changes. Adoptions (objects taken over: only
// their ownership marker and the settings the configuration names change) are counted apart
// from updates, so a first run on an existing subscription does not read as hundreds of edits.
func countsLine(p *plan.Plan) string {
	cr, up, del, rep := p.Summary()
	adopt := 0
	for _, c := range p.Changes {
		if c.Action == plan.ActionAdopt {
			adopt++
		}
	}
	line := fmt.Sprintf("Plan: %d to create, %d to update, %d to delete, %d to replace", cr, up-adopt, del, rep)
	if adopt > 0 {
		line += fmt.Sprintf(", %d to adopt", adopt)
	}
	return line + "."
}
