// Package spec owns qsync's vocabulary of authentication records and vaults: one descriptor table
// per kind (kinds*.go: FieldDef, KindDef, Lookup, the kinds' unique rules and slots), the typed
// desired-state document (Document, Object), diagnostics, IP sets, canonical values, secret
// references and ownership markers. Its subpackages do one job each with what spec passes in: load
// reads configuration files into a Document and runs the cross-record checks, secret resolves
// secret references and says which a configuration may make, yamlwrite writes a Document as YAML
// for export, schemagen generates the JSON Schema from the tables, yamltree decodes a file and
// remembers every value's position, schemacheck validates a decoded file against the generated
// schema, and gen writes the documentation generated from the tables. It does no network I/O. The
// live estate read from Qualys is converted into the same types (by internal/live), so desired and
// live state are compared in one form.
package spec

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Kind is the class of a managed object: one of the record kinds or KindVault.
type Kind string

// KindVault is the kind of authentication vaults; the record kinds are declared with their
// descriptor tables in kinds.go.
const KindVault Kind = "vault"

// IsRecord reports whether k is an authentication record kind (not a vault).
func (k Kind) IsRecord() bool { return k != KindVault && k != "" }

// Pos is a place in a source file. Line and Col are 1-based; a zero Pos means "unknown".
type Pos struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

// String formats p as file:line:col, leaving out what is unknown.
func (p Pos) String() string {
	switch {
	case p.File == "":
		return ""
	case p.Line == 0:
		return p.File
	default:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	}
}

// SecretRef says where a write-only value comes from. Exactly one of Env and File is set. The value
// itself is never stored in a Document, a plan or a saved plan; it is read by secret.Resolve when needed.
type SecretRef struct {
	Env  string `json:"env,omitempty" yaml:"env,omitempty"`
	File string `json:"file,omitempty" yaml:"file,omitempty"`
	// Root is the directory File must resolve inside (see secret.Root), set by the loader for file
	// references; secret.Resolve refuses a file (or a symbolic link) leading outside it.
	Root string `json:"root,omitempty" yaml:"-"`
}

// String describes the reference without its value, e.g. "env:CISCO_PW".
func (r SecretRef) String() string {
	if r.Env != "" {
		return "env:" + r.Env
	}
	return "file:" + r.File
}

// VaultLogin is a record's login through a vault: the vault by title and that vault type's
// record-side parameters (e.g. vault_app_name, vault_device_host for CA PAM), keyed by Qualys
// parameter name.
type VaultLogin struct {
	Vault  string            `json:"vault"`
	Params map[string]string `json:"params,omitempty"`
}

// Object is one authentication record or vault, desired or live, in canonical form: every value is
// normalised (see Canonical) so that two Objects describing the same Qualys state compare equal.
//
// Live objects are read-only: objects from one read share equal values (Attrs maps, Unknown
// slices, Comments, Marker; see live.Read), so a change to one would change the others. Code that
// needs a different live object copies it first.
type Object struct {
	Kind Kind `json:"kind"`
	// Type is the record variant (a unix sub_type "cisco", an ms_sql provider_name "azure"; see
	// KindDef.VariantParam) and the vault type slug ("ca_pam", "thycotic", ...) for vaults; empty
	// for plain records.
	Type           string   `json:"type,omitempty"`
	Title          string   `json:"title"`
	PreviousTitles []string `json:"previous_titles,omitempty"`
	// Comments is the user's comment text without the ownership marker.
	Comments string `json:"comments,omitempty"`
	// IPs is the record's target address set (records only).
	IPs IPSet `json:"ips,omitzero"`
	// Attrs holds every other readable setting, keyed by Qualys parameter name, as canonical text.
	Attrs map[string]string `json:"attrs,omitempty"`
	// Secrets holds write-only settings keyed by Qualys parameter name (desired side only).
	Secrets map[string]SecretRef `json:"secrets,omitempty"`
	// Login is the vault login of a record; nil means basic login (username/password in Attrs/Secrets).
	Login *VaultLogin `json:"login,omitempty"`
	// Items holds the entries of TypeItems fields (unix private_keys, root_tools): in order for an
	// Ordered field, else sorted by ItemText (see SortItems). A field absent from the map is
	// unknown or not managed; present and empty is none.
	Items map[string][]Item `json:"items,omitempty"`

	Adopt   bool `json:"adopt,omitempty"`
	Protect bool `json:"protect,omitempty"`
	// AllowReplace consents to a replacement of this object (see plan.Options.AllowReplace).
	AllowReplace bool `json:"allow_replace,omitempty"`

	// Live-only facts.
	ID int64 `json:"id,omitempty"`
	// Marker is the parsed ownership marker found in the live comments; nil when there is none.
	Marker *Marker `json:"marker,omitempty"`
	// Opaque is non-empty for a live object qsync cannot represent (a unix sub_type, vault type or
	// login vault type it does not know) and says why, e.g. `unknown vault type "Keeper"`. An
	// opaque object has Kind, Title, ID, IPs, Comments and Marker, an empty Type and no Attrs; a
	// record's Login names only its vault (no parameters), so that vault is never deleted under it.
	// qsync never changes or deletes an opaque object: it is left alone like an unmanaged one.
	Opaque string `json:"opaque,omitempty"`

	// Unknown names, sorted, the settings whose element was missing from the live answer (as
	// opposed to present and empty): the kind's variant parameter ("sub_type") when a record of a
	// kind with variants lists no variant element (SUB_TYPE), else field names. An unknown setting is not compared and is never a reason to update or
	// replace (live only).
	Unknown []string `json:"unknown,omitempty"`

	// ModifiedAt and ModifiedBy are Qualys's LAST_MODIFIED of a live object (DATETIME, BY), zero
	// when not listed; shown when a plan reverts a change made outside qsync, never compared.
	ModifiedAt time.Time `json:"-"`
	ModifiedBy string    `json:"-"`

	// Desired-only facts: where the object and each of its fields were written.
	Pos       Pos            `json:"-"`
	FieldPos  FieldPositions `json:"-"`
	SourceIdx int            `json:"-"` // index within its file's list, for JSON paths
}

