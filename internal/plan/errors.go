package plan

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/qsync/qsync/internal/spec"
)

// Diagnostic is one problem that stops a plan, with the position of the desired object when known.
type Diagnostic struct {
	Pos     spec.Pos `json:"pos,omitzero"`
	Key     spec.Key `json:"key"`
	Message string   `json:"message"`
}

// String formats the diagnostic as "file:line:col: kind "title": message".
func (d Diagnostic) String() string {
	s := d.Key.String() + ": " + d.Message
	if p := d.Pos.String(); p != "" {
		s = p + ": " + s
	}
	return s
}

// DiagnosticsError reports every problem Build found at once.
type DiagnosticsError struct {
	Diagnostics []Diagnostic
}

func (e *DiagnosticsError) Error() string {
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// RefusedError is returned when a plan would delete more than the allowed share of the managed
// objects of a kind (see Options.DeleteThreshold) and AllowDeletes is not set.
type RefusedError struct {
	Kind      spec.Kind
	Deletes   int
	Managed   int
	Threshold float64
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("refusing to delete %d of %d managed %s objects (more than %.0f%%); pass --allow-deletes if this is intended",
		e.Deletes, e.Managed, e.Kind, e.Threshold*100)
}

// ErrLiveIncomplete is wrapped by the error Build returns when the live read may be incomplete
// (Options.LiveComplete is false) and the plan would create or delete objects.
var ErrLiveIncomplete = errors.New("live read may be incomplete")

type diags []Diagnostic

func (d *diags) add(o *spec.Object, k spec.Key, format string, args ...any) {
	var pos spec.Pos
	if o != nil {
		pos = o.Pos
	}
	*d = append(*d, Diagnostic{Pos: pos, Key: k, Message: fmt.Sprintf(format, args...)})
}

func (d diags) err() error {
	if len(d) == 0 {
		return nil
	}
	out := append([]Diagnostic(nil), d...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Pos.File != out[j].Pos.File {
			return out[i].Pos.File < out[j].Pos.File
		}
		if out[i].Pos.Line != out[j].Pos.Line {
			return out[i].Pos.Line < out[j].Pos.Line
		}
		if out[i].Key != out[j].Key {
			return spec.Less(out[i].Key, out[j].Key)
		}
		return out[i].Message < out[j].Message
	})
	return &DiagnosticsError{Diagnostics: out}
}
