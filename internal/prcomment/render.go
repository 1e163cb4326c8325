package prcomment

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/qsync/qsync/internal/markdown"
)

// ApplyReport is the JSON result of "qsync apply --format json" (fields in docs/apply.md), as far
// as the comment shows it.
type ApplyReport struct {
	Result struct {
		Steps       []ApplyStep `json:"steps"`
		Applied     int         `json:"applied"`
		Failed      int         `json:"failed"`
		Unknown     int         `json:"unknown"`
		Pending     int         `json:"pending"`
		Calls       int         `json:"calls"`
		Interrupted bool        `json:"interrupted"`
	} `json:"result"`
	PlannedCalls int      `json:"planned_calls"`
	Verified     bool     `json:"verified"`
	Converged    bool     `json:"converged"`
	Only         []string `json:"only"`
	// Scope, LeftOut and OutsideUnchecked: what a scoped run covered and left out (apply.Report).
	Scope            string `json:"scope"`
	LeftOut          int    `json:"left_out"`
	OutsideUnchecked string `json:"outside_unchecked"`
	Remaining        *struct {
		Changes []struct {
			Action string `json:"action"`
		} `json:"changes"`
		Refused []json.RawMessage `json:"refused"`
	} `json:"remaining"`
}

// ApplyStep is one step of an ApplyReport.
type ApplyStep struct {
	Step   int    `json:"step"`
	Kind   string `json:"kind"`
	Op     string `json:"op"`
	Keys   []Key  `json:"keys"`
	Status string `json:"status"`
	Error  string `json:"error"`
	Reason string `json:"reason"`
}

// Key names a record or vault in an apply result.
type Key struct {
	Kind  string `json:"kind"`
	Title string `json:"title"`
}

// DecodeApplyReport reads an apply result. Empty input (apply stopped before writing a result,
// e.g. when it refused a stale plan) gives nil and no error.
func DecodeApplyReport(data []byte) (*ApplyReport, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	var r ApplyReport
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("decode the apply result: %w", err)
	}
	return &r, nil
}

// RenderContext is what a rendered comment says about where it comes from.
type RenderContext struct {
	Owner  string
	Commit string // the commit the run is for
	RunURL string // a link to the CI run (and its artifacts and log)
}

func (rc RenderContext) commitText() string {
	if rc.Commit == "" {
		return "an unknown commit"
	}
	return "commit " + markdown.Code(rc.Commit)
}

func (rc RenderContext) logText() string {
	if rc.RunURL == "" {
		return "the job log"
	}
	return "[the job log](" + rc.RunURL + ")"
}

// RenderApply writes the markdown of an apply result: the outcome first, then the failed and
// unknown steps in full, then the steps not attempted and those applied, collapsed. A nil r means
// apply wrote no result (it stopped before applying anything it could report).
func RenderApply(w io.Writer, r *ApplyReport, rc RenderContext) error {
	var b strings.Builder
	owner := ""
	if rc.Owner != "" {
		owner = " for owner " + markdown.Code(rc.Owner)
	}
	if r == nil {
		fmt.Fprintf(&b, "### qsync apply%s: failed\n\n", owner)
		fmt.Fprintf(&b, "> [!CAUTION]\n> **qsync apply stopped before it wrote a result** (for example it refused a stale plan, or Qualys could not be reached). See %s for why; the plan was applied only as far as that log says.\n\n", rc.logText())
		fmt.Fprintf(&b, "<sub>Apply of %s.</sub>\n", rc.commitText())
		_, err := io.WriteString(w, b.String())
		return err
	}
	res := r.Result
	outcome := "converged"
	switch {
	case res.Interrupted:
		outcome = "interrupted"
	case res.Failed > 0 || res.Unknown > 0 || res.Pending > 0:
		outcome = "finished partially"
	case !r.Verified:
		outcome = "applied, not verified"
	case r.Remaining == nil && r.Scope != "" && !r.Converged:
		outcome = "converged within the scope only"
	case !r.Converged:
		outcome = "not converged"
	}
	fmt.Fprintf(&b, "### qsync apply%s: %s\n\n", owner, outcome)
	fmt.Fprintf(&b, "**%d applied, %d failed, %d outcome unknown, %d not attempted.** Write calls: %d of %d planned.\n\n",
		res.Applied, res.Failed, res.Unknown, res.Pending, res.Calls, r.PlannedCalls)

	list := func(status string) []string {
		var out []string
		for _, s := range res.Steps {
			if s.Status != status {
				continue
			}
			detail := s.Error
			if status == "pending" {
				detail = s.Reason
			}
			line := fmt.Sprintf("step %d: %s", s.Step, describe(s))
			if detail != "" {
				line += ": " + markdown.Escape(detail)
			}
			out = append(out, line)
		}
		return out
	}
	if failed := list("failed"); len(failed) > 0 {
		b.WriteString("> [!CAUTION]\n> **Failed (not changed in Qualys):**\n")
		for _, l := range failed {
			fmt.Fprintf(&b, "> - %s\n", l)
		}
		b.WriteString("\n")
	}
	if unknown := list("unknown"); len(unknown) > 0 {
		b.WriteString("> [!WARNING]\n> **Outcome unknown (may or may not have taken effect; the verification below tells):**\n")
		for _, l := range unknown {
			fmt.Fprintf(&b, "> - %s\n", l)
		}
		b.WriteString("\n")
	}
	switch {
	case !r.Verified:
		b.WriteString("Not verified: Qualys was not re-read after the steps. Run `qsync plan` on the default branch to see what is left.\n\n")
	case r.Remaining == nil && r.Scope != "":
		b.WriteString(scopeResultLine(r))
	case r.Converged && len(r.Only) > 0: // a result written before apply reported its scope
		only := make([]string, len(r.Only))
		for i, o := range r.Only {
			only[i] = markdown.Code(o) // a pattern is user text: code, so it mentions no one
		}
		fmt.Fprintf(&b, "Converged within the scope %s (--only): the rest of the configuration was not applied.\n\n", strings.Join(only, ", "))
	case r.Converged:
		b.WriteString("Converged: Qualys matches the configuration.\n\n")
	default:
		n, dels := 0, 0
		if r.Remaining != nil {
			n = len(r.Remaining.Changes)
			for _, c := range r.Remaining.Changes {
				if c.Action == "delete" || c.Action == "replace" {
					dels++
				}
			}
		}
		fmt.Fprintf(&b, "> [!IMPORTANT]\n> **Not converged:** planning again still finds %d change%s (%d delete%s or replacement%s). Fix the cause and apply the default branch again; the next plan is the rest of the job.\n\n",
			n, plural(n), dels, plural(dels), plural(dels))
	}
	for _, sec := range []struct{ status, title string }{{"pending", "not attempted"}, {"applied", "applied"}} {
		lines := list(sec.status)
		if len(lines) == 0 {
			continue
		}
		fmt.Fprintf(&b, "<details><summary>%d step%s %s</summary>\n\n", len(lines), plural(len(lines)), sec.title)
		for _, l := range lines {
			fmt.Fprintf(&b, "- %s\n", l)
		}
		b.WriteString("\n</details>\n\n")
	}
	fmt.Fprintf(&b, "<sub>Apply of %s; the full result (apply --format json) is kept with %s.</sub>\n", rc.commitText(), rc.logText())
	_, err := io.WriteString(w, b.String())
	return err
}

