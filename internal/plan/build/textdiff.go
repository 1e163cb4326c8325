package build

import (
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// lineDiff returns a line diff of two texts: every line prefixed with "+ ", "- " or "  ", joined
// with newlines (no trailing newline). It uses go-diff's line mode, so a changed line shows as a
// removal and an addition, never as a character edit.
func lineDiff(before, after string) string {
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(withNL(before), withNL(after))
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	var out []string
	for _, d := range diffs {
		prefix := "  "
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			prefix = "+ "
		case diffmatchpatch.DiffDelete:
			prefix = "- "
		}
		for _, line := range strings.SplitAfter(d.Text, "\n") {
			if line == "" {
				continue
			}
			out = append(out, prefix+strings.TrimSuffix(line, "\n"))
		}
	}
	return strings.Join(out, "\n")
}

func withNL(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}
