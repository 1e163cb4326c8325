// Package live reads the whole live Qualys estate through the client and converts it into spec
// types, so that the planner compares desired and live state in one canonical form. It decides
// nothing: what to change is internal/plan's business.
package live

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// Reader is the part of the Qualys client that live needs.
type Reader interface {
	ListRecords(ctx context.Context, t qualysclient.RecordType, opt qualysclient.ListOptions) ([]qualysclient.Record, error)
	ListVaults(ctx context.Context) ([]qualysclient.Vault, error)
	ViewVault(ctx context.Context, id int64) (qualysclient.Vault, error)
}

// PageReader is implemented by readers that can hand over a record list a
// page at a time, as *qualysclient.Client does. Read then converts each page
// as it arrives, so the whole list never exists twice (as records and as spec
// objects) at once. fn borrows each page: a reader may reuse its records, maps
// and vault blocks once fn returns (Read keeps none of them, only strings).
type PageReader interface {
	ListRecordPages(ctx context.Context, t qualysclient.RecordType, opt qualysclient.ListOptions, fn func([]qualysclient.Record) error) error
}

// Options select what to read.
type Options struct {
	// Kinds limits the record kinds read; empty means every record kind spec knows.
	Kinds []spec.Kind
	// VaultsOnly reads no records at all (Kinds is ignored).
	VaultsOnly bool
	// ViewVault reports whether a vault's settings are needed (one view call each); nil means
	// none, ViewAll means all.
	ViewVault func(title string) bool
	ViewAll   bool
	// Declared lists the record kinds the configuration declares: they are listed even when
	// list-all names none of their records. List-all's ID set names are documented for three
	// kinds only, so "not named" must never become "create it again" for a declared object.
	Declared []spec.Kind
}

// errVaultsUnread stops a record list when the vault list failed: its records could not be
// converted, and Read reports the vault error.
var errVaultsUnread = errors.New("vault list failed")

// Read lists every record kind and the vaults, views the vaults opts asks for, and returns the live
// estate as a sorted Document. Any failed or truncated page fails the whole read, so the planner
// never mistakes "not seen" for "absent"; an object whose answer qsync cannot interpret (a value
// outside its lists, a vault view of an unknown shape, ...) is read as opaque, with its reason,
// instead (see ConvertRecord and ConvertVault). The document is marked Complete when opts left no
// record kind out: then it is the whole estate.
//
// With a reader that can list all records at once (AllLister), Read first asks list-all which
// record types have records, and lists only those kinds: one call, instead of one per kind, for
// every kind with no record. If list-all fails for another reason than credentials or the rate
// limit, or answers a shape qsync cannot fully interpret, or names a type qsync does not know,
// every kind is listed instead and the report says why (Report.ListAll, Report.Notices): "not
// named" is concluded only from an answer understood in full.
//
// The vault list runs while list-all does; then every kind's list and the vault views run at
// once (the client keeps the calls in flight within the Qualys concurrency limit); each kind's
// pages are converted as they arrive, once the vault list has named the vaults.
//
// The objects are read-only: objects with the same comments share one Marker, and objects with the
// same unknown settings one Unknown slice (see converter).
func Read(ctx context.Context, c Reader, opts Options) (*spec.Document, error) {
	doc, _, err := ReadReport(ctx, c, opts)
	return doc, err
}

// ReadReport is Read that also returns what the answers held beyond qsync's model (see Report).
func ReadReport(ctx context.Context, c Reader, opts Options) (*spec.Document, *Report, error) {
	doc, rep, acc, err := read(ctx, c, opts, false)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range acc {
		if a.Err != nil && a.Endpoint != EndpointListAll { // a failed list-all only costs calls
			return nil, nil, a.Err
		}
	}
	return doc, rep, nil
}

// The endpoints of an Access besides the record kinds.
const (
	EndpointListAll   = "list-all"
	EndpointVaultList = "vault list"
	EndpointVaultView = "vault view"
)

// Access is what one call of a read answered: Endpoint is EndpointListAll, a record kind
// ("mysql": its list, all pages), EndpointVaultList or EndpointVaultView (one per vault); Err is
// nil when the endpoint answered, even with something qsync could not interpret (that object is
// opaque, or list-all's use is explained in Report.ListAll), and otherwise the call's error.
type Access struct {
	Endpoint string
	Err      error
}

