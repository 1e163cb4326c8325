package load

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go4.org/netipx"

	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/spec/secret"
	"github.com/qsync/qsync/internal/spec/yamltree"
)

// loader turns decoded files into Objects, collecting diagnostics.
type loader struct {
	opts   Options
	broken bool // a file could not be read as a mapping; some checks would only add noise
	doc    *spec.Document
	ds     spec.Diagnostics
	owners []ownerDecl
	extra  map[*spec.Object]*objExtra
	// replaced holds the paths of values the loader reported on more precisely than the schema
	// can (plaintext secrets, quoted enums, ...); schema errors at those paths are dropped.
	replaced map[string]bool
	roots    map[string]string // secret.Root by configuration directory
	// loginKeys interns the FieldPositions names of login parameters ("login."+name), one string
	// per parameter instead of one per record.
	loginKeys map[string]string
}

// valueErrorf reports a problem with the value at path, replacing what the schema says about it.
func (l *loader) valueErrorf(pos spec.Pos, path, format string, args ...any) {
	if l.replaced == nil {
		l.replaced = map[string]bool{}
	}
	l.replaced[path] = true
	l.ds.Errorf(pos, path, format, args...)
}

// valueErrorAt is valueErrorf for the value at p, at its position.
func (l *loader) valueErrorAt(f *yamlFile, p vpath, format string, args ...any) {
	l.valueErrorf(f.atPath(p), p.String(), format, args...)
}

type ownerDecl struct {
	name string
	pos  spec.Pos
}

// objExtra is what the cross-object checks need to know about an Object beyond the Object itself.
type objExtra struct {
	file *yamlFile
	path string // "records/3"
	node yamltree.Node
	ips  []ipEntry
	set  fieldSet // fields written in YAML with a value that counts as "set"
	// previous holds the position of previous_titles/i for each i of Object.PreviousTitles (the
	// i-th item as written, even where an earlier item was skipped), for checkTitles: the file's
	// positions are released once its objects are built.
	previous []spec.Pos
}

// fieldSet is a set of the fields of one kind, a bit per field in the order of KindDef.Fields: it
// replaced a map per object (15 MB of a 100,000-record load's peak). A name that is not one of the
// kind's fields is never in the set.
type fieldSet struct {
	fields []spec.FieldDef
	bits   uint64
}

// maxKindFields is the most fields a kind may have for fieldSet (see TestFieldSetHoldsEveryKind).
const maxKindFields = 64

func newFieldSet(def *spec.KindDef) fieldSet { return fieldSet{fields: def.Fields} }

// index returns the bit of name, or -1.
func (s *fieldSet) index(name string) int {
	for i := range s.fields {
		if s.fields[i].Name == name {
			return i
		}
	}
	return -1
}

// add puts name in the set.
func (s *fieldSet) add(name string) {
	if i := s.index(name); i >= 0 && i < maxKindFields {
		s.bits |= 1 << i
	}
}

// has reports whether name is in the set.
func (s *fieldSet) has(name string) bool {
	i := s.index(name)
	return i >= 0 && i < maxKindFields && s.bits&(1<<i) != 0
}

// count returns how many of names are in the set.
func (s *fieldSet) count(names []string) int {
	n := 0
	for _, k := range names {
		if s.has(k) {
			n++
		}
	}
	return n
}

// ipEntry is one address entry of a record's ips, the index-th as written.
type ipEntry struct {
	r     netipx.IPRange
	pos   spec.Pos
	x     *objExtra
	index int
}

// path is the entry's path ("records/3/ips/0"), built for a message.
func (e ipEntry) path() string { return child(child(e.x.path, "ips"), e.index) }

var (
	envNameRE = regexp.MustCompile(spec.EnvNamePattern)
	ownerRE   = regexp.MustCompile(spec.OwnerPattern)
)

