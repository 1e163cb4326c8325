package render

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/qsync/qsync/internal/markdown"
	"github.com/qsync/qsync/internal/plan"

	"github.com/qsync/qsync/internal/spec"
)

// DefaultMarkdownBytes caps markdown output (GitHub comments hold at most 65536 characters).
const DefaultMarkdownBytes = 60000

// The parts of a markdown plan other than the change details are lists that grow with the plan;
// each shows at most this many entries (and at most its share of the byte limit), then says how
// many more there are. The counts per kind and action are always in the summary table.
const (
	mdMaxCaution   = 50  // deletes and replacements in the CAUTION block
	mdMaxRefused   = 50  // refusals in the WARNING block
	mdMaxUnmanaged = 100 // unmanaged objects
	mdMaxNotes     = 20  // notes
)

// renderMarkdown writes a pull-request comment: a summary table per kind and action, the deletes
// listed first, then each change in a collapsed <details> block with a diff. Every part respects a
// share of the byte limit (opts.MaxBytes, GitHub's comment limit being 65,536 characters): the
// CAUTION list of deletes and replacements, the refusals, the unmanaged objects and the notes are
// summarised past a count or their share of bytes; details that would exceed what is left are
// left out with a note. The summary line and table are always shown.
func renderMarkdown(w io.Writer, p *plan.Plan, opts Options) error {
	limit := opts.MaxBytes
	if limit <= 0 {
		limit = DefaultMarkdownBytes
	}
	var head, tail strings.Builder
	if line := p.ScopeLine(); line != "" {
		fmt.Fprintf(&head, "> [!CAUTION]\n> **%s**\n\n", markdown.Escape(safe(line)))
	}
	fmt.Fprintf(&head, "### qsync plan for owner %s\n\n", markdown.Code(safe(p.Owner)))
	fmt.Fprintf(&head, "**%s**\n\n", markdown.Escape(summaryLine(p))) // a scoped one names --only patterns
	head.WriteString(reviewMarkdown(p, limit))
	if len(p.Changes) > 0 {
		head.WriteString(summaryTable(p))
		head.WriteString("\n")
	}
	var dels []string
	for _, c := range p.Changes {
		if c.Action == plan.ActionDelete || c.Action == plan.ActionReplace {
			dels = append(dels, fmt.Sprintf("> - %s %s\n", c.Action, markdown.Code(plan.KeyText(c.Key, c.ID))))
		}
	}
	if len(dels) > 0 {
		head.WriteString("> [!CAUTION]\n")
		fmt.Fprintf(&head, "> **%d object%s will be deleted or replaced:**\n", len(dels), plural(len(dels)))
		head.WriteString(boundedList(dels, mdMaxCaution, limit/4, func(n int) string {
			return fmt.Sprintf("> - … and %d more (the table above counts them per kind; `qsync plan` lists every one)\n", n)
		}))
		head.WriteString("\n")
	}
	head.WriteString(handoversMarkdown(p, limit/8))
	if len(p.Refused) > 0 {
		head.WriteString("> [!WARNING]\n> **Refused (not planned):**\n")
		var lines []string
		for _, r := range p.Refused {
			lines = append(lines, fmt.Sprintf("> - %s %s: %s\n", r.Action, markdown.Code(plan.KeyText(r.Key, r.ID)), markdown.Escape(safe(r.Reason))))
		}
		head.WriteString(boundedList(lines, mdMaxRefused, limit/8, func(n int) string {
			return fmt.Sprintf("> - … and %d more refusals (`qsync plan` lists every one)\n", n)
		}))
		head.WriteString("\n")
	}

	if len(p.Unmanaged) > 0 {
		fmt.Fprintf(&tail, "<details><summary>%d unmanaged object%s left alone</summary>\n\n", len(p.Unmanaged), plural(len(p.Unmanaged)))
		opaque := opaqueReasons(p)
		var lines []string
		for _, k := range p.Unmanaged {
			if why, ok := opaque[k]; ok {
				lines = append(lines, fmt.Sprintf("- %s: qsync cannot represent it (%s)\n", markdown.Code(k.String()), markdown.Escape(safe(why))))
				continue
			}
			lines = append(lines, fmt.Sprintf("- %s\n", markdown.Code(k.String())))
		}
		tail.WriteString(boundedList(lines, mdMaxUnmanaged, limit/8, func(n int) string {
			return fmt.Sprintf("- … and %d more (`qsync plan` lists every one)\n", n)
		}))
		tail.WriteString("\n</details>\n\n")
	}
	var notes []string
	for _, n := range displayNotes(p.Notes) {
		notes = append(notes, fmt.Sprintf("> [!NOTE]\n> %s\n\n", markdown.Escape(safe(n))))
	}
	tail.WriteString(boundedList(notes, mdMaxNotes, limit/16, func(n int) string {
		return fmt.Sprintf("> [!NOTE]\n> … and %d more notes (`qsync plan` shows every one).\n\n", n)
	}))
	if len(p.Calls) > 0 {
		fmt.Fprintf(&tail, "%s\n", callsLine(p))
	}

	budget := limit - head.Len() - tail.Len() - 200
	var body strings.Builder
	shown := 0
	order := changeOrder(p)
	for n, i := range order {
		block := detailsBlock(&p.Changes[i])
		if startsGroup(p, order, n) {
			block = groupMarkdown(p, p.Changes[i].Attribution) + block
		}
		if body.Len()+len(block) > budget {
			break
		}
		body.WriteString(block)
		shown++
	}
	if shown < len(p.Changes) {
		fmt.Fprintf(&body, "> [!NOTE]\n> %d of %d changes are not detailed here (comment size limit); run `qsync plan` for the full plan.\n\n",
			len(p.Changes)-shown, len(p.Changes))
	}
	_, err := io.WriteString(w, head.String()+body.String()+tail.String())
	return err
}

