package render

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/plan"
)

// Options steer Plan.
type Options struct {
	// Color adds ANSI colours to the text format (never to markdown or json).
	Color bool
	// MaxBytes caps the markdown output (zero: 60000 bytes); details beyond it are left out with
	// a note.
	MaxBytes int
}

// Plan writes p in format "text", "markdown" or "json".
func Plan(w io.Writer, p *plan.Plan, format string, opts Options) error {
	switch format {
	case "text", "":
		return renderText(w, p, opts)
	case "markdown", "md":
		return renderMarkdown(w, p, opts)
	case "json":
		return Save(w, p)
	}
	return fmt.Errorf("unknown plan format %q (want text, markdown or json)", format)
}

const (
	ansiReset   = "\x1b[0m"
	ansiBold    = "\x1b[1m"
	ansiRed     = "\x1b[31m"
	ansiGreen   = "\x1b[32m"
	ansiYellow  = "\x1b[33m"
	ansiMagenta = "\x1b[35m"
)

type painter bool

func (c painter) paint(color, s string) string {
	if !c || s == "" {
		return s
	}
	return color + s + ansiReset
}

// symbol is the terraform-like marker of an action.
func symbol(a plan.Action) string {
	switch a {
	case plan.ActionCreate:
		return "+"
	case plan.ActionDelete:
		return "-"
	case plan.ActionReplace:
		return "-/+"
	}
	return "~"
}

func actionColor(a plan.Action) string {
	switch a {
	case plan.ActionCreate:
		return ansiGreen
	case plan.ActionDelete:
		return ansiRed
	case plan.ActionReplace:
		return ansiMagenta
	}
	return ansiYellow
}

// headline describes what happens to the object of a change.
func headline(c *plan.Change) string {
	id := ""
	if c.ID != 0 {
		id = fmt.Sprintf(" (id %d)", c.ID)
	}
	s := c.Key.String() + id
	switch c.Action {
	case plan.ActionCreate:
		s += " will be created"
	case plan.ActionDelete:
		s += " will be DELETED (managed by qsync, missing from the configuration)"
	case plan.ActionReplace:
		s += " must be REPLACED (deleted, then created with a new id): " + c.Reason
	case plan.ActionAdopt:
		s += " will be adopted: qsync writes its ownership marker"
		if len(c.Fields) > 1 {
			s += " and updates it in place"
		}
	case plan.ActionRename:
		s += fmt.Sprintf(" will be renamed from %q in place (same id)", c.PreviousTitle)
	default:
		s += " will be updated in place"
	}
	if c.Drift && c.Attribution == "" {
		s += "; its live settings differ from the configuration (changed in the configuration or outside qsync)"
	}
	s += reviewSuffix(c)
	return safe(s)
}

func quote(s string) string {
	if s == "" {
		return "(none)"
	}
	return strconv.Quote(s)
}

// show formats a field value: quoted, except descriptions (login, owner) that are already text.
func show(name, s string) string {
	if (name == "login" || name == "owner") && s != "" {
		return s
	}
	return quote(s)
}

// fieldLines renders one field change of ch as terraform-like lines (without indentation), every
// character that could act on a terminal escaped (see safe). Every line reads "name: value"
// (see showValue for how values are written).
func fieldLines(ch *plan.Change, fc plan.FieldChange) []string {
	out := rawFieldLines(ch, fc)
	for i, l := range out {
		out[i] = safe(l)
	}
	return out
}

func rawFieldLines(ch *plan.Change, fc plan.FieldChange) []string {
	var out []string
	switch {
	case fc.Sensitive:
		if ch.Action == plan.ActionCreate || fc.Before == "" {
			out = append(out, fmt.Sprintf("+ %s: %s", fc.Name, fc.After))
		} else {
			out = append(out, fmt.Sprintf("~ %s: %s", fc.Name, fc.After))
		}
	case fc.Name == "ips" || ((len(fc.Added) > 0 || len(fc.Removed) > 0) && fc.Diff == ""):
		for _, r := range fc.Removed {
			out = append(out, fmt.Sprintf("- %s: %s", fc.Name, r))
		}
		for _, r := range fc.Added {
			out = append(out, fmt.Sprintf("+ %s: %s", fc.Name, r))
		}
	case fc.Diff != "":
		sym := "~"
		if fc.Before == "" {
			sym = "+"
		} else if fc.After == "" {
			sym = "-"
		}
		out = append(out, fmt.Sprintf("%s %s:", sym, fc.Name))
		for _, l := range strings.Split(fc.Diff, "\n") {
			out = append(out, "    "+l)
		}
	case fc.Before == "":
		out = append(out, fmt.Sprintf("+ %s: %s", fc.Name, showValue(ch, fc.Name, fc.After)))
	case fc.After == "":
		out = append(out, fmt.Sprintf("- %s: %s", fc.Name, showValue(ch, fc.Name, fc.Before)))
	default:
		out = append(out, fmt.Sprintf("~ %s: %s -> %s", fc.Name, showValue(ch, fc.Name, fc.Before), showValue(ch, fc.Name, fc.After)))
	}
	return out
}