// file converts one decoded file.
func (l *loader) file(f *yamlFile) {
	root, ok := f.value.(map[string]any)
	if !ok {
		l.broken = true
		return // the schema reports it
	}
	vaults, _ := root["vaults"].([]any)
	records, _ := root["records"].([]any)
	if len(l.extra) == 0 { // sized for the first file's objects: growing it rehashed every entry
		l.extra = make(map[*spec.Object]*objExtra, len(vaults)+len(records))
	}
	for _, k := range slices.Sorted(maps.Keys(root)) {
		switch k {
		case "version", "vaults", "records":
		case "owner":
			if s, ok := root[k].(string); ok {
				l.owners = append(l.owners, ownerDecl{name: s, pos: f.at(k)})
				if !ownerRE.MatchString(s) {
					l.valueErrorf(f.at(k), k, "owner %q must be 1-64 letters, digits, '.', '_' or '-'", s)
				}
			}
		default:
			l.unknownKey(f, "", k, []string{"version", "owner", "vaults", "records"}, "at the top level")
		}
	}
	for i, v := range vaults {
		l.object(f, child("vaults", i), i, v, true)
	}
	for i, v := range records {
		l.object(f, child("records", i), i, v, false)
		// The record's values are not needed once its Object is built (the schema has seen them,
		// and the cross-object checks need only positions): release them as the Objects grow,
		// instead of holding both at the end of the file (81 MB of a 100,000-record load).
		records[i] = nil
	}
}

// object converts one vault or record mapping.
func (l *loader) object(f *yamlFile, path string, idx int, v any, vault bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	def, variant, ok := l.objectDef(f, path, m, vault)
	if !ok {
		return
	}
	npos := len(m) // a position per key, and per key of a login mapping (login.vault at least)
	if lm, ok := m["login"].(map[string]any); ok {
		npos += 1 + len(lm)
	}
	o := &spec.Object{Kind: def.Kind, Type: def.Type, Pos: f.at(path), SourceIdx: idx,
		Attrs: map[string]string{}}
	o.FieldPos.Grow(npos)
	node := f.tree.Find(path)
	x := &objExtra{file: f, path: path, node: node, set: newFieldSet(def)}
	l.extra[o] = x

	common := spec.CommonRecordKeys
	if vault {
		common = spec.CommonVaultKeys
	}
	// allowed lists the keys the object may have, for an unknown key's suggestion: built only
	// then, as almost every object has none.
	allowed := func() []string {
		keys := append([]string(nil), common...)
		if !vault && def.Type != "" {
			keys = append(keys, variant)
		}
		for i := range def.Fields {
			keys = append(keys, def.Fields[i].Name)
		}
		return keys
	}
	var buf [32]string
	for _, k := range sortedKeys(buf[:0], m) {
		val := m[k]
		p := memberPath(path, node, k)
		o.FieldPos.Set(k, f.atPath(p))
		switch k {
		case "type", variant:
		case "title":
			l.title(f, p, val, o)
		case "previous_titles":
			l.previousTitles(f, p, val, o)
		case "comments":
			if s, ok := val.(string); ok {
				l.comments(f, p, s, o)
			}
		case "adopt":
			o.Adopt, _ = val.(bool)
		case "protect":
			o.Protect, _ = val.(bool)
		case "allow_replace":
			o.AllowReplace, _ = val.(bool)
		case "ips":
			if !vault {
				l.ips(f, p, val, o, x)
				continue
			}
			l.unknownKey(f, path, k, allowed(), "for "+kindName(def))
		case "login":
			if !vault {
				l.login(f, p, val, o)
				continue
			}
			l.unknownKey(f, path, k, allowed(), "for "+kindName(def))
		default:
			fd := def.Field(k)
			if fd == nil {
				l.unknownKey(f, path, k, allowed(), "for "+kindName(def))
				continue
			}
			if fd.Unsendable != "" {
				l.ds.Errorf(f.keyAt(p.String()), p.String(), "%s cannot be set: %s", fd.Name, fd.Unsendable)
				continue
			}
			l.field(f, p, fd, val, o, x)
		}
	}
	omittedDefaults(def, m, o)
	for i := range o.PreviousTitles {
		x.previous = append(x.previous, f.at(child(child(path, "previous_titles"), i)))
	}
	l.objectRules(o, def, x)
	l.doc.Objects = append(l.doc.Objects, o)
}