// boundedList joins lines, at most maxItems of them and at most maxBytes, followed by more(n)
// when n lines were left out.
func boundedList(lines []string, maxItems, maxBytes int, more func(n int) string) string {
	var b strings.Builder
	for i, l := range lines {
		if i == maxItems || b.Len()+len(l) > maxBytes {
			b.WriteString(more(len(lines) - i))
			break
		}
		b.WriteString(l)
	}
	return b.String()
}

var tableActions = []plan.Action{plan.ActionDelete, plan.ActionReplace, plan.ActionCreate, plan.ActionUpdate, plan.ActionAdopt, plan.ActionRename}

func summaryTable(p *plan.Plan) string {
	counts := map[spec.Kind]map[plan.Action]int{}
	used := map[plan.Action]bool{}
	for _, c := range p.Changes {
		if counts[c.Key.Kind] == nil {
			counts[c.Key.Kind] = map[plan.Action]int{}
		}
		counts[c.Key.Kind][c.Action]++
		used[c.Action] = true
	}
	var cols []plan.Action
	for _, a := range tableActions {
		if used[a] || a == plan.ActionDelete || a == plan.ActionCreate || a == plan.ActionUpdate {
			cols = append(cols, a)
		}
	}
	kinds := make([]spec.Kind, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		return spec.Less(spec.Key{Kind: kinds[i]}, spec.Key{Kind: kinds[j]})
	})
	var b strings.Builder
	b.WriteString("| kind |")
	for _, a := range cols {
		fmt.Fprintf(&b, " %s |", a)
	}
	b.WriteString("\n|---|")
	for range cols {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
	for _, k := range kinds {
		fmt.Fprintf(&b, "| %s |", k)
		for _, a := range cols {
			n := counts[k][a]
			if n > 0 && (a == plan.ActionDelete || a == plan.ActionReplace) {
				fmt.Fprintf(&b, " **%d** |", n)
			} else {
				fmt.Fprintf(&b, " %d |", n)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func detailsBlock(c *plan.Change) string {
	var b strings.Builder
	// The headline quotes user text (a previous title, a replacement's reason): inside <summary>
	// markdown is not interpreted, so markdown.HTML makes its mentions and references inert.
	title := fmt.Sprintf("<code>%s %s</code> %s", symbol(c.Action), htmlEscape(c.Key.String()),
		markdown.HTML(strings.TrimPrefix(headline(c), c.Key.String()+" ")))
	var lines []string
	for _, fc := range c.Fields {
		lines = append(lines, fieldLines(c, fc)...)
	}
	if c.Unchanged > 0 {
		lines = append(lines, fmt.Sprintf("# (%d unchanged attribute%s hidden)", c.Unchanged, plural(c.Unchanged)))
	}
	if len(lines) == 0 {
		return title + "\n\n"
	}
	fmt.Fprintf(&b, "<details><summary>%s</summary>\n\n", title)
	{
		fence := "```"
		for strings.Contains(strings.Join(lines, "\n"), fence) {
			fence += "`"
		}
		b.WriteString(fence + "diff\n")
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
		b.WriteString(fence + "\n")
	}
	b.WriteString("\n</details>\n\n")
	return b.String()
}

var htmlReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\"", "&quot;")

func htmlEscape(s string) string { return htmlReplacer.Replace(s) }
