package build

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// This file plans the structured list fields (spec.TypeItems: a unix record's private keys and
// root tools).
//
// What differs: the lists are compared by what Qualys lists (spec.ItemText: types, sources,
// vault references; never a secret), as multisets, except an Ordered list (root tools, which
// Qualys tries in turn), compared as a sequence: the same entries in another order are a change
// showing the order before and after (one entry a line, with a line diff). An omitted list is not managed: never compared or
// sent. A list the live record does not show is unknown: not compared, but a non-empty declared
// list is sent as configured (every apply, until Qualys lists it), never claimed converged.
//
// What is sent: Qualys takes the entries in an XML body whose section replaces every live entry
// of that list (the client builds it from flattened parameters, see qualysclient/unixbody:
// "private_keys=2", "private_keys.0.key" as a secret reference, "private_keys.1.key.vault_id",
// ...). So a list is sent whole, or not at all: on create; when its entries differ; or when its
// secrets changed (one keyed fingerprint per list, named after it, so rotating a key is one
// update) or --push-secrets. Sending drops the live entries the configuration does not mention,
// which is what a managed record declaring the list asks for; on a record being adopted it would
// drop entries qsync has no secret to send again, so that is refused.

// listSend is how one declared list changes: the change to show (nil: none) and whether the
// whole list is sent.
type listSend struct {
	change *plan.FieldChange
	send   bool
}

// planItems decides every declared TypeItems field of it: what differs, and, for the lists
// sent, their parameters, secrets and vault references (added to it.params, it.secrets and
// it.vaultRefs, which must be decided). fps are the desired fingerprints (nil without a key).
// It returns the changes and how many declared non-empty lists are unchanged.
func (b *builder) planItems(it *item, fps map[string]string) ([]plan.FieldChange, int) {
	var fields []plan.FieldChange
	unchanged := 0
	for i := range it.def.Fields {
		f := &it.def.Fields[i]
		want, declared := it.d.Items[f.Name]
		if f.Type != spec.TypeItems || !declared {
			continue
		}
		ls := b.decideList(it, f, want, fps)
		if ls.change != nil {
			fields = append(fields, *ls.change)
		} else if len(want) > 0 {
			unchanged++
		}
		if ls.send {
			b.listParams(it, f, want)
		}
	}
	return fields, unchanged
}

// decideList compares one declared list with the live one and decides whether it is sent.
func (b *builder) decideList(it *item, f *spec.FieldDef, want []spec.Item, fps map[string]string) listSend {
	creating := it.l == nil || it.action == plan.ActionReplace
	var have []spec.Item
	known := it.l == nil
	if it.l != nil {
		have, known = it.l.Items[f.Name]
	}
	var before, after, added, removed []string
	if known {
		before, after = spec.ItemTexts(f, have), spec.ItemTexts(f, want)
		added, removed = multisetDelta(before, after)
	}
	// Only an Ordered list's texts keep their order: the same entries in another order.
	reordered := len(added) == 0 && len(removed) == 0 && !slices.Equal(before, after)
	differs := len(added) > 0 || len(removed) > 0 || reordered
	ls := listSend{}
	switch {
	case reordered:
		b, a := strings.Join(before, "\n"), strings.Join(after, "\n")
		ls.change = &plan.FieldChange{Name: f.Name, Before: b, After: a, Diff: lineDiff(b, a)}
	case differs:
		ls.change = &plan.FieldChange{Name: f.Name, Added: added, Removed: removed}
	}
	why := ""
	switch {
	case creating:
		ls.send = len(want) > 0
	case differs:
		ls.send = true
	case !known && len(want) > 0:
		// Not listed by Qualys: unknown, so not compared, but the entries the configuration
		// declares are sent as configured (as an unreported scalar setting is, sendsUnreported):
		// Qualys lists a list only once it holds entries, so without this a list added to the
		// configuration later would never reach Qualys, and the run would claim convergence.
		ls.send = true
		ls.change = &plan.FieldChange{Name: f.Name, Added: spec.ItemTexts(f, want)}
	case !itemsHaveSecrets(want):
	case b.opts.PushSecrets:
		why = sensitivePushed
	case fps != nil && b.liveFingerprint(it, f.Name) != fps[f.Name]:
		why = sensitiveChanged
	case fps == nil && !b.driftNoted:
		b.noteSecretDrift()
	}
	if why != "" {
		ls.send = true
		ls.change = &plan.FieldChange{Name: f.Name, Before: sensitive, After: why, Sensitive: true}
	}
	if ls.send && f.WholeSection {
		b.checkSectionParts(it, f, want, have, known)
	}
	if !ls.send || creating || it.managed {
		return ls
	}
	// Adopting: sending replaces every live entry, and the live ones cannot be sent again.
	switch {
	case !known:
		b.diags.add(it.d, it.d.Key(), "%s: the live record does not list its %s, and sending them replaces every live entry: "+
			"adopt the record with %s left out first", f.Name, f.Name, f.Name)
	case len(removed) > 0:
		b.diags.add(it.d, it.d.Key(), "%s: sending them replaces every live entry, which would drop %d live entries the "+
			"configuration does not mention (%s) and whose secrets qsync cannot send again: declare them, or adopt the "+
			"record with %s left out first", f.Name, len(removed), strings.Join(removed, "; "), f.Name)
	}
	return ls
}

