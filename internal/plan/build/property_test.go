package build

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/render"
	"github.com/qsync/qsync/internal/spec"
)

var secretValues = map[string]string{"S1": "value-one", "S2": "value-two", "S3": "value-three"}

func valueOf(ref spec.SecretRef) string { return secretValues[ref.Env] }

type gen struct {
	r   *rand.Rand
	t   testing.TB
	key []byte // key used for the fingerprints in live markers
}

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }
func (g *gen) chance(p float64) bool    { return g.r.Float64() < p }

// blocks are the IP pieces random records are made of: /29s of 10.0.0.0/25.
func (g *gen) block(i int) string { return fmt.Sprintf("10.0.0.%d/29", i*8) }

// ipsFrom takes 1-3 random free blocks out of free (exclusive groups) or from all blocks.
func (g *gen) ipsFrom(free *[]int) spec.IPSet {
	n := 1 + g.r.IntN(3)
	var entries []string
	for range n {
		if free != nil {
			if len(*free) == 0 {
				break
			}
			i := g.r.IntN(len(*free))
			entries = append(entries, g.block((*free)[i]))
			*free = slices.Delete(*free, i, i+1)
		} else {
			entries = append(entries, g.block(g.r.IntN(16)))
		}
	}
	if len(entries) == 0 {
		return spec.IPSet{}
	}
	return ips(g.t, entries...)
}

func (g *gen) value(f *spec.FieldDef) string {
	switch f.Type {
	case spec.TypeBool:
		return g.pick("true", "false")
	case spec.TypeInt:
		return g.pick("22", "3306", "1858")
	case spec.TypeEnum:
		return f.Enum[g.r.IntN(len(f.Enum))]
	case spec.TypeList:
		return g.pick("a.example.com", "a.example.com,b.example.com")
	case spec.TypeText:
		return g.pick("-----BEGIN-----\nAAA\n-----END-----", "-----BEGIN-----\nBBB\n-----END-----")
	}
	return g.pick("alpha", "beta")
}

// object makes a random object of def. vaults are the vault objects a record may log in through.
func (g *gen) object(def *spec.KindDef, title string, ipset spec.IPSet, vaults []*spec.Object, live bool) *spec.Object {
	o := &spec.Object{Kind: def.Kind, Type: def.Type, Title: title, IPs: ipset, Attrs: map[string]string{}}
	if def.Kind.IsRecord() {
		var usable []*spec.Object
		for _, v := range vaults {
			if slices.Contains(def.LoginVaultTypes, v.Type) {
				usable = append(usable, v)
			}
		}
		if len(usable) > 0 && g.chance(0.4) {
			v := usable[g.r.IntN(len(usable))]
			o.Login = &spec.VaultLogin{Vault: v.Title, Params: map[string]string{}}
			vdef := v.Def()
			for _, lp := range vdef.LoginParams {
				if lp.Required || g.chance(0.5) {
					o.Login.Params[lp.Name] = g.pick("app1", "app2")
				}
			}
			for _, grp := range vdef.LoginOneOf {
				for _, n := range grp {
					delete(o.Login.Params, n)
				}
				o.Login.Params[grp[g.r.IntN(len(grp))]] = g.pick("${ip}", "host-a")
			}
			if len(o.Login.Params) == 0 {
				o.Login.Params = nil
			}
		}
	}
	excluded := map[string]bool{}
	for _, grp := range def.Exclusive {
		keep := grp[g.r.IntN(len(grp))]
		for _, n := range grp {
			excluded[n] = n != keep
		}
	}
	for i := range def.Fields {
		f := &def.Fields[i]
		if f.Type == spec.TypeSecret || excluded[f.Name] || (f.Basic && o.Login != nil) {
			continue
		}
		if f.Required || g.chance(0.4) {
			o.Attrs[f.Name] = g.value(f)
		}
	}
	o.Comments = g.pick("", "", "hello", "multi\nline comment")
	if !live {
		for i := range def.Fields {
			f := &def.Fields[i]
			if f.Type == spec.TypeSecret && (!f.Basic || o.Login == nil) && (f.Required || g.chance(0.5)) {
				if o.Secrets == nil {
					o.Secrets = map[string]spec.SecretRef{}
				}
				o.Secrets[f.Name] = spec.SecretRef{Env: g.pick("S1", "S2", "S3")}
			}
		}
	}
	return withDefaults(o)
}

