// Package textdiff owns qsync's line diffs of text: the per-line operations (go-diff's line mode,
// so a changed line shows as a removal and an addition, never as a character edit) and the unified
// diff the golden tests print on failure. It is a leaf: it knows nothing of qsync's other packages,
// so spec's tests and plan's packages can share it without an import cycle.
package textdiff

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Line is one line of a line diff: Op is ' ' (in both), '-' (only in the first text) or '+' (only
// in the second); Text keeps its newline, if it had one.
type Line struct {
	Op   byte
	Text string
}

// Lines diffs two texts line by line with go-diff's line mode.
func Lines(a, b string) []Line {
	dmp := diffmatchpatch.New()
	ca, cb, table := dmp.DiffLinesToChars(a, b)
	var out []Line
	for _, d := range dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), table) {
		op := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = '+'
		case diffmatchpatch.DiffDelete:
			op = '-'
		}
		for _, t := range strings.SplitAfter(d.Text, "\n") {
			if t != "" {
				out = append(out, Line{Op: op, Text: t})
			}
		}
	}
	return out
}

// Unified returns a unified diff (three lines of context) that turns want into got, or "" when
// they are equal. Golden tests print it instead of both files, so a reviewer sees only what moved.
func Unified(wantName, gotName, want, got string) string {
	if want == got {
		return ""
	}
	lines := Lines(want, got)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", wantName, gotName)
	// aBefore[i] and bBefore[i] count the lines of want and got before lines[i].
	aBefore, bBefore := make([]int, len(lines)+1), make([]int, len(lines)+1)
	for i, l := range lines {
		aBefore[i+1], bBefore[i+1] = aBefore[i], bBefore[i]
		if l.Op != '+' {
			aBefore[i+1]++
		}
		if l.Op != '-' {
			bBefore[i+1]++
		}
	}
	const context = 3
	for i := 0; i < len(lines); {
		if lines[i].Op == ' ' {
			i++
			continue
		}
		start, end := max(i-context, 0), i+1
		for j := i; j < len(lines) && j-end < 2*context; j++ {
			if lines[j].Op != ' ' {
				end = j + 1
			}
		}
		end = min(end+context, len(lines))
		fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@\n", aBefore[start]+1, aBefore[end]-aBefore[start],
			bBefore[start]+1, bBefore[end]-bBefore[start])
		for _, l := range lines[start:end] {
			out.WriteByte(l.Op)
			out.WriteString(strings.TrimSuffix(l.Text, "\n"))
			out.WriteByte('\n')
			if !strings.HasSuffix(l.Text, "\n") {
				out.WriteString("\\ No newline at end of file\n")
			}
		}
		i = end
	}
	return out.String()
}