// ReadEach is ReadReport for qsync doctor, which must learn which endpoints the user may read: a
// failed list or view does not stop the read. Every endpoint a plan would read is tried (the
// same calls: list-all, each kind it names or every kind, the vault list, every vault view) and
// its Access returned, in that order. A kind whose list failed keeps the records its earlier
// pages held; a vault whose view failed is opaque; without the vault list the records are still
// read (a vault login then names its vault by the title the record lists), and no vault is
// viewed. The document is Complete only when nothing failed. An error is returned only when
// list-all was refused as every call would be (credentials, rate limit, a cancelled context).
//
// Plans never use it: Read fails closed on any failed read.
func ReadEach(ctx context.Context, c Reader, opts Options) (*spec.Document, *Report, []Access, error) {
	return read(ctx, c, opts, true)
}

// read is ReadReport and ReadEach. Without each, a failed vault list stops the record lists at
// their next page (Read fails anyway), and doc.Complete is set as if nothing failed: ReadReport
// returns the first failed Access instead of the document.
func read(ctx context.Context, c Reader, opts Options, each bool) (*spec.Document, *Report, []Access, error) {
	kinds := opts.Kinds
	if opts.VaultsOnly {
		kinds = nil
	} else if len(kinds) == 0 {
		kinds = spec.RecordEndpoints()
	}
	type result struct {
		objs []*spec.Object
		err  error // listing failed
	}
	rep := newReportBuilder()
	var vaultObjs []*spec.Object
	var vaultErr error
	var viewAcc []Access
	vaultTitles := map[int64]string{}
	vaultsListed := make(chan struct{}) // closed once vaultTitles is filled or vaultErr is set
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		vaults, err := c.ListVaults(ctx)
		if err != nil {
			vaultErr = fmt.Errorf("read vaults: %w", err)
			close(vaultsListed)
			return
		}
		for _, v := range vaults {
			vaultTitles[v.ID] = v.Title
		}
		close(vaultsListed)
		vaultObjs, viewAcc = convertVaults(ctx, c, vaults, opts, rep)
	}()
	// list-all first (while the vaults are listed): a kind it does not name has no records, known
	// without a call. With one kind or none it cannot save a call.
	var use *ListAllUse
	var announced map[spec.Kind][]int64
	var acc []Access
	if al, ok := c.(AllLister); ok && len(kinds) > 1 {
		var err error
		if kinds, use, announced, err = listAll(ctx, al, kinds, opts.Declared); err != nil {
			wg.Wait()
			return nil, nil, nil, err
		}
		rep.listAll = use
		acc = append(acc, Access{Endpoint: EndpointListAll, Err: use.callErr})
	}
	results := make([]result, len(kinds))
	pages, paged := c.(PageReader)
	for i, k := range kinds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := &results[i]
			res.objs = make([]*spec.Object, 0, len(announced[k])) // what list-all announced, if it was asked
			var conv *converter // made once the vault list has filled vaultTitles
			convert := func(recs []qualysclient.Record) error {
				<-vaultsListed
				if vaultErr != nil && !each {
					return errVaultsUnread
				}
				if conv == nil {
					conv = newSharingConverter(k, vaultTitles)
				}
				for j := range recs {
					res.objs = append(res.objs, conv.record(&recs[j]))
				}
				rep.records(k, recs)
				return nil
			}
			t := qualysclient.RecordType(k)
			if paged {
				err := pages.ListRecordPages(ctx, t, qualysclient.ListOptions{}, convert)
				if err != nil && err != errVaultsUnread {
					res.err = fmt.Errorf("read %s records: %w", k, err)
				}
				return
			}
			recs, err := c.ListRecords(ctx, t, qualysclient.ListOptions{})
			if err != nil {
				res.err = fmt.Errorf("read %s records: %w", k, err)
				return
			}
			_ = convert(recs)
		}()
	}
	wg.Wait()
	acc = append(acc, Access{Endpoint: EndpointVaultList, Err: vaultErr})
	failed := vaultErr != nil
	for i, r := range results {
		acc = append(acc, Access{Endpoint: string(kinds[i]), Err: r.err})
		failed = failed || r.err != nil
	}
	for _, a := range viewAcc {
		failed = failed || a.Err != nil
	}
	acc = append(acc, viewAcc...)

	n := len(vaultObjs)
	for _, r := range results {
		n += len(r.objs)
	}
	doc := &spec.Document{Objects: make([]*spec.Object, 0, n)}
	doc.Objects = append(doc.Objects, vaultObjs...)
	for _, r := range results {
		doc.Objects = append(doc.Objects, r.objs...)
	}
	if use != nil && announced != nil {
		for i, r := range results {
			if r.err == nil && differs(announced[kinds[i]], r.objs) {
				use.Differs = append(use.Differs, string(kinds[i]))
			}
		}
	}
	doc.Sort()
	checkUnique(doc)
	// Every list was followed to the end (a failed or undecodable page failed the read, or, for
	// ReadEach, its Access); the estate is complete when no record kind was left out. A kind
	// list-all did not name was left out of the calls, not of the read: list-all's answer was
	// interpreted in full (any element it could not place made Read list every kind), and it
	// says that kind has no record.
	doc.Complete = !opts.VaultsOnly && len(opts.Kinds) == 0 && !(each && failed)
	return doc, rep.report(doc), acc, nil
}

