package apply

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

func TestFit(t *testing.T) {
	for _, tc := range []struct {
		name string
		line string
		cols int
		want string
	}{
		{"unknown width keeps the line", "[####] 1/2 create mysql \"db\"", 0, "[####] 1/2 create mysql \"db\""},
		{"a line narrower than the terminal is kept", "abc", 4, "abc"},
		{"a line as wide as the terminal is cut, leaving the last column free", "abcd", 4, "ab…"},
		{"a wider line is cut", "abcdefghij", 6, "abcd…"},
		{"runes, not bytes, are counted", "ééééééé", 5, "ééé…"},
		{"a one-column terminal gets nothing", "abc", 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := fit(tc.line, tc.cols)
			if got != tc.want {
				t.Fatalf("fit(%q, %d) = %q, want %q", tc.line, tc.cols, got, tc.want)
			}
			if tc.cols > 0 && utf8.RuneCountInString(got) >= tc.cols {
				t.Fatalf("fit(%q, %d) = %q is not narrower than the terminal", tc.line, tc.cols, got)
			}
		})
	}
}

// TestBarProgressFitsTheTerminal draws the bar for a step with a long title on a 40-column
// terminal: every redraw starts at the line's start and stays within the width, so it redraws in
// place instead of scrolling.
func TestBarProgressFitsTheTerminal(t *testing.T) {
	var buf bytes.Buffer
	p := BarProgress{W: &buf, Columns: func() int { return 40 }}
	st := &plan.Step{Op: plan.OpCreate, Kind: "mysql", Keys: []spec.Key{{Kind: "mysql", Title: strings.Repeat("very-long-title-", 10)}}}
	p.StepStarted(st, 0, 3)
	for _, draw := range strings.Split(buf.String(), "\r\033[K")[1:] {
		if n := utf8.RuneCountInString(draw); n >= 40 || !strings.HasSuffix(draw, "…") {
			t.Fatalf("redraw %q: %d columns on a 40-column terminal", draw, n)
		}
	}
}
