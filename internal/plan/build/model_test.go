package build

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// model is a small in-memory Qualys: it applies plan steps to a live Document with the rules the
// wire contract documents (unique titles per kind, one unix-family or windows record per IP,
// remove_ips never with ips, immutable fields and types, vault_id excludes password, no delete of a
// vault in use), and remembers the secret values sent.
type model struct {
	doc      *spec.Document
	nextID   int64
	vaultIDs map[string]int64
	secrets  map[int64]map[string]string
	values   func(spec.SecretRef) string
	calls    int
	reported int // unreported settings an update sent, which Qualys reports from then on
}

func cloneObj(o *spec.Object) *spec.Object {
	c := *o
	c.Attrs = clone(o.Attrs)
	c.Unknown = slices.Clone(o.Unknown)
	if o.Login != nil {
		l := *o.Login
		l.Params = clone(o.Login.Params)
		c.Login = &l
	}
	if o.Marker != nil {
		m := *o.Marker
		if o.Marker.Fingerprints != nil {
			m.Fingerprints = clone(o.Marker.Fingerprints)
		}
		c.Marker = &m
	}
	return &c
}

func newModel(live *spec.Document, values func(spec.SecretRef) string) *model {
	m := &model{doc: &spec.Document{Owner: live.Owner}, nextID: 1000, vaultIDs: map[string]int64{},
		secrets: map[int64]map[string]string{}, values: values}
	for _, o := range live.Objects {
		m.doc.Objects = append(m.doc.Objects, cloneObj(o))
		if o.ID >= m.nextID {
			m.nextID = o.ID + 1
		}
	}
	return m
}

func (m *model) byID(kind spec.Kind, id int64) *spec.Object {
	for _, o := range m.doc.Objects {
		if o.ID == id && (o.Kind == kind) {
			return o
		}
	}
	return nil
}

func (m *model) vaultByID(id int64) *spec.Object { return m.byID(spec.KindVault, id) }

func (m *model) titleTaken(kind spec.Kind, title string, except *spec.Object) bool {
	for _, o := range m.doc.Objects {
		if o != except && o.Kind == kind && o.Title == title {
			return true
		}
	}
	return false
}

func (m *model) checkExclusive() error {
	if err := m.checkUniqueRules(); err != nil {
		return err
	}
	byGroup := map[string][]*spec.Object{}
	for _, o := range m.doc.Objects {
		if d := o.Def(); d != nil && d.ExclusiveGroup != "" {
			byGroup[d.ExclusiveGroup] = append(byGroup[d.ExclusiveGroup], o)
		}
	}
	for g, os := range byGroup {
		for i := range os {
			for j := i + 1; j < len(os); j++ {
				if x := os[i].IPs.Intersect(os[j].IPs); !x.IsZero() {
					return fmt.Errorf("ips %s already in record %d (%s group)", x, os[i].ID, g)
				}
			}
		}
	}
	return nil
}

func (m *model) apply(p *plan.Plan) error {
	for _, s := range p.Steps {
		for _, d := range s.DependsOn {
			if d >= s.ID {
				return fmt.Errorf("step %d depends on later step %d", s.ID, d)
			}
		}
		if err := m.step(s); err != nil {
			return fmt.Errorf("step %d (%s %v): %w", s.ID, s.Endpoint(), s.Keys, err)
		}
	}
	return nil
}

func (m *model) step(s plan.Step) error {
	m.calls++
	params := clone(s.Params)
	sent := map[string]string{}
	for k, ref := range s.Secrets {
		sent[k] = m.values(ref)
	}
	if s.VaultRef != "" {
		id, ok := m.vaultIDs[s.VaultRef]
		if !ok {
			return fmt.Errorf("vault %q not created yet", s.VaultRef)
		}
		params["vault_id"] = strconv.FormatInt(id, 10)
	}
	if _, ok := params["remove_ips"]; ok {
		if _, ok := params["ips"]; ok {
			return fmt.Errorf("remove_ips with ips")
		}
	}
	if s.Kind == spec.KindVault {
		return m.vaultStep(s, params, sent)
	}
	switch s.Op {
	case plan.OpCreate:
		def := spec.Lookup(s.Kind, params["sub_type"])
		if def == nil {
			return fmt.Errorf("unknown sub_type %q", params["sub_type"])
		}
		o := &spec.Object{Kind: s.Kind, Type: def.Type, ID: m.nextID}
		m.nextID++
		if params["title"] == "" || m.titleTaken(s.Kind, params["title"], nil) {
			return fmt.Errorf("title %q missing or taken", params["title"])
		}
		m.doc.Objects = append(m.doc.Objects, o)
		return m.updateRecord(o, def, params, sent, true)
	case plan.OpUpdate:
		if params["title"] != "" && len(s.IDs) > 1 {
			return fmt.Errorf("one title for many records")
		}
		for _, id := range s.IDs {
			o := m.byID(s.Kind, id)
			if o == nil {
				return fmt.Errorf("no record %d", id)
			}
			if _, ok := params["sub_type"]; ok {
				return fmt.Errorf("sub_type cannot change")
			}
			if err := m.updateRecord(o, o.Def(), params, sent, false); err != nil {
				return err
			}
		}
		return nil
	case plan.OpDelete:
		for _, id := range s.IDs {
			if m.byID(s.Kind, id) == nil {
				return fmt.Errorf("no record %d", id)
			}
			m.remove(s.Kind, id)
		}
		return nil
	}
	return fmt.Errorf("unknown op %q", s.Op)
}