// objectDef returns the descriptor table of the object m at path and the key naming its variant;
// false when m has none, which the schema reports (an unknown or missing type or variant), or
// when its kind cannot be declared.
func (l *loader) objectDef(f *yamlFile, path string, m map[string]any, vault bool) (def *spec.KindDef, variant string, ok bool) {
	typ, _ := m["type"].(string)
	variant = "sub_type" // the key naming a record variant (see KindDef.VariantParam)
	if vault {
		def = spec.Lookup(spec.KindVault, typ)
		return def, variant, def != nil
	}
	kind := spec.Kind(typ)
	if spec.Lookup(kind, "") == nil || kind == spec.KindVault {
		return nil, "", false
	}
	variant, _ = spec.VariantKeys(kind)
	sub, hasSub := m[variant].(string)
	def = spec.Lookup(kind, sub)
	if def == nil {
		if !hasSub || hasSubTypes(kind) {
			return nil, "", false // the schema reports the bad variant
		}
		l.ds.Errorf(f.keyAt(child(path, "sub_type")), child(path, "sub_type"),
			"unknown key \"sub_type\": only unix records have a sub_type")
		def = spec.Lookup(kind, "")
	}
	if def.Opaque != "" {
		p := child(path, "type")
		l.ds.Errorf(f.at(p), p, "%s records cannot be declared: qsync knows only their endpoint (%s), "+
			"so it lists live ones as opaque and never changes them", kind, def.Opaque)
		return nil, "", false
	}
	return def, variant, true
}

// title reads the object's title, refusing characters a title may not hold and surrounding white
// space.
func (l *loader) title(f *yamlFile, p vpath, val any, o *spec.Object) {
	s, ok := val.(string)
	if !ok {
		return
	}
	o.Title = strings.TrimSpace(s)
	if msg := spec.CheckText(s, false); msg != "" {
		l.valueErrorAt(f, p, "title: %s", msg)
	} else if o.Title != s && o.Title != "" {
		l.valueErrorAt(f, p, "title %q has leading or trailing white space", s)
	}
}

// previousTitles reads the titles the object had, trimmed, skipping empty ones.
func (l *loader) previousTitles(f *yamlFile, p vpath, val any, o *spec.Object) {
	list, ok := val.([]any)
	if !ok {
		return
	}
	for i, e := range list {
		s, ok := e.(string)
		if !ok {
			continue
		}
		if msg := spec.CheckText(s, false); msg != "" {
			ep := child(p.String(), i)
			l.valueErrorf(f.at(ep), ep, "previous title: %s", msg)
			continue
		}
		if strings.TrimSpace(s) != "" {
			o.PreviousTitles = append(o.PreviousTitles, strings.TrimSpace(s))
		}
	}
}

// login reads a record's vault login: the vault's title and the vault type's record-side
// parameters, each trimmed, with their positions.
func (l *loader) login(f *yamlFile, lp vpath, val any, o *spec.Object) {
	lm, ok := val.(map[string]any)
	if !ok {
		return
	}
	vt, _ := lm["vault"].(string)
	o.Login = &spec.VaultLogin{Vault: strings.TrimSpace(vt)}
	p, node := lp.String(), f.nodeOf(lp)
	o.FieldPos.Set("login.vault", f.atPath(memberPath(p, node, "vault")))
	var buf [16]string
	for _, pk := range sortedKeys(buf[:0], lm) {
		o.FieldPos.Set(l.loginKey(pk), f.atPath(memberPath(p, node, pk)))
		if pk == "vault" {
			continue
		}
		s, ok := lm[pk].(string)
		if !ok {
			continue
		}
		if msg := spec.CheckText(s, false); msg != "" {
			lp := child(p, pk)
			l.valueErrorf(f.at(lp), lp, "%s: %s", pk, msg)
			continue
		}
		if strings.TrimSpace(s) != "" {
			if o.Login.Params == nil {
				o.Login.Params = map[string]string{}
			}
			o.Login.Params[pk] = strings.TrimSpace(s)
		}
	}
}

// loginKey returns "login."+name, one string per name.
func (l *loader) loginKey(name string) string {
	k, ok := l.loginKeys[name]
	if !ok {
		k = "login." + name
		if l.loginKeys == nil {
			l.loginKeys = map[string]string{}
		}
		l.loginKeys[name] = k
	}
	return k
}

