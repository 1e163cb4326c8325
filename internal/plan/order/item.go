package order

import (
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// Object is one object whose change package build decided, with what that change sends: the
// calls of the plan are cut from these (Steps).
type Object struct {
	// Desired is the declared object (nil for a delete); Live its live counterpart (nil for a
	// create).
	Desired, Live *spec.Object
	// Def is the kind table of the desired object (of the live one for a delete).
	Def *spec.KindDef
	// Action is what the change does; an object with no action makes no call.
	Action plan.Action
	// Added and Removed are the IPs an in-place update adds and removes.
	Added, Removed spec.IPSet
	// Params, Secrets, VaultRef and VaultRefs are what a create or update sends (see
	// plan.Step).
	Params    map[string]string
	Secrets   map[string]spec.SecretRef
	VaultRef  string
	VaultRefs map[string]string
}

// item is an Object being cut into calls; calls point at their item, so its identity tells the
// calls of one object apart.
type item struct {
	d, l           *spec.Object
	def            *spec.KindDef
	action         plan.Action
	added, removed spec.IPSet
	params         map[string]string
	secrets        map[string]spec.SecretRef
	vaultRef       string
	vaultRefs      map[string]string
}

// newItems makes one item per object, in the objects' order.
func newItems(objs []Object) []*item {
	items := make([]*item, len(objs))
	for i, o := range objs {
		items[i] = &item{d: o.Desired, l: o.Live, def: o.Def, action: o.Action, added: o.Added,
			removed: o.Removed, params: o.Params, secrets: o.Secrets, vaultRef: o.VaultRef,
			vaultRefs: o.VaultRefs}
	}
	return items
}

// Key is the identity of an object whose change is planned: the desired key, or the live one for
// a delete. Package build names its items by it too.
func Key(desired, live *spec.Object) spec.Key {
	if desired != nil {
		return desired.Key()
	}
	return live.Key()
}

// Group is the IP exclusivity group of an object of kind table def ("" = none, or no table).
func Group(def *spec.KindDef) string {
	if def == nil {
		return ""
	}
	return def.ExclusiveGroup
}

// key is the item's identity (Key).
func (it *item) key() spec.Key { return Key(it.d, it.l) }

// group is the item's IP exclusivity group (Group).
func (it *item) group() string { return Group(it.def) }