// unreport makes some of live object o's settings unknown, as live.Read does when an element is
// missing from the answer (spec.Object.Unknown): their value leaves Attrs, whatever it was.
// Only settings Qualys lists as an element and compares for o's login can be unreported.
func (g *gen) unreport(o *spec.Object) {
	if !g.chance(0.3) {
		return
	}
	def := o.Def()
	for i := range def.Fields {
		f := &def.Fields[i]
		if f.Element == "" || f.Type == spec.TypeSecret || f.Type == spec.TypeItems || (f.Basic && o.Login != nil) || !g.chance(0.3) {
			continue
		}
		delete(o.Attrs, f.Name)
		o.Unknown = append(o.Unknown, f.Name)
	}
	slices.Sort(o.Unknown)
}

var vaultTypes = []string{"ca_pam", "thycotic", "cyberark_pim"}

type recordSlot struct {
	kind spec.Kind
	typ  []string
}

var recordSlots = []recordSlot{
	{spec.KindMySQL, []string{""}},
	{spec.KindUnix, []string{"", "", "cisco", "checkpoint_firewall"}},
	{spec.KindWindows, []string{""}},
}

// state makes a random desired and live pair, and the secrets the live objects hold.
func (g *gen) state() (desired, live *spec.Document, liveSecrets map[int64]map[string]string) {
	live = &spec.Document{Owner: owner, Complete: true}
	desired = &spec.Document{Owner: owner}
	id := int64(1)
	liveVaults, desiredVaults := g.vaults(&id)
	liveRecs, desiredRecs := g.records(&id, liveVaults, desiredVaults)
	g.renames(append(slices.Clone(desiredVaults), desiredRecs...), liveVaults, liveRecs, desiredVaults, desiredRecs)
	liveSecrets = g.liveSecrets(append(slices.Clone(liveVaults), liveRecs...))
	live.Objects = append(liveVaults, liveRecs...)
	desired.Objects = append(desiredVaults, desiredRecs...)
	live.Sort()
	desired.Sort()
	return desired, live, liveSecrets
}

// vaults makes the live and desired vaults V1 to V3, numbering the live ones from *id.
func (g *gen) vaults(id *int64) (liveVaults, desiredVaults []*spec.Object) {
	for i := 1; i <= 3; i++ {
		title := fmt.Sprintf("V%d", i)
		if g.chance(0.6) {
			def := spec.Lookup(spec.KindVault, g.pick(vaultTypes...))
			v := g.object(def, title, spec.IPSet{}, nil, true)
			v.ID, *id = *id, *id+1
			if g.chance(0.85) {
				v.Marker = marker()
			}
			g.unreport(v)
			liveVaults = append(liveVaults, v)
		}
		if g.chance(0.6) {
			typ := g.pick(vaultTypes...)
			if lv := findTitle(liveVaults, title); lv != nil && g.chance(0.8) {
				typ = lv.Type
				if lv.Marker == nil {
					continue // would need adopt; keep vault ownership simple
				}
			}
			desiredVaults = append(desiredVaults, g.object(spec.Lookup(spec.KindVault, typ), title, spec.IPSet{}, nil, false))
		}
	}
	return liveVaults, desiredVaults
}

// freeAddresses is, per exclusivity group, the 16 address blocks not yet given to a record.
func freeAddresses() map[string]*[]int {
	free := map[string]*[]int{}
	for _, grp := range []string{"unix", "windows"} {
		all := make([]int, 16)
		for i := range all {
			all[i] = i
		}
		free[grp] = &all
	}
	return free
}

// records makes the live and desired records of every recordSlots kind, numbering the live ones
// from *id; their logins name the vaults given.
func (g *gen) records(id *int64, liveVaults, desiredVaults []*spec.Object) (liveRecs, desiredRecs []*spec.Object) {
	free, dfree := freeAddresses(), freeAddresses()
	for _, slot := range recordSlots {
		for i := 1; i <= 4; i++ {
			title := fmt.Sprintf("%s-%d", slot.kind, i)
			lo := g.liveRecord(id, slot.kind, slot.typ, title, free, liveVaults)
			if lo != nil {
				liveRecs = append(liveRecs, lo)
			}
			if d := g.desiredRecord(slot.kind, slot.typ, title, lo, dfree, desiredVaults); d != nil {
				desiredRecs = append(desiredRecs, d)
			}
		}
	}
	return liveRecs, desiredRecs
}

// liveRecord makes, by chance, the live record title of kind k (nil when none).
func (g *gen) liveRecord(id *int64, k spec.Kind, types []string, title string, free map[string]*[]int, liveVaults []*spec.Object) *spec.Object {
	if !g.chance(0.6) {
		return nil
	}
	def := spec.Lookup(k, g.pick(types...))
	lo := g.object(def, title, g.ipsFrom(free[def.ExclusiveGroup]), liveVaults, true)
	if lo.IPs.IsZero() {
		return nil
	}
	lo.ID, *id = *id, *id+1
	if g.chance(0.85) {
		lo.Marker = marker()
	}
	g.unreport(lo)
	return lo
}

