package render

import (
	"fmt"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// scopedSummaryLine is summaryLine for a scoped plan: never "Qualys matches the configuration".
func scopedSummaryLine(p *plan.Plan) string {
	scope := safe(p.ScopeName())
	if p.Empty() && len(p.Refused) > 0 {
		return fmt.Sprintf("No changes planned within the scope (%s), but %d change%s refused: Qualys does not match the configuration.", scope, len(p.Refused), pluralVerb(len(p.Refused)))
	}
	if p.Empty() {
		return fmt.Sprintf("No changes within the scope (%s); a plan without it shows whether anything else differs.", scope)
	}
	cr, up, del, rep := p.Summary()
	return fmt.Sprintf("Plan within the scope (%s): %d to create, %d to update, %d to delete, %d to replace.", scope, cr, up, del, rep)
}

// opaqueReasons maps the keys of p.Opaque to their reasons.
func opaqueReasons(p *plan.Plan) map[spec.Key]string {
	if len(p.Opaque) == 0 {
		return nil
	}
	m := make(map[spec.Key]string, len(p.Opaque))
	for _, o := range p.Opaque {
		m[o.Key] = o.Reason
	}
	return m
}
