package apply

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/qsync/qsync/internal/plan"
)

// LineProgress writes one line per finished step, for logs (CI):
//
//	[2/10] create vault "pam-new": applied (id 1003)
//	[4/10] create mysql "db": failed: create mysql record: qualys error 1905 (HTTP 400): ...
//	[5/10] create unix "sw": not attempted (depends on step 4, which was not applied)
type LineProgress struct{ W io.Writer }

// StepStarted writes nothing: a line is written when the step ends.
func (p LineProgress) StepStarted(*plan.Step, int, int) {}

// StepFinished writes the step's line; the steps an interruption left out get none (the summary
// counts them per kind).
func (p LineProgress) StepFinished(sr *StepResult, _, total int) {
	if interrupted(sr) {
		return
	}
	fmt.Fprintf(p.W, "[%d/%d] %s: %s\n", sr.Step, total, sr.Describe(), Outcome(sr))
}

// interrupted reports whether a step was not attempted because of an interruption.
func interrupted(sr *StepResult) bool { return sr.Status == Pending && sr.Reason == ReasonInterrupted }

// Outcome describes a step's result in a few words: "applied (id 7)", "failed: ...",
// "not attempted (...)".
func Outcome(sr *StepResult) string {
	switch sr.Status {
	case Applied:
		s := "applied"
		if sr.CreatedID != 0 {
			s += fmt.Sprintf(" (id %d)", sr.CreatedID)
		}
		if sr.Resolved {
			s += " (the answer was lost; confirmed by re-reading)"
		}
		return s
	case Pending:
		return "not attempted (" + sr.Reason + ")"
	case Unknown:
		return "outcome unknown: " + sr.Error
	default:
		return "failed: " + sr.Error
	}
}

// BarProgress draws a progress bar on a terminal, redrawn in place, and writes a line above it for
// each step that failed or whose outcome is unknown (steps not attempted are listed by the report
// that follows):
//
//	[#######             ] 12/29 create unix "web"
//
// A line wider than the terminal would wrap, and "\r" would then redraw only its last row, so
// every redraw scrolls: the line is cut to Columns (the terminal's width) with "…".
type BarProgress struct {
	W     io.Writer
	Width int // bar width in characters; 0 means 24
	// Columns returns the terminal's width in characters, asked at every redraw (the window may
	// be resized); nil or a result <= 0 means unknown, and the line is not cut.
	Columns func() int
}

// StepStarted redraws the bar with the step in flight.
func (p BarProgress) StepStarted(st *plan.Step, done, total int) {
	p.draw(done, total, describe(st.Op, st.Kind, st.Keys))
}

// StepFinished prints a line for a step that failed or whose outcome is unknown, and redraws the
// bar; the last step ends the bar's line.
func (p BarProgress) StepFinished(sr *StepResult, done, total int) {
	if interrupted(sr) {
		// The bar keeps showing what ran; only the line is ended after the last step.
		if done == total {
			fmt.Fprintln(p.W)
		}
		return
	}
	if sr.Status == Failed || sr.Status == Unknown {
		fmt.Fprintf(p.W, "\r\033[K[%d/%d] %s: %s\n", sr.Step, total, sr.Describe(), Outcome(sr))
	}
	p.draw(done, total, sr.Describe())
	if done == total {
		fmt.Fprintln(p.W)
	}
}

func (p BarProgress) draw(done, total int, what string) {
	width := p.Width
	if width <= 0 {
		width = 24
	}
	filled := 0
	if total > 0 {
		filled = done * width / total
	}
	line := fmt.Sprintf("[%s%s] %d/%d %s", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), done, total, what)
	cols := 0
	if p.Columns != nil {
		cols = p.Columns()
	}
	fmt.Fprintf(p.W, "\r\033[K%s", fit(line, cols))
}

// fit cuts line to fewer than cols characters (runes), ending it with "…" when cut: the last
// column is left free, since a terminal that writes there may wrap at once. cols <= 0 means no
// limit.
func fit(line string, cols int) string {
	if cols <= 0 || utf8.RuneCountInString(line) < cols {
		return line
	}
	if cols < 2 {
		return ""
	}
	r := []rune(line)
	return string(r[:cols-2]) + "…"
}
