package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/qsync/qsync/internal/spec"
)

// FormatVersion is the version of the JSON plan format written by render.Save (the json renderer and plan
// files, see internal/planfile).
const FormatVersion = 3

// Action is what a Change does to one object.
type Action string

// The actions of a Change. Adopt and rename are in-place updates (they keep the Qualys ID); replace
// is a delete followed by a create.
const (
	ActionCreate  Action = "create"
	ActionUpdate  Action = "update"
	ActionDelete  Action = "delete"
	ActionReplace Action = "replace"
	ActionAdopt   Action = "adopt"
	ActionRename  Action = "rename"
)

// Step operations.
const (
	OpCreate = "create"
	OpUpdate = "update"
	OpDelete = "delete"
)

// The phases of a plan, in the order apply runs them (see DESIGN.md "Ordering").
const (
	// PhaseVaults creates and updates vaults (and deletes the old half of a vault replacement).
	PhaseVaults = 1
	// PhaseRelease holds record updates that only remove IPs or free a title, and record deletes
	// that free IPs or a title another record needs (the old half of a replacement).
	PhaseRelease = 2
	// PhaseRecords creates records, then runs the remaining record updates.
	PhaseRecords = 3
	// PhaseDeleteRecords deletes records missing from the configuration.
	PhaseDeleteRecords = 4
	// PhaseDeleteVaults deletes vaults missing from the configuration, one call per vault.
	PhaseDeleteVaults = 5
)

// Options steer build.Plan.
type Options struct {
	// Owner names the ownership marker this configuration writes and honours; empty means the
	// desired document's Owner.
	Owner string
	// Adopt takes over every unmanaged live object whose key the configuration declares.
	Adopt bool
	// PushSecrets sends every secret of every declared object, changed or not.
	PushSecrets bool
	// SecretKey is QSYNC_SECRET_KEY. With a key, secrets are fingerprinted and only changed ones
	// are sent; nil turns fingerprints off (secrets are then sent on create only).
	SecretKey []byte
	// Resolve returns the value of a desired object's secret parameter. build.Plan calls it only when a
	// SecretKey is set (to fingerprint the value); the value never leaves build.Plan.
	Resolve func(o *spec.Object, param string) (string, error)
	// CheckSecret reports why the value of a desired object's secret parameter could not be read
	// (never reading it when it can tell otherwise). Without a SecretKey, build.Plan calls it for every
	// secret a step sends, so that a reference apply would fail on is a positioned plan error;
	// nil checks nothing (a plan made on purpose without the secrets' values).
	CheckSecret func(o *spec.Object, param string) error
	// AllowDeletes lifts the delete threshold.
	AllowDeletes bool
	// AllowReplace consents to replacements (delete, then create with a new Qualys ID) of
	// objects whose immutable fields change; without it, and without allow_replace: true on the
	// object, a replacement is refused (listed in Plan.Refused).
	AllowReplace bool
	// DeleteThreshold is the largest share of the managed objects of one kind a plan may delete
	// without AllowDeletes; zero means 0.30.
	DeleteThreshold float64
	// DeleteMinCount is the number of managed objects of a kind below which the threshold does not
	// apply; zero means 10.
	DeleteMinCount int
	// RateRemaining is the number of API calls left in the current rate window per endpoint
	// (X-RateLimit-Remaining), shown next to the calls a plan needs; zero means unknown.
	RateRemaining int
	// OutOfScope holds the live objects this owner manages that a scoped plan leaves alone (see
	// internal/pipeline, which removes their markers so that build.Plan never changes them): messages
	// about them say so instead of calling them unmanaged.
	OutOfScope map[spec.Key]bool
	// VerifyReads is the number of read calls the verification after apply makes (it reads the
	// live estate again, as the plan did: the caller counts the plan's read); zero means unknown.
	// It is counted with the plan's writes against RateRemaining.
	VerifyReads int
}