// viewNotUnderstood is the opaque reason of a vault whose view answer could not be interpreted.
const viewNotUnderstood = "the vault view answer was not understood (its shape is not one qsync knows; see --debug-http)"

// viewFailed is the opaque reason of a vault whose view call failed (only ReadEach keeps it).
const viewFailed = "the vault view call failed"

// convertVaults converts the listed vaults, viewing those opts asks for, and returns one Access
// per view. A vault whose view failed is opaque.
func convertVaults(ctx context.Context, c Reader, vaults []qualysclient.Vault, opts Options, rep *reportBuilder) ([]*spec.Object, []Access) {
	out := make([]*spec.Object, len(vaults))
	errs := make([]error, len(vaults))
	viewed := make([]bool, len(vaults))
	var wg sync.WaitGroup
	for i, v := range vaults {
		if !opts.ViewAll && (opts.ViewVault == nil || !opts.ViewVault(v.Title)) {
			out[i] = ConvertVault(v, false)
			continue
		}
		viewed[i] = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			full, err := c.ViewVault(ctx, v.ID)
			if errors.Is(err, qualysclient.ErrUnexpectedAnswer) {
				out[i] = unreadableVault(v, viewNotUnderstood)
				return
			}
			if err != nil {
				errs[i] = fmt.Errorf("view vault %q (id %d): %w", v.Title, v.ID, err)
				out[i] = unreadableVault(v, viewFailed)
				return
			}
			if full.Title == "" {
				full.Title = v.Title
			}
			if full.Type == "" {
				full.Type = v.Type
			}
			full.ID = v.ID
			out[i] = ConvertVault(full, true)
			rep.vault(full)
		}()
	}
	wg.Wait()
	var acc []Access
	for i := range vaults {
		if viewed[i] {
			acc = append(acc, Access{Endpoint: EndpointVaultView, Err: errs[i]})
		}
	}
	return out, acc
}

// ConvertVault turns a listed or viewed vault into a spec object. Settings are filled in only when
// viewed is true (the list output carries none); an unviewed vault has Attrs nil. A vault qsync
// cannot represent becomes an opaque object (see spec.Object.Opaque) with title, ID, comments and
// marker only, and the reason: a vault type it does not know, or a setting whose value it cannot
// read. The reasons name elements, never their values.
func ConvertVault(v qualysclient.Vault, viewed bool) *spec.Object {
	o := &spec.Object{Kind: spec.KindVault, Title: v.Title, ID: v.ID, ModifiedAt: v.ModifiedAt, ModifiedBy: v.ModifiedBy}
	o.Comments, o.Marker = spec.SplitComments(v.Comments)
	def := spec.VaultTypeByQualys(v.Type)
	if def == nil {
		o.Opaque = fmt.Sprintf("unknown vault type %q", v.Type)
		return o
	}
	if !viewed {
		o.Type = def.Type
		return o
	}
	attrs, unknown, reason := readFields(def.Fields, v.Fields, nil, nil)
	if reason != "" {
		o.Opaque = reason
		return o
	}
	o.Type, o.Attrs, o.Unknown = def.Type, attrs, unknown
	return o
}