// checkSectionParts stops a list Qualys replaces whole (spec.FieldDef.WholeSection) from being
// sent without a part that must survive, with an error positioned at the entry that lacks it:
//
//   - an entry whose listed value shows a write-only secret (spec.FieldDef.ShownBy: a key's
//     certificate_type) without that secret: Qualys lists only the type, so the section sent
//     would hold a certificate type without a certificate;
//   - an entry equal to a live one (by what Qualys lists) that holds a secret part the entry
//     does not give (a passphrase or a tool's password listed as basic): sending the section
//     would drop it, and qsync cannot send it again.
//
// withLive says have is the live list the section replaces (an update, or the record a
// replacement deletes).
func (b *builder) checkSectionParts(it *item, f *spec.FieldDef, want, have []spec.Item, withLive bool) {
	var pool []spec.Item // live entries not yet matched to a desired one
	if withLive {
		pool = append(pool, have...)
	}
	for _, e := range want {
		var live *spec.Item
		text := spec.ItemText(f, e)
		for i := range pool {
			if spec.ItemText(f, pool[i]) == text {
				m := pool[i]
				live, pool = &m, slices.Delete(pool, i, i+1)
				break
			}
		}
		for j := range f.SubFields {
			sf := &f.SubFields[j]
			if sf.Type != spec.TypeSecret || givenPart(e, sf.Name) {
				continue
			}
			switch {
			case sf.ShownBy != "" && e.Attrs[sf.ShownBy] != "":
				b.sectionError(it, f, e, "this entry has %s %s but no %s; sending %s replaces every entry, and Qualys lists "+
					"only the %s, so qsync cannot send it back: add %s: {env: NAME} (qsync export writes one) with its value",
					sf.ShownBy, e.Attrs[sf.ShownBy], sf.Name, f.Name, sf.ShownBy, sf.Name)
			case live != nil && (live.Attrs[sf.Name] == spec.SourceBasic || live.Vaults[sf.Name] != nil):
				b.sectionError(it, f, e, "the live entry (id %d) holds a %s this entry does not give; sending %s replaces every "+
					"entry and would drop it, and qsync cannot send it back: add %s: {env: NAME} with its value",
					live.ID, sf.Name, f.Name, sf.Name)
			}
		}
	}
}

// givenPart reports whether entry e gives secret sub-field name, as a reference or a vault login.
func givenPart(e spec.Item, name string) bool {
	_, ref := e.Secrets[name]
	return ref || e.Vaults[name] != nil
}

// sectionError reports a part a whole-section write would drop, at the entry's position.
func (b *builder) sectionError(it *item, f *spec.FieldDef, e spec.Item, format string, args ...any) {
	dg := spec.Diagnostic{Message: it.d.Key().String() + ": " + f.Name + ": " + fmt.Sprintf(format, args...)}
	switch {
	case e.Pos.File != "":
		dg.Pos, dg.Path = e.Pos, spec.ObjectPath(it.d)+"/"+f.Name
	case it.d.Pos.File != "":
		dg.Pos, dg.Path = it.d.Pos, spec.ObjectPath(it.d)
	}
	b.diags = append(b.diags, dg)
}

// itemsHaveSecrets reports whether any entry has a secret given directly (not through a vault).
func itemsHaveSecrets(items []spec.Item) bool {
	return slices.ContainsFunc(items, func(e spec.Item) bool { return len(e.Secrets) > 0 })
}