// Marker is qsync's ownership trailer in a live object's comments.
type Marker struct {
	Owner string `json:"owner"`
	// Fingerprints maps secret parameter names to keyed fingerprints of the values last sent.
	Fingerprints map[string]string `json:"fingerprints,omitempty"`
}

// Key identifies an object within a subscription: records by (kind, title), vaults by title.
type Key struct {
	Kind  Kind   `json:"kind"`
	Title string `json:"title"`
}

// String formats the key as kind "title".
func (k Key) String() string { return fmt.Sprintf("%s %q", k.Kind, k.Title) }

// Key returns the object's identity.
func (o *Object) Key() Key { return Key{Kind: o.Kind, Title: o.Title} }

// IsUnknown reports whether the live answer did not report setting name (see Unknown).
func (o *Object) IsUnknown(name string) bool {
	for _, u := range o.Unknown {
		if u == name {
			return true
		}
	}
	return false
}

// Def returns the descriptor table of the object's kind and type, or nil when unknown.
func (o *Object) Def() *KindDef { return Lookup(o.Kind, o.Type) }

// Document is a whole desired (or live) state: every vault and record, plus the owner whose
// ownership marker this configuration writes and honours.
type Document struct {
	Owner   string    `json:"owner,omitempty"`
	Objects []*Object `json:"objects"`
	// Files lists the files the document was loaded from, in load order.
	Files []string `json:"files,omitempty"`
	// Complete is a fact about a live document: live.Read sets it when every record kind and the
	// vault list were read to the end, so nothing in Qualys is missing from Objects. It is false
	// for configuration and for a partial read; plan refuses to create or delete from a live
	// document that is not complete ("not seen" never becomes "absent").
	Complete bool `json:"-"`
}

// Sort orders objects by kind (vaults first, then records by kind name) and title, so every output
// derived from a Document is deterministic.
func (d *Document) Sort() {
	slices.SortStableFunc(d.Objects, func(a, b *Object) int { return CompareKeys(a.Key(), b.Key()) })
}

// CompareKeys orders keys, vaults before records, then by kind, then by title: -1 when a comes
// first, 1 when b does, 0 when they are equal; a comparison function for slices.SortFunc.
func CompareKeys(a, b Key) int {
	if av, bv := a.Kind == KindVault, b.Kind == KindVault; av != bv {
		if av {
			return -1
		}
		return 1
	}
	if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
		return c
	}
	return strings.Compare(a.Title, b.Title)
}

// Less orders keys: vaults before records, then kind, then title (CompareKeys < 0).
func Less(a, b Key) bool { return CompareKeys(a, b) < 0 }

// Find returns the object with key k, or nil.
func (d *Document) Find(k Key) *Object {
	for _, o := range d.Objects {
		if o.Key() == k {
			return o
		}
	}
	return nil
}