// unreadableVault is the opaque object of a listed vault whose view answer could not be
// interpreted: without the view, its comments (and so its ownership marker) and settings are
// unknown, so qsync must neither change nor delete it.
func unreadableVault(v qualysclient.Vault, reason string) *spec.Object {
	return &spec.Object{Kind: spec.KindVault, Title: v.Title, ID: v.ID, Opaque: reason}
}

// ConvertRecord turns one listed record into a spec object. vaultTitles maps vault IDs to titles so
// a vault login names its vault by title. A record qsync cannot represent becomes an opaque object
// (see spec.Object.Opaque) with its reason: a variant (unix sub_type, ms_sql provider_name) or
// login vault type it does not know, a
// value it cannot read (an enum value outside its lists, a PORT listing several ports, a boolean it
// cannot parse), a vault login without DIGITAL_VAULT, or an IP list it cannot parse (then IPs is
// empty, and IP conflicts with it are left for Qualys to refuse). The reasons name elements, never
// their values.
func ConvertRecord(kind spec.Kind, rec qualysclient.Record, vaultTitles map[int64]string) *spec.Object {
	c := converter{kind: kind, facts: kindFactsOf(kind), vaultTitles: vaultTitles}
	return c.record(&rec)
}

// record is ConvertRecord.
func (c *converter) record(rec *qualysclient.Record) *spec.Object {
	kind, vaultTitles := c.kind, c.vaultTitles
	o := &spec.Object{Kind: kind, Title: rec.Title, ID: rec.ID, ModifiedAt: rec.ModifiedAt, ModifiedBy: rec.Fields["LAST_MODIFIED_BY"]}
	o.Comments, o.Marker = c.splitComments(rec.Comments)
	ips, err := spec.ParseIPSet(rec.IPs...)
	if err != nil {
		o.Opaque = "IP_SET holds an entry qsync cannot parse"
	} else {
		o.IPs = ips
	}
	var vdef *spec.KindDef
	vaultTitle := ""
	if strings.EqualFold(rec.LoginType, "vault") || rec.Vault != nil {
		if rec.Vault == nil {
			o.Opaque = firstReason(o.Opaque, "LOGIN_TYPE is vault but the record lists no DIGITAL_VAULT")
		} else {
			vaultTitle = vaultTitles[rec.Vault.ID]
			if vaultTitle == "" {
				vaultTitle = rec.Vault.Title
			}
			if vdef = c.vaultType(rec.Vault.Type); vdef == nil {
				o.Opaque = firstReason(o.Opaque, fmt.Sprintf("logs in through unknown vault type %q", rec.Vault.Type))
			}
		}
	}
	facts := c.facts
	variant, variantElem := facts.variant, facts.variantElem
	sub := strings.TrimSpace(rec.Fields[variantElem])
	def := spec.VariantByQualys(kind, sub)
	_, subListed := rec.Fields[variantElem]
	var fields []spec.FieldDef
	if def != nil {
		fields = def.Fields
	}
	if def != nil && !subListed && facts.subTypes {
		// No SUB_TYPE (or the kind's variant element): a plain record by the contract (row 4), or
		// one whose variant Qualys does not report. Read every element of the kind's variants, so
		// a cisco record's TARGET_TYPE is not lost, and say the variant is unknown.
		fields = facts.family
	}
	lt := strings.ToLower(strings.TrimSpace(rec.LoginType))
	switch {
	case def == nil:
		o.Opaque = firstReason(o.Opaque, fmt.Sprintf("unknown %s %q", variant, sub))
	case def.Opaque != "":
		o.Opaque = firstReason(o.Opaque, def.Opaque)
	case lt != "" && lt != "basic" && lt != "vault":
		reason := fmt.Sprintf("login type %q is not supported", rec.LoginType)
		if why := def.OpaqueLoginTypes[lt]; why != "" {
			reason += ": " + why
		}
		o.Opaque = firstReason(o.Opaque, reason)
	}
	var attrs map[string]string
	if o.Opaque == "" {
		pairs, unknown, reason := readFieldPairs(fields, rec.Fields, rec.Lists, c.pairs[:0], c.unknown[:0])
		if reason != "" {
			o.Opaque = reason
		} else {
			if !subListed && facts.subTypes {
				unknown = slices.Insert(unknown, 0, variant)
			}
			attrs, o.Unknown = c.sharedAttrs(pairs), c.sharedUnknown(unknown)
		}
		c.pairs, c.unknown = pairs[:0], unknown[:0]
	}
	if o.Opaque != "" {
		if vaultTitle != "" {
			// Only the vault's title, so that the vault is never deleted while this record uses it.
			o.Login = &spec.VaultLogin{Vault: vaultTitle}
		}
		return o
	}
	items, reason := readItems(def.Fields, rec.Entries, vaultTitles)
	if reason != "" {
		o.Opaque = reason
		if vaultTitle != "" {
			o.Login = &spec.VaultLogin{Vault: vaultTitle}
		}
		return o
	}
	o.Type, o.Attrs, o.Items = def.Type, attrs, items
	if vdef != nil {
		login := &spec.VaultLogin{Vault: vaultTitle}
		for _, p := range vdef.LoginParams {
			if v := strings.TrimSpace(rec.Vault.Fields[p.Element]); v != "" {
				if login.Params == nil {
					login.Params = map[string]string{}
				}
				login.Params[p.Name] = v
			}
		}
		o.Login = login
	}
	return o
}

