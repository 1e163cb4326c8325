package qualysemu

import (
	"bytes"
	"encoding/xml"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
	"github.com/qsync/qsync/internal/qualysemu/wire"
)

// This file serves the structured lists of record types with entryLists (kinds/record_types_entries.go):
// a create or update may carry an XML body UNIX_AUTH_PARAMS (Content-Type text/xml, the form in
// the query string). Each section present replaces every stored entry of its list; an empty
// section deletes them all (the delete sample); a section absent leaves the list as it is. The
// entries are stored and listed in the order sent (Qualys tries root tools in turn). The list
// answer shows each entry's ID, sources, types and vault references, never its secrets.

// Entry is one stored entry of a list.
type Entry struct {
	ID    int64                `json:"id"`
	Parts map[string]EntryPart `json:"parts"` // by body element (PRIVATE_KEY_INFO, CERTIFICATE, ...)
}

// EntryPart is one element of an entry as sent.
type EntryPart struct {
	Source string            `json:"source,omitempty"` // basic | vault (parts with a value element)
	Type   string            `json:"type,omitempty"`   // type= of the value element or of the part
	Secret string            `json:"secret,omitempty"` // key, passphrase, certificate or password text: never listed
	Vault  map[string]string `json:"vault,omitempty"`  // DIGITAL_VAULT children as sent (VAULT_ID, VAULT_TYPE, FOLDER, ...)
}

// xmlElem is a generic element of the body.
type xmlElem struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Kids    []xmlElem  `xml:",any"`
}