// Plan is everything a reviewer approves and apply executes. It is plain data: Changes say what
// will differ afterwards, Steps are the exact API calls apply makes, in order. No secret value is
// ever held in a Plan; Steps carry spec.SecretRef references that apply resolves at run time.
type Plan struct {
	FormatVersion int `json:"format_version"`
	// Scope is ScopeLine, written by render.Save so that a scoped plan's JSON says so near its top; it is
	// derived from Flags.Targets, and neither Read nor the renderers trust what a file holds.
	Scope string `json:"scope,omitempty"`
	Owner string `json:"owner"`
	// Changes lists one entry per object that changes, deletes first, then replacements, creates
	// and in-place updates (adopt, rename, update), each group sorted by key.
	Changes []Change `json:"changes"`
	// Steps are the API calls apply makes, in order.
	Steps []Step `json:"steps"`
	// Handovers pair every step that releases a title, IPs or a rule slot with the step of this
	// plan that takes it (see Handover), sorted by release step, then take step.
	Handovers []Handover `json:"handovers,omitempty"`
	// Unmanaged lists live objects that carry no marker of this owner and are left alone.
	Unmanaged []spec.Key `json:"unmanaged,omitempty"`
	// Opaque gives the reason of every unmanaged live object qsync cannot represent (see
	// spec.Object.Opaque); each is also in Unmanaged. They never appear in Changes or Steps.
	Opaque []Opaque `json:"opaque,omitempty"`
	// Refused lists changes the configuration asks for that a guard (protect: true) refused; they
	// are not in Changes or Steps.
	Refused []Refusal `json:"refused,omitempty"`
	// Notes are plan-wide remarks a reviewer must see (e.g. that secret drift is not checked).
	Notes []string `json:"notes,omitempty"`
	// Config lists the configuration files the plan was built from (set by the caller).
	Config []string `json:"config,omitempty"`
	// ConfigDigest is a digest of the configuration the plan was built from (set by the caller).
	ConfigDigest string `json:"config_digest,omitempty"`
	// Flags are the planning options the plan was built with (set by the caller), so that apply
	// can rebuild exactly this plan from a saved file (see planfile.Verify).
	Flags Flags `json:"flags,omitzero"`
	// LiveDigests maps key.String() of every live object a step touches to ObjectDigest of it as
	// read when planning, so apply can refuse a stale plan.
	LiveDigests map[string]string `json:"live_digests"`
	// Calls counts the API calls per endpoint and operation ("mysql update": 1).
	Calls map[string]int `json:"calls"`
	// RateRemaining is Options.RateRemaining (zero: unknown).
	RateRemaining int `json:"rate_remaining,omitempty"`
	// VerifyReads is Options.VerifyReads: the reads the verification after apply costs on top of
	// Calls (zero: unknown).
	VerifyReads int `json:"verify_reads,omitempty"`
	// Base is the git revision the changes are attributed against (plan --base; set by the
	// caller, see internal/attribution): "REF (commit)", else empty.
	Base string `json:"base,omitempty"`
	// Policy is the outcome of the policy checks (plan --policy; set by the caller), nil without.
	Policy *Policy `json:"policy,omitempty"`
}

// Flags are the planning choices of Options that change what a plan does.
type Flags struct {
	Adopt        bool `json:"adopt,omitempty"`
	AllowDeletes bool `json:"allow_deletes,omitempty"`
	PushSecrets  bool `json:"push_secrets,omitempty"`
	// Targets are the --only KIND/TITLE-GLOB patterns (path.Match; an exact title matches
	// itself): the plan covers only the objects they match (see internal/pipeline, which scopes
	// desired and live before build.Plan; build.Plan does not read it).
	Targets []string `json:"targets,omitempty"`
	// SecretsUnchecked is --without-secrets: the plan was made without the secrets' values, so
	// secret drift was not checked (the pipeline passes no SecretKey; build.Plan does not read it).
	SecretsUnchecked bool `json:"secrets_unchecked,omitempty"`
	AllowReplace     bool `json:"allow_replace,omitempty"`
	// SecretsOnly is --secrets-only: the plan covers only the objects whose sole changes are
	// secrets, recorded as exact Targets (see internal/pipeline; build.Plan does not read it).
	SecretsOnly bool `json:"secrets_only,omitempty"`
}

