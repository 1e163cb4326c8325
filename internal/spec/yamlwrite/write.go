package yamlwrite

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/qsync/qsync/internal/spec"
)

// Options change how Write renders a Document.
type Options struct {
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
	Comment func(o *spec.Object) string
	// Live says the document is a live estate (export): a value equal to what Qualys reports for
	// a field never set (FieldDef.Default) is left out, so the exported field stays unmanaged.
	// Without it only documented defaults (what omitting a field means) are left out.
	Live bool
}

// Write renders doc in the YAML shape Load reads: version, owner, vaults sorted by title, then
// records sorted by kind and title. IPs are written as merged ranges, settings that equal their
// Qualys default are left out, secrets are {env: NAME} or {file: path} references, and multi-line
// comments use block style. load.Files(Write(doc)) yields doc again.
func Write(w io.Writer, doc *spec.Document, opts Options) error {
	root := mapping()
	addKey(root, "version", scalar("!!int", "1"))
	if doc.Owner != "" {
		addKey(root, "owner", ystr(doc.Owner))
	}
	objs := append([]*spec.Object(nil), doc.Objects...)
	sort.SliceStable(objs, func(i, j int) bool { return spec.Less(objs[i].Key(), objs[j].Key()) })
	vaults, records := sequence(), sequence()
	for _, o := range objs {
		def := o.Def()
		if def == nil {
			return fmt.Errorf("write %s: unknown kind or type", spec.ObjectLabel(o))
		}
		if o.Kind == spec.KindVault {
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

func writeObject(o *spec.Object, def *spec.KindDef, opts Options) *yaml.Node {
	m := mapping()
	if opts.Comment != nil {
		m.HeadComment = opts.Comment(o)
	}
	if o.Kind == spec.KindVault {
		addKey(m, "title", ystr(o.Title))
		addKey(m, "type", ystr(o.Type))
	} else {
		addKey(m, "type", ystr(string(o.Kind)))
		if o.Type != "" {
			variant, _ := spec.VariantKeys(o.Kind)
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
		if f.Type == spec.TypeItems {
			if items, ok := o.Items[f.Name]; ok {
				addKey(m, f.Name, writeItems(o, f, items, opts))
			}
			continue
		}
		if f.Type == spec.TypeSecret {
			ref, ok := o.Secrets[f.Name]
			if !ok && opts.SecretRefs && needsSecret(o, def, f) {
				ref, ok = spec.SecretRef{Env: opts.EnvNames.Name(o.Kind, o.Title, f.Name)}, true
			}
			if ok {
				addKey(m, f.Name, secretNode(ref))
			}
			continue
		}
		// A documented default is what omitting the field means; see Options.Live for the
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
func needsSecret(o *spec.Object, def *spec.KindDef, f *spec.FieldDef) bool {
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

func valueNode(f *spec.FieldDef, v string) *yaml.Node {
	switch f.Type {
	case spec.TypeBool:
		return scalar("!!bool", v)
	case spec.TypeInt:
		return scalar("!!int", v)
	case spec.TypeList:
		s := sequence()
		s.Style = yaml.FlowStyle
		for _, it := range strings.Split(v, ",") {
			s.Content = append(s.Content, ystr(it))
		}
		return s
	case spec.TypeText:
		return ytext(v)
	}
	return ystr(v)
}

func secretNode(ref spec.SecretRef) *yaml.Node {
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