func (e *xmlElem) attr(name string) string {
	for _, a := range e.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (e *xmlElem) kid(name string) *xmlElem {
	for i := range e.Kids {
		if e.Kids[i].XMLName.Local == name {
			return &e.Kids[i]
		}
	}
	return nil
}

func errBody(text string) *wire.Error {
	return &wire.Error{Status: 400, Code: 1905, Text: "UNIX_AUTH_PARAMS: " + text}
}

// buildEntries returns the lists a record holds after this request: old's (nil for a create)
// with every section of the request's body replaced. Caller holds s.mu.
func (s *Server) buildEntries(c *reqCtx, rt *kinds.RecordType, old *Record) (map[string][]Entry, *wire.Error) {
	var out map[string][]Entry
	if old != nil {
		out = cloneEntries(old.Entries)
	}
	body := bytes.TrimSpace(c.p.XML)
	if len(body) == 0 {
		return out, nil
	}
	if len(rt.EntryLists) == 0 {
		return nil, &wire.Error{Status: 400, Code: 1905, Text: "an XML body is not accepted for this record type"}
	}
	var root xmlElem
	if err := xml.Unmarshal(body, &root); err != nil {
		return nil, errBody("not well-formed XML")
	}
	if root.XMLName.Local != "UNIX_AUTH_PARAMS" {
		return nil, errBody("unexpected root element " + root.XMLName.Local)
	}
	next := s.nextEntryID()
	for _, sec := range root.Kids {
		i := slices.IndexFunc(rt.EntryLists, func(l kinds.EntryList) bool { return l.In == sec.XMLName.Local })
		if i < 0 {
			return nil, errBody("unknown section " + sec.XMLName.Local)
		}
		list := &rt.EntryLists[i]
		entries := []Entry{}
		for _, ke := range sec.Kids {
			if ke.XMLName.Local != list.InEntry {
				return nil, errBody(list.In + " holds " + ke.XMLName.Local + ", want " + list.InEntry)
			}
			e, ae := s.readEntry(list, &ke)
			if ae != nil {
				return nil, ae
			}
			e.ID = next
			next++
			entries = append(entries, e)
		}
		if out == nil {
			out = map[string][]Entry{}
		}
		out[list.Out] = entries
		if len(entries) == 0 {
			delete(out, list.Out)
		}
	}
	return out, nil
}

// readEntry reads one entry of list (an ID sent with it is ignored: Qualys replaces the entries).
func (s *Server) readEntry(list *kinds.EntryList, ke *xmlElem) (Entry, *wire.Error) {
	e := Entry{Parts: map[string]EntryPart{}}
	for _, k := range ke.Kids {
		if k.XMLName.Local != "ID" && !slices.ContainsFunc(list.Parts, func(p kinds.EntryListPart) bool { return p.In == k.XMLName.Local }) {
			return e, errBody(list.InEntry + " holds unknown element " + k.XMLName.Local)
		}
	}
	for _, p := range list.Parts {
		pe := ke.kid(p.In)
		if pe == nil {
			if p.Required {
				return e, errBody(list.InEntry + " needs " + p.In)
			}
			continue
		}
		var part EntryPart
		if p.Value == "" { // a typed part
			part.Type = strings.TrimSpace(pe.attr("type"))
			if !slices.Contains(p.Types, part.Type) {
				return e, errBody(p.In + " type=" + strconv.Quote(part.Type) + " is not one of " + strings.Join(p.Types, ", "))
			}
			part.Secret = strings.TrimSpace(pe.Text)
			if p.NeedsText && part.Secret == "" {
				return e, errBody(p.In + " type=" + strconv.Quote(part.Type) + " needs its text")
			}
			e.Parts[p.In] = part
			continue
		}
		part.Source = pe.attr("type")
		switch part.Source {
		case "basic":
			if v := pe.kid(p.Value); v != nil {
				part.Secret = strings.TrimSpace(v.Text)
				part.Type = strings.TrimSpace(v.attr("type"))
			}
			if len(p.Types) > 0 && !slices.Contains(p.Types, part.Type) {
				return e, errBody(p.Value + " type=" + strconv.Quote(part.Type) + " is not one of " + strings.Join(p.Types, ", "))
			}
			if p.Required && part.Secret == "" {
				return e, errBody(p.In + " type=\"basic\" needs " + p.Value)
			}
		case "vault":
			dv := pe.kid("DIGITAL_VAULT")
			if dv == nil {
				return e, errBody(p.In + " type=\"vault\" needs DIGITAL_VAULT")
			}
			part.Vault = map[string]string{}
			for _, f := range dv.Kids {
				part.Vault[f.XMLName.Local] = strings.TrimSpace(f.Text)
			}
			if ae := s.checkEntryVault(p.In, part.Vault); ae != nil {
				return e, ae
			}
		default:
			return e, errBody(p.In + " type=" + strconv.Quote(part.Source) + " is not basic or vault")
		}
		e.Parts[p.In] = part
	}
	return e, nil
}

// checkEntryVault checks that a part's vault exists and has the type sent. Caller holds s.mu.
func (s *Server) checkEntryVault(where string, f map[string]string) *wire.Error {
	id, err := strconv.ParseInt(f["VAULT_ID"], 10, 64)
	v := s.st.vaults[id]
	if err != nil || v == nil {
		return wire.Invalid(where+"/DIGITAL_VAULT/VAULT_ID", f["VAULT_ID"], "vault not found")
	}
	if t := f["VAULT_TYPE"]; t != "" && t != v.Type {
		return wire.Invalid(where+"/DIGITAL_VAULT/VAULT_TYPE", t, "does not match the vault's type")
	}
	return nil
}

// nextEntryID returns an entry ID above every stored one. Caller holds s.mu.
func (s *Server) nextEntryID() int64 {
	next := int64(70000001)
	for _, r := range s.st.records {
		for _, list := range r.Entries {
			for _, e := range list {
				next = max(next, e.ID+1)
			}
		}
	}
	return next
}

// entryNodes renders the stored lists of r in the table's order, as the list sample does: IDs,
// sources and types, vault references, no secret.
func (s *Server) entryNodes(rt *kinds.RecordType, r *Record) []*wire.Node {
	var out []*wire.Node
	for _, list := range rt.EntryLists {
		entries := r.Entries[list.Out]
		if len(entries) == 0 {
			continue
		}
		ln := wire.El(list.Out)
		for _, e := range entries {
			en := wire.El(list.OutEntry, wire.Txt("ID", strconv.FormatInt(e.ID, 10)))
			for _, p := range list.Parts {
				part, ok := e.Parts[p.In]
				if !ok {
					continue
				}
				switch {
				case p.Value == "" && p.Listed != nil:
					en.Add(wire.Txt(p.Out, p.Listed[part.Type]))
				case p.Value == "":
					en.Add(wire.Typed(wire.El(p.Out), part.Type))
				case part.Source == "vault":
					en.Add(wire.Typed(wire.El(p.Out, s.entryVaultNode(part.Vault)), "vault"))
				case part.Type != "":
					en.Add(wire.Typed(wire.El(p.Out, wire.Typed(wire.El(p.Value), part.Type)), "basic"))
				default:
					en.Add(wire.Typed(wire.El(p.Out), "basic"))
				}
			}
			ln.Add(en)
		}
		out = append(out, ln)
	}
	return out
}

// entryVaultNode lists a part's vault: ID, type and title, then the login fields sent, each
// listed with a VAULT_ prefix (FOLDER as VAULT_FOLDER, as the list sample shows them).
func (s *Server) entryVaultNode(f map[string]string) *wire.Node {
	id, _ := strconv.ParseInt(f["VAULT_ID"], 10, 64)
	title, typ := "", f["VAULT_TYPE"]
	if v := s.st.vaults[id]; v != nil {
		title, typ = v.Params["title"], v.Type
	}
	n := wire.El("DIGITAL_VAULT", wire.CData("DIGITAL_VAULT_ID", f["VAULT_ID"]), wire.CData("DIGITAL_VAULT_TYPE", typ), wire.CData("DIGITAL_VAULT_TITLE", title))
	for _, k := range slices.Sorted(maps.Keys(f)) {
		if k == "VAULT_ID" || k == "VAULT_TYPE" {
			continue
		}
		name := k
		if !strings.HasPrefix(name, "VAULT_") {
			name = "VAULT_" + name
		}
		n.Add(wire.CData(name, f[k]))
	}
	return n
}

func cloneEntries(in map[string][]Entry) map[string][]Entry {
	if in == nil {
		return nil
	}
	out := make(map[string][]Entry, len(in))
	for k, list := range in {
		c := make([]Entry, len(list))
		for i, e := range list {
			c[i] = Entry{ID: e.ID, Parts: make(map[string]EntryPart, len(e.Parts))}
			for pk, p := range e.Parts {
				p.Vault = maps.Clone(p.Vault)
				c[i].Parts[pk] = p
			}
		}
		out[k] = c
	}
	return out
}

// maskEntries returns a copy of the lists with every secret masked.
func maskEntries(in map[string][]Entry) map[string][]Entry {
	out := cloneEntries(in)
	for _, list := range out {
		for _, e := range list {
			for k, p := range e.Parts {
				if p.Secret != "" {
					p.Secret = wire.Mask
					e.Parts[k] = p
				}
			}
		}
	}
	return out
}
