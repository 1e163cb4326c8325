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

// TestInterruptedProgress: after an interruption the bar stays at what ran (only its line is
// ended), the log writes no line per step left out, and the summary counts them in one line per
// kind and operation; describe names the objects of a batch.
func TestInterruptedProgress(t *testing.T) {
	steps := []StepResult{
		{Step: 1, Kind: "vault", Op: "create", Keys: []spec.Key{{Kind: "vault", Title: "pam"}}, Status: Applied},
		{Step: 2, Kind: "mysql", Op: "create", Keys: []spec.Key{{Kind: "mysql", Title: "a"}}, Status: Pending, Reason: ReasonInterrupted},
		{Step: 3, Kind: "mysql", Op: "create", Keys: []spec.Key{{Kind: "mysql", Title: "b"}}, Status: Pending, Reason: ReasonInterrupted},
		{Step: 4, Kind: "unix", Op: "update", Keys: []spec.Key{{Kind: "unix", Title: "c"}, {Kind: "unix", Title: "d"}, {Kind: "unix", Title: "e"}, {Kind: "unix", Title: "f"}}, Status: Pending, Reason: ReasonInterrupted},
	}
	var bar, lines bytes.Buffer
	bp, lp := BarProgress{W: &bar, Width: 4}, LineProgress{W: &lines}
	for i := range steps {
		bp.StepFinished(&steps[i], i+1, len(steps))
		lp.StepFinished(&steps[i], i+1, len(steps))
	}
	if strings.Contains(bar.String(), "4/4") || strings.Contains(bar.String(), "2/4") || !strings.Contains(bar.String(), "1/4") || !strings.HasSuffix(bar.String(), "\n") {
		t.Errorf("bar %q: want it left at 1/4 and its line ended", bar.String())
	}
	if got := lines.String(); got != "[1/4] create vault \"pam\": applied\n" {
		t.Errorf("lines %q: want only the step that ran", got)
	}
	var sum bytes.Buffer
	res := &Result{Steps: steps, Applied: 1, Pending: 3, Interrupted: true, Calls: 1}
	WriteSummary(&sum, res, &plan.Plan{})
	for _, want := range []string{"Not attempted after the interruption:\n  create mysql: 2 steps (steps 2-3), 2 objects\n  update unix: 1 step (step 4), 4 objects\n"} {
		if !strings.Contains(sum.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, sum.String())
		}
	}
	if strings.Contains(sum.String(), "step 2:") {
		t.Errorf("the summary lists an interrupted step on its own:\n%s", sum.String())
	}
	if got := steps[3].Describe(); got != `update unix "c", "d", "e" and 1 more` {
		t.Errorf("describe: %q", got)
	}
}