// sortedKeys appends the keys of m to buf, sorted. A caller passes a small array it owns, so that
// the keys of a typical mapping need no allocation (slices.Sorted(maps.Keys(m)) took 26 MB of a
// 100,000-record load).
func sortedKeys[V any](buf []string, m map[string]V) []string {
	for k := range m {
		buf = append(buf, k)
	}
	slices.Sort(buf)
	return buf
}

// omittedDefaults gives o the documented default of every field m omits: omitted means
// unmanaged, unless Qualys documents the default (DefaultDocumented).
func omittedDefaults(def *spec.KindDef, m map[string]any, o *spec.Object) {
	for i := range def.Fields {
		fd := &def.Fields[i]
		if _, written := m[fd.Name]; written || fd.Type == spec.TypeSecret || fd.Type == spec.TypeItems {
			continue
		}
		if d := fd.OmittedDefault(); d != "" {
			o.Attrs[fd.Name] = d
		}
	}
	if len(o.Attrs) == 0 {
		o.Attrs = nil
	}
}

// comments checks and canonicalises the user's comment text: it may not contain an ownership
// marker (only qsync writes one, as the last line) nor characters XML or a reviewer's terminal
// cannot take, and is compared as Qualys lists it (see CanonicalComments).
func (l *loader) comments(f *yamlFile, p vpath, s string, o *spec.Object) {
	if msg := spec.CheckText(s, true); msg != "" {
		l.valueErrorAt(f, p, "comments: %s", msg)
		return
	}
	if i := spec.MarkerInText(s); i >= 0 {
		line := strings.Count(s[:i], "\n") + 1
		l.valueErrorAt(f, p, "comments line %d looks like qsync's ownership marker (%q); only qsync writes it, "+
			"after the comments: remove it", line, markerPreview(s[i:]))
		return
	}
	o.Comments = spec.CanonicalComments(s)
}

// markerPreview is the marker-shaped text at the start of s, up to its closing bracket or line end.
func markerPreview(s string) string {
	if i := strings.IndexAny(s, "]\n"); i >= 0 {
		if s[i] == ']' {
			i++
		}
		s = s[:i]
	}
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return s
}

func hasSubTypes(k spec.Kind) bool {
	for _, d := range spec.RecordKinds() {
		if d.Kind == k && d.Type != "" {
			return true
		}
	}
	return false
}

// kindName names a kind for messages: "mysql records", "unix records of sub_type cisco", "ca_pam vaults".
func kindName(d *spec.KindDef) string {
	switch {
	case d.Kind == spec.KindVault:
		return d.Type + " vaults"
	case d.Type != "":
		p, _ := d.VariantKeys()
		return string(d.Kind) + " records of " + p + " " + d.Type
	}
	return string(d.Kind) + " records"
}

// field converts one setting into Attrs or Secrets.
func (l *loader) field(f *yamlFile, p vpath, fd *spec.FieldDef, val any, o *spec.Object, x *objExtra) {
	var raw string
	switch fd.Type {
	case spec.TypeItems:
		l.items(f, p.String(), fd, val, o, x)
		return
	case spec.TypeSecret:
		ref, ok := l.secretRef(f, p, fd, val)
		if ok {
			if o.Secrets == nil {
				o.Secrets = map[string]spec.SecretRef{}
			}
			o.Secrets[fd.Name] = ref
			x.set.add(fd.Name)
		}
		return
	case spec.TypeBool:
		b, ok := val.(bool)
		if !ok {
			return
		}
		raw = strconv.FormatBool(b)
	case spec.TypeInt:
		n, ok := l.integer(f, p, fd, val)
		if !ok {
			return
		}
		raw = strconv.FormatInt(n, 10)
	case spec.TypeEnum:
		switch t := val.(type) {
		case string:
			raw = t
		case int64, float64:
			q := f.rawPath(p)
			if _, err := spec.Canonical(fd, q); err == nil {
				l.valueErrorAt(f, p, "write %q in quotes: YAML reads an unquoted %s as a number", q, q)
			}
			return
		default:
			return
		}
	case spec.TypeList:
		list, ok := val.([]any)
		if !ok {
			return
		}
		var items []string
		for _, e := range list {
			if s, ok := e.(string); ok {
				items = append(items, s)
			}
		}
		c := spec.CanonicalList(items)
		if c != "" {
			o.Attrs[fd.Name] = c
			x.set.add(fd.Name)
		}
		return
	default:
		s, ok := val.(string)
		if !ok {
			return
		}
		if msg := spec.CheckText(s, fd.Type == spec.TypeText); msg != "" {
			l.valueErrorAt(f, p, "%s: %s", fd.Name, msg)
			return
		}
		if msg := checkScheme(fd, s); msg != "" {
			l.valueErrorAt(f, p, "%s", msg)
			return
		}
		if fd.Pattern != "" {
			if re, err := regexp.Compile(fd.Pattern); err == nil && !re.MatchString(s) {
				l.valueErrorAt(f, p, "%s %q does not match %s: %s", fd.Name, s, fd.Pattern, fd.Doc)
				return
			}
		}
		raw = s
	}
	c, err := spec.Canonical(fd, raw)
	if err != nil {
		return // out of range or not in the enum: the schema says so
	}
	if c != "" {
		o.Attrs[fd.Name] = c
	}
	if c != "" && !(fd.Type == spec.TypeBool && c == "false") {
		x.set.add(fd.Name)
	}
}

