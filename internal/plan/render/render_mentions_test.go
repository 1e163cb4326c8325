package render

import (
	"bytes"
	"testing"

	"github.com/qsync/qsync/internal/markdown"
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// TestMarkdownMentionsNobody: titles, previous titles, replacement reasons, refusals, opaque
// reasons, notes and --only patterns carrying @user, @org/team, #12 and URLs reach the markdown
// plan only inside code (code spans, <code>, fenced diffs): a posted plan pings no one and
// cross-links nothing.
func TestMarkdownMentionsNobody(t *testing.T) {
	const hostile = "@alice @acme/sec-team #12 GH-3 !4 https://evil.example www.evil.example bob@example.com"
	p := &plan.Plan{Owner: "@owner-team", Flags: plan.Flags{Targets: []string{"mysql/@alice*", "unix/#12"}}}
	p.Changes = []plan.Change{
		{Key: spec.Key{Kind: spec.KindMySQL, Title: "new " + hostile}, Action: plan.ActionRename, ID: 5, PreviousTitle: "old " + hostile,
			Fields: []plan.FieldChange{{Name: "title", Before: "old " + hostile, After: "new " + hostile}}},
		{Key: spec.Key{Kind: spec.KindUnix, Title: "fw " + hostile}, Action: plan.ActionReplace, ID: 6, Reason: "sub_type changes from " + hostile},
		{Key: spec.Key{Kind: spec.KindMySQL, Title: "gone " + hostile}, Action: plan.ActionDelete, ID: 7},
	}
	p.Refused = []plan.Refusal{{Key: spec.Key{Kind: spec.KindMySQL, Title: "kept " + hostile}, Action: plan.ActionDelete, Reason: "protect: true; " + hostile}}
	p.Unmanaged = []spec.Key{{Kind: spec.KindMySQL, Title: "theirs " + hostile}, {Kind: spec.KindUnix, Title: "odd " + hostile}}
	p.Opaque = []plan.Opaque{{Key: spec.Key{Kind: spec.KindUnix, Title: "odd " + hostile}, Reason: "unknown element " + hostile}}
	p.Notes = []string{"note about " + hostile}
	var b bytes.Buffer
	if err := Plan(&b, p, "markdown", Options{}); err != nil {
		t.Fatal(err)
	}
	if active := markdown.ActiveOutsideCode(b.String()); len(active) > 0 {
		t.Errorf("active outside code: %q\n%s", active, b.String())
	}
}
