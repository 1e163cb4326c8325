package ci

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/qsync/qsync/internal/prcomment"
)

// KindDrift is the marker kind of a drift issue (prcomment.Marker).
const KindDrift prcomment.Kind = "drift"

// DefaultDriftLabel is the label every drift issue carries.
const DefaultDriftLabel = "qsync-drift"

// The exit codes of qsync plan --detailed-exitcode that Drift acts on.
const (
	planNoChanges = 0
	planChanges   = 2
)

// DriftOptions configure Drift.
type DriftOptions struct {
	// PlanExit is the exit code of `qsync plan --detailed-exitcode`: 0 no drift, 2 drift; any
	// other is a failed check, which leaves the issue alone.
	PlanExit int
	// Plan is the markdown plan of that run (qsync plan --format markdown).
	Plan          string
	Owner, Config string
	Label         string // default DefaultDriftLabel
	// Commit and RunURL name the checked commit and the CI run, in the issue.
	Commit, RunURL string
}

// DriftOutcome says what Drift did.
type DriftOutcome struct {
	// Action is "opened", "updated", "unchanged" (drift as already reported), "closed" or
	// "none" (no drift and no open issue).
	Action string
	Issue  Issue
}

// Drift keeps this configuration's one drift issue: it opens it when the plan shows drift (or
// updates the open one whose body carries the marker and that the token's user wrote; anyone
// else's issue with the marker is left alone), and closes it with a comment once the plan is
// empty again.
func Drift(ctx context.Context, f Forge, o DriftOptions) (DriftOutcome, error) {
	if o.PlanExit != planNoChanges && o.PlanExit != planChanges {
		return DriftOutcome{}, fmt.Errorf("the drift check failed (qsync plan exited %d): the drift issue is left as it is", o.PlanExit)
	}
	if o.Label == "" {
		o.Label = DefaultDriftLabel
	}
	m := prcomment.Marker{Kind: KindDrift, Owner: o.Owner, Config: o.Config}
	self, err := f.Self(ctx)
	if err != nil {
		return DriftOutcome{}, fmt.Errorf("drift issue: %w", err)
	}
	open, err := f.OpenIssues(ctx, o.Label)
	if err != nil {
		return DriftOutcome{}, fmt.Errorf("drift issue: %w", err)
	}
	var mine *Issue
	for i := range open {
		if open[i].Author == self && m.Marks(open[i].Body) {
			mine = &open[i]
			break
		}
	}
	if o.PlanExit == planNoChanges {
		if mine == nil {
			return DriftOutcome{Action: "none"}, nil
		}
		if err := f.CloseIssue(ctx, mine.Number, closeComment(o)); err != nil {
			return DriftOutcome{}, fmt.Errorf("close drift issue %d: %w", mine.Number, err)
		}
		return DriftOutcome{Action: "closed", Issue: *mine}, nil
	}
	body := driftBody(f, m, o)
	switch {
	case mine == nil:
		is, err := f.CreateIssue(ctx, driftTitle(o), body, o.Label)
		if err != nil {
			return DriftOutcome{}, fmt.Errorf("open the drift issue: %w", err)
		}
		return DriftOutcome{Action: "opened", Issue: is}, nil
	case sameDrift(mine.Body, body):
		return DriftOutcome{Action: "unchanged", Issue: *mine}, nil
	}
	if err := f.UpdateIssue(ctx, mine.Number, body); err != nil {
		return DriftOutcome{}, fmt.Errorf("update drift issue %d: %w", mine.Number, err)
	}
	mine.Body = body
	return DriftOutcome{Action: "updated", Issue: *mine}, nil
}

func driftTitle(o DriftOptions) string {
	return fmt.Sprintf("qsync: Qualys differs from %s (owner %s)", filepath.ToSlash(filepath.Clean(o.Config)), o.Owner)
}

// checkedLine is the body's line naming the commit and run; sameDrift ignores it, so that a
// daily run with the same drift does not rewrite the issue.
const checkedPrefix = "Last checked: "

func driftBody(f Forge, m prcomment.Marker, o DriftOptions) string {
	var b strings.Builder
	b.WriteString(m.String() + "\n")
	fmt.Fprintf(&b, "Qualys differs from the configuration `%s` (owner `%s`): it was changed outside qsync (in the Qualys UI or by another tool), or an apply did not finish.\n\n",
		filepath.ToSlash(filepath.Clean(o.Config)), o.Owner)
	b.WriteString("Either put the change into the configuration with a pull or merge request (it was wanted), or apply the configuration again (a manual run of the workflow or pipeline) to undo it. qsync closes this issue when Qualys matches the configuration again.\n\n")
	b.WriteString(checkedPrefix + checked(o) + "\n\n")
	b.WriteString(o.Plan)
	limit := prcomment.GitHubLimit
	if f.Name() == "GitLab" {
		limit = prcomment.GitLabLimit
	}
	out, _ := prcomment.Fit(b.String(), limit, o.RunURL)
	return out
}

func checked(o DriftOptions) string {
	s := "commit `" + o.Commit + "`"
	if o.Commit == "" {
		s = "this configuration"
	}
	if o.RunURL != "" {
		s += " ([run](" + o.RunURL + "))"
	}
	return s
}

func closeComment(o DriftOptions) string {
	return "Qualys matches the configuration again: " + checked(o) + " planned no change. Closed by qsync."
}

// sameDrift reports whether two issue bodies differ only in their "Last checked" line.
func sameDrift(a, b string) bool {
	strip := func(s string) string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if !strings.HasPrefix(l, checkedPrefix) {
				out = append(out, l)
			}
		}
		return strings.Join(out, "\n")
	}
	return strip(a) == strip(b)
}