// checkScheme returns why the URL s may not be the value of fd (its scheme is not one of
// fd.Schemes), or "".
func checkScheme(fd *spec.FieldDef, s string) string {
	if len(fd.Schemes) == 0 {
		return ""
	}
	scheme, _, ok := strings.Cut(s, "://")
	for _, sc := range fd.Schemes {
		if ok && strings.EqualFold(scheme, sc) {
			return ""
		}
	}
	return fmt.Sprintf("%s %q must be a %s URL", fd.Name, s, strings.Join(fd.Schemes, " or "))
}

// decimalRE is how an integer is written: base 10, without leading zeros (a minus sign is left
// to the schema's minimum).
var decimalRE = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

// integer reads the value of an integer field. Only a YAML integer written in base 10 is one:
// YAML reads 03306 and 0o10 as octal and 0x10 as hex, and 3306.0 or 1e3 are floats that Qualys
// would not take; each is refused where it is written, instead of being sent as another number or
// dropped. Other types are left to the schema.
func (l *loader) integer(f *yamlFile, p vpath, fd *spec.FieldDef, val any) (int64, bool) {
	raw := f.rawPath(p)
	switch n := val.(type) {
	case int64:
		if decimalRE.MatchString(raw) {
			return n, true
		}
		l.valueErrorAt(f, p, "%s %s is not written in base 10 (YAML reads it as %d): write the number in decimal digits without leading zeros", fd.Name, raw, n)
	case float64:
		l.valueErrorAt(f, p, "%s %s is not an integer: write it in decimal digits only", fd.Name, raw)
	}
	return 0, false
}

// secretRef reads {env: NAME} or {file: path}; a plain value is refused without being echoed.
func (l *loader) secretRef(f *yamlFile, p vpath, fd *spec.FieldDef, val any) (spec.SecretRef, bool) {
	m, ok := val.(map[string]any)
	if !ok {
		switch val.(type) {
		case string, int64, float64, bool:
			l.valueErrorAt(f, p, "%s is a secret: write {env: NAME} or {file: path}, never the value itself", fd.Name)
		case nil:
			l.valueErrorAt(f, p, "%s is empty: write {env: NAME} or {file: path}", fd.Name)
		default:
			l.valueErrorAt(f, p, "%s must be {env: NAME} or {file: path}, not %s", fd.Name, describe(val))
		}
		return spec.SecretRef{}, false
	}
	var ref spec.SecretRef
	bad := false
	var buf [8]string
	for _, k := range sortedKeys(buf[:0], m) {
		kerr := func(format string, args ...any) { // the path is built only for a message
			kp := child(p.String(), k)
			l.valueErrorf(f.at(kp), kp, format, args...)
			bad = true
		}
		s, isStr := m[k].(string)
		switch k {
		case "env":
			switch {
			case !isStr:
				kerr("the environment variable name must be a string, not %s", describe(m[k]))
			case strings.TrimSpace(s) == "":
				kerr("empty environment variable name")
			case !envNameRE.MatchString(s):
				kerr("%q is not an environment variable name (letters, digits and _)", s)
			default:
				if msg := secret.CheckEnvName(s, l.secretEnvPrefix()); msg != "" {
					kerr("%s", msg)
					continue
				}
				ref.Env = s
			}
		case "file":
			switch {
			case !isStr:
				kerr("the file path must be a string, not %s", describe(m[k]))
			case strings.TrimSpace(s) == "":
				kerr("empty file path")
			default:
				if !filepath.IsAbs(s) {
					s = filepath.Join(f.dir, s)
				}
				ref.File = filepath.Clean(s)
				root, err := l.secretRoot(f.dir)
				if err == nil {
					err = secret.CheckFile(ref.File, root)
				}
				if err != nil {
					kerr("%v", err)
					continue
				}
				ref.Root = root
			}
		default:
			l.unknownKey(f, p.String(), k, []string{"env", "file"}, "in a secret reference")
			bad = true
		}
	}
	if bad {
		return spec.SecretRef{}, false
	}
	switch {
	case ref.Env != "" && ref.File != "":
		l.valueErrorAt(f, p, "a secret reference has one of env and file, not both")
		return spec.SecretRef{}, false
	case ref.Env == "" && ref.File == "":
		l.valueErrorAt(f, p, "%s needs {env: NAME} or {file: path}", fd.Name)
		return spec.SecretRef{}, false
	}
	return ref, true
}

