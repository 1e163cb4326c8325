package render

import (
	"bufio"
	"fmt"
	"slices"
	"strings"

	"github.com/qsync/qsync/internal/markdown"
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// The review sections of a rendered plan: the policy violations (Plan.Policy) and, for a plan
// made with a base revision (Plan.Base), the changes grouped by whose they are.

// mdMaxViolations bounds the violations listed in a markdown plan.
const mdMaxViolations = 50

// attributionOrder is the order of the groups: the pull request's own changes lead, drift last.
var attributionOrder = []plan.Attribution{plan.AttributionChange, plan.AttributionBoth, plan.AttributionDrift}

// changeOrder returns the indexes of p.Changes in rendering order: as planned without a base,
// grouped by attribution (attributionOrder, stable within a group) with one.
func changeOrder(p *plan.Plan) []int {
	idx := make([]int, len(p.Changes))
	for i := range idx {
		idx[i] = i
	}
	if p.Base == "" {
		return idx
	}
	rank := func(a plan.Attribution) int {
		if r := slices.Index(attributionOrder, a); r >= 0 {
			return r
		}
		return len(attributionOrder)
	}
	slices.SortStableFunc(idx, func(a, b int) int { return rank(p.Changes[a].Attribution) - rank(p.Changes[b].Attribution) })
	return idx
}

// attributionCount counts p's changes with attribution a.
func attributionCount(p *plan.Plan, a plan.Attribution) int {
	n := 0
	for _, c := range p.Changes {
		if c.Attribution == a {
			n++
		}
	}
	return n
}

// groupTitle is the heading of the group of attribution a, with its count.
func groupTitle(p *plan.Plan, a plan.Attribution) string {
	n := attributionCount(p, a)
	switch a {
	case plan.AttributionChange:
		return fmt.Sprintf("This change: %d (the configuration changed since %s)", n, p.Base)
	case plan.AttributionBoth:
		return fmt.Sprintf("This change, over drift: %d (the configuration changed since %s, and Qualys was also changed outside qsync)", n, p.Base)
	case plan.AttributionDrift:
		return fmt.Sprintf("Drift: %d (changed in Qualys outside qsync; the configuration is the same as at %s: this plan reverts it)", n, p.Base)
	}
	return fmt.Sprintf("Unattributed: %d", n)
}

// startsGroup reports whether change i (in changeOrder) is the first of its attribution group.
func startsGroup(p *plan.Plan, order []int, pos int) bool {
	if p.Base == "" {
		return false
	}
	return pos == 0 || p.Changes[order[pos-1]].Attribution != p.Changes[order[pos]].Attribution
}

// reviewSuffix is what a change's headline says about its attribution: whether it reverts drift.
func reviewSuffix(c *plan.Change) string {
	if r := c.Reverts(); r != "" {
		return "; " + r
	}
	return ""
}

// violationCounts describes the number of errors and warnings.
func violationCounts(pol *plan.Policy) string {
	errs := pol.Errors()
	warns := len(pol.Violations) - errs
	return fmt.Sprintf("%d error%s, %d warning%s", errs, plural(errs), warns, plural(warns))
}

// writeReviewText writes the text plan's review head: the base the changes are attributed
// against, with the count per attribution, and the policy violations.
func writeReviewText(bw *bufio.Writer, p *plan.Plan, c painter) {
	if p.Base != "" {
		fmt.Fprintf(bw, "\nChanges attributed against %s: %d this change, %d this change over drift, %d drift.\n", safe(p.Base),
			attributionCount(p, plan.AttributionChange), attributionCount(p, plan.AttributionBoth), attributionCount(p, plan.AttributionDrift))
	}
	pol := p.Policy
	if pol == nil {
		return
	}
	if len(pol.Violations) == 0 {
		fmt.Fprintf(bw, "\nPolicy: no violations (%s).\n", safe(strings.Join(pol.Sources, ", ")))
		return
	}
	head := fmt.Sprintf("Policy violations (%s):", violationCounts(pol))
	col := ansiYellow
	if pol.Errors() > 0 {
		col = ansiBold + ansiRed
	}
	fmt.Fprintf(bw, "\n%s\n", c.paint(col, head))
	for _, v := range pol.Violations {
		fmt.Fprintf(bw, "  %s %s\n", c.paint(severityColor(v.Severity), "!"), safe(v.Diagnostic().String()))
	}
}

func severityColor(s spec.Severity) string {
	if s == spec.SeverityError {
		return ansiRed
	}
	return ansiYellow
}

// reviewMarkdown is the markdown plan's review head: the policy section (errors as a CAUTION
// block, warnings only as a WARNING block) and the counts per attribution.
func reviewMarkdown(p *plan.Plan, limit int) string {
	var b strings.Builder
	if pol := p.Policy; pol != nil {
		if len(pol.Violations) == 0 {
			fmt.Fprintf(&b, "**Policy:** no violations (%s).\n\n", markdown.Escape(safe(strings.Join(pol.Sources, ", "))))
		} else {
			kind := "WARNING"
			if pol.Errors() > 0 {
				kind = "CAUTION"
			}
			fmt.Fprintf(&b, "> [!%s]\n> **Policy violations (%s):**\n", kind, violationCounts(pol))
			var lines []string
			for _, v := range pol.Violations {
				where := ""
				if s := v.Pos.String(); s != "" {
					where = markdown.Code(safe(s)) + " "
				}
				obj := ""
				if v.Key != nil {
					obj = markdown.Code(v.Key.String()) + ": "
				}
				lines = append(lines, fmt.Sprintf("> - %s **%s** %s%s%s\n", v.Severity, markdown.Escape(v.Rule), where, obj, markdown.Escape(safe(v.Message))))
			}
			b.WriteString(boundedList(lines, mdMaxViolations, limit/8, func(n int) string {
				return fmt.Sprintf("> - … and %d more violations (`qsync plan` lists every one)\n", n)
			}))
			b.WriteString("\n")
		}
	}
	if p.Base != "" && len(p.Changes) > 0 {
		fmt.Fprintf(&b, "**Against %s:** %d this change · %d this change over drift · **%d drift** (changed in Qualys outside qsync)\n\n",
			markdown.Escape(safe(p.Base)), attributionCount(p, plan.AttributionChange), attributionCount(p, plan.AttributionBoth), attributionCount(p, plan.AttributionDrift))
		if n := attributionCount(p, plan.AttributionDrift) + attributionCount(p, plan.AttributionBoth); n > 0 {
			fmt.Fprintf(&b, "> [!WARNING]\n> This plan overwrites %d change%s made in Qualys outside qsync (listed under Drift and This change, over drift): merging reverts them.\n\n", n, plural(n))
		}
	}
	return b.String()
}

// groupMarkdown is the heading of an attribution group in the markdown plan.
func groupMarkdown(p *plan.Plan, a plan.Attribution) string {
	return "#### " + markdown.Escape(safe(groupTitle(p, a))) + "\n\n"
}
