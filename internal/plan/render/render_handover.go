package render

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/qsync/qsync/internal/markdown"
	"github.com/qsync/qsync/internal/plan"
)

// This file renders the plan's hand-overs (Handover) for review, in text and markdown; the JSON
// format writes Plan.Handovers as they are. Each pair is one line: its mode, the two objects,
// what moves and the steps that release and take it.

const handoverIntro = "each runs alone, release then take; a take that fails stops the later hand-overs of its group"

// handoverSteps says which steps release and take: "step 1 deletes, step 2 takes it".
func handoverSteps(h *plan.Handover) string {
	verb := "releases"
	if h.Mode == plan.HandoverReplacement {
		verb = "deletes"
	}
	s := fmt.Sprintf("step %d %s, step %d takes it", h.Release, verb, h.Take)
	if h.GiveBack != "" {
		s += "; if the take fails, the IPs are given back"
	}
	return s
}

// writeHandoversText writes the hand-overs section of a text plan (nothing when there is none).
func writeHandoversText(bw *bufio.Writer, p *plan.Plan, c painter) {
	if len(p.Handovers) == 0 {
		return
	}
	fmt.Fprintf(bw, "\n%s\n", c.paint(ansiBold, fmt.Sprintf("Hand-overs (%s):", handoverIntro)))
	for i := range p.Handovers {
		h := &p.Handovers[i]
		fmt.Fprintf(bw, "  %s %s: %s (%s)\n", c.paint(ansiMagenta, h.Mode), h.Describe(), safe(h.Handed()), handoverSteps(h))
	}
}

// handoversMarkdown is the hand-overs block of a markdown plan, at most mdMaxCaution lines and
// maxBytes ("" when there is none). Keys and titles are code spans.
func handoversMarkdown(p *plan.Plan, maxBytes int) string {
	if len(p.Handovers) == 0 {
		return ""
	}
	var lines []string
	for i := range p.Handovers {
		h := &p.Handovers[i]
		pair := markdown.Code(plan.KeyText(h.From, h.FromID))
		if h.From != h.To {
			pair += " → " + markdown.Code(h.To.String())
		}
		lines = append(lines, fmt.Sprintf("> - %s %s: %s (%s)\n", h.Mode, pair, handedMarkdown(h), handoverSteps(h)))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "> [!IMPORTANT]\n> **%d hand-over%s (%s):**\n", len(lines), plural(len(lines)), handoverIntro)
	b.WriteString(boundedList(lines, mdMaxCaution, maxBytes, func(n int) string {
		return fmt.Sprintf("> - … and %d more (`qsync plan` lists every one)\n", n)
	}))
	b.WriteString("\n")
	return b.String()
}

// handedMarkdown is Handover.Handed with the title in a code span and the rest escaped.
func handedMarkdown(h *plan.Handover) string {
	var parts []string
	for _, w := range h.What {
		switch w {
		case plan.HandsIPs:
			parts = append(parts, "IPs "+markdown.Code(strings.Join(h.IPs, ", ")))
		case plan.HandsTitle:
			parts = append(parts, "the title "+markdown.Code(safe(h.Title)))
		case plan.HandsSlot:
			s := "the rule slot on " + markdown.Code(strings.Join(h.IPs, ", "))
			if len(h.Slots) > 0 {
				s += " (" + markdown.Escape(safe(strings.Join(h.Slots, "; "))) + ")"
			}
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return "the object"
	}
	return strings.Join(parts, ", ")
}