func lineColor(line string) string {
	switch {
	case strings.HasPrefix(line, "+"):
		return ansiGreen
	case strings.HasPrefix(line, "-"):
		return ansiRed
	case strings.HasPrefix(line, "~"):
		return ansiYellow
	}
	return ""
}

func renderText(w io.Writer, p *plan.Plan, opts Options) error {
	bw := bufio.NewWriter(w)
	c := painter(opts.Color)
	if line := p.ScopeLine(); line != "" {
		fmt.Fprintf(bw, "%s\n\n", c.paint(ansiBold+ansiRed, "!!! "+safe(line)))
	}
	fmt.Fprintf(bw, "qsync plan for owner %q\n", p.Owner)
	writeReviewText(bw, p, c)
	if len(p.Refused) > 0 {
		fmt.Fprintf(bw, "\n%s\n", c.paint(ansiBold+ansiRed, "Refused (these changes are NOT planned):"))
		for _, r := range p.Refused {
			id := ""
			if r.ID != 0 {
				id = fmt.Sprintf(" (id %d)", r.ID)
			}
			fmt.Fprintf(bw, "  %s %s%s: %s %s\n", c.paint(ansiRed, "!"), r.Key, id, r.Action, safe(r.Reason))
		}
	}
	if len(p.Changes) > 0 {
		fmt.Fprintf(bw, "\nqsync will perform the following actions:\n")
	}
	order := changeOrder(p)
	for n, i := range order {
		ch := &p.Changes[i]
		if startsGroup(p, order, n) {
			fmt.Fprintf(bw, "\n%s\n", c.paint(ansiBold, safe(groupTitle(p, ch.Attribution))))
		}
		col := actionColor(ch.Action)
		head := "# " + headline(ch)
		if ch.Action == plan.ActionDelete || ch.Action == plan.ActionReplace {
			head = c.paint(ansiBold, head)
		}
		fmt.Fprintf(bw, "\n  %s\n", head)
		sym := symbol(ch.Action)
		fmt.Fprintf(bw, "%s %s", strings.Repeat(" ", 3-len(sym))+c.paint(col, sym), ch.Key)
		if len(ch.Fields) == 0 && ch.Unchanged == 0 {
			fmt.Fprintln(bw)
			continue
		}
		fmt.Fprintln(bw, " {")
		for _, fc := range ch.Fields {
			for _, line := range fieldLines(ch, fc) {
				fmt.Fprintf(bw, "      %s\n", c.paint(lineColor(strings.TrimSpace(line)), line))
			}
		}
		if ch.Unchanged > 0 {
			fmt.Fprintf(bw, "        # (%d unchanged attribute%s hidden)\n", ch.Unchanged, plural(ch.Unchanged))
		}
		fmt.Fprintln(bw, "    }")
	}
	writeHandoversText(bw, p, c)
	if len(p.Unmanaged) > 0 {
		fmt.Fprintf(bw, "\nUnmanaged (no %q ownership marker; left alone):\n", p.Owner)
		opaque := opaqueReasons(p)
		for _, k := range p.Unmanaged {
			if why, ok := opaque[k]; ok {
				fmt.Fprintf(bw, "  %s: qsync cannot represent it (%s)\n", k, safe(why))
				continue
			}
			fmt.Fprintf(bw, "  %s\n", k)
		}
	}
	for _, n := range displayNotes(p.Notes) {
		fmt.Fprintf(bw, "\nNote: %s\n", safe(n))
	}
	if len(p.Calls) > 0 {
		fmt.Fprintf(bw, "\n%s\n", callsLine(p))
	}
	fmt.Fprintf(bw, "\n%s\n", c.paint(ansiBold, summaryLine(p)))
	return bw.Flush()
}

func pluralVerb(n int) string {
	if n == 1 {
		return " is"
	}
	return "s are"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// callsLine lists the API calls per endpoint, with the rate budget when known.
func callsLine(p *plan.Plan) string {
	eps := slices.Sorted(maps.Keys(p.Calls))
	sort.SliceStable(eps, func(i, j int) bool { return endpointRank(eps[i]) < endpointRank(eps[j]) })
	parts := make([]string, len(eps))
	for i, ep := range eps {
		parts[i] = fmt.Sprintf("%s %d", ep, p.Calls[ep])
	}
	s := fmt.Sprintf("API calls: %s (%d in total", strings.Join(parts, ", "), p.TotalCalls())
	if p.VerifyReads > 0 {
		s += fmt.Sprintf(", then %d reads to verify", p.VerifyReads)
	}
	if p.RateRemaining > 0 {
		s += fmt.Sprintf("; %d remaining per endpoint in the current rate window", p.RateRemaining)
	}
	return s + ")"
}

func endpointRank(ep string) int {
	if strings.HasPrefix(ep, "vault ") {
		return 0
	}
	return 1
}

// summaryLine is the last line of a text plan.
func summaryLine(p *plan.Plan) string {
	if p.Scoped() {
		return scopedSummaryLine(p)
	}
	if p.Empty() && len(p.Refused) > 0 {
		return fmt.Sprintf("No changes planned, but %d change%s refused: Qualys does not match the configuration.", len(p.Refused), pluralVerb(len(p.Refused)))
	}
	if p.Empty() {
		return "No changes. Qualys matches the configuration."
	}
	return countsLine(p)
}
