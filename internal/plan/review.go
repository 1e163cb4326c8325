package plan

import (
	"fmt"

	"github.com/qsync/qsync/internal/spec"
)

// Attribution says whose change a Change of a plan made with a base revision (qsync plan --base
// REF, see internal/attribution) is.
type Attribution string

// The attributions of a Change.
const (
	// AttributionChange: the configuration differs between the base revision and now (the pull
	// request's own change), and Qualys still matches the configuration at the base revision.
	AttributionChange Attribution = "change"
	// AttributionDrift: the configuration is the same at the base revision and now, but Qualys
	// differs from it: the object was changed outside qsync.
	AttributionDrift Attribution = "drift"
	// AttributionBoth: the configuration changed, and Qualys also differs from the configuration
	// at the base revision.
	AttributionBoth Attribution = "both"
)

// Modified is when and by whom Qualys says a live object was last changed (LAST_MODIFIED); either
// part may be empty when Qualys does not list it.
type Modified struct {
	At string `json:"at,omitempty"` // RFC 3339, UTC
	By string `json:"by,omitempty"`
}

// Reverts is the call-out of a change that overwrites drift: "this plan reverts a change made in
// Qualys on DATE by USER" ("" when the change overwrites no drift).
func (c *Change) Reverts() string {
	if c.Attribution != AttributionDrift && c.Attribution != AttributionBoth {
		return ""
	}
	if c.Action == ActionCreate {
		return "this plan creates again an object that was deleted in Qualys, outside qsync"
	}
	s := "this plan reverts a change made in Qualys outside qsync"
	if m := c.LiveModified; m != nil && m.At != "" {
		s = "this plan reverts a change made in Qualys on " + m.At
		if m.By != "" {
			s += " by " + m.By
		}
	}
	return s
}

// Policy is the outcome of the policy checks of a plan (qsync plan --policy, see internal/policy).
type Policy struct {
	// Digest identifies the policy the plan was checked against (the contents of its files and
	// the definitions of its built-in rules); apply of a saved plan refuses another policy.
	Digest string `json:"digest"`
	// Sources names the policy files and built-in rules ("builtin:NAME"), sorted.
	Sources []string `json:"sources"`
	// Violations are the rules that failed, sorted by position, rule and object.
	Violations []Violation `json:"violations,omitempty"`
}

// Violation is one policy rule that does not hold for one object (or, for a plan-level rule,
// for the whole plan).
type Violation struct {
	Rule     string        `json:"rule"`
	Severity spec.Severity `json:"severity"`
	Message  string        `json:"message"`
	// Key is the object the rule was checked on; nil for a plan-level rule.
	Key *spec.Key `json:"key,omitempty"`
	// Action is the object's planned action ("" when unchanged or outside a plan).
	Action Action `json:"action,omitempty"`
	// Pos is the object's position in the configuration, or the rule's in its policy file (a
	// plan-level rule, or an object that is only live, such as one to delete).
	Pos spec.Pos `json:"pos,omitzero"`
}

// Diagnostic returns the violation as a positioned diagnostic: "file:line:col: rule: message".
func (v Violation) Diagnostic() spec.Diagnostic {
	msg := v.Message
	if v.Key != nil {
		msg = fmt.Sprintf("%s: %s", v.Key, msg)
	}
	return spec.Diagnostic{Pos: v.Pos, Path: v.Rule, Message: msg, Severity: v.Severity}
}

// Diagnostics returns the plan's policy violations as diagnostics (nil without policy checks).
func (p *Policy) Diagnostics() spec.Diagnostics {
	if p == nil {
		return nil
	}
	var ds spec.Diagnostics
	for _, v := range p.Violations {
		ds = append(ds, v.Diagnostic())
	}
	return ds
}

// Errors counts the violations of error severity.
func (p *Policy) Errors() int {
	if p == nil {
		return 0
	}
	return p.Diagnostics().ErrorCount()
}
