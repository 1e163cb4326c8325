package soak

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/qsync/qsync/internal/bench"
	"github.com/qsync/qsync/internal/pipeline"
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// Class is one kind of transition of the configuration.
type Class string

// The transition classes.
const (
	ClassCreate     Class = "create"      // a new record of a random kind and shape
	ClassDelete     Class = "delete"      // a managed record removed from the configuration
	ClassEdit       Class = "edit"        // comments, a port or a username changed
	ClassRotate     Class = "rotate"      // one record's secret value changed
	ClassRename     Class = "rename"      // a new title with previous_titles: an in-place rename
	ClassRenameBare Class = "rename-bare" // a new title without previous_titles: delete, create on the same IPs
	ClassIPMove     Class = "ip-move"     // IPs moving between two records of one kind
	ClassReplace    Class = "replace"     // an immutable field changed, with allow_replace: true
	ClassVault      Class = "vault"       // a vault added, changed or removed
	ClassExclusive  Class = "exclusive"   // ms_sql: explicit port versus auto_discover_ports
	ClassSlot       Class = "slot"        // rule slots: DB2 (IP, port) moves, Oracle port versus no port (All Ports)
	ClassKeys       Class = "keys"        // unix private keys (with certificates) and root tools added, changed, removed, reordered
	ClassScope      Class = "scope"       // an edit, rotation or create applied with --only or --secrets-only first
)

// AllClasses lists every class, in the order reports show them.
var AllClasses = []Class{ClassCreate, ClassDelete, ClassEdit, ClassRotate, ClassRename, ClassRenameBare,
	ClassIPMove, ClassReplace, ClassVault, ClassExclusive, ClassSlot, ClassKeys, ClassScope}

// ParseClasses reads a comma-separated list of class names ("all" for every class).
func ParseClasses(s string) ([]Class, error) {
	if s == "" || s == "all" {
		return slices.Clone(AllClasses), nil
	}
	var out []Class
	for _, name := range strings.Split(s, ",") {
		c := Class(strings.TrimSpace(name))
		if !slices.Contains(AllClasses, c) {
			return nil, fmt.Errorf("unknown transition class %q (want some of %s, or all)", c, joinClasses(AllClasses))
		}
		out = append(out, c)
	}
	return out, nil
}

func joinClasses(cs []Class) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ",")
}

// transition is one change of the model: what it did (for the report) and the flags of the
// first, faulted pass (a scope, or consent to replace).
type transition struct {
	class Class
	what  string
	flags plan.Flags
}

// mutate applies a transition of class c to m; false when m has nothing it applies to.
func mutate(r *rand.Rand, m *model, c Class) (transition, bool) {
	t := transition{class: c, flags: plan.Flags{AllowDeletes: true}}
	var ok bool
	switch c {
	case ClassCreate:
		t.what, ok = create(r, m)
	case ClassDelete:
		t.what, ok = deleteRecord(r, m)
	case ClassEdit:
		t.what, ok = edit(r, m)
	case ClassRotate:
		t.what, ok = rotate(r, m)
	case ClassRename, ClassRenameBare:
		t.what, ok = rename(r, m, c == ClassRename)
	case ClassIPMove:
		t.what, ok = moveIPs(r, m)
	case ClassReplace:
		t.what, ok = replace(r, m)
	case ClassVault:
		t.what, ok = changeVault(r, m)
	case ClassExclusive:
		t.what, ok = switchExclusive(r, m)
	case ClassSlot:
		t.what, ok = switchSlot(r, m)
	case ClassKeys:
		t.what, ok = editKeys(r, m)
	case ClassScope:
		return scoped(r, m)
	}
	return t, ok
}

// pick returns a random element of xs (not empty).
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func create(r *rand.Rand, m *model) (string, bool) {
	m.next++
	rec := bench.GenRecord(20000+m.next*bench.Shapes+r.IntN(bench.Shapes), Owner, m.e.Vaults)
	rec.Title = m.newTitle("new")
	rec.IPs = freshIPs(r, m)
	ownSecrets(m, rec)
	m.e.Records = append(m.e.Records, rec)
	return fmt.Sprintf("create %s %q", rec.Kind, rec.Title), true
}

// freshIPs returns addresses no object of the run has held (15.x.y.z, numbered by m.next).
func freshIPs(r *rand.Rand, m *model) string {
	m.next++
	if r.IntN(3) == 0 {
		return bench.IPv4(15, 4*m.next) + "-" + bench.IPv4(15, 4*m.next+3)
	}
	return bench.IPv4(15, 4*m.next)
}