// describe names a step: its operation and objects, e.g. `create mysql "db"`; a batch names its
// first three objects and counts the rest.
func describe(s ApplyStep) string {
	var names []string
	for i, k := range s.Keys {
		if i == 3 {
			names = append(names, fmt.Sprintf("and %d more", len(s.Keys)-3))
			break
		}
		names = append(names, markdown.Code(fmt.Sprintf("%s %q", k.Kind, k.Title)))
	}
	if len(names) == 0 {
		names = append(names, markdown.Code(s.Kind))
	}
	return markdown.Escape(s.Op) + " " + strings.Join(names, ", ")
}

// RenderFailure writes the markdown of a failed command (e.g. "qsync plan"): what failed, for
// which commit, and its diagnostics in a code block. It replaces a previous plan comment, so a
// broken push never leaves the last good plan standing.
func RenderFailure(w io.Writer, command, diagnostics string, rc RenderContext) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s failed\n\n", markdown.Code(command))
	fmt.Fprintf(&b, "> [!CAUTION]\n> **%s failed for %s: there is no plan to review, and merging applies nothing.** Fix the problems below and push again; this comment is then replaced by the plan.\n\n",
		markdown.Code(command), rc.commitText())
	diagnostics = strings.TrimRight(diagnostics, "\n")
	if diagnostics != "" {
		fence := "```"
		for strings.Contains(diagnostics, fence) {
			fence += "`"
		}
		fmt.Fprintf(&b, "%stext\n%s\n%s\n\n", fence, diagnostics, fence)
	}
	if rc.RunURL != "" {
		fmt.Fprintf(&b, "See %s.\n", rc.logText())
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// scopeResultLine says what a scoped apply that converged within its scope left out: it never
// says that Qualys matches the configuration unless nothing outside the scope differs.
func scopeResultLine(r *ApplyReport) string {
	scope := markdown.Code(r.Scope)
	switch {
	case r.OutsideUnchecked != "":
		return fmt.Sprintf("> [!IMPORTANT]\n> **Converged within the scope %s only:** whether anything outside it differs was not checked (%s).\n\n", scope, markdown.Escape(r.OutsideUnchecked))
	case r.LeftOut > 0:
		return fmt.Sprintf("> [!IMPORTANT]\n> **Converged within the scope %s only:** %d change%s outside it %s left out; a plan without the scope shows them.\n\n", scope, r.LeftOut, plural(r.LeftOut), wasWere(r.LeftOut))
	}
	return fmt.Sprintf("Converged within the scope %s, and nothing outside it differs: Qualys matches the configuration.\n\n", scope)
}

func wasWere(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}