func (m *model) remove(kind spec.Kind, id int64) {
	out := m.doc.Objects[:0]
	for _, o := range m.doc.Objects {
		if !(o.Kind == kind && o.ID == id) {
			out = append(out, o)
		}
	}
	m.doc.Objects = out
}

func (m *model) setFields(o *spec.Object, def *spec.KindDef, params map[string]string, create bool) error {
	for i := range def.Fields {
		f := &def.Fields[i]
		v, ok := params[f.Name]
		if !ok || f.Type == spec.TypeSecret {
			continue
		}
		c, err := spec.Canonical(f, v)
		if err != nil {
			return fmt.Errorf("%s: %v", f.Name, err)
		}
		if !create && o.IsUnknown(f.Name) {
			// A setting Qualys did not report: plan sends only a configured value of a mutable
			// setting that is not the never-set one (diff.go, sendsUnreported), besides what the
			// vault API wants on every update (ResendOnUpdate). Once set, Qualys reports it.
			if !f.ResendOnUpdate && (f.Immutable || c == "" || c == f.Default) {
				return fmt.Errorf("%s was not reported by Qualys: sending %q is a replacement or a no-op", f.Name, c)
			}
			o.Unknown = slices.DeleteFunc(o.Unknown, func(n string) bool { return n == f.Name })
			if len(o.Unknown) == 0 {
				o.Unknown = nil
			}
			if !f.ResendOnUpdate {
				m.reported++
			}
		}
		if f.Immutable && !create && c != canon(f, o.Attrs) {
			return fmt.Errorf("%s is immutable", f.Name)
		}
		if c == "" {
			delete(o.Attrs, f.Name)
		} else {
			o.Attrs[f.Name] = c
		}
	}
	for i := range def.Fields {
		if f := &def.Fields[i]; f.Default != "" && o.Attrs[f.Name] == "" && f.Type != spec.TypeSecret && !o.IsUnknown(f.Name) {
			o.Attrs[f.Name] = f.Default
		}
	}
	if v, ok := params["comments"]; ok {
		o.Comments, o.Marker = spec.SplitComments(v)
	}
	if v, ok := params["title"]; ok {
		if m.titleTaken(o.Kind, v, o) {
			return fmt.Errorf("title %q taken", v)
		}
		o.Title = v
	}
	return nil
}

func (m *model) storeSecrets(id int64, sent map[string]string) {
	if len(sent) == 0 {
		return
	}
	if m.secrets[id] == nil {
		m.secrets[id] = map[string]string{}
	}
	for k, v := range sent {
		m.secrets[id][k] = v
	}
}

