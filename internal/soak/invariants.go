package soak

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/apply"
	"github.com/qsync/qsync/internal/bench"
	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/spec"
)

// The invariants, numbered as in the package comment and DESIGN.md.
const (
	InvHandsOff    = 1 // nothing unmanaged or of another owner changed
	InvCredentials = 2 // no host lost a credential it keeps in the desired state
	InvSecrets     = 3 // no secret Qualys held is gone unless the configuration removed it
	InvConverged   = 4 // a second apply converges, and the claims are true
	InvCanary      = 5 // no secret value in any output
)

// InvariantNames name the invariants in reports.
var InvariantNames = map[int]string{
	InvHandsOff:    "hands-off",
	InvCredentials: "credentials",
	InvSecrets:     "secrets",
	InvConverged:   "converged",
	InvCanary:      "canary",
}

// owned reports whether comments carry this configuration's ownership marker.
func owned(comments string) bool {
	_, m := spec.SplitComments(comments)
	return m != nil && m.Owner == Owner
}

// handsOff (invariant 1) lists the objects that were not Owner's in before and differ in after:
// changed, gone, or now marked as Owner's. A new object without Owner's marker is listed too.
func handsOff(before, after qualysemu.State) []string {
	var out []string
	afterRecs := map[int64]qualysemu.Record{}
	for _, r := range after.Records {
		afterRecs[r.ID] = r
	}
	beforeRecs := map[int64]bool{}
	for _, r := range before.Records {
		beforeRecs[r.ID] = true
		if owned(r.Params["comments"]) {
			continue
		}
		a, ok := afterRecs[r.ID]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s record %q (id %d), not ours, was deleted", r.Type, r.Title(), r.ID))
		case a.Type != r.Type || !reflect.DeepEqual(a.Params, r.Params) || !reflect.DeepEqual(a.Entries, r.Entries):
			out = append(out, fmt.Sprintf("%s record %q (id %d), not ours, was changed: %s", r.Type, r.Title(), r.ID, paramDiff(r.Params, a.Params)))
		}
	}
	for _, r := range after.Records {
		if !beforeRecs[r.ID] && !owned(r.Params["comments"]) {
			out = append(out, fmt.Sprintf("%s record %q (id %d) was created without our ownership marker", r.Type, r.Title(), r.ID))
		}
	}
	afterVaults := map[int64]qualysemu.Vault{}
	for _, v := range after.Vaults {
		afterVaults[v.ID] = v
	}
	for _, v := range before.Vaults {
		if owned(v.Params["comments"]) {
			continue
		}
		a, ok := afterVaults[v.ID]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("vault %q (id %d), not ours, was deleted", v.Title(), v.ID))
		case a.Type != v.Type || !reflect.DeepEqual(a.Params, v.Params):
			out = append(out, fmt.Sprintf("vault %q (id %d), not ours, was changed: %s", v.Title(), v.ID, paramDiff(v.Params, a.Params)))
		}
	}
	return out
}