// listParams adds the flattened parameters of a list sent whole: its size, each entry's
// attributes, its secrets as references and its vault logins (vault_type, and vault_id, or a
// reference to the vault created by this plan, plus the login parameters).
func (b *builder) listParams(it *item, f *spec.FieldDef, want []spec.Item) {
	if it.params == nil {
		it.params = map[string]string{}
	}
	if it.secrets == nil {
		it.secrets = map[string]spec.SecretRef{}
	}
	it.params[f.Name] = strconv.Itoa(len(want))
	for i, e := range want {
		vault := viaVault(f, e)
		for j := range f.SubFields {
			sf := &f.SubFields[j]
			name := spec.ItemSecretName(f.Name, sf.Name, i)
			if sf.Type != spec.TypeSecret {
				if v := e.Attrs[sf.Name]; v != "" && !(sf.Basic && vault) {
					it.params[name] = v
				}
				continue
			}
			if ref, ok := e.Secrets[sf.Name]; ok {
				it.secrets[name] = ref
				continue
			}
			vl := e.Vaults[sf.Name]
			if vl == nil {
				continue
			}
			vi, ok := b.resolveVault(vl.Vault)
			if !ok {
				b.diags.add(it.d, it.d.Key(), "%s: names vault %q, which is neither declared nor in Qualys", name, vl.Vault)
				continue
			}
			if vi.def != nil {
				it.params[name+".vault_type"] = vi.def.QualysType
			}
			if vi.ref != "" {
				if it.vaultRefs == nil {
					it.vaultRefs = map[string]string{}
				}
				it.vaultRefs[name+".vault_id"] = vi.ref
			} else {
				it.params[name+".vault_id"] = strconv.FormatInt(vi.id, 10)
			}
			for k, v := range vl.Params {
				it.params[name+"."+k] = v
			}
		}
	}
}

// viaVault reports whether an entry's main secret (its required one: the key) comes through a
// vault; Basic sub-fields (the key type) apply only when it does not.
func viaVault(f *spec.FieldDef, e spec.Item) bool {
	for _, sf := range f.SubFields {
		if sf.Type == spec.TypeSecret && sf.Required {
			return e.Vaults[sf.Name] != nil
		}
	}
	return false
}

// itemFingerprints adds to out one keyed fingerprint per declared list with secrets, named after
// the list: over every entry's secret values (entries as a multiset, or in order for an Ordered
// list), so that changing any key, passphrase, certificate or password of the list, or which
// entry of an ordered list holds it, changes it.
func (b *builder) itemFingerprints(d *spec.Object, out map[string]string) {
	for _, name := range slices.Sorted(maps.Keys(d.Items)) {
		items := d.Items[name]
		if !itemsHaveSecrets(items) {
			continue
		}
		if b.opts.Resolve == nil {
			b.diags.add(d, d.Key(), "%s: no secret resolver to fingerprint its secrets", name)
			continue
		}
		entries := make([]string, 0, len(items))
		failed := false
		for i, e := range items {
			var parts []string
			for _, sub := range slices.Sorted(maps.Keys(e.Secrets)) {
				v, err := b.opts.Resolve(d, spec.ItemSecretName(name, sub, i))
				if err != nil {
					b.diags.add(d, d.Key(), "%s: %v", spec.ItemSecretName(name, sub, i), err)
					failed = true
					continue
				}
				parts = append(parts, fmt.Sprintf("%s=%d:%s", sub, len(v), v))
			}
			entries = append(entries, strings.Join(parts, "\x00"))
		}
		if failed {
			continue
		}
		if def := d.Def(); def == nil || def.Field(name) == nil || !def.Field(name).Ordered {
			slices.Sort(entries)
		}
		out[name] = spec.Fingerprint(b.opts.SecretKey, name, strings.Join(entries, "\x01"))
	}
}

// listSent reports whether sent holds a secret of list name ("private_keys.0.key"): the list is
// sent, so a fingerprint of it from the live marker no longer describes what Qualys holds.
func listSent(sent map[string]spec.SecretRef, name string) bool {
	for k := range sent {
		if strings.HasPrefix(k, name+".") {
			return true
		}
	}
	return false
}

// multisetDelta returns the texts after has more of than before (added) and fewer (removed).
func multisetDelta(before, after []string) (added, removed []string) {
	count := map[string]int{}
	for _, s := range before {
		count[s]--
	}
	for _, s := range after {
		count[s]++
	}
	for _, s := range slices.Sorted(maps.Keys(count)) {
		for n := count[s]; n > 0; n-- {
			added = append(added, s)
		}
		for n := count[s]; n < 0; n++ {
			removed = append(removed, s)
		}
	}
	return added, removed
}
