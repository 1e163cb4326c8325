package policy

import (
	"slices"

	"github.com/qsync/qsync/internal/spec"
)

// Builtin is a rule qsync ships, used as `--policy builtin:NAME` or as `- builtin: NAME` in a
// policy file. Its kinds come from spec's kind tables, so a new kind is covered without a change
// here.
type Builtin struct {
	Name        string
	Description string
	Severity    string
	Level       string
	Expression  string
	Message     string
	// Applies selects the kinds and types (variants, vault types) the rule applies to by their
	// descriptor; nil: every object.
	Applies func(d *spec.KindDef) bool
}

// Kinds lists, sorted, the kinds some descriptor of which b applies to (nil: every kind).
func (b *Builtin) Kinds() []string {
	if b.Applies == nil {
		return nil
	}
	var out []string
	for _, d := range spec.Kinds() {
		if d.Opaque == "" && b.Applies(&d) && !slices.Contains(out, string(d.Kind)) {
			out = append(out, string(d.Kind))
		}
	}
	slices.Sort(out)
	return out
}

// MaxRangeAddresses is the largest number of addresses one IP entry may cover under
// builtin:max-ip-range: a /16.
const MaxRangeAddresses = 65536

// MaxDeletes is the most deletes and replacements a plan may hold under builtin:max-deletes.
const MaxDeletes = 10

// Builtins returns the built-in rules, sorted by name.
func Builtins() []Builtin {
	return []Builtin{
		{
			Name:        "max-deletes",
			Description: "A plan deletes or replaces at most 10 objects: a larger clean-up is split, or reviewed with this rule's severity lowered.",
			Severity:    "error", Level: "plan",
			Expression: "totals.delete + totals.replace <= 10",
			Message:    "the plan deletes or replaces more than 10 objects",
		},
		{
			Name:        "max-ip-range",
			Description: "No IP entry of a record (a range or CIDR prefix) covers more than a /16 (65,536 addresses).",
			Severity:    "error", Level: "object",
			Expression: "action == 'delete' || !has(object.ips) || object.ips.all(e, ipCount(e) <= 65536)",
			Message:    "an IP entry covers more than a /16 (65,536 addresses)",
			Applies:    func(d *spec.KindDef) bool { return d.Kind.IsRecord() },
		},
		{
			Name:        "no-vault-deletes",
			Description: "No vault is deleted or replaced by a plan (records may still log in through it, and its secrets are not in the configuration).",
			Severity:    "error", Level: "object",
			Expression: "action != 'delete' && action != 'replace'",
			Message:    "vaults are not deleted or replaced by a plan",
			Applies:    func(d *spec.KindDef) bool { return d.Kind == spec.KindVault },
		},
		{
			Name:        "ssl-verify",
			Description: "ssl_verify is set to true on every record and vault whose kind or type has it (explicitly: the Qualys defaults differ between kinds).",
			Severity:    "error", Level: "object",
			Expression: "action == 'delete' || (has(object.ssl_verify) && object.ssl_verify == true)",
			Message:    "ssl_verify must be set to true",
			Applies:    func(d *spec.KindDef) bool { return d.Field("ssl_verify") != nil },
		},
		{
			Name:        "vault-logins",
			Description: "Where the configuration declares a vault, every record of a kind that can log in through a vault does.",
			Severity:    "error", Level: "object",
			Expression: "action == 'delete' || size(vaults) == 0 || has(object.login)",
			Message:    "the configuration declares a vault, so this record logs in through one (login: {vault: ...})",
			Applies:    func(d *spec.KindDef) bool { return len(d.LoginVaultTypes) > 0 },
		},
	}
}

// builtin returns the built-in rule named name, or nil.
func builtin(name string) *Builtin {
	for _, b := range Builtins() {
		if b.Name == name {
			return &b
		}
	}
	return nil
}
