package build

import (
	"fmt"
	"hash/maphash"
	"maps"
	"slices"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// Sensitive descriptions shown instead of secret values.
const (
	sensitive        = "(sensitive)"
	sensitiveChanged = "(sensitive, changed)"
	sensitivePushed  = "(sensitive, sent: --push-secrets)"
	sensitiveLogin   = "(sensitive, sent: login changes to basic)"
	// sensitiveSwitch: an exclusive-group switch (unix skip_password off, a password on).
	sensitiveSwitch = "(sensitive, sent: replaces an exclusive setting)"
)

// NoteSecretDrift is the plan note shown when secret drift cannot be checked.
const NoteSecretDrift = "secret drift is not checked (set QSYNC_SECRET_KEY or use --push-secrets)"

// noteSecretDrift adds NoteSecretDrift to the plan's notes, once.
func (b *builder) noteSecretDrift() {
	if !b.driftNoted {
		b.driftNoted = true
		b.notes = append(b.notes, NoteSecretDrift)
	}
}

// secretApplies reports whether secret param is sent for an object with the given login (basic
// secrets such as password do not apply to a vault login).
func secretApplies(def *spec.KindDef, param string, login *spec.VaultLogin) bool {
	f := def.Field(param)
	return f == nil || !f.Basic || login == nil
}

// createSecrets returns the secrets a create sends: every applicable one.
func createSecrets(it *item) map[string]spec.SecretRef {
	d := it.d
	secrets := map[string]spec.SecretRef{}
	for p, ref := range d.Secrets {
		if secretApplies(it.def, p, d.Login) {
			secrets[p] = ref
		}
	}
	return secrets
}

// secretsToSend decides which secrets an in-place update sends, each with the description of why:
// a login switching back to basic, --push-secrets, or a fingerprint (fps, nil without a key)
// that differs from the live marker's.
func (b *builder) secretsToSend(it *item, fps map[string]string) map[string]string {
	d, l := it.d, it.l
	toBasic := d.Login == nil && l.Login != nil
	var why map[string]string // nil when nothing is sent (the common case)
	switched := switchedSecrets(it)
	for p := range d.Secrets {
		if !secretApplies(it.def, p, d.Login) {
			continue
		}
		desc := ""
		switch f := it.def.Field(p); {
		case toBasic && f != nil && f.Basic:
			desc = sensitiveLogin
		case slices.Contains(switched, p):
			desc = sensitiveSwitch
		case b.opts.PushSecrets:
			desc = sensitivePushed
		case fps != nil && b.liveFingerprint(it, p) != fps[p]:
			desc = sensitiveChanged
		}
		if desc != "" {
			if why == nil {
				why = map[string]string{}
			}
			why[p] = desc
		}
	}
	return why
}

// liveFingerprint returns the fingerprint of secret p in the live marker of a managed object.
func (b *builder) liveFingerprint(it *item, p string) string {
	if it.l.Marker == nil || !it.managed {
		return ""
	}
	return it.l.Marker.Fingerprints[p]
}

// secretRefs returns the references of the secrets of d named in why (nil for none).
func secretRefs(d *spec.Object, why map[string]string) map[string]spec.SecretRef {
	if len(why) == 0 {
		return nil
	}
	refs := make(map[string]spec.SecretRef, len(why))
	for p := range why {
		refs[p] = d.Secrets[p]
	}
	return refs
}

// newMarker computes the marker to write: this owner, and with a secret key the fingerprints of
// every desired secret. Without a key the live fingerprints of secrets not sent now are kept (they
// still describe the value last sent). Fingerprints of secrets the configuration no longer names
// are kept too: qsync cannot clear a write-only value.
//
// When that marker equals the live one, the live marker itself is returned (markers are never
// modified once made): most updates keep theirs, and building a copy to compare cost 13 MB per
// build.Plan of 100k unchanged records.
func (b *builder) newMarker(it *item, sent map[string]spec.SecretRef, fps map[string]string) *spec.Marker {
	keepLive := it.l != nil && it.l.Marker != nil && it.l.Marker.Owner == b.owner && it.action != plan.ActionReplace
	if keepLive && liveMarkerKept(it.l.Marker, sent, fps) {
		return it.l.Marker
	}
	m := &spec.Marker{Owner: b.owner}
	add := func(k, v string) {
		if m.Fingerprints == nil {
			m.Fingerprints = map[string]string{}
		}
		m.Fingerprints[k] = v
	}
	if keepLive {
		for k, v := range it.l.Marker.Fingerprints {
			if _, isSent := sent[k]; (isSent || listSent(sent, k)) && fps == nil {
				continue
			}
			add(k, v)
		}
	}
	for k, v := range fps {
		add(k, v)
	}
	return m
}

// liveMarkerKept reports whether the marker newMarker builds from live marker lm (of this owner),
// the secrets sent and the desired fingerprints fps equals lm: without a key, when no secret with
// a live fingerprint is sent; with one, when every desired fingerprint is already live.
func liveMarkerKept(lm *spec.Marker, sent map[string]spec.SecretRef, fps map[string]string) bool {
	if fps == nil {
		for k := range lm.Fingerprints {
			if _, isSent := sent[k]; isSent || listSent(sent, k) {
				return false
			}
		}
		return true
	}
	for k, v := range fps {
		if lv, ok := lm.Fingerprints[k]; !ok || lv != v {
			return false
		}
	}
	return true
}

// markerEqual reports whether two markers name the same owner and fingerprints.
func markerEqual(a, b *spec.Marker) bool {
	if a == nil || b == nil || a == b {
		return a == b
	}
	return a.Owner == b.Owner && maps.Equal(a.Fingerprints, b.Fingerprints)
}

// fingerprints returns keyed fingerprints of the applicable secrets of d (of kind table def), or
// nil without a key. The map returned may be shared with other objects (see secretSets): it must
// not be modified.
func (b *builder) fingerprints(d *spec.Object, def *spec.KindDef) map[string]string {
	if b.opts.SecretKey == nil || (len(d.Secrets) == 0 && !anyItemsHaveSecrets(d.Items)) {
		return nil
	}
	if anyItemsHaveSecrets(d.Items) {
		return b.computeFingerprints(d, def)
	}
	k := b.secretSetKeyOf(d, def)
	for _, set := range b.secretSets[k] {
		if maps.Equal(set.secrets, d.Secrets) {
			return set.fps
		}
	}
	before := len(b.diags)
	fps := b.computeFingerprints(d, def)
	if len(b.diags) == before { // a failure is reported for each object it concerns
		if b.secretSets == nil {
			b.secretSets = map[secretSetKey][]secretSet{}
		}
		b.secretSets[k] = append(b.secretSets[k], secretSet{secrets: d.Secrets, fps: fps})
	}
	return fps
}

// secretSetKey identifies what the fingerprints of an object without secret lists depend on:
// its kind table and whether it logs in through a vault (secretApplies), and its secret
// references, as a sum of the hashes of its (parameter, reference) pairs (a sum, since map order
// varies). Objects of one key share one map of fingerprints (secretSet) once their references
// are found equal: a map per object cost 13 MB per build.Plan of 100k records.
type secretSetKey struct {
	def   *spec.KindDef
	basic bool
	n     int
	sum   uint64
}

// secretSet is the fingerprints computed for one set of secret references.
type secretSet struct {
	secrets map[string]spec.SecretRef // the references (of the first object that had them)
	fps     map[string]string
}

// secretSetKeyOf returns the secretSetKey of d, of kind table def.
func (b *builder) secretSetKeyOf(d *spec.Object, def *spec.KindDef) secretSetKey {
	if b.seed == (maphash.Seed{}) {
		b.seed = maphash.MakeSeed()
	}
	k := secretSetKey{def: def, basic: d.Login == nil, n: len(d.Secrets)}
	var h maphash.Hash
	h.SetSeed(b.seed)
	for p, ref := range d.Secrets {
		h.Reset()
		for _, s := range [...]string{p, ref.Env, ref.File, ref.Root} {
			h.WriteString(s)
			h.WriteByte(0)
		}
		k.sum += h.Sum64()
	}
	return k
}

// computeFingerprints computes the fingerprints of d, of kind table def (see fingerprints).
func (b *builder) computeFingerprints(d *spec.Object, def *spec.KindDef) map[string]string {
	out := map[string]string{}
	b.itemFingerprints(d, out) // one per list of unix keys or root tools (items.go)
	for p := range d.Secrets { // in map order: diagnostics are sorted, and out is a map
		if !secretApplies(def, p, d.Login) {
			continue
		}
		if b.opts.Resolve == nil {
			b.diags.add(d, d.Key(), "%s: no secret resolver to fingerprint %s", p, d.Secrets[p])
			continue
		}
		ck := fingerprintKey{param: p, ref: d.Secrets[p]}
		if fp, ok := b.fpCache[ck]; ok { // records sharing a secret resolve and hash it once
			out[p] = fp
			continue
		}
		v, err := b.opts.Resolve(d, p)
		if err != nil {
			b.diags.add(d, d.Key(), "%s: %v", p, err)
			continue
		}
		out[p] = spec.Fingerprint(b.opts.SecretKey, p, v)
		if b.fpCache == nil {
			b.fpCache = map[fingerprintKey]string{}
		}
		b.fpCache[ck] = out[p]
	}
	return out
}

// anyItemsHaveSecrets reports whether any list of items has an entry with a secret given directly.
func anyItemsHaveSecrets(lists map[string][]spec.Item) bool {
	for _, items := range lists {
		if itemsHaveSecrets(items) {
			return true
		}
	}
	return false
}

// fingerprintKey identifies a fingerprint within one build.Plan call: a secret reference names one value.
type fingerprintKey struct {
	param string
	ref   spec.SecretRef
}

// checkSentSecrets reports, at its position, each secret a step would send whose value apply could
// not read (Options.CheckSecret). With a SecretKey every secret was resolved to fingerprint it
// already, and a failure reported.
func (b *builder) checkSentSecrets() {
	if b.opts.CheckSecret == nil || b.opts.SecretKey != nil {
		return
	}
	for _, it := range b.items {
		if it.action == "" || it.action == plan.ActionDelete || it.d == nil {
			continue
		}
		for _, p := range slices.Sorted(maps.Keys(it.secrets)) {
			if err := b.opts.CheckSecret(it.d, p); err != nil {
				b.diags = append(b.diags, secretDiagnostic(it.d, p, err))
			}
		}
	}
}

// secretDiagnostic places a problem with secret parameter p of o (a field, or a unix key's or root
// tool's secret such as private_keys.0.key) at the position it was written.
func secretDiagnostic(o *spec.Object, p string, err error) spec.Diagnostic {
	dg := spec.Diagnostic{Pos: o.Pos, Path: spec.ObjectPath(o), Message: o.Key().String() + ": " + p + ": " + err.Error()}
	if pos, ok := o.FieldPos.Get(p); ok && pos.File != "" {
		dg.Pos, dg.Path, dg.Message = pos, dg.Path+"/"+p, err.Error()
	} else if field, i, sub, ok := spec.ParseItemSecretName(p); ok && i < len(o.Items[field]) && o.Items[field][i].Pos.File != "" {
		dg.Pos, dg.Path = o.Items[field][i].Pos, fmt.Sprintf("%s/%s/%d/%s", dg.Path, field, i, sub)
		dg.Message = err.Error()
	}
	if o.Pos.File == "" {
		dg.Path = ""
	}
	return dg
}