// WithFlags returns o with the planning choices of f (the one mapping of Flags to Options, so
// a plan file rebuilds its plan with the choices it was made with).
func (o Options) WithFlags(f Flags) Options {
	o.Adopt, o.AllowDeletes, o.PushSecrets, o.AllowReplace = f.Adopt, f.AllowDeletes, f.PushSecrets, f.AllowReplace
	return o
}

// Change is the difference of one object. Before is the live object (nil for a create) and After
// the desired one (nil for a delete); both are for callers of build.Plan only and are not saved.
type Change struct {
	Key  spec.Key `json:"key"`
	Type string   `json:"type,omitempty"`
	// Action is create, update, delete, replace, adopt or rename.
	Action Action `json:"action"`
	// ID is the live Qualys ID (zero for a create).
	ID int64 `json:"id,omitempty"`
	// PreviousTitle is the live title of a renamed object.
	PreviousTitle string `json:"previous_title,omitempty"`
	// Drift marks an update of a managed object whose live state differs from the configuration
	// in something other than its title or secrets: either the configuration changed or someone
	// changed the object outside qsync (a plan cannot tell which).
	Drift bool `json:"drift,omitempty"`
	// Reason explains a replacement (which field cannot change in place).
	Reason string        `json:"reason,omitempty"`
	Fields []FieldChange `json:"fields,omitempty"`
	// Unchanged counts the compared settings that do not change (shown as "N unchanged
	// attributes hidden").
	Unchanged int `json:"unchanged,omitempty"`
	// Attribution says whose change this is when the plan has a Base (see Attribution).
	Attribution Attribution `json:"attribution,omitempty"`
	// LiveModified is Qualys's LAST_MODIFIED of the live object of a drift or both change,
	// when Qualys lists it (see Change.Reverts).
	LiveModified *Modified `json:"live_modified,omitempty"`

	Before *spec.Object `json:"-"`
	After  *spec.Object `json:"-"`
}

// FieldChange is one setting's difference. Values are canonical text ("" = unset). A secret has
// Sensitive set and Before/After hold only descriptions such as "(sensitive, changed)". IP sets fill
// Added and Removed (merged ranges); long or multi-line text fills Diff with a unified line diff.
type FieldChange struct {
	Name      string   `json:"name"`
	Before    string   `json:"before,omitempty"`
	After     string   `json:"after,omitempty"`
	Sensitive bool     `json:"sensitive,omitempty"`
	Added     []string `json:"added,omitempty"`
	Removed   []string `json:"removed,omitempty"`
	Diff      string   `json:"diff,omitempty"`
}

// Opaque is a live object qsync cannot represent, left alone.
type Opaque struct {
	Key    spec.Key `json:"key"`
	ID     int64    `json:"id,omitempty"`
	Reason string   `json:"reason"`
}

// Refusal is a change a guard refused (protect: true, or a replacement without consent).
type Refusal struct {
	Key    spec.Key `json:"key"`
	ID     int64    `json:"id,omitempty"`
	Action Action   `json:"action"`
	Reason string   `json:"reason"`
}

// Step is one API call apply makes.
type Step struct {
	ID    int        `json:"id"`    // 1-based order
	Phase int        `json:"phase"` // see the Phase constants
	Kind  spec.Kind  `json:"kind"`  // record endpoint kind or vault
	Op    string     `json:"op"`    // "create" | "update" | "delete"
	Keys  []spec.Key `json:"keys"`  // objects this call touches
	IDs   []int64    `json:"ids,omitempty"`
	// Params are the non-secret Qualys parameters, values as sent (no action, ids or id).
	Params map[string]string `json:"params,omitempty"`
	// Secrets are secret parameters apply resolves at run time.
	Secrets map[string]spec.SecretRef `json:"secrets,omitempty"`
	// VaultRef is the title of a vault created earlier in this plan whose new ID fills vault_id.
	VaultRef string `json:"vault_ref,omitempty"`
	// VaultRefs name, per parameter (a unix key's or root tool's "private_keys.0.key.vault_id"),
	// a vault created earlier in this plan whose new ID fills that parameter.
	VaultRefs map[string]string `json:"vault_refs,omitempty"`
	DependsOn []int             `json:"depends_on,omitempty"`
}