// firstReason keeps the first reason found.
func firstReason(have, next string) string {
	if have != "" {
		return have
	}
	return next
}

// readFields converts the modelled elements into canonical attributes, and appends to unknown (in
// descriptor order) the fields whose element is missing from the answer: unknown, not empty. A
// value qsync cannot read returns a reason naming the element and what was expected, never the
// value.
func readFields(defs []spec.FieldDef, fields map[string]string, lists map[string][]string, unknown []string) (map[string]string, []string, string) {
	pairs, unknown, reason := readFieldPairs(defs, fields, lists, nil, unknown)
	if reason != "" {
		return nil, nil, reason
	}
	return attrMap(pairs), unknown, ""
}

// attr is one canonical attribute read by readFieldPairs.
type attr struct{ name, value string }

// attrMap returns pairs as an Attrs map: nil when there are none (most records have a few, some
// none).
func attrMap(pairs []attr) map[string]string {
	if len(pairs) == 0 {
		return nil
	}
	m := make(map[string]string, len(pairs))
	for _, p := range pairs {
		m[p.name] = p.value
	}
	return m
}

// readFieldPairs is readFields appending the attributes to pairs, in descriptor order, instead of
// making their map.
func readFieldPairs(defs []spec.FieldDef, fields map[string]string, lists map[string][]string, pairs []attr, unknown []string) ([]attr, []string, string) {
	for i := range defs {
		f := &defs[i]
		if f.Element == "" || f.Type == spec.TypeSecret {
			continue
		}
		raw, listed := fields[f.Element]
		if f.Type == spec.TypeList {
			if items, ok := lists[f.Element]; ok {
				raw, listed = strings.Join(items, ","), true
			} // else an empty container, or a comma-separated leaf (unix PORT "22, 23"), read as a field
		}
		if !listed {
			unknown = append(unknown, f.Name)
			continue
		}
		// An element shared by a scalar and a list field (unix PORT: port, ports) goes to the
		// list field when it holds several values, else to the scalar.
		if shared := sharedElement(defs, f); shared != nil {
			if multi := strings.Contains(raw, ","); multi != (f.Type == spec.TypeList) {
				continue
			}
		}
		v, err := spec.Canonical(f, raw)
		if err != nil {
			return nil, nil, unreadableValue(f, raw)
		}
		if v != "" {
			pairs = append(pairs, attr{f.Name, v})
		}
	}
	return pairs, unknown, ""
}

