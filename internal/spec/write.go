package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// WriteOptions change how Write renders a Document.
type WriteOptions struct {
	// SchemaPath, when set, is written in a "# yaml-language-server: $schema=..." first line so
	// editors validate and complete the file (e.g. "../schema/qsync.schema.json").
	SchemaPath string
	// SecretRefs adds an {env: SecretEnvName(...)} reference for every secret an object needs but
	// does not reference (export: Qualys never returns secrets, so live objects have none), and for
	// every secret of a list entry (a unix key, its passphrase, a root tool's password) Qualys
	// lists as given directly.
	SecretRefs bool
	// EnvNames, when set, names the references SecretRefs adds (nil: SecretEnvName); see
	// NewEnvNames.
	EnvNames *EnvNames
	// Comment, when set, returns a comment written above each object (e.g. export's "managed by
	// owner secops"); "" writes none. Load ignores comments, so they do not change the Document.
	Comment func(o *Object) string
	// Live says the document is a live estate (export): a value equal to what Qualys reports for
	// a field never set (FieldDef.Default) is left out, so the exported field stays unmanaged.
	// Without it only documented defaults (what omitting a field means) are left out.
	Live bool
}

// Write renders doc in the YAML shape Load reads: version, owner, vaults sorted by title, then
// records sorted by kind and title. IPs are written as merged ranges, settings that equal their
// Qualys default are left out, secrets are {env: NAME} or {file: path} references, and multi-line
// comments use block style. load.Files(Write(doc)) yields doc again.
func Write(w io.Writer, doc *Document, opts WriteOptions) error {
	root := mapping()
	addKey(root, "version", scalar("!!int", "1"))
	if doc.Owner != "" {
		addKey(root, "owner", ystr(doc.Owner))
	}
	objs := append([]*Object(nil), doc.Objects...)
	sort.SliceStable(objs, func(i, j int) bool { return Less(objs[i].Key(), objs[j].Key()) })
	vaults, records := sequence(), sequence()
	for _, o := range objs {
		def := o.Def()
		if def == nil {
			return fmt.Errorf("write %s: unknown kind or type", ObjectLabel(o))
		}
		if o.Kind == KindVault {
			vaults.Content = append(vaults.Content, writeObject(o, def, opts))
		} else {
			records.Content = append(records.Content, writeObject(o, def, opts))
		}
	}
	if len(vaults.Content) > 0 {
		addKey(root, "vaults", vaults)
	}
	if len(records.Content) > 0 {
		addKey(root, "records", records)
	}
	if opts.SchemaPath != "" {
		if _, err := fmt.Fprintf(w, "# yaml-language-server: $schema=%s\n", opts.SchemaPath); err != nil {
			return fmt.Errorf("write YAML: %w", err)
		}
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("write YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("write YAML: %w", err)
	}
	return nil
}

func writeObject(o *Object, def *KindDef, opts WriteOptions) *yaml.Node {
	m := mapping()
	if opts.Comment != nil {
		m.HeadComment = opts.Comment(o)
	}
	if o.Kind == KindVault {
		addKey(m, "title", ystr(o.Title))
		addKey(m, "type", ystr(o.Type))
	} else {
		addKey(m, "type", ystr(string(o.Kind)))
		if o.Type != "" {
			variant, _ := VariantKeys(o.Kind)
			addKey(m, variant, ystr(o.Type))
		}
		addKey(m, "title", ystr(o.Title))
	}
	if len(o.PreviousTitles) > 0 {
		s := sequence()
		s.Style = yaml.FlowStyle
		for _, t := range o.PreviousTitles {
			s.Content = append(s.Content, ystr(t))
		}
		addKey(m, "previous_titles", s)
	}
	if o.Comments != "" {
		addKey(m, "comments", ytext(o.Comments))
	}
	if o.Kind.IsRecord() {
		s := sequence()
		s.Style = yaml.FlowStyle
		for _, e := range o.IPs.Entries() {
			s.Content = append(s.Content, ystr(e))
		}
		addKey(m, "ips", s)
	}
	for i := range def.Fields {
		f := &def.Fields[i]
		if f.Unsendable != "" {
			continue // read only: left out, so unmanaged
		}
		if f.Type == TypeItems {
			if items, ok := o.Items[f.Name]; ok {
				addKey(m, f.Name, writeItems(o, f, items, opts))
			}
			continue
		}
		if f.Type == TypeSecret {
			ref, ok := o.Secrets[f.Name]
			if !ok && opts.SecretRefs && needsSecret(o, def, f) {
				ref, ok = SecretRef{Env: opts.EnvNames.Name(o.Kind, o.Title, f.Name)}, true
			}
			if ok {
				addKey(m, f.Name, secretNode(ref))
			}
			continue
		}
		// A documented default is what omitting the field means; see WriteOptions.Live for the
		// rest. A configuration's explicit value is kept: omitting it would unmanage the field.
		v, ok := o.Attrs[f.Name]
		if !ok || v == "" || v == f.OmittedDefault() || (opts.Live && v == f.Default) {
			continue
		}
		addKey(m, f.Name, valueNode(f, v))
	}
	if o.Login != nil {
		l := mapping()
		l.Style = yaml.FlowStyle
		addKey(l, "vault", ystr(o.Login.Vault))
		for _, k := range slices.Sorted(maps.Keys(o.Login.Params)) {
			if o.Login.Params[k] != "" {
				addKey(l, k, ystr(o.Login.Params[k]))
			}
		}
		addKey(m, "login", l)
	}
	if o.Adopt {
		addKey(m, "adopt", scalar("!!bool", "true"))
	}
	if o.Protect {
		addKey(m, "protect", scalar("!!bool", "true"))
	}
	return m
}

// needsSecret reports whether Load would require secret field f of o: a required field (for a
// Basic one, only with basic login), a field a RequiredWhen condition requires, or the missing
// half of a Together group.
func needsSecret(o *Object, def *KindDef, f *FieldDef) bool {
	if f.Required {
		return !(f.Basic && (o.Login != nil || f.LiftedBy(o)))
	}
	for _, c := range def.RequiredWhen {
		if o.Attrs[c.Field] == c.Value && slices.Contains(c.Require, f.Name) {
			return true
		}
	}
	for _, g := range def.Together {
		if !slices.Contains(g, f.Name) {
			continue
		}
		for _, k := range g {
			if o.Attrs[k] != "" {
				return true
			}
		}
	}
	return false
}

// SecretEnvName returns the environment variable name export writes for a secret parameter of an
// object: QSYNC_<KIND>_<TITLE>_<PARAM> in upper case, other characters turned into underscores,
// e.g. SecretEnvName(KindUnix, "core-switches", "password") is QSYNC_UNIX_CORE_SWITCHES_PASSWORD.
func SecretEnvName(kind Kind, title, param string) string {
	return "QSYNC_" + envPart(string(kind)) + "_" + envPart(title) + "_" + envPart(param)
}

// EnvNames gives every secret parameter of a set of objects its own environment variable name.
// SecretEnvName folds case and turns other characters into underscores, so titles such as
// "db-1", "db_1" and "DB 1" (or two emoji titles) would share one variable, and one value would
// overwrite the others' passwords. When names collide, every object sharing one gets a suffix
// from a hash of its kind and title before the parameter (QSYNC_MYSQL_DB_1_3F2A9C_PASSWORD):
// deterministic, and the same for a title whatever the order of the objects.
type EnvNames struct {
	names  map[envKey]string
	shared map[string]string // suffixed name -> the name it would have shared
}

type envKey struct {
	kind         Kind
	title, param string
}

// NewEnvNames names the secret parameters of objs: every secret field of each object's kind, and
// every placeholder of its list entries (unix keys, passphrases, root tool passwords:
// "private_keys.0.key").
func NewEnvNames(objs []*Object) *EnvNames {
	byName := map[string][]envKey{}
	for _, o := range objs {
		def := o.Def()
		if def == nil {
			continue
		}
		var params []string
		for i := range def.Fields {
			if f := &def.Fields[i]; f.Type == TypeSecret {
				params = append(params, f.Name)
			}
		}
		for _, p := range append(params, itemPlaceholderParams(o, def)...) {
			k := envKey{o.Kind, o.Title, p}
			n := SecretEnvName(k.kind, k.title, k.param)
			if !slices.Contains(byName[n], k) {
				byName[n] = append(byName[n], k)
			}
		}
	}
	n := &EnvNames{names: map[envKey]string{}, shared: map[string]string{}}
	for name, keys := range byName {
		titles := map[Key]bool{}
		for _, k := range keys {
			titles[Key{Kind: k.kind, Title: k.title}] = true
		}
		for _, k := range keys {
			if len(titles) < 2 {
				n.names[k] = name
				continue
			}
			sum := sha256.Sum256([]byte(string(k.kind) + "\x00" + k.title))
			u := "QSYNC_" + envPart(string(k.kind)) + "_" + envPart(k.title) + "_" + strings.ToUpper(hex.EncodeToString(sum[:3])) + "_" + envPart(k.param)
			n.names[k], n.shared[u] = u, name
		}
	}
	return n
}

// Shared returns the name that name (from Name) replaces because several objects would have
// shared it, and whether it does.
func (n *EnvNames) Shared(name string) (string, bool) {
	if n == nil {
		return "", false
	}
	base, ok := n.shared[name]
	return base, ok
}

// Name returns the variable of an object's secret parameter: the one NewEnvNames chose, else
// SecretEnvName (also for a nil EnvNames).
func (n *EnvNames) Name(kind Kind, title, param string) string {
	if n != nil {
		if name, ok := n.names[envKey{kind, title, param}]; ok {
			return name
		}
	}
	return SecretEnvName(kind, title, param)
}

func envPart(s string) string {
	var b strings.Builder
	under := true // collapse runs and drop leading underscores
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			under = false
		} else if !under {
			b.WriteByte('_')
			under = true
		}
	}
	out := strings.TrimRight(b.String(), "_")
	if out == "" {
		return "X"
	}
	return out
}

func valueNode(f *FieldDef, v string) *yaml.Node {
	switch f.Type {
	case TypeBool:
		return scalar("!!bool", v)
	case TypeInt:
		return scalar("!!int", v)
	case TypeList:
		s := sequence()
		s.Style = yaml.FlowStyle
		for _, it := range strings.Split(v, ",") {
			s.Content = append(s.Content, ystr(it))
		}
		return s
	case TypeText:
		return ytext(v)
	}
	return ystr(v)
}

func secretNode(ref SecretRef) *yaml.Node {
	m := mapping()
	m.Style = yaml.FlowStyle
	if ref.Env != "" {
		addKey(m, "env", ystr(ref.Env))
	} else {
		addKey(m, "file", ystr(ref.File))
	}
	return m
}

func mapping() *yaml.Node  { return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"} }
func sequence() *yaml.Node { return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"} }

func scalar(tag, v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v} }

func ystr(v string) *yaml.Node { return scalar("!!str", v) }

// text writes multi-line text in literal block style.
func ytext(v string) *yaml.Node {
	n := ystr(v)
	if strings.Contains(v, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

func addKey(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, ystr(key), v)
}
