package live

import (
	"sort"
	"strings"
	"sync"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// Report says what a read saw beyond qsync's model, so that a first contact with a real
// subscription (qsync doctor) can show which inferred parts of the wire contract the answers
// confirmed or contradicted. It holds element names and counts, never values.
type Report struct {
	// Groups has one entry per kind and type read ("mysql", "unix", "unix/cisco", "vault",
	// "vault/ca_pam"), sorted by Name.
	Groups []Group `json:"groups"`
	// ListAll is what the list-all call answered and how the read used it; nil when it was not
	// called (a reader without ListAll, or one kind or none read).
	ListAll *ListAllUse `json:"list_all,omitempty"`
	// Notices are what a reader of the plan should know about how the estate was read (element
	// names and counts, never values).
	Notices []string `json:"notices,omitempty"`
}

// Group is what was read of one kind and type.
type Group struct {
	Name string `json:"name"`
	// Objects counts the objects read; Opaque those among them qsync cannot represent.
	Objects int `json:"objects"`
	Opaque  int `json:"opaque"`
	// Examined counts the objects whose elements were compared with the model (records of a known
	// kind and type, viewed vaults of a known type).
	Examined int `json:"examined"`
	// Elements maps every element the model reads for this type to how many examined objects
	// carried it (present, even empty). 0 means the element was never seen: either no object sets
	// it, or Qualys names it differently.
	Elements map[string]int `json:"elements,omitempty"`
	// Unexpected maps elements the model does not know (or nested ones it does not read, such as
	// ROOT_TOOL_INFO_LIST) to how many examined objects carried them.
	Unexpected map[string]int `json:"unexpected,omitempty"`
}

// groupName is the report group of an object of kind and type.
func groupName(kind spec.Kind, typ string) string {
	if typ == "" {
		return string(kind)
	}
	return string(kind) + "/" + typ
}

// recordElements are record elements the client decodes into Fields that are not FieldDefs
// (besides each kind's variant element, see spec.VariantKeys).
var recordElements = map[string]bool{"LAST_MODIFIED_BY": true}

type reportBuilder struct {
	mu     sync.Mutex
	groups map[string]*Group
	byDef  map[*spec.KindDef]*Group // the groups of examined, by descriptor: no name built per record
	// vaultTypes is spec.VaultTypeByQualys by Qualys type name, looked up once per name.
	vaultTypes map[string]*spec.KindDef
	listAll    *ListAllUse
}

func newReportBuilder() *reportBuilder {
	return &reportBuilder{groups: map[string]*Group{}, byDef: map[*spec.KindDef]*Group{}, vaultTypes: map[string]*spec.KindDef{}}
}

// examined returns the group of def with its element table filled in. The caller holds b.mu.
func (b *reportBuilder) examined(def *spec.KindDef) *Group {
	if g := b.byDef[def]; g != nil {
		g.Examined++
		return g
	}
	name := groupName(def.Kind, def.Type)
	g := b.groups[name]
	if g == nil {
		g = &Group{Name: name, Elements: map[string]int{}}
		for _, f := range def.Fields {
			if f.Element != "" && f.Type != spec.TypeSecret {
				g.Elements[f.Element] += 0
			}
		}
		b.groups[name] = g
	}
	b.byDef[def] = g
	g.Examined++
	return g
}

func (g *Group) unexpected(name string) {
	if g.Unexpected == nil {
		g.Unexpected = map[string]int{}
	}
	g.Unexpected[name]++
}

// records notes the elements of a page of listed records.
func (b *reportBuilder) records(kind spec.Kind, recs []qualysclient.Record) {
	variantElem := kindFactsOf(kind).variantElem
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := range recs {
		b.record(kind, variantElem, &recs[i])
	}
}

// record notes the elements of one listed record. The caller holds b.mu.
func (b *reportBuilder) record(kind spec.Kind, variantElem string, rec *qualysclient.Record) {
	def := spec.VariantByQualys(kind, strings.TrimSpace(rec.Fields[variantElem]))
	if def == nil {
		return
	}
	g := b.examined(def)
	for name := range rec.Fields {
		if _, ok := g.Elements[name]; ok {
			g.Elements[name]++
		} else if !recordElements[name] && name != variantElem {
			g.unexpected(name)
		}
	}
	// Containers of repeated leaves (HOSTS) and of structured entries (a unix record's
	// PRIVATE_KEY_CERTIFICATE_LIST and ROOT_TOOL_INFO_LIST, as in the Doc Center sample).
	for name := range rec.Lists {
		g.container(name)
	}
	for name := range rec.Entries {
		g.container(name)
	}
	for _, name := range rec.Unparsed {
		g.unexpected(name)
	}
	if rec.Vault != nil {
		vdef, ok := b.vaultTypes[rec.Vault.Type]
		if !ok {
			vdef = spec.VaultTypeByQualys(rec.Vault.Type)
			b.vaultTypes[rec.Vault.Type] = vdef
		}
		for name := range rec.Vault.Fields {
			known := false
			if vdef != nil {
				for _, p := range vdef.LoginParams {
					known = known || p.Element == name
				}
			}
			if !known {
				g.unexpected("DIGITAL_VAULT/" + name)
			}
		}
	}
}

// container counts a container element of a record: known to the model or unexpected.
func (g *Group) container(name string) {
	if _, ok := g.Elements[name]; ok {
		g.Elements[name]++
	} else {
		g.unexpected(name)
	}
}

// vault notes the elements of one viewed vault.
func (b *reportBuilder) vault(v qualysclient.Vault) {
	def := spec.VaultTypeByQualys(v.Type)
	if def == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	g := b.examined(def)
	for name := range v.Fields {
		if _, ok := g.Elements[name]; ok {
			g.Elements[name]++
		} else {
			g.unexpected(name)
		}
	}
	for _, name := range v.Unparsed {
		g.unexpected(name)
	}
}

// report counts the objects of doc into the groups and returns the sorted report.
func (b *reportBuilder) report(doc *spec.Document) *Report {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, o := range doc.Objects {
		name := groupName(o.Kind, o.Type)
		g := b.groups[name]
		if g == nil {
			g = &Group{Name: name}
			b.groups[name] = g
		}
		g.Objects++
		if o.Opaque != "" {
			g.Opaque++
		}
	}
	r := &Report{}
	for _, g := range b.groups {
		r.Groups = append(r.Groups, *g)
	}
	sort.Slice(r.Groups, func(i, j int) bool { return r.Groups[i].Name < r.Groups[j].Name })
	r.ListAll = b.listAll
	r.Notices = b.listAll.notices()
	return r
}