// kindFacts is what ConvertRecord needs of a record kind's descriptors, beyond the variant's own:
// worked out once per process (see kindFactsOf) from spec's static tables. Walking the tables per
// record cost a quarter of ConvertRecord's CPU, and familyFields' fresh slice per unix record
// without SUB_TYPE allocated 112 MB of a 100,000-record read.
type kindFacts struct {
	variant, variantElem string          // spec.VariantKeys
	subTypes             bool            // the kind has variant descriptors (unix sub_types, ms_sql's Azure)
	family               []spec.FieldDef // the fields of every descriptor of the kind, each name once, in table order
}

// kindFactsOf returns the facts of kind; kinds outside spec's table get their own, computed each
// time (the table never changes, so those of known kinds are computed once).
func kindFactsOf(kind spec.Kind) *kindFacts {
	if f := allKindFacts()[kind]; f != nil {
		return f
	}
	return newKindFacts(kind)
}

var allKindFacts = sync.OnceValue(func() map[spec.Kind]*kindFacts {
	m := map[spec.Kind]*kindFacts{}
	for _, d := range spec.RecordKinds() {
		if m[d.Kind] == nil {
			m[d.Kind] = newKindFacts(d.Kind)
		}
	}
	return m
})

func newKindFacts(kind spec.Kind) *kindFacts {
	f := &kindFacts{}
	f.variant, f.variantElem = spec.VariantKeys(kind)
	seen := map[string]bool{}
	kinds := spec.RecordKinds()
	for i := range kinds {
		d := &kinds[i]
		if d.Kind != kind {
			continue
		}
		f.subTypes = f.subTypes || d.Type != ""
		for _, fd := range d.Fields {
			if !seen[fd.Name] {
				seen[fd.Name] = true
				f.family = append(f.family, fd)
			}
		}
	}
	return f
}

// readItems converts the structured entries (unix private keys and root tools) of the kind's
// TypeItems fields: types and vault references, never secrets (Qualys lists none). A container
// not listed leaves its field unknown (absent from the map). A value qsync cannot read returns a
// reason naming the element.
func readItems(defs []spec.FieldDef, entries map[string][]qualysclient.Entry, vaultTitles map[int64]string) (map[string][]spec.Item, string) {
	var out map[string][]spec.Item
	for i := range defs {
		f := &defs[i]
		list, ok := entries[f.Element]
		if f.Type != spec.TypeItems || !ok {
			continue
		}
		items := make([]spec.Item, 0, len(list))
		for _, e := range list {
			it := spec.Item{ID: e.ID}
			for j := range f.SubFields {
				sf := &f.SubFields[j]
				if sf.Element == "" {
					continue
				}
				v, reason := readItemValue(f, sf, e, vaultTitles)
				if reason != "" {
					return nil, reason
				}
				switch vv := v.(type) {
				case string:
					if vv != "" {
						if it.Attrs == nil {
							it.Attrs = map[string]string{}
						}
						it.Attrs[sf.Name] = vv
					}
				case *spec.VaultLogin:
					if it.Vaults == nil {
						it.Vaults = map[string]*spec.VaultLogin{}
					}
					it.Vaults[sf.Name] = vv
				}
			}
			items = append(items, it)
		}
		spec.SortItems(f, items)
		if out == nil {
			out = map[string][]spec.Item{}
		}
		out[f.Name] = items
	}
	return out, ""
}

