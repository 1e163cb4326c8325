package render

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/qsync/qsync/internal/plan"
)

// Save writes p in the plan JSON format (format_version FormatVersion, field names in doc.go):
// the output of the json renderer and the content of a plan file, which internal/planfile reads
// back and checks. Empty lists and maps are written as [] and {}. The plan holds no secret value,
// only references. Control and bidi characters in strings are \u-escaped (see safeJSON).
func Save(w io.Writer, p *plan.Plan) error {
	out := *p
	if out.FormatVersion == 0 {
		out.FormatVersion = plan.FormatVersion
	}
	out.Scope = p.ScopeLine()
	if out.Changes == nil {
		out.Changes = []plan.Change{}
	}
	if out.Steps == nil {
		out.Steps = []plan.Step{}
	}
	if out.LiveDigests == nil {
		out.LiveDigests = map[string]string{}
	}
	if out.Calls == nil {
		out.Calls = map[string]int{}
	}
	b, err := json.MarshalIndent(&out, "", "  ")
	if err != nil {
		return fmt.Errorf("encode plan: %w", err)
	}
	b = append(safeJSON(b), '\n')
	_, err = w.Write(b)
	return err
}
