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

// outOfScopeWhy is what a message says of a live object that this owner manages but the plan's
// --only scope leaves alone (Options.OutOfScope).
const outOfScopeWhy = "which this owner manages but --only leaves out of this plan (widen --only to change it)"

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

// scopedSummaryLine is summaryLine for a scoped plan: never "Qualys matches the configuration".
func scopedSummaryLine(p *Plan) string {
	scope := safe(p.ScopeName())
	if p.Empty() && len(p.Refused) > 0 {
		return fmt.Sprintf("No changes planned within the scope (%s), but %d change%s refused: Qualys does not match the configuration.", scope, len(p.Refused), pluralVerb(len(p.Refused)))
	}
	if p.Empty() {
		return fmt.Sprintf("No changes within the scope (%s); a plan without it shows whether anything else differs.", scope)
	}
	cr, up, del, rep := p.Summary()
	return fmt.Sprintf("Plan within the scope (%s): %d to create, %d to update, %d to delete, %d to replace.", scope, cr, up, del, rep)
}