// secretEnvPrefix is the prefix {env: NAME} references must have ("" for any).
func (l *loader) secretEnvPrefix() string {
	if l.opts.SecretEnvPrefix != "" {
		return l.opts.SecretEnvPrefix
	}
	return os.Getenv(secret.EnvSecretEnvPrefix)
}

// secretRoot is the directory {file: ...} references of files in dir must resolve inside.
func (l *loader) secretRoot(dir string) (string, error) {
	if r, ok := l.roots[dir]; ok {
		return r, nil
	}
	sd := l.opts.SecretDir
	if sd == "" {
		sd = os.Getenv(secret.EnvSecretDir)
	}
	r, err := secret.Root(dir, sd)
	if err != nil {
		return "", err
	}
	if l.roots == nil {
		l.roots = map[string]string{}
	}
	l.roots[dir] = r
	return r, nil
}

// ips parses the record's address list.
func (l *loader) ips(f *yamlFile, p vpath, val any, o *spec.Object, x *objExtra) {
	entries, ok := val.([]any)
	if !ok {
		return
	}
	list := f.nodeOf(p)
	var b netipx.IPSetBuilder
	for i, v := range entries {
		s, ok := v.(string)
		if !ok {
			continue
		}
		e := ipEntry{x: x, index: i}
		if pos, ok := f.tree.NodePos(f.tree.Item(list, i)); ok {
			e.pos = f.toPos(pos)
		} else {
			e.pos = f.at(e.path())
		}
		r, err := spec.ParseIP(s)
		if err != nil {
			l.valueErrorf(e.pos, e.path(), "%v", err)
			continue
		}
		for _, prev := range x.ips {
			if ov, ok := intersectRange(prev.r, r); ok {
				l.ds.Warnf(e.pos, e.path(), "%s is already listed at %s", spec.FormatRange(ov), prev.path())
				break
			}
		}
		e.r = r
		x.ips = append(x.ips, e)
		b.AddRange(r)
	}
	set, err := spec.IPSetFromBuilder(&b)
	if err != nil {
		l.ds.Errorf(f.atPath(p), p.String(), "%v", err)
		return
	}
	o.IPs = set
}

// intersectRange returns the overlap of a and b.
func intersectRange(a, b netipx.IPRange) (netipx.IPRange, bool) {
	if !a.Overlaps(b) {
		return netipx.IPRange{}, false
	}
	from, to := a.From(), a.To()
	if b.From().Compare(from) > 0 {
		from = b.From()
	}
	if b.To().Compare(to) < 0 {
		to = b.To()
	}
	return netipx.IPRangeFrom(from, to), true
}

