package render

import (
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// TestGoldenReview renders a plan with a base revision and policy violations in every format
// (testdata/golden/review.*): the changes grouped this change / over drift / drift, the drift
// revert call-out with Qualys's LAST_MODIFIED, and the violations with their positions.
func TestGoldenReview(t *testing.T) {
	own := mysql(t, "billing-db", 0, "10.0.0.1")
	own.Attrs["port"] = "3307"
	hand := mysql(t, "crm-db", 0, "10.0.0.2")
	both := mysql(t, "hr-db", 0, "10.0.0.3")
	both.Attrs["port"] = "3308"
	lOwn, lHand, lBoth := mysql(t, "billing-db", 5, "10.0.0.1"), mysql(t, "crm-db", 6, "10.0.0.2"), mysql(t, "hr-db", 7, "10.0.0.3")
	lHand.Attrs["port"] = "4406"
	lBoth.Attrs["port"] = "4406"
	p := mustBuild(t, doc(own, hand, both), doc(lOwn, lHand, lBoth), baseOpts())
	p.Base = "main (commit 0123456789ab)"
	label := map[string]plan.Attribution{"billing-db": plan.AttributionChange, "crm-db": plan.AttributionDrift, "hr-db": plan.AttributionBoth}
	for i := range p.Changes {
		c := &p.Changes[i]
		c.Attribution = label[c.Key.Title]
		if c.Attribution != plan.AttributionChange {
			c.LiveModified = &plan.Modified{At: "2026-11-30T09:15:00Z"}
		}
		if c.Key.Title == "crm-db" {
			c.LiveModified.By = "jdoe"
		}
	}
	key := spec.Key{Kind: "mysql", Title: "billing-db"}
	p.Policy = &plan.Policy{Digest: strings.Repeat("d1", 32), Sources: []string{"builtin:max-deletes", "policy/team.yaml"}, Violations: []plan.Violation{
		{Rule: "prod-dbs-use-vaults", Severity: spec.SeverityError, Message: "production databases log in through a vault",
			Key: &key, Action: plan.ActionUpdate, Pos: spec.Pos{File: "config/db.yaml", Line: 4, Col: 5}},
		{Rule: "few-changes", Severity: spec.SeverityWarning, Message: "at most two changes",
			Pos: spec.Pos{File: "policy/team.yaml", Line: 9, Col: 5}},
	}}
	out := renderAll(t, p)
	for _, f := range []string{"text", "markdown", "json"} {
		golden(t, "review"+goldenExt[f], out[f])
	}
	// The pull request's own change leads, drift comes last, in text and markdown.
	for _, f := range []string{"text", "markdown"} {
		a, b, c := strings.Index(out[f], "# mysql \"billing-db\""), strings.Index(out[f], "# mysql \"hr-db\""), strings.Index(out[f], "# mysql \"crm-db\"")
		if f == "markdown" {
			a, b, c = strings.Index(out[f], "billing-db&quot;</code>"), strings.Index(out[f], "hr-db&quot;</code>"), strings.Index(out[f], "crm-db&quot;</code>")
		}
		if !(a >= 0 && a < b && b < c) {
			t.Errorf("%s: changes not grouped change, both, drift (%d, %d, %d):\n%s", f, a, b, c, out[f])
		}
	}
	// Without a base and a policy, nothing of this shows.
	p.Base, p.Policy = "", nil
	for i := range p.Changes {
		p.Changes[i].Attribution, p.Changes[i].LiveModified = "", nil
	}
	for f, s := range renderAll(t, p) {
		for _, w := range []string{"Drift:", "attribution", "Policy", "reverts"} {
			if strings.Contains(s, w) {
				t.Errorf("%s without base or policy shows %q", f, w)
			}
		}
	}
}

// TestReviewNoViolations: a plan checked against a policy that holds says so, naming the policy.
func TestReviewNoViolations(t *testing.T) {
	p := mustBuild(t, doc(mysql(t, "db", 0, "10.0.0.1")), doc(), baseOpts())
	p.Policy = &plan.Policy{Digest: strings.Repeat("ab", 32), Sources: []string{"builtin:max-deletes", "policy/"}}
	out := renderAll(t, p)
	if !strings.Contains(out["text"], "\nPolicy: no violations (builtin:max-deletes, policy/).\n") {
		t.Errorf("text:\n%s", out["text"])
	}
	if !strings.Contains(out["markdown"], "**Policy:** no violations (builtin:max-deletes, policy/).") {
		t.Errorf("markdown:\n%s", out["markdown"])
	}
	if !strings.Contains(out["json"], `"digest": "abab`) || strings.Contains(out["json"], `"violations"`) {
		t.Errorf("json:\n%s", out["json"])
	}
}