// desiredRecord makes, by chance, the desired record title of kind k (nil when none); lo is the
// live record of that title, if any.
func (g *gen) desiredRecord(k spec.Kind, types []string, title string, lo *spec.Object, dfree map[string]*[]int, desiredVaults []*spec.Object) *spec.Object {
	if !g.chance(0.6) {
		return nil
	}
	def := spec.Lookup(k, g.pick(types...))
	if lo != nil && g.chance(0.7) {
		def = lo.Def()
	}
	var ipset spec.IPSet
	if lo != nil && g.chance(0.5) && def.ExclusiveGroup == "" {
		ipset = lo.IPs
	} else {
		ipset = g.ipsFrom(dfree[def.ExclusiveGroup])
	}
	if ipset.IsZero() {
		return nil
	}
	d := g.object(def, title, ipset, desiredVaults, false)
	if lo != nil && lo.Marker == nil {
		d.Adopt = true
	}
	return d
}

// renames lets a desired object not live take over, through previous_titles, a managed live
// object of its kind that is not desired.
func (g *gen) renames(declared, liveVaults, liveRecs, desiredVaults, desiredRecs []*spec.Object) {
	claimed := map[*spec.Object]bool{}
	for _, d := range declared {
		if findKey(liveVaults, liveRecs, d.Key()) != nil || !g.chance(0.4) {
			continue
		}
		for _, lo := range append(slices.Clone(liveVaults), liveRecs...) {
			if lo.Kind == d.Kind && lo.Marker != nil && findKey(desiredVaults, desiredRecs, lo.Key()) == nil && lo.Type == d.Type && !claimed[lo] {
				d.PreviousTitles = []string{"gone", lo.Title}
				claimed[lo] = true
				break
			}
		}
	}
}

// liveSecrets picks the secrets last sent to the live objects, with their fingerprints in the
// markers.
func (g *gen) liveSecrets(liveObjs []*spec.Object) map[int64]map[string]string {
	liveSecrets := map[int64]map[string]string{}
	for _, lo := range liveObjs {
		for _, f := range lo.Def().Fields {
			if f.Type != spec.TypeSecret || (f.Basic && lo.Login != nil) || !g.chance(0.6) {
				continue
			}
			v := secretValues[g.pick("S1", "S2", "S3")]
			if liveSecrets[lo.ID] == nil {
				liveSecrets[lo.ID] = map[string]string{}
			}
			liveSecrets[lo.ID][f.Name] = v
			if lo.Marker != nil && g.chance(0.8) {
				if lo.Marker.Fingerprints == nil {
					lo.Marker.Fingerprints = map[string]string{}
				}
				lo.Marker.Fingerprints[f.Name] = spec.Fingerprint(g.key, f.Name, v)
			}
		}
	}
	return liveSecrets
}

func findTitle(os []*spec.Object, title string) *spec.Object {
	for _, o := range os {
		if o.Title == title {
			return o
		}
	}
	return nil
}

func findKey(a, b []*spec.Object, k spec.Key) *spec.Object {
	for _, o := range append(slices.Clone(a), b...) {
		if o.Key() == k {
			return o
		}
	}
	return nil
}

// managedOnly returns the live objects managed by owner, as a desired document.
func managedOnly(live *spec.Document) *spec.Document {
	d := &spec.Document{Owner: live.Owner}
	for _, o := range live.Objects {
		if o.Marker != nil && o.Marker.Owner == live.Owner {
			d.Objects = append(d.Objects, o)
		}
	}
	return d
}