// paramDiff names the parameters that differ (never their values: some are secrets).
func paramDiff(a, b map[string]string) string {
	var names []string
	for k, v := range a {
		if b[k] != v {
			names = append(names, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// ipsOf parses a record's stored IPs ("" is none).
func ipsOf(s string) spec.IPSet {
	if s == "" {
		return spec.IPSet{}
	}
	set, err := spec.ParseIPSet(strings.Split(s, ",")...)
	if err != nil {
		return spec.IPSet{}
	}
	return set
}

// lostCredentials (invariant 2) lists, per record kind, the addresses that held a credential of
// the kind before and should hold one in m, but hold none after. The one exception is the
// hand-over in flight when a fault hit: addresses that the desired IPs of one step the result
// reports as not applied (failed, unknown or pending) would have taken.
func lostCredentials(before, after qualysemu.State, m *model, res *apply.Result) []string {
	union := func(recs []qualysemu.Record, keep func(qualysemu.Record) bool) map[string]spec.IPSet {
		out := map[string]spec.IPSet{}
		for _, r := range recs {
			if keep(r) {
				out[r.Type] = out[r.Type].Union(ipsOf(r.Params["ips"]))
			}
		}
		return out
	}
	had := union(before.Records, func(qualysemu.Record) bool { return true })
	has := union(after.Records, func(qualysemu.Record) bool { return true })
	want := union(before.Records, func(r qualysemu.Record) bool { return !owned(r.Params["comments"]) })
	desiredIPs := map[spec.Key]spec.IPSet{}
	for _, rec := range m.e.Records {
		ips := ipsOf(rec.IPs)
		want[string(rec.Kind)] = want[string(rec.Kind)].Union(ips)
		desiredIPs[spec.Key{Kind: rec.Kind, Title: rec.Title}] = ips
	}
	var out []string
	for _, typ := range sortedKeys(had) {
		lost := had[typ].Intersect(want[typ]).Minus(has[typ])
		if lost.IsZero() {
			continue
		}
		if inFlight(lost, typ, res, desiredIPs) {
			continue
		}
		out = append(out, fmt.Sprintf("%s: %s held a %s credential before and in the configuration, and hold none now%s", typ, lost, typ, notApplied(res)))
	}
	return out
}

// inFlight reports whether one step of kind typ that res reports as not applied would have given
// every address of lost a credential: the one hand-over in flight.
func inFlight(lost spec.IPSet, typ string, res *apply.Result, desiredIPs map[spec.Key]spec.IPSet) bool {
	if res == nil {
		return false
	}
	for _, s := range res.Steps {
		if s.Status == apply.Applied || string(s.Kind) != typ {
			continue
		}
		var takes spec.IPSet
		for _, k := range s.Keys {
			takes = takes.Union(desiredIPs[k])
		}
		if lost.Minus(takes).IsZero() {
			return true
		}
	}
	return false
}

// notApplied describes the steps a result reports as not applied, for a violation's detail.
func notApplied(res *apply.Result) string {
	if res == nil {
		return ""
	}
	var parts []string
	for _, s := range res.Steps {
		if s.Status != apply.Applied {
			var keys []string
			for _, k := range s.Keys {
				keys = append(keys, k.String())
			}
			parts = append(parts, fmt.Sprintf("step %d %s %s: %s", s.Step, s.Op, strings.Join(keys, " "), s.Status))
		}
	}
	if len(parts) == 0 {
		return " (every step was applied)"
	}
	return " (not applied: " + strings.Join(parts, "; ") + ")"
}

// secretsGone (invariant 3) lists the secrets of our objects that Qualys held before and does not
// hold after, though the configuration still sets them. An object is followed by its ID, or by
// its title when the configuration renamed or replaced it.
func secretsGone(before, after qualysemu.State, m *model) []string {
	afterByID := map[int64]qualysemu.Record{}
	afterByTitle := map[string]qualysemu.Record{}
	for _, r := range after.Records {
		afterByID[r.ID] = r
		afterByTitle[r.Type+"\x00"+r.Title()] = r
	}
	byTitle := map[string]*bench.Record{}
	for _, rec := range m.e.Records {
		byTitle[string(rec.Kind)+"\x00"+rec.Title] = rec
		for _, p := range m.prev[rec.Title] {
			byTitle[string(rec.Kind)+"\x00"+p] = rec
		}
	}
	var out []string
	for _, b := range before.Records {
		if !owned(b.Params["comments"]) {
			continue
		}
		rec := byTitle[b.Type+"\x00"+b.Title()]
		if rec == nil {
			continue // removed from the configuration
		}
		a, ok := afterByID[b.ID]
		if !ok {
			if a, ok = afterByTitle[b.Type+"\x00"+rec.Title]; !ok {
				continue // not there at all: invariant 2 and 4 tell
			}
		}
		for _, p := range sortedKeys(rec.Secrets) {
			if b.Params[p] != "" && a.Params[p] == "" {
				out = append(out, fmt.Sprintf("%s %q (id %d): %s was set and is gone", b.Type, rec.Title, a.ID, p))
			}
		}
		out = append(out, entrySecretsGone(b, a, m, rec.Title)...)
	}
	return out
}

// entrySecretsGone lists the secret parts of a unix record's private keys and root tools that
// Qualys held in b and not in a, though the configuration still gives them (by value), or still
// names a certificate by its type alone (its value unknown to qsync, so it must survive).
func entrySecretsGone(b, a qualysemu.Record, m *model, title string) []string {
	configured := map[string]bool{}
	keepCert := map[string]bool{} // key values whose entry keeps a certificate qsync cannot resend
	for _, k := range m.keys[title] {
		configured[m.env[k.Key]], configured[m.env[k.Pass]], configured[m.env[k.Cert]] = true, true, true
		if k.CertType != "" && k.Cert == "" {
			keepCert[m.env[k.Key]] = true
		}
	}
	for _, t := range m.tools[title] {
		configured[m.env[t.Password]] = true
	}
	delete(configured, "")
	held := map[string]bool{}
	for _, entries := range a.Entries {
		for _, e := range entries {
			for _, p := range e.Parts {
				held[p.Secret] = true
			}
		}
	}
	var out []string
	for _, el := range sortedKeys(b.Entries) {
		for i, e := range b.Entries[el] {
			for _, part := range sortedKeys(e.Parts) {
				s := e.Parts[part].Secret
				keep := configured[s] || part == "CERTIFICATE" && keepCert[e.Parts["PRIVATE_KEY_INFO"].Secret]
				if s != "" && keep && !held[s] {
					out = append(out, fmt.Sprintf("%s %q (id %d): %s entry %d: its %s was held and is gone, though the configuration keeps it", b.Type, title, a.ID, el, i, part))
				}
			}
		}
	}
	return out
}

// qualysVaultType is the Qualys type string of the vault types bench generates.
var qualysVaultType = map[string]string{"ca_pam": "CA PAM", "thycotic": "Thycotic Secret Server"}

// mismatches (invariant 4) compares the emulator's state with what the model means, directly:
// every configured object exists once, carries our marker and the configured comments, IPs,
// settings, secret values and vault login; ms_sql's auto-discovery and its explicit value are
// never both set; an oracle record without a port holds none (All Ports); no object of ours
// exists that the configuration does not name.
func mismatches(st qualysemu.State, m *model) []string {
	var out []string
	recs := map[string][]qualysemu.Record{}
	for _, r := range st.Records {
		recs[r.Type+"\x00"+r.Title()] = append(recs[r.Type+"\x00"+r.Title()], r)
	}
	vaults := map[string][]qualysemu.Vault{}
	vaultByID := map[string]qualysemu.Vault{}
	for _, v := range st.Vaults {
		vaults[v.Title()] = append(vaults[v.Title()], v)
		vaultByID[strconv.FormatInt(v.ID, 10)] = v
	}
	want := map[string]bool{}
	for _, v := range m.e.Vaults {
		want["vault\x00"+v.Title] = true
		got := vaults[v.Title]
		if len(got) != 1 {
			out = append(out, fmt.Sprintf("vault %q: %d in Qualys, want 1", v.Title, len(got)))
			continue
		}
		g := got[0]
		var diffs []string
		if g.Type != qualysVaultType[v.Type] {
			diffs = append(diffs, "type")
		}
		diffs = append(diffs, compareParams(g.Params, v.Comments, v.Attrs, v.Secrets, m.env)...)
		if len(diffs) > 0 {
			out = append(out, fmt.Sprintf("vault %q (id %d) differs from the configuration: %s", v.Title, g.ID, strings.Join(diffs, ", ")))
		}
	}
	for _, rec := range m.e.Records {
		k := string(rec.Kind) + "\x00" + rec.Title
		want[k] = true
		got := recs[k]
		if len(got) != 1 {
			out = append(out, fmt.Sprintf("%s %q: %d in Qualys, want 1", rec.Kind, rec.Title, len(got)))
			continue
		}
		g := got[0]
		diffs := compareParams(g.Params, rec.Comments, rec.Attrs, rec.Secrets, m.env)
		if !ipsOf(g.Params["ips"]).Equal(ipsOf(rec.IPs)) {
			diffs = append(diffs, fmt.Sprintf("ips %s, want %s", g.Params["ips"], rec.IPs))
		}
		if rec.SubType != "" {
			if variant, _ := spec.VariantKeys(rec.Kind); g.Params[variant] != rec.SubType {
				diffs = append(diffs, variant)
			}
		}
		if rec.Vault != "" {
			if v, ok := vaultByID[g.Params["vault_id"]]; !ok || v.Title() != rec.Vault {
				diffs = append(diffs, "login vault")
			}
			for _, p := range sortedKeys(rec.Login) {
				if g.Params[p] != rec.Login[p] {
					diffs = append(diffs, "login "+p)
				}
			}
		}
		diffs = append(diffs, kindRules(g.Params, rec)...)
		diffs = append(diffs, compareEntries(g, m, rec.Title)...)
		if len(diffs) > 0 {
			out = append(out, fmt.Sprintf("%s %q (id %d) differs from the configuration: %s", rec.Kind, rec.Title, g.ID, strings.Join(diffs, ", ")))
		}
	}
	for _, r := range st.Records {
		if owned(r.Params["comments"]) && !want[r.Type+"\x00"+r.Title()] {
			out = append(out, fmt.Sprintf("%s %q (id %d) is ours but not in the configuration", r.Type, r.Title(), r.ID))
		}
	}
	for _, v := range st.Vaults {
		if owned(v.Params["comments"]) && !want["vault\x00"+v.Title()] {
			out = append(out, fmt.Sprintf("vault %q (id %d) is ours but not in the configuration", v.Title(), v.ID))
		}
	}
	slices.Sort(out)
	return out
}

// compareParams compares stored parameters with configured comments, settings (YAML scalars,
// booleans stored as 1/0) and secrets (by their values in env); it names what differs.
func compareParams(got map[string]string, comments string, attrs, secrets map[string]string, env map[string]string) []string {
	var diffs []string
	text, marker := spec.SplitComments(got["comments"])
	if marker == nil || marker.Owner != Owner {
		diffs = append(diffs, "ownership marker")
	}
	if text != comments {
		diffs = append(diffs, "comments")
	}
	for _, k := range sortedKeys(attrs) {
		if got[k] != qualysValue(attrs[k]) {
			diffs = append(diffs, fmt.Sprintf("%s %q, want %q", k, got[k], attrs[k]))
		}
	}
	for _, k := range sortedKeys(secrets) {
		if got[k] != env[secrets[k]] {
			diffs = append(diffs, k+" (secret value)")
		}
	}
	return diffs
}

// qualysValue is how Qualys stores a YAML scalar: booleans as 1/0.
func qualysValue(v string) string {
	switch v {
	case "true":
		return "1"
	case "false":
		return "0"
	}
	return v
}

// kindRules are the per-kind meanings the comparison checks beyond equal values, written here
// independently of spec's kind table: ms_sql's explicit value and its auto-discovery exclude
// each other, and an oracle record without a port means All Ports (no port stored).
func kindRules(got map[string]string, rec *bench.Record) []string {
	var diffs []string
	switch rec.Kind {
	case "ms_sql":
		for _, pair := range exclusivePairs {
			explicit, auto := pair[0], pair[1]
			if rec.Attrs[auto] == "true" && got[explicit] != "" {
				diffs = append(diffs, fmt.Sprintf("%s is still set beside %s", explicit, auto))
			}
			if rec.Attrs[explicit] != "" && got[auto] == "1" {
				diffs = append(diffs, fmt.Sprintf("%s is still on beside %s", auto, explicit))
			}
		}
	case "oracle":
		if rec.Attrs["port"] == "" && got["port"] != "" {
			diffs = append(diffs, fmt.Sprintf("port %s is still set, want none (All Ports)", got["port"]))
		}
	}
	return diffs
}

// compareEntries compares a unix record's stored private keys (a set) and root tools (in order)
// with the model's, secret values included; a list the configuration omits is not compared.
func compareEntries(g qualysemu.Record, m *model, title string) []string {
	var diffs []string
	if keys, ok := m.keys[title]; ok {
		var want, got []string
		typeOnly := map[string]bool{} // key values whose certificate the configuration names by type only
		for _, k := range keys {
			want = append(want, strings.Join([]string{k.Type, m.env[k.Key], m.env[k.Pass], k.CertType, m.env[k.Cert]}, "|"))
			if k.CertType != "" && k.Cert == "" {
				typeOnly[m.env[k.Key]] = true
			}
		}
		for _, e := range g.Entries["PRIVATE_KEY_CERTIFICATE_LIST"] {
			p := e.Parts
			cert := p["CERTIFICATE"].Secret
			if typeOnly[p["PRIVATE_KEY_INFO"].Secret] {
				cert = "" // its value is Qualys's alone; invariant 3 checks it survives
			}
			got = append(got, strings.Join([]string{p["PRIVATE_KEY_INFO"].Type, p["PRIVATE_KEY_INFO"].Secret, p["PASSPHRASE_INFO"].Secret,
				p["CERTIFICATE"].Type, cert}, "|"))
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			diffs = append(diffs, fmt.Sprintf("private_keys: %d entries as configured, %d stored, or their types, certificates or secret values differ", len(want), len(got)))
		}
	}
	if tools, ok := m.tools[title]; ok {
		var want, got []string
		for _, t := range tools {
			want = append(want, t.Tool+"|"+m.env[t.Password])
		}
		for _, e := range g.Entries["ROOT_TOOL_INFO_LIST"] {
			got = append(got, e.Parts["STANDARD_TYPE"].Type+"|"+e.Parts["PASSWORD_INFO"].Secret)
		}
		if !slices.Equal(want, got) {
			diffs = append(diffs, fmt.Sprintf("root_tools: %d entries as configured, %d stored, or their order, tools or passwords differ (stored: %s)", len(want), len(got), toolTypes(g)))
		}
	}
	return diffs
}

// toolTypes names the stored root tools and whether each holds a password.
func toolTypes(g qualysemu.Record) string {
	var out []string
	for _, e := range g.Entries["ROOT_TOOL_INFO_LIST"] {
		out = append(out, fmt.Sprintf("%s(password %t)", e.Parts["STANDARD_TYPE"].Type, e.Parts["PASSWORD_INFO"].Secret != ""))
	}
	return "[" + strings.Join(out, " ") + "]"
}
