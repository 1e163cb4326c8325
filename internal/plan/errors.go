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
		paired = fmt.Sprintf("; %d of them hand-over%s: deleted, then taken over by another object, as a rename without previous_titles does", e.Handovers, plural(e.Handovers))
	}
	return fmt.Sprintf("refusing to delete %d of %d %s (more than %.0f%%, replacements included%s); pass --allow-deletes if this is intended",
		e.Deletes, e.Managed, what, e.Threshold*100, paired)
}

// ErrLiveIncomplete is wrapped by the error Build returns when the live read may be incomplete
// (the live document is not Complete) and the plan would create or delete objects.
var ErrLiveIncomplete = errors.New("live read may be incomplete")

// diags collects the problems that stop a plan, in the one diagnostics type of every phase.
type diags spec.Diagnostics

// add reports a problem of the object with key k. o is the desired object when there is one: its
// position and JSON path locate the problem in the configuration ("file:line:col: records/0: ...").
func (d *diags) add(o *spec.Object, k spec.Key, format string, args ...any) {
	dg := spec.Diagnostic{Message: k.String() + ": " + fmt.Sprintf(format, args...)}
	if o != nil && o.Pos.File != "" {
		dg.Pos, dg.Path = o.Pos, spec.ObjectPath(o)
	}
	*d = append(*d, dg)
}

// addAt reports a problem at the position of field of o (the object's position when the field has
// none recorded).
func (d *diags) addAt(o *spec.Object, field string, k spec.Key, format string, args ...any) {
	d.add(o, k, format, args...)
	if p, ok := o.FieldPos[field]; ok && p.File != "" {
		dg := &(*d)[len(*d)-1]
		dg.Pos, dg.Path = p, spec.ObjectPath(o)+"/"+field
	}
}

// err returns the problems, sorted, as a spec.Diagnostics error, or nil when there are none.
func (d diags) err() error {
	if len(d) == 0 {
		return nil
	}
	out := append(spec.Diagnostics(nil), d...)
	out.Sort()
	return out
}