// TestPropertyApplyConverges builds plans for random desired and live states, applies their steps
// to an in-memory Qualys and checks that the result plans empty, that secrets arrived, that
// unmanaged objects were not touched, and that Plan(x, x) is empty. Some live objects have
// settings Qualys did not report (spec.Object.Unknown); the model refuses any step that sends
// one of them where diff.go's sendsUnreported says it must not be sent.
func TestPropertyApplyConverges(t *testing.T) {
	runs := uint64(3000)
	if testing.Short() {
		runs = 300
	}
	applied, skipped := 0, map[string]int{}
	seen := map[string]int{} // actions and step kinds exercised
	for seed := uint64(1); seed <= runs; seed++ {
		g := &gen{r: rand.New(rand.NewPCG(seed, 42)), t: t, key: testKey}
		desired, live, liveSecrets := g.state()
		opts := plan.Options{Owner: owner, AllowDeletes: true, AllowReplace: true,
			Resolve: func(o *spec.Object, p string) (string, error) { return valueOf(o.Secrets[p]), nil }}
		if g.chance(0.6) {
			opts.SecretKey = testKey
		}
		opts.PushSecrets = g.chance(0.2)

		// Plan(x, x) is empty for the live state and for the desired state turned live.
		if p, err := Plan(managedOnly(live), live, opts); err != nil || !p.Empty() {
			t.Fatalf("seed %d: Plan(live, live) = %v, %v", seed, planText(p), err)
		}

		p, err := Plan(desired, live, opts)
		if err != nil {
			var de spec.Diagnostics
			if errors.As(err, &de) || strings.Contains(err.Error(), "cycle") {
				skipped[firstWords(err.Error())]++
				continue
			}
			t.Fatalf("seed %d: Build: %v", seed, err)
		}
		checkNoSecretValues(t, p, fmt.Sprintf("seed %d", seed))
		checkNoUnreportedReplace(t, seed, p, live, seen)
		countSteps(p, seen)
		m := newModel(live, valueOf)
		m.secrets = liveSecrets
		if err := m.apply(p); err != nil {
			t.Fatalf("seed %d: apply: %v\n%s", seed, err, planText(p))
		}
		seen["unreported sent"] += m.reported
		for _, o := range m.doc.Objects {
			if len(o.Unknown) > 0 {
				seen["unreported kept"]++
			}
		}
		after := m.live()
		opts2 := opts
		opts2.PushSecrets = false
		p2, err := Plan(desired, after, opts2)
		if err != nil {
			t.Fatalf("seed %d: re-plan: %v\nfirst plan:\n%s", seed, err, planText(p))
		}
		if !p2.Empty() {
			t.Fatalf("seed %d: not converged; second plan:\n%s\nfirst plan:\n%s", seed, planText(p2), planText(p))
		}
		if p3, err := Plan(managedOnly(after), after, opts2); err != nil || !p3.Empty() {
			t.Fatalf("seed %d: Plan(after, after) = %v, %v", seed, planText(p3), err)
		}
		checkUnreportedSent(t, seed, p, desired, after)
		checkUnmanagedUntouched(t, seed, desired, live, after)
		checkSecretsArrived(t, seed, p, opts, desired, live, after, m)
		applied++
	}
	reportExercised(t, runs, applied, seen, skipped)
}

// checkNoUnreportedReplace fails the test when a setting Qualys did not report is the reason of a
// replacement, and counts the plan's actions in seen.
func checkNoUnreportedReplace(t *testing.T, seed uint64, p *plan.Plan, live *spec.Document, seen map[string]int) {
	t.Helper()
	for _, c := range p.Changes {
		seen[string(c.Action)]++
		if c.Action != plan.ActionReplace {
			continue
		}
		// A setting Qualys did not report is never a reason to replace.
		for _, lo := range live.Objects {
			if lo.ID != c.ID || lo.Kind != c.Key.Kind {
				continue
			}
			for _, name := range lo.Unknown {
				if strings.HasPrefix(c.Reason, name+" ") {
					t.Fatalf("seed %d: %s replaced for %s, which Qualys did not report: %s", seed, c.Key, name, c.Reason)
				}
			}
		}
	}
}

// countSteps counts in seen the phases, dependencies, batches and vault references of p's steps.
func countSteps(p *plan.Plan, seen map[string]int) {
	for _, st := range p.Steps {
		seen[fmt.Sprintf("phase %d %s", st.Phase, st.Op)]++
		if len(st.DependsOn) > 0 {
			seen["depends_on"]++
		}
		if len(st.IDs) > 1 {
			seen["batched"]++
		}
		if st.VaultRef != "" {
			seen["vault_ref"]++
		}
	}
}

// checkUnreportedSent: a configured value of a setting Qualys did not report reached Qualys (so it
// is reported now), unless the setting is unchangeable or the value is the never-set one.
func checkUnreportedSent(t *testing.T, seed uint64, p *plan.Plan, desired, after *spec.Document) {
	t.Helper()
	for _, d := range desired.Objects {
		now := findKey(after.Objects, nil, d.Key())
		if now == nil {
			continue
		}
		for _, name := range now.Unknown {
			f := d.Def().Field(name)
			v, set := d.Attrs[name]
			if f == nil || !set || (f.Basic && d.Login != nil) {
				continue
			}
			if c, _ := spec.Canonical(f, v); !f.Immutable && c != "" && c != f.Default {
				t.Fatalf("seed %d: %s %s = %q is configured but was never sent\n%s", seed, d.Key(), name, c, planText(p))
			}
		}
	}
}

