package prcomment

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Platform limits on a comment body, in characters (Unicode code points).
const (
	// GitHubLimit is the most characters GitHub stores in an issue or pull request comment.
	GitHubLimit = 65536
	// GitLabLimit is the most characters GitLab stores in a note (merge request comment).
	GitLabLimit = 1000000
	// SummaryLimit is the most bytes GitHub Actions accepts in one step's job summary.
	SummaryLimit = 1 << 20
)

// Fit returns body unchanged when it has at most limit characters. Otherwise it returns a
// shortened body of at most limit characters, and true:
//
//   - The body is split into top-level blocks (paragraphs, lists, quotes, tables, fenced code,
//     <details> elements), never inside a fence or a <details> element.
//   - Collapsible blocks (<details> elements and fenced code) are the first to go: as many as fit
//     are kept in order, the rest are left out. Headings, the summary, tables and alerts (the
//     "> [!CAUTION]" deletes and "> [!WARNING]" refusals of a plan) are kept.
//   - Only if those alone are too long is the text cut at a line boundary, and any fence or
//     <details> left open there is closed.
//   - A note says what was left out and points to where, the full text (an artifact URL or name).
func Fit(body string, limit int, where string) (string, bool) {
	if utf8.RuneCountInString(body) <= limit {
		return body, false
	}
	blocks := splitBlocks(body)
	note := func(dropped, cutLines int) string {
		what := fmt.Sprintf("%d section%s", dropped, plural(dropped))
		if cutLines > 0 {
			what = fmt.Sprintf("%s and %d line%s", what, cutLines, plural(cutLines))
		}
		ptr := "the job's artifacts"
		if where != "" {
			ptr = where
		}
		return fmt.Sprintf("\n> [!NOTE]\n> This comment was shortened to fit the limit of %d characters: %s left out. The full text is in %s.\n", limit, what, ptr)
	}
	// Reserve room for the note with generous counts.
	budget := limit - utf8.RuneCountInString(note(999999, 999999))
	if budget < 0 {
		budget = 0
	}

	keepLen := 0
	for _, b := range blocks {
		if !b.collapsible {
			keepLen += b.runes
		}
	}
	room := budget - keepLen
	var out strings.Builder
	dropped, cut := 0, 0
	stopped := false
	for _, b := range blocks {
		if b.collapsible {
			switch {
			case stopped:
				dropped++
				continue
			case b.runes > room:
				// The first block that does not fit is cut at a line (and closed again) when
				// a useful part of it fits; the later ones are left out.
				stopped = true
				if room < minPartial {
					dropped++
					continue
				}
				part, n := cutLines(b.text, room)
				out.WriteString(part + "\n")
				cut += n
				continue
			}
			room -= b.runes
		}
		out.WriteString(b.text)
	}
	text := out.String()
	if utf8.RuneCountInString(text) > budget {
		var n int
		text, n = cutLines(text, budget)
		cut += n
	}
	if !Balanced(text) { // cutLines closes what it cuts open; close anything a kept block left open
		text += closers(text)
	}
	return text + note(dropped, cut), true
}

// minPartial is the least room (in characters) worth filling with the start of a block that
// does not fit whole.
const minPartial = 400

// cutLines keeps the longest prefix of whole lines that, with the closers of whatever fence or
// <details> it leaves open, has at most budget characters. It returns the text and how many lines
// were left out.
func cutLines(text string, budget int) (string, int) {
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	n, size := 0, 0
	for n < len(lines) && size+utf8.RuneCountInString(lines[n]) <= budget {
		size += utf8.RuneCountInString(lines[n])
		n++
	}
	for ; n >= 0; n-- {
		kept := strings.Join(lines[:n], "")
		closed := kept + closers(kept)
		if utf8.RuneCountInString(closed) <= budget {
			return closed, len(lines) - n
		}
	}
	return "", len(lines)
}

// closers returns what closes the fence and the <details> elements that s leaves open.
func closers(s string) string {
	fence, depth := openAt(s)
	var b strings.Builder
	if !strings.HasSuffix(s, "\n") && s != "" {
		b.WriteString("\n")
	}
	if fence != "" {
		b.WriteString(fence + "\n")
	}
	for range depth {
		b.WriteString("\n</details>\n")
	}
	return b.String()
}

// Balanced reports whether s closes every code fence and every <details> element it opens.
func Balanced(s string) bool {
	fence, depth := openAt(s)
	return fence == "" && depth == 0
}

// openAt scans s line by line and returns the fence still open at its end ("" if none) and how
// many <details> elements (outside fences) are still open.
func openAt(s string) (fence string, depth int) {
	for _, line := range strings.Split(s, "\n") {
		fence, depth = step(line, fence, depth)
	}
	return fence, depth
}

// step advances the fence and <details> state over one line.
func step(line, fence string, depth int) (string, int) {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) <= 3 {
		if f := fenceOf(t); f != "" {
			switch {
			case fence == "":
				return f, depth
			case f[0] == fence[0] && len(f) >= len(fence) && strings.TrimSpace(t) == f:
				return "", depth
			}
		}
	}
	if fence != "" {
		return fence, depth
	}
	low := strings.ToLower(line)
	depth += strings.Count(low, "<details") - strings.Count(low, "</details>")
	if depth < 0 {
		depth = 0
	}
	return "", depth
}

// fenceOf returns the fence (``` or ~~~, three or more) that t starts with, or "".
func fenceOf(t string) string {
	if len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return ""
	}
	n := 0
	for n < len(t) && t[n] == t[0] {
		n++
	}
	if n < 3 || (t[0] == '`' && strings.Contains(t[n:], "`")) {
		return ""
	}
	return t[:n]
}

type block struct {
	text        string
	runes       int
	collapsible bool // a <details> element or a fenced code block
}

// splitBlocks cuts s into top-level blocks at blank lines outside fences and <details>; each
// block keeps its trailing blank lines, so joining the blocks gives s back.
func splitBlocks(s string) []block {
	var blocks []block
	var cur strings.Builder
	first := ""
	fence, depth := "", 0
	flush := func() {
		if cur.Len() == 0 {
			return
		}
		t := cur.String()
		f := strings.TrimSpace(first)
		blocks = append(blocks, block{text: t, runes: utf8.RuneCountInString(t),
			collapsible: strings.HasPrefix(strings.ToLower(f), "<details") || fenceOf(f) != ""})
		cur.Reset()
		first = ""
	}
	for _, line := range strings.SplitAfter(s, "\n") {
		blank := strings.TrimSpace(line) == ""
		if !blank && first == "" {
			first = line
		}
		cur.WriteString(line)
		fence, depth = step(strings.TrimSuffix(line, "\n"), fence, depth)
		if blank && fence == "" && depth == 0 && first != "" {
			flush()
		}
	}
	flush()
	return blocks
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