// Endpoint names the step's endpoint and operation as used in Plan.Calls, e.g. "mysql update".
func (s *Step) Endpoint() string { return string(s.Kind) + " " + s.Op }

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool { return len(p.Changes) == 0 && len(p.Steps) == 0 }

// NotReported ends the note about a configured setting the live answer did not report and the
// plan neither compared nor sent ("<key> (id N): <field>: not reported by Qualys; not compared").
const NotReported = "not reported by Qualys; not compared"

// UncheckedNotes are the notes about configured settings the plan could neither compare nor
// send (NotReported; one note per setting): "Qualys matches the configuration" holds only for
// the settings Qualys reports.
func (p *Plan) UncheckedNotes() []string {
	var out []string
	for _, note := range p.Notes {
		if i := strings.Index(note, ": "+NotReported); i >= 0 && !strings.HasPrefix(note[i+2+len(NotReported):], ", sent as configured") {
			out = append(out, note)
		}
	}
	return out
}

// Unchecked counts UncheckedNotes.
func (p *Plan) Unchecked() int { return len(p.UncheckedNotes()) }

// MatchesClaim is what a plan with nothing to do may say of Qualys: that it matches the
// configuration, qualified when some configured settings could not be checked (Unchecked).
func (p *Plan) MatchesClaim() string {
	if u := p.Unchecked(); u > 0 {
		return fmt.Sprintf("Qualys matches the configuration in every setting it reports; %d configured setting%s it does not report %s not checked (see the notes above)",
			u, plural(u), isAre(u))
	}
	return "Qualys matches the configuration"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// Summary counts the changes per action group as rendered: creates, in-place updates (update,
// adopt, rename), deletes and replacements.
func (p *Plan) Summary() (create, update, del, replace int) {
	for _, c := range p.Changes {
		switch c.Action {
		case ActionCreate:
			create++
		case ActionDelete:
			del++
		case ActionReplace:
			replace++
		default:
			update++
		}
	}
	return
}

// TotalCalls is the number of API calls the plan makes.
func (p *Plan) TotalCalls() int {
	n := 0
	for _, c := range p.Calls {
		n += c
	}
	return n
}

// digestObject is the content ObjectDigest hashes: everything Qualys reports about an object.
type digestObject struct {
	Kind     spec.Kind         `json:"kind"`
	Type     string            `json:"type"`
	Title    string            `json:"title"`
	ID       int64             `json:"id"`
	Comments string            `json:"comments"`
	Marker   *spec.Marker      `json:"marker"`
	IPs      []string          `json:"ips"`
	Attrs    map[string]string `json:"attrs"`
	Login    *spec.VaultLogin  `json:"login"`
}

// ObjectDigest returns a stable hash (hex SHA-256) of a live object's canonical content: kind,
// type, title, ID, comments, marker, IPs, attributes and login. Apply compares it with the digest
// saved in a plan to refuse a stale plan.
func ObjectDigest(o *spec.Object) string {
	if o == nil {
		return ""
	}
	d := digestObject{Kind: o.Kind, Type: o.Type, Title: o.Title, ID: o.ID, Comments: o.Comments,
		Marker: o.Marker, IPs: o.IPs.Entries(), Attrs: nonEmpty(o.Attrs), Login: o.Login}
	b, _ := json.Marshal(d) // cannot fail: plain strings and maps with string keys
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// nonEmpty returns the entries of m with a value (never nil, so a digest does not tell nil from empty).
func nonEmpty(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if v != "" {
			out[k] = v
		}
	}
	return out
}