// ownSecrets gives each secret of rec its own variable, so a rotation changes one record.
func ownSecrets(m *model, rec *bench.Record) {
	for _, p := range sortedKeys(rec.Secrets) {
		name := fmt.Sprintf("SOAK_S%d", m.next)
		m.next++
		rec.Secrets[p] = name
		m.env[name] = m.newSecret()
	}
}

func deleteRecord(r *rand.Rand, m *model) (string, bool) {
	if len(m.e.Records) < 4 {
		return "", false
	}
	i := r.IntN(len(m.e.Records))
	rec := m.e.Records[i]
	m.e.Records = slices.Delete(m.e.Records, i, i+1)
	delete(m.prev, rec.Title)
	delete(m.allowReplace, rec.Title)
	delete(m.keys, rec.Title)
	delete(m.tools, rec.Title)
	return fmt.Sprintf("delete %s %q", rec.Kind, rec.Title), true
}

func edit(r *rand.Rand, m *model) (string, bool) {
	if len(m.e.Records) == 0 {
		return "", false
	}
	rec := pick(r, m.e.Records)
	def := spec.Lookup(rec.Kind, rec.SubType)
	switch n := r.IntN(3); {
	case n == 1 && rec.Attrs["port"] != "" && def.Field("port") != nil:
		rec.Attrs["port"] = fmt.Sprint(2000 + r.IntN(1000))
		return fmt.Sprintf("edit %s %q port", rec.Kind, rec.Title), true
	case n == 2 && rec.Attrs["username"] != "" && def.Field("username") != nil:
		_, domain, _ := strings.Cut(rec.Attrs["username"], "@")
		rec.Attrs["username"] = fmt.Sprintf("soak%d", r.IntN(100)) + strings.TrimSuffix("@"+domain, "@") // keeps an '@' Azure wants
		return fmt.Sprintf("edit %s %q username", rec.Kind, rec.Title), true
	}
	rec.Comments = fmt.Sprintf("Changed by soak step %d.", m.next)
	m.next++
	return fmt.Sprintf("edit %s %q comments", rec.Kind, rec.Title), true
}

func rotate(r *rand.Rand, m *model) (string, bool) {
	var cands []*bench.Record
	for _, rec := range m.e.Records {
		if len(rec.Secrets) > 0 {
			cands = append(cands, rec)
		}
	}
	if len(cands) == 0 {
		return "", false
	}
	rec := pick(r, cands)
	p := pick(r, sortedKeys(rec.Secrets))
	name := fmt.Sprintf("SOAK_S%d", m.next)
	m.next++
	rec.Secrets[p] = name // its own variable: shared ones would rotate other records too
	m.env[name] = m.newSecret()
	return fmt.Sprintf("rotate %s %q %s", rec.Kind, rec.Title, p), true
}

func rename(r *rand.Rand, m *model, declared bool) (string, bool) {
	if len(m.e.Records) == 0 {
		return "", false
	}
	rec := pick(r, m.e.Records)
	old := rec.Title
	rec.Title = m.newTitle("renamed")
	delete(m.prev, old)
	if m.allowReplace[old] {
		delete(m.allowReplace, old)
		m.allowReplace[rec.Title] = true
	}
	if keys, ok := m.keys[old]; ok {
		delete(m.keys, old)
		m.keys[rec.Title] = keys
	}
	if tools, ok := m.tools[old]; ok {
		delete(m.tools, old)
		m.tools[rec.Title] = tools
	}
	if declared {
		m.prev[rec.Title] = []string{old}
		return fmt.Sprintf("rename %s %q to %q (previous_titles)", rec.Kind, old, rec.Title), true
	}
	return fmt.Sprintf("rename %s %q to %q without previous_titles (delete, then create on its IPs)", rec.Kind, old, rec.Title), true
}

