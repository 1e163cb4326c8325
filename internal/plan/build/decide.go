package build

import (
	"fmt"
	"maps"
	"slices"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// decide settles what happens to one item: delete, create, replace (or its refusal) or an
// in-place update. It fills what differs (it.change, see diff.go) and what is sent (it.params and
// friends, see params.go) from the same comparison, in b.decided; an item that then changes
// something keeps a copy, the others share b.unchanged (see item).
func (b *builder) decide(it *item) {
	b.decided = itemPlan{}
	it.itemPlan = &b.decided
	defer func() {
		if it.action == "" {
			it.itemPlan = &b.unchanged
		} else {
			p := b.decided
			it.itemPlan = &p
		}
	}()
	switch {
	case it.action == plan.ActionDelete:
		it.change.Fields = deleteChanges(it.l)
	case it.l == nil:
		it.action = plan.ActionCreate
		b.planCreate(it)
	case it.l.Kind == spec.KindVault && it.l.Attrs == nil && hasValue(it.d.Attrs):
		// The vault list carries no settings; the live reader must view every declared vault.
		b.diags.add(it.d, it.d.Key(), "the settings of the live vault (id %d) were not read (vault view), so they cannot be compared", it.l.ID)
	default:
		if len(it.l.Unknown) > 0 {
			b.notes = append(b.notes, unknownNotes(it, b.typeField(it.d.Kind))...)
		}
		// One comparison of the settings serves the replacement decision and the change shown.
		settings, unchanged := settingChanges(it)
		field, reason := replaceReason(it, settings)
		switch {
		case reason == "":
			b.planUpdate(it, settings, unchanged)
		case it.action == plan.ActionAdopt:
			// Adoption promises to keep the Qualys ID: it never replaces.
			b.diags.addAt(it.d, field, it.d.Key(), "%s; adopting keeps the Qualys ID (id %d), so it cannot replace the object: set %s to the live value to adopt it, or rename the declared object to create a new one",
				reason, it.l.ID, field)
		case it.d.Protect:
			b.refuse(it, reason+"; protect: true refuses the replacement")
		case !b.opts.AllowReplace && !it.d.AllowReplace:
			b.refuse(it, fmt.Sprintf("%s; replacing deletes the object (id %d) and creates a new one with a new ID: consent with allow_replace: true on the object or --allow-replace", reason, it.l.ID))
		default:
			b.planReplace(it, reason, settings, unchanged)
		}
	}
}

// refuse lists a replacement a guard refused; the item then changes nothing.
func (b *builder) refuse(it *item, reason string) {
	b.refused = append(b.refused, plan.Refusal{Key: it.d.Key(), ID: it.l.ID, Action: plan.ActionReplace, Reason: reason})
	it.action = ""
}

// planCreate plans a create: every set value is sent.
func (b *builder) planCreate(it *item) {
	vi, hasVault := b.sendCreate(it)
	it.change.Fields = createChanges(it, vi, hasVault)
	fields, _ := b.planItems(it, nil)
	it.change.Fields = append(it.change.Fields, fields...)
	sortFields(it.change.Fields)
}

// sendCreate fills what a create sends (also the create half of a replacement) and returns the
// vault its login resolves to.
func (b *builder) sendCreate(it *item) (vi vaultInfo, hasVault bool) {
	d := it.d
	if d.Kind.IsRecord() {
		vi, hasVault = b.desiredVault(d)
	}
	it.secrets = createSecrets(it)
	it.marker = b.newMarker(it, it.secrets, b.fingerprints(d, it.def))
	it.params = createParams(it, vi, hasVault)
	if hasVault {
		it.vaultRef = vi.ref
	}
	return vi, hasVault
}

// planReplace plans a replacement: the live object is deleted and the desired one created; the
// reviewer sees the differences to the live object (settings and unchanged: settingChanges).
func (b *builder) planReplace(it *item, reason string, settings []plan.FieldChange, unchanged int) {
	it.action = plan.ActionReplace
	it.change.Reason = reason
	b.sendCreate(it)
	d, l := it.d, it.l
	var ld *loginDelta
	if d.Kind.IsRecord() {
		if delta, ok := b.loginDelta(d, l); ok {
			ld = &delta
		}
	}
	added, removed := ipDelta(d.IPs, l.IPs)
	fields, unchanged := updateChanges(it, settings, unchanged, added, removed, ld)
	if d.Type != l.Type {
		fields = append(fields, plan.FieldChange{Name: typeField(d.Kind), Before: l.Type, After: d.Type})
	}
	fields = append(fields, createSecretChanges(it.secrets)...)
	itemFields, itemsUnchanged := b.planItems(it, nil)
	fields = append(fields, itemFields...)
	sortFields(fields)
	it.change.Fields, it.change.Unchanged = fields, unchanged+itemsUnchanged
}

// planUpdate plans an in-place update (update, adopt, rename): only what differs is sent.
// settings and unchanged are the comparison of the settings (settingChanges).
func (b *builder) planUpdate(it *item, settings []plan.FieldChange, unchanged int) {
	d, l := it.d, it.l
	var ld *loginDelta
	if d.Kind.IsRecord() {
		it.added, it.removed = ipDelta(d.IPs, l.IPs)
		if delta, ok := b.loginDelta(d, l); ok {
			ld = &delta
		}
	}
	fields, unchanged := updateChanges(it, settings, unchanged, it.added, it.removed, ld)

	fps := b.fingerprints(d, it.def)
	why := b.secretsToSend(it, fps)
	it.secrets = secretRefs(d, why)
	fields = append(fields, updateSecretChanges(why)...)
	if fps == nil && !b.opts.PushSecrets && len(d.Secrets) > 0 {
		b.noteSecretDrift()
	}
	itemFields, itemsUnchanged := b.planItems(it, fps) // the lists sent, into it.params and it.secrets
	unchanged += itemsUnchanged
	it.marker = b.newMarker(it, it.secrets, fps)
	listParams := it.params
	it.params, it.vaultRef = updateParams(it, fields, ld)
	if len(listParams) > 0 {
		if it.params == nil {
			it.params = map[string]string{}
		}
		maps.Copy(it.params, listParams)
	}
	fields = append(fields, itemFields...)
	if it.action == plan.ActionAdopt {
		fields = append(fields, plan.FieldChange{Name: "owner", After: b.owner})
	}
	sortFields(fields)
	it.change.Fields, it.change.Unchanged = fields, unchanged
	if d.Title != l.Title {
		it.change.PreviousTitle = l.Title
	}
	it.action = updateAction(it)
	if it.action == plan.ActionUpdate || it.action == plan.ActionRename {
		it.change.Drift = drifted(fields)
	}
	if it.action != "" {
		// The parameters and secrets stay nil while nothing is sent (most updates of a large
		// estate: 9 MB per build.Plan of 100k records); the steps get maps, as order tells an
		// empty map from nil when it batches.
		if it.params == nil {
			it.params = map[string]string{}
		}
		if it.secrets == nil {
			it.secrets = map[string]spec.SecretRef{}
		}
	}
}

// updateAction names an in-place update: adopt stays adopt; otherwise rename, update, or ""
// when nothing is sent.
func updateAction(it *item) plan.Action {
	switch {
	case it.action == plan.ActionAdopt:
		return plan.ActionAdopt
	case !it.sendsUpdate():
		return ""
	case it.d.Title != it.l.Title:
		return plan.ActionRename
	}
	return plan.ActionUpdate
}

// sendsUpdate reports whether an in-place update sends anything.
func (it *item) sendsUpdate() bool {
	return len(it.params) > 0 || len(it.secrets) > 0 || it.d.Title != it.l.Title || !it.added.IsZero() || !it.removed.IsZero()
}

// drifted reports whether an update changes a readable setting (not just the title or secrets).
func drifted(fields []plan.FieldChange) bool {
	return slices.ContainsFunc(fields, func(fc plan.FieldChange) bool { return fc.Name != "title" && !fc.Sensitive })
}