func (m *model) updateRecord(o *spec.Object, def *spec.KindDef, params, sent map[string]string, create bool) error {
	if o.Attrs == nil {
		o.Attrs = map[string]string{}
	}
	if err := m.setFields(o, def, params, create); err != nil {
		return err
	}
	set := func(name string) (spec.IPSet, bool, error) {
		v, ok := params[name]
		if !ok {
			return spec.IPSet{}, false, nil
		}
		s, err := spec.ParseIPSet(strings.Split(v, ",")...)
		return s, true, err
	}
	if s, ok, err := set("ips"); err != nil {
		return err
	} else if ok {
		o.IPs = s
	}
	if s, ok, err := set("add_ips"); err != nil {
		return err
	} else if ok {
		o.IPs = o.IPs.Union(s)
	}
	if s, ok, err := set("remove_ips"); err != nil {
		return err
	} else if ok {
		o.IPs = o.IPs.Minus(s)
	}
	if create && o.IPs.IsZero() {
		return fmt.Errorf("ips required")
	}
	switch params["login_type"] {
	case "basic":
		o.Login = nil
	case "vault":
		// An update may name only changed vault sub-fields (REFERENCE.md §3.5): the vault and
		// the other parameters of an existing vault login stay.
		// A vault of another type drops the parameters of the old one, as the emulator does.
		if create || o.Login == nil {
			o.Login = &spec.VaultLogin{}
		} else if vt := params["vault_type"]; vt != "" && spec.VaultTypeByQualys(vt) != m.vaultByTitle(o.Login.Vault).Def() {
			o.Login = &spec.VaultLogin{Vault: o.Login.Vault}
		}
	case "":
		if create {
			o.Login = nil
		}
	default:
		return fmt.Errorf("bad login_type %q", params["login_type"])
	}
	if o.Login != nil {
		if v, ok := params["vault_id"]; ok {
			id, _ := strconv.ParseInt(v, 10, 64)
			vo := m.vaultByID(id)
			if vo == nil {
				return fmt.Errorf("no vault %d", id)
			}
			if vt := params["vault_type"]; vt != "" && spec.VaultTypeByQualys(vt) != vo.Def() {
				return fmt.Errorf("vault_type %q does not match vault %d", vt, id)
			}
			o.Login.Vault = vo.Title
		} else if params["login_type"] == "vault" && o.Login.Vault == "" {
			return fmt.Errorf("login_type=vault without vault_id")
		}
		if o.Login.Vault == "" {
			return fmt.Errorf("vault login without vault")
		}
		vdef := m.vaultByTitle(o.Login.Vault).Def()
		for _, lp := range vdef.LoginParams {
			if v, ok := params[lp.Name]; ok {
				if o.Login.Params == nil {
					o.Login.Params = map[string]string{}
				}
				if v == "" {
					delete(o.Login.Params, lp.Name)
				} else {
					o.Login.Params[lp.Name] = v
					// Setting one member of a one-of group (CA PAM's device name and
					// host) replaces the others, as the emulator does.
					for _, g := range vdef.LoginOneOf {
						if slices.Contains(g, lp.Name) {
							for _, peer := range g {
								if peer != lp.Name {
									if _, sentToo := params[peer]; sentToo {
										return fmt.Errorf("one-of partners %s and %s both sent", lp.Name, peer)
									}
									delete(o.Login.Params, peer)
								}
							}
						}
					}
				}
			}
		}
		if len(o.Login.Params) == 0 {
			o.Login.Params = nil
		}
		if _, ok := sent["password"]; ok {
			return fmt.Errorf("vault_id excludes password")
		}
	} else if _, ok := params["vault_id"]; ok {
		return fmt.Errorf("vault_id on a basic login")
	}
	m.storeSecrets(o.ID, sent)
	return m.checkExclusive()
}

func (m *model) vaultByTitle(title string) *spec.Object {
	for _, o := range m.doc.Objects {
		if o.Kind == spec.KindVault && o.Title == title {
			return o
		}
	}
	return nil
}

func (m *model) vaultStep(s plan.Step, params, sent map[string]string) error {
	switch s.Op {
	case plan.OpCreate:
		def := spec.VaultTypeByQualys(params["type"])
		if def == nil {
			return fmt.Errorf("unknown vault type %q", params["type"])
		}
		if params["title"] == "" || m.titleTaken(spec.KindVault, params["title"], nil) {
			return fmt.Errorf("title %q missing or taken", params["title"])
		}
		o := &spec.Object{Kind: spec.KindVault, Type: def.Type, ID: m.nextID, Attrs: map[string]string{}}
		m.nextID++
		if err := m.setFields(o, def, params, true); err != nil {
			return err
		}
		m.doc.Objects = append(m.doc.Objects, o)
		m.vaultIDs[o.Title] = o.ID
		m.storeSecrets(o.ID, sent)
		return nil
	case plan.OpUpdate, plan.OpDelete:
		if len(s.IDs) != 1 {
			return fmt.Errorf("vault calls take one id")
		}
		o := m.vaultByID(s.IDs[0])
		if o == nil {
			return fmt.Errorf("no vault %d", s.IDs[0])
		}
		if s.Op == plan.OpDelete {
			for _, r := range m.doc.Objects {
				if r.Kind.IsRecord() && r.Login != nil && r.Login.Vault == o.Title {
					return fmt.Errorf("vault is used by record %d", r.ID)
				}
			}
			m.remove(spec.KindVault, o.ID)
			return nil
		}
		if spec.VaultTypeByQualys(params["type"]) != o.Def() {
			return fmt.Errorf("vault update needs its own type, got %q", params["type"])
		}
		old := o.Title
		if err := m.setFields(o, o.Def(), params, false); err != nil {
			return err
		}
		for _, r := range m.doc.Objects { // records name their vault by title, as live.Read does
			if r.Login != nil && r.Login.Vault == old {
				r.Login.Vault = o.Title
			}
		}
		m.storeSecrets(o.ID, sent)
		return nil
	}
	return fmt.Errorf("unknown op %q", s.Op)
}

// sortedDoc returns the model's live document, sorted.
func (m *model) live() *spec.Document {
	d := &spec.Document{Owner: m.doc.Owner, Objects: append([]*spec.Object(nil), m.doc.Objects...), Complete: true}
	d.Sort()
	sort.SliceStable(d.Objects, func(i, j int) bool { return spec.Less(d.Objects[i].Key(), d.Objects[j].Key()) })
	return d
}
