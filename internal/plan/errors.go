package plan

import (
	"errors"
	"fmt"

	"github.com/qsync/qsync/internal/spec"
)

// RefusedError is returned when a plan would delete more than the allowed share of the managed
// objects of a kind, or of the owner's whole estate (see Options.DeleteThreshold), and
// AllowDeletes is not set. Deletes counts replacements too (each deletes the live object first).
type RefusedError struct {
	// Kind is the kind whose share was exceeded; "" when the share of the whole estate was.
	Kind spec.Kind
	// Owner is the owner whose estate was counted (Kind "").
	Owner     string
	Deletes   int
	Managed   int
	Threshold float64
	// Handovers counts the deletes that are hand-overs: another object takes the IPs, title or
	// rule slot of the deleted one (a rename without previous_titles, for example).
	Handovers int
}

func (e *RefusedError) Error() string {
	what := fmt.Sprintf("managed %s objects", e.Kind)
	if e.Kind == "" {
		what = fmt.Sprintf("objects managed by owner %q (all kinds)", e.Owner)
	}
	paired := ""
	if e.Handovers > 0 {
		s := "s"
		if e.Handovers == 1 {
			s = ""
		}
		paired = fmt.Sprintf("; %d of them hand-over%s: deleted, then taken over by another object, as a rename without previous_titles does", e.Handovers, s)
	}
	return fmt.Sprintf("refusing to delete %d of %d %s (more than %.0f%%, replacements included%s); pass --allow-deletes if this is intended",
		e.Deletes, e.Managed, what, e.Threshold*100, paired)
}

// ErrLiveIncomplete is wrapped by the error build.Plan returns when the live read may be incomplete
// (the live document is not Complete) and the plan would create or delete objects.
var ErrLiveIncomplete = errors.New("live read may be incomplete")
