package plantest

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// diffLine is one line of a line diff: op is ' ', '-' or '+'; text keeps its newline, if any.
type diffLine struct {
	op   byte
	text string
}

// UnifiedDiff returns a unified diff (three lines of context) that turns want into got, or "" when
// they are equal. Golden tests print it instead of both files, so a reviewer sees only what moved.
func UnifiedDiff(wantName, gotName, want, got string) string {
	if want == got {
		return ""
	}
	lines := diffLines(want, got)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", wantName, gotName)
	// aBefore[i] and bBefore[i] count the lines of want and got before lines[i].
	aBefore, bBefore := make([]int, len(lines)+1), make([]int, len(lines)+1)
	for i, l := range lines {
		aBefore[i+1], bBefore[i+1] = aBefore[i], bBefore[i]
		if l.op != '+' {
			aBefore[i+1]++
		}
		if l.op != '-' {
			bBefore[i+1]++
		}
	}
	const context = 3
	for i := 0; i < len(lines); {
		if lines[i].op == ' ' {
			i++
			continue
		}
		start, end := max(i-context, 0), i+1
		for j := i; j < len(lines) && j-end < 2*context; j++ {
			if lines[j].op != ' ' {
				end = j + 1
			}
		}
		end = min(end+context, len(lines))
		fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@\n", aBefore[start]+1, aBefore[end]-aBefore[start],
			bBefore[start]+1, bBefore[end]-bBefore[start])
		for _, l := range lines[start:end] {
			out.WriteByte(l.op)
			out.WriteString(strings.TrimSuffix(l.text, "\n"))
			out.WriteByte('\n')
			if !strings.HasSuffix(l.text, "\n") {
				out.WriteString("\\ No newline at end of file\n")
			}
		}
		i = end
	}
	return out.String()
}

// diffLines diffs two texts line by line with go-diff's line mode.
func diffLines(a, b string) []diffLine {
	dmp := diffmatchpatch.New()
	ca, cb, table := dmp.DiffLinesToChars(a, b)
	var out []diffLine
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
				out = append(out, diffLine{op: op, text: t})
			}
		}
	}
	return out
}
