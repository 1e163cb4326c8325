package build

import (
	"fmt"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// outOfScopeWhy is what a message says of a live object that this owner manages but the plan's
// --only scope leaves alone (Options.OutOfScope).
const outOfScopeWhy = "which this owner manages but --only leaves out of this plan (widen --only to change it)"

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
	if p, ok := o.FieldPos.Get(field); ok && p.File != "" {
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

// withGuardDefaults fills in the guard defaults Options documents (a 30% delete threshold from 10
// managed objects of a kind).
func withGuardDefaults(o plan.Options) plan.Options {
	if o.DeleteThreshold == 0 {
		o.DeleteThreshold = 0.30
	}
	if o.DeleteMinCount == 0 {
		o.DeleteMinCount = 10
	}
	return o
}

// hasValue reports whether m has an entry with a non-empty value.
func hasValue(m map[string]string) bool {
	for _, v := range m {
		if v != "" {
			return true
		}
	}
	return false
}