func moveIPs(r *rand.Rand, m *model) (string, bool) {
	byKind := map[spec.Kind][]*bench.Record{}
	for _, rec := range m.e.Records {
		byKind[rec.Kind] = append(byKind[rec.Kind], rec)
	}
	var kinds []spec.Kind
	for k, rs := range byKind {
		if len(rs) >= 2 {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		return "", false
	}
	slices.Sort(kinds)
	rs := byKind[pick(r, kinds)]
	i := r.IntN(len(rs))
	j := (i + 1 + r.IntN(len(rs)-1)) % len(rs)
	a, b := rs[i], rs[j]
	if r.IntN(2) == 0 {
		a.IPs, b.IPs = b.IPs, a.IPs
		return fmt.Sprintf("swap the IPs of %s %q and %q", a.Kind, a.Title, b.Title), true
	}
	merged, err := spec.ParseIPSet(strings.Split(a.IPs+","+b.IPs, ",")...)
	if err != nil {
		return "", false
	}
	b.IPs = merged.String()
	a.IPs = freshIPs(r, m)
	return fmt.Sprintf("move the IPs of %s %q to %q (which keeps its own)", a.Kind, a.Title, b.Title), true
}

func replace(r *rand.Rand, m *model) (string, bool) {
	type cand struct {
		rec   *bench.Record
		field *spec.FieldDef
	}
	var cands []cand
	for _, rec := range m.e.Records {
		def := spec.Lookup(rec.Kind, rec.SubType)
		for _, name := range sortedKeys(rec.Attrs) {
			if f := def.Field(name); f != nil && f.Immutable {
				cands = append(cands, cand{rec, f})
			}
		}
	}
	if len(cands) == 0 {
		return "", false
	}
	c := pick(r, cands)
	switch c.rec.Attrs[c.field.Name] {
	case "true":
		c.rec.Attrs[c.field.Name] = "false"
	case "false":
		c.rec.Attrs[c.field.Name] = "true"
	default:
		c.rec.Attrs[c.field.Name] = fmt.Sprintf("SOAK%d", m.next)
		m.next++
	}
	m.allowReplace[c.rec.Title] = true
	return fmt.Sprintf("replace %s %q (%s changed, allow_replace: true)", c.rec.Kind, c.rec.Title, c.field.Name), true
}

func changeVault(r *rand.Rand, m *model) (string, bool) {
	used := map[string]bool{}
	for _, rec := range m.e.Records {
		used[rec.Vault] = true
	}
	switch r.IntN(3) {
	case 0:
		v := bench.GenVault(r.IntN(2), Owner)
		v.Title = m.newTitle("vault")
		m.e.Vaults = append(m.e.Vaults, v)
		return fmt.Sprintf("create vault %q", v.Title), true
	case 1:
		if len(m.e.Vaults) == 0 {
			return "", false
		}
		v := pick(r, m.e.Vaults)
		v.Comments = fmt.Sprintf("Changed by soak step %d.", m.next)
		m.next++
		return fmt.Sprintf("edit vault %q comments", v.Title), true
	}
	for i, v := range m.e.Vaults {
		if !used[v.Title] {
			m.e.Vaults = slices.Delete(m.e.Vaults, i, i+1)
			return fmt.Sprintf("delete vault %q", v.Title), true
		}
	}
	return "", false
}

// exclusivePairs are ms_sql's exclusive groups: an explicit value versus auto-discovery.
var exclusivePairs = [][2]string{{"port", "auto_discover_ports"}, {"instance", "auto_discover_instances"}, {"database", "auto_discover_databases"}}

func switchExclusive(r *rand.Rand, m *model) (string, bool) {
	var cands []*bench.Record
	for _, rec := range m.e.Records {
		if rec.Kind == "ms_sql" {
			cands = append(cands, rec)
		}
	}
	if len(cands) == 0 {
		return "", false
	}
	rec := pick(r, cands)
	var pairs [][2]string
	def := spec.Lookup(rec.Kind, rec.SubType)
	for _, pair := range exclusivePairs {
		if def.Field(pair[0]) != nil && def.Field(pair[1]) != nil { // not every variant has both (azure)
			pairs = append(pairs, pair)
		}
	}
	if len(pairs) == 0 {
		return "", false
	}
	pair := pick(r, pairs)
	explicit, auto := pair[0], pair[1]
	if rec.Attrs[auto] == "true" {
		delete(rec.Attrs, auto)
		rec.Attrs[explicit] = map[string]string{"port": "1433", "instance": "SOAK", "database": "soakdb"}[explicit]
		return fmt.Sprintf("ms_sql %q: %s instead of %s", rec.Title, explicit, auto), true
	}
	delete(rec.Attrs, explicit)
	rec.Attrs[auto] = "true"
	return fmt.Sprintf("ms_sql %q: %s instead of %s", rec.Title, auto, explicit), true
}

// switchSlot moves a rule slot: half the time a DB2 (IP, port) slot (see moveDB2Slot), else an
// Oracle record's port versus All Ports.
func switchSlot(r *rand.Rand, m *model) (string, bool) {
	if r.IntN(2) == 0 {
		if what, ok := moveDB2Slot(r, m); ok {
			return what, true
		}
	}
	var cands []*bench.Record
	for _, rec := range m.e.Records {
		if rec.Kind == "oracle" {
			cands = append(cands, rec)
		}
	}
	if len(cands) == 0 {
		return "", false
	}
	rec := pick(r, cands)
	if rec.Attrs["port"] != "" {
		delete(rec.Attrs, "port")
		m.allowReplace[rec.Title] = true // Qualys documents no way to remove a port: a replacement, with consent
		return fmt.Sprintf("oracle %q: no port (All Ports), allow_replace: true", rec.Title), true
	}
	rec.Attrs["port"] = fmt.Sprint(1521 + r.IntN(10))
	return fmt.Sprintf("oracle %q: port %s instead of All Ports", rec.Title, rec.Attrs["port"]), true
}

// moveDB2Slot works on DB2's unique (IP, port): two DB2 records on the same IPs swap their ports
// (each takes the slot the other releases) or one takes the other's port while that one moves
// to a new port; without such a pair, a new DB2 record shares a record's IPs on another port.
func moveDB2Slot(r *rand.Rand, m *model) (string, bool) {
	byIPs := map[string][]*bench.Record{}
	var db2 []*bench.Record
	for _, rec := range m.e.Records {
		if rec.Kind == "ibm_db2" && rec.Attrs["port"] != "" && rec.Attrs["pc_only"] != "true" {
			byIPs[rec.IPs] = append(byIPs[rec.IPs], rec)
			db2 = append(db2, rec)
		}
	}
	var pairs [][]*bench.Record
	for _, ips := range sortedKeys(byIPs) {
		if len(byIPs[ips]) >= 2 {
			pairs = append(pairs, byIPs[ips])
		}
	}
	if len(pairs) == 0 {
		if len(db2) == 0 {
			return "", false
		}
		a := pick(r, db2)
		b := *a
		b.Title = m.newTitle("db2")
		b.Attrs, b.Secrets, b.Login = maps.Clone(a.Attrs), maps.Clone(a.Secrets), maps.Clone(a.Login)
		b.Attrs["port"] = fmt.Sprint(50100 + m.next%100)
		ownSecrets(m, &b)
		m.e.Records = append(m.e.Records, &b)
		return fmt.Sprintf("create ibm_db2 %q on the IPs of %q, port %s", b.Title, a.Title, b.Attrs["port"]), true
	}
	pair := pick(r, pairs)
	a, b := pair[0], pair[1]
	if r.IntN(4) == 0 { // a cycle: refused with a message (two applies through a free port)
		a.Attrs["port"], b.Attrs["port"] = b.Attrs["port"], a.Attrs["port"]
		return fmt.Sprintf("ibm_db2 %q and %q swap ports on the same IPs", a.Title, b.Title), true
	}
	old := a.Attrs["port"]
	a.Attrs["port"] = fmt.Sprint(50200 + m.next%100)
	m.next++
	b.Attrs["port"] = old
	return fmt.Sprintf("ibm_db2 %q takes port %s from %q, which moves to %s", b.Title, old, a.Title, a.Attrs["port"]), true
}

// scoped is an edit, a rotation or a create whose first pass runs scoped: --secrets-only for a
// rotation (half the time), else --only with the object's exact title or its whole kind.
func scoped(r *rand.Rand, m *model) (transition, bool) {
	t := transition{class: ClassScope, flags: plan.Flags{AllowDeletes: true}}
	sub := pick(r, []Class{ClassEdit, ClassRotate, ClassCreate})
	before := m.objectKeys()
	inner, ok := mutate(r, m, sub)
	if !ok {
		return t, false
	}
	if sub == ClassRotate && r.IntN(2) == 0 {
		t.flags.SecretsOnly = true
		t.what = inner.what + " (--secrets-only first)"
		return t, true
	}
	key := changedKey(m, before, inner.what)
	pattern := pipeline.Exact(key)
	if r.IntN(3) == 0 {
		pattern = string(key.Kind) + "/*"
	}
	t.flags.Targets = []string{pattern}
	t.what = fmt.Sprintf("%s (--only %s first)", inner.what, pattern)
	return t, true
}

// changedKey finds the key of the object a transition described by what changed: a new key, or
// the record whose quoted title what names.
func changedKey(m *model, before map[spec.Key]bool, what string) spec.Key {
	for k := range m.objectKeys() {
		if !before[k] {
			return k
		}
	}
	for _, rec := range m.e.Records {
		if strings.Contains(what, fmt.Sprintf("%q", rec.Title)) {
			return spec.Key{Kind: rec.Kind, Title: rec.Title}
		}
	}
	return spec.Key{Kind: m.e.Records[0].Kind, Title: m.e.Records[0].Title}
}

func sortedKeys[V any](mp map[string]V) []string {
	out := make([]string, 0, len(mp))
	for k := range mp {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// secretVar returns a new environment variable holding a new secret value.
func secretVar(m *model) string {
	name := fmt.Sprintf("SOAK_S%d", m.next)
	m.next++
	m.env[name] = m.newSecret()
	return name
}

// editKeys changes the private keys or root tools of a unix record with basic login: adds an
// entry (a key with or without passphrase and certificate; a tool with or without password),
// rotates a key or its certificate, removes an entry, or reorders the tools.
func editKeys(r *rand.Rand, m *model) (string, bool) {
	var cands []*bench.Record
	for _, rec := range m.e.Records {
		def := spec.Lookup(rec.Kind, rec.SubType)
		if rec.Vault == "" && def.Field("private_keys") != nil && def.Field("root_tools") != nil {
			cands = append(cands, rec)
		}
	}
	if len(cands) == 0 {
		return "", false
	}
	rec := pick(r, cands)
	keys, tools := m.keys[rec.Title], m.tools[rec.Title]
	switch n := r.IntN(7); {
	case n == 0 || n == 1 && len(keys) == 0:
		k := keyItem{Type: pick(r, []string{"rsa", "ecdsa", "ed25519"}), Key: secretVar(m)}
		if r.IntN(2) == 0 {
			k.Pass = secretVar(m)
		}
		if r.IntN(2) == 0 {
			k.CertType, k.Cert = pick(r, []string{"openssh", "x.509"}), secretVar(m)
		}
		m.keys[rec.Title] = append(keys, k)
		return fmt.Sprintf("unix %q: add a %s key (certificate %q)", rec.Title, k.Type, k.CertType), true
	case n == 1:
		i := r.IntN(len(keys))
		if keys[i].Cert != "" && r.IntN(4) == 0 {
			keys[i].Cert = "" // as an export that could not read the certificate writes it
			return fmt.Sprintf("unix %q: key %d names its certificate by type only (%s), as export wrote it", rec.Title, i, keys[i].CertType), true
		}
		if keys[i].Cert != "" && r.IntN(2) == 0 {
			keys[i].Cert = secretVar(m)
			return fmt.Sprintf("unix %q: rotate the certificate of key %d", rec.Title, i), true
		}
		keys[i].Key = secretVar(m)
		return fmt.Sprintf("unix %q: rotate key %d", rec.Title, i), true
	case n == 2 && len(keys) > 0:
		i := r.IntN(len(keys))
		m.keys[rec.Title] = slices.Delete(keys, i, i+1)
		return fmt.Sprintf("unix %q: remove key %d", rec.Title, i), true
	case n == 3 || n == 4 && len(tools) == 0:
		t := toolItem{Tool: pick(r, []string{"sudo", "su", "pimsu", "dzdo"})}
		if r.IntN(3) > 0 {
			t.Password = secretVar(m)
		}
		m.tools[rec.Title] = append(tools, t)
		return fmt.Sprintf("unix %q: add root tool %s (password %t)", rec.Title, t.Tool, t.Password != ""), true
	case n == 4 && len(tools) > 1:
		m.tools[rec.Title] = append(tools[1:], tools[0])
		return fmt.Sprintf("unix %q: reorder the root tools", rec.Title), true
	case n == 5 && len(tools) > 0:
		i := r.IntN(len(tools))
		m.tools[rec.Title] = slices.Delete(tools, i, i+1)
		return fmt.Sprintf("unix %q: remove root tool %d", rec.Title, i), true
	case n == 6 && len(tools) > 0:
		i := r.IntN(len(tools))
		tools[i].Password = secretVar(m)
		return fmt.Sprintf("unix %q: rotate the password of root tool %d", rec.Title, i), true
	}
	k := keyItem{Type: "rsa", Key: secretVar(m)}
	m.keys[rec.Title] = append(keys, k)
	return fmt.Sprintf("unix %q: add an rsa key", rec.Title), true
}
