package plan

import (
	"fmt"
	"strings"
)

// A plan is scoped when it was made to cover less than the whole configuration: --only (Targets),
// --secrets-only (SecretsOnly, with the objects it chose as exact Targets) or --without-secrets
// (SecretsUnchecked: secret drift is not looked at). A scoped plan never claims that Qualys
// matches the configuration: its summary says "within the scope", and the pipeline's
// verification counts what the scope left out (see internal/pipeline).

// Scoped reports whether the plan covers less than the whole configuration (see above).
func (p *Plan) Scoped() bool {
	return len(p.Flags.Targets) > 0 || p.Flags.SecretsOnly || p.Flags.SecretsUnchecked
}

// ScopeName names the plan's scope for the lines that say "within the scope (...)": the --only
// patterns, --secrets-only, and --without-secrets; "" for a full plan.
func (p *Plan) ScopeName() string {
	var parts []string
	switch {
	case p.Flags.SecretsOnly:
		parts = append(parts, "--secrets-only")
	case len(p.Flags.Targets) > 0:
		parts = append(parts, strings.Join(p.Flags.Targets, ", "))
	}
	if p.Flags.SecretsUnchecked {
		parts = append(parts, "--without-secrets: secret drift not checked")
	}
	return strings.Join(parts, "; ")
}

// ScopeLine is the line every rendering of a plan scoped with --only or --secrets-only starts
// with ("" otherwise): "scoped to unix/linux-*, vault/pam (--only): ...". A plan made
// --without-secrets says so in its notes and summary line instead.
func (p *Plan) ScopeLine() string {
	switch {
	case p.Flags.SecretsOnly:
		return "scoped to secret changes (--secrets-only): a partial plan; only objects whose sole changes are secrets are planned, every other difference is left for a reviewed plan"
	case len(p.Flags.Targets) > 0:
		return fmt.Sprintf("scoped to %s (--only): a partial plan; no other object is changed or deleted, and the configuration is not fully applied until a plan without --only is empty",
			strings.Join(p.Flags.Targets, ", "))
	}
	return ""
}