// checkUnmanagedUntouched: objects neither managed nor declared (nor renamed) are as they were.
func checkUnmanagedUntouched(t *testing.T, seed uint64, desired, live, after *spec.Document) {
	t.Helper()
	for _, lo := range live.Objects {
		if lo.Marker != nil || findKey(desired.Objects, nil, lo.Key()) != nil || adoptedByRename(desired, lo) {
			continue
		}
		var now *spec.Object
		for _, o := range after.Objects {
			if o.ID == lo.ID && o.Kind == lo.Kind {
				now = o
			}
		}
		if now == nil || plan.ObjectDigest(noVaultTitle(now)) != plan.ObjectDigest(noVaultTitle(lo)) {
			t.Fatalf("seed %d: unmanaged %s was touched", seed, lo.Key())
		}
	}
}

// checkSecretsArrived: secrets reached Qualys, every secret of a created object and, with a key or
// --push-secrets, every secret.
func checkSecretsArrived(t *testing.T, seed uint64, p *plan.Plan, opts plan.Options, desired, live, after *spec.Document, m *model) {
	t.Helper()
	for _, d := range desired.Objects {
		var now *spec.Object
		for _, o := range after.Objects {
			if o.Key() == d.Key() {
				now = o
			}
		}
		created := true
		for _, lo := range live.Objects {
			if lo.ID == now.ID && lo.Kind == now.Kind {
				created = false
			}
		}
		if !created && opts.SecretKey == nil && !opts.PushSecrets {
			continue
		}
		for param, ref := range d.Secrets {
			if !secretApplies(d.Def(), param, d.Login) {
				continue
			}
			if got := m.secrets[now.ID][param]; got != valueOf(ref) {
				t.Fatalf("seed %d: %s %s = %q in Qualys, want %q\n%s", seed, d.Key(), param, got, valueOf(ref), planText(p))
			}
		}
	}
}

// reportExercised logs what the random states exercised and fails when a full run missed an
// action or step shape, or too few states were plannable.
func reportExercised(t *testing.T, runs uint64, applied int, seen, skipped map[string]int) {
	t.Helper()
	t.Logf("%d random plans applied and converged; exercised: %v; skipped (invalid random configurations): %v", applied, seen, skipped)
	for _, want := range []string{"create", "update", "delete", "replace", "adopt", "rename", "phase 1 create", "phase 1 update",
		"phase 1 delete", "phase 2 update", "phase 2 delete", "phase 3 create", "phase 3 update", "phase 4 delete", "phase 5 delete",
		"depends_on", "batched", "vault_ref", "unreported sent", "unreported kept"} {
		if seen[want] == 0 && !testing.Short() {
			t.Errorf("random states never exercised %q", want)
		}
	}
	if applied < int(runs)/2 {
		t.Errorf("only %d of %d random states were plannable", applied, runs)
	}
}

func adoptedByRename(desired *spec.Document, lo *spec.Object) bool {
	for _, d := range desired.Objects {
		if d.Kind == lo.Kind && slices.Contains(d.PreviousTitles, lo.Title) {
			return true
		}
	}
	return false
}

var variable = regexp.MustCompile(`"[^"]*"|[0-9][0-9.,-]*`)

// firstWords classifies an error by its first line's wording, without titles and numbers.
func firstWords(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	s = variable.ReplaceAllString(s, "_")
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}

func planText(p *plan.Plan) string {
	if p == nil {
		return "<nil>"
	}
	var b strings.Builder
	_ = render.Plan(&b, p, "text", render.Options{})
	_ = render.Save(&b, p)
	return b.String()
}

func checkNoSecretValues(t testing.TB, p *plan.Plan, what string) {
	t.Helper()
	outs := []string{planText(p)}
	var b strings.Builder
	_ = render.Plan(&b, p, "markdown", render.Options{})
	outs = append(outs, b.String(), fmt.Sprintf("%#v", p))
	for _, o := range outs {
		for _, v := range secretValues {
			if strings.Contains(o, v) {
				t.Fatalf("%s: secret value %q appears in the plan output", what, v)
			}
		}
		if strings.Contains(o, canary) {
			t.Fatalf("%s: canary secret appears in the plan output", what)
		}
	}
}

// noVaultTitle drops the title of a record's vault, which changes when the vault is renamed
// without any call touching the record.
func noVaultTitle(o *spec.Object) *spec.Object {
	c := cloneObj(o)
	if c.Login != nil {
		c.Login.Vault = ""
	}
	return c
}
