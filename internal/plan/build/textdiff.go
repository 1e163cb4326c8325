package build

import (
	"strings"

	"github.com/qsync/qsync/internal/textdiff"
)

// lineDiff returns a line diff of two texts: every line prefixed with "+ ", "- " or "  ", joined
// with newlines (no trailing newline). It uses go-diff's line mode (through textdiff), so a changed
// line shows as a removal and an addition, never as a character edit.
func lineDiff(before, after string) string {
	var out []string
	for _, l := range textdiff.Lines(withNL(before), withNL(after)) {
		out = append(out, string(l.Op)+" "+strings.TrimSuffix(l.Text, "\n"))
	}
	return strings.Join(out, "\n")
}

func withNL(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}