// readItemValue reads sub-field sf of entry e: a leaf (ROOT_TOOL), the type of a typed element
// (CERTIFICATE type=x.509), the type of a PRIVATE_KEY inside one, or a secret's source ("basic",
// or a *spec.VaultLogin for type=vault).
func readItemValue(f, sf *spec.FieldDef, e qualysclient.Entry, vaultTitles map[int64]string) (any, string) {
	where := f.Item + "/" + sf.Element
	info, hasInfo := e.Infos[sf.Element]
	if sf.Type == spec.TypeSecret {
		switch {
		case !hasInfo:
			return "", ""
		case strings.EqualFold(info.Type, "basic"):
			return spec.SourceBasic, ""
		case strings.EqualFold(info.Type, "vault") && info.Vault != nil:
			vdef := spec.VaultTypeByQualys(info.Vault.Type)
			if vdef == nil {
				return nil, fmt.Sprintf("%s uses unknown vault type %q", where, info.Vault.Type)
			}
			title := vaultTitles[info.Vault.ID]
			if title == "" {
				title = info.Vault.Title
			}
			vl := &spec.VaultLogin{Vault: title}
			add := func(k, v string) {
				if v = strings.TrimSpace(v); v != "" {
					if vl.Params == nil {
						vl.Params = map[string]string{}
					}
					vl.Params[k] = v
				}
			}
			add(spec.VaultUsername, info.Vault.Fields["VAULT_USERNAME"])
			for _, p := range vdef.LoginParams {
				add(p.Name, info.Vault.Fields[p.Element])
			}
			return vl, ""
		}
		return nil, fmt.Sprintf("%s has a source qsync cannot read (type %q)", where, info.Type)
	}
	raw := e.Fields[sf.Element]
	if hasInfo {
		raw = info.Type
	}
	if raw == "" {
		for _, in := range e.Infos {
			if in.KeyType != "" && sf.Element == "PRIVATE_KEY" {
				raw = in.KeyType
			}
		}
	}
	if raw == "" {
		return "", ""
	}
	v := spec.EnumFromListed(sf, raw)
	if v == "" && sf.Type != spec.TypeEnum {
		v = raw
	}
	if v == "" {
		return nil, fmt.Sprintf("%s holds a value outside qsync's list (%s)", where, strings.Join(sf.Enum, ", "))
	}
	return v, ""
}

// sharedElement returns the other field of defs listed in f's element, or nil.
func sharedElement(defs []spec.FieldDef, f *spec.FieldDef) *spec.FieldDef {
	for i := range defs {
		if g := &defs[i]; g.Name != f.Name && g.Element == f.Element && g.Type != spec.TypeSecret {
			return g
		}
	}
	return nil
}

// unreadableValue says why the value of f cannot be read, without quoting it.
func unreadableValue(f *spec.FieldDef, raw string) string {
	switch f.Type {
	case spec.TypeInt:
		if f.Element == "PORT" && strings.ContainsAny(raw, ",; ") && strings.TrimSpace(raw) != "" {
			return "multiple ports in PORT (qsync models one port)"
		}
		if f.Max > 0 {
			return fmt.Sprintf("%s holds a value that is not an integer from 0 to %d", f.Element, f.Max)
		}
		return f.Element + " holds a value that is not a non-negative integer"
	case spec.TypeBool:
		return f.Element + " holds a value that is not a boolean"
	case spec.TypeEnum:
		return fmt.Sprintf("%s holds a value outside qsync's list (%s)", f.Element, strings.Join(f.Enum, ", "))
	}
	return f.Element + " holds a value qsync cannot read"
}

// checkUnique makes opaque every live object whose key (kind and normalised title) another live
// object has too: qsync cannot tell them apart, so it never changes either, but one bad pair of
// titles does not stop every plan, apply and export (the plan fails only if the configuration
// declares that key). doc is sorted (Document.Sort is stable), so the objects of one key are
// adjacent and in the order they were read: a map of every key cost 25 ms and 8 MB of a
// 100,000-record read.
func checkUnique(doc *spec.Document) {
	objs := doc.Objects
	for i := 0; i < len(objs); {
		j := i + 1
		for j < len(objs) && objs[j].Key() == objs[i].Key() {
			j++
		}
		if same := objs[i:j]; len(same) > 1 {
			for _, o := range same {
				var others []string
				for _, x := range same {
					if x != o {
						others = append(others, strconv.FormatInt(x.ID, 10))
					}
				}
				makeOpaque(o, fmt.Sprintf("its title is the same as that of id %s once normalised (e.g. trailing white space), so qsync cannot tell them apart; rename one in Qualys",
					strings.Join(others, ", ")))
			}
		}
		i = j
	}
}

// makeOpaque turns a converted live object into an opaque one (see spec.Object.Opaque): it keeps
// its kind, title, ID, IPs, comments and marker, and of its login only the vault's title.
func makeOpaque(o *spec.Object, reason string) {
	o.Opaque = firstReason(o.Opaque, reason)
	o.Type, o.Attrs = "", nil
	if o.Login != nil {
		o.Login = &spec.VaultLogin{Vault: o.Login.Vault}
	}
}
