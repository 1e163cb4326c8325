package prcomment_test

import (
	"bytes"
	"testing"

	"github.com/qsync/qsync/internal/markdown"
	"github.com/qsync/qsync/internal/prcomment"
)

// TestApplyCommentMentionsNobody: titles, errors, reasons and --only patterns of an apply result
// reach the comment only inside code.
func TestApplyCommentMentionsNobody(t *testing.T) {
	const hostile = "@alice @acme/sec-team #12 GH-3 !4 https://evil.example www.evil.example bob@example.com"
	r := &prcomment.ApplyReport{Verified: true, Converged: true, Only: []string{"mysql/@alice*", "unix/#12"}}
	key := prcomment.Key{Kind: "mysql", Title: "db " + hostile}
	for _, st := range []string{"failed", "unknown", "pending", "applied"} {
		r.Result.Steps = append(r.Result.Steps, prcomment.ApplyStep{Step: len(r.Result.Steps) + 1, Kind: "mysql", Op: "update",
			Keys: []prcomment.Key{key}, Status: st, Error: "Qualys said " + hostile, Reason: "after " + hostile})
	}
	r.Result.Failed, r.Result.Unknown, r.Result.Pending, r.Result.Applied = 1, 1, 1, 1
	for _, rep := range []*prcomment.ApplyReport{r, {Verified: true, Converged: true, Only: r.Only}} {
		var b bytes.Buffer
		if err := prcomment.RenderApply(&b, rep, prcomment.RenderContext{Owner: "@owner", Commit: "#12"}); err != nil {
			t.Fatal(err)
		}
		if active := markdown.ActiveOutsideCode(b.String()); len(active) > 0 {
			t.Errorf("active outside code: %q\n%s", active, b.String())
		}
	}
}