// objectRules checks what one object's descriptor says about it: basic-login fields, required
// fields, OneOf and Exclusive groups.
func (l *loader) objectRules(o *spec.Object, def *spec.KindDef, x *objExtra) {
	f := x.file
	if o.Kind.IsRecord() {
		for i := range def.Fields {
			fd := &def.Fields[i]
			if !fd.Basic {
				continue
			}
			written := f.writtenPath(memberPath(x.path, x.node, fd.Name))
			switch {
			case o.Login != nil && written:
				p := child(x.path, fd.Name)
				l.ds.Errorf(f.keyAt(p), p, "%s is for basic login; this record logs in through vault %q", fd.Name, o.Login.Vault)
			case o.Login == nil && fd.Required && !x.set.has(fd.Name) && !fd.LiftedBy(o):
				var alts []string
				for _, n := range fd.RequiredUnless {
					if u := def.Field(n); u != nil && u.Type == spec.TypeItems {
						alts = append(alts, "or "+n)
					} else {
						alts = append(alts, "or "+n+": true")
					}
				}
				alt := strings.Join(append(alts, "or a login through a vault"), ", ")
				if !written { // a written but invalid value is reported where it is
					l.ds.Errorf(o.Pos, x.path, "%s needs %s (%s)", spec.ObjectLabel(o), fd.Name, alt)
				}
			}
		}
	}
	for _, g := range def.OneOf {
		if n := x.set.count(g); n != 1 {
			l.ds.Errorf(o.Pos, x.path, "set exactly one of %s (%d set)", strings.Join(g, ", "), n)
		}
	}
	for _, g := range def.AnyOf {
		if x.set.count(g) == 0 {
			l.ds.Errorf(o.Pos, x.path, "set at least one of %s", strings.Join(g, ", "))
		}
	}
	for _, g := range def.Together {
		if n := x.set.count(g); n > 0 && n < len(g) {
			var missing, present []string
			for _, k := range g {
				if x.set.has(k) {
					present = append(present, k)
				} else {
					missing = append(missing, k)
				}
			}
			l.ds.Errorf(o.Pos, x.path, "%s go together: add %s or remove %s", strings.Join(g, " and "),
				strings.Join(missing, ", "), strings.Join(present, ", "))
		}
	}
	for _, c := range def.RequiredWhen {
		if o.Attrs[c.Field] != c.Value {
			continue
		}
		for _, k := range c.Require {
			if !x.set.has(k) {
				if !f.writtenPath(memberPath(x.path, x.node, k)) {
					l.ds.Errorf(o.Pos, x.path, "%s %s needs %s", c.Field, c.Value, k)
				}
			}
		}
	}
	for _, g := range def.Exclusive {
		var set []string // the members chosen: a flag written false chooses nothing (FieldDef.Chooses)
		for _, k := range g {
			if fd := def.Field(k); x.set.has(k) && (fd == nil || fd.Type == spec.TypeSecret || fd.Chooses(o.Attrs[k])) {
				set = append(set, k)
			}
		}
		if len(set) > 1 {
			p := child(x.path, set[len(set)-1])
			l.ds.Errorf(f.keyAt(p), p, "%s cannot be combined with %s", set[len(set)-1], strings.Join(set[:len(set)-1], ", "))
		}
	}
}

// unknownKey reports key under path, suggesting the nearest allowed key.
func (l *loader) unknownKey(f *yamlFile, path, key string, allowed []string, where string) {
	p := child(path, key)
	msg := fmt.Sprintf("unknown key %q %s", key, where)
	if s := suggest(key, allowed); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	} else if owners := fieldOwners(key); len(owners) > 0 {
		msg += fmt.Sprintf(" (it is a field of %s)", strings.Join(owners, ", "))
	}
	l.ds.Errorf(f.keyAt(p), p, "%s", msg)
}

// fieldOwners lists the kinds that have a field named key.
func fieldOwners(key string) []string {
	var out []string
	for _, defs := range [][]spec.KindDef{spec.RecordKinds(), spec.VaultKinds()} {
		for i := range defs {
			if defs[i].Field(key) != nil {
				out = append(out, kindName(&defs[i]))
			}
		}
	}
	if len(out) > 3 {
		out = append(out[:3], "...")
	}
	return out
}

// suggest returns the candidate nearest to s by edit distance, when it is near enough.
func suggest(s string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		if bestD < 0 || d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	limit := max(2, len(s)/3)
	if bestD < 0 || bestD > limit || bestD >= len(s) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
