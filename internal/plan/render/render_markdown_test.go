package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// TestMarkdownBudgetManyDeletes: 2000 deletes (long titles), 300 refusals and 3000 unmanaged
// objects still give a comment GitHub accepts (65,536 characters), with the CAUTION list
// summarised past its count.
func TestMarkdownBudgetManyDeletes(t *testing.T) {
	live := doc()
	long := strings.Repeat("x", 200)
	for i := range 2000 {
		live.Objects = append(live.Objects, mysql(t, fmt.Sprintf("db-%04d-%s", i, long), int64(100000+i), fmt.Sprintf("10.%d.%d.1", i/250, i%250)))
	}
	opts := baseOpts()
	opts.AllowDeletes = true
	p := mustBuild(t, doc(), live, opts)
	for i := range 300 {
		p.Refused = append(p.Refused, plan.Refusal{Key: spec.Key{Kind: spec.KindUnix, Title: fmt.Sprintf("r-%d-%s", i, long)}, Action: plan.ActionReplace, Reason: long})
	}
	for i := range 3000 {
		p.Unmanaged = append(p.Unmanaged, spec.Key{Kind: spec.KindUnix, Title: fmt.Sprintf("u-%d-%s", i, long)})
	}
	for _, limit := range []int{0, 20000} {
		var b bytes.Buffer
		if err := Plan(&b, p, "markdown", Options{MaxBytes: limit}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		want := limit
		if want == 0 {
			want = DefaultMarkdownBytes
		}
		if len(out) > want || utf8.RuneCountInString(out) > 65536 {
			t.Errorf("limit %d: markdown is %d bytes", limit, len(out))
		}
		for _, s := range []string{"**2000 objects will be deleted or replaced:**", "more (the table above counts them per kind", "more refusals", "3000 unmanaged objects left alone", "| mysql | **2000** |"} {
			if !strings.Contains(out, s) {
				t.Errorf("limit %d: missing %q", limit, s)
			}
		}
		if n := strings.Count(out, "> - delete "); n > mdMaxCaution {
			t.Errorf("limit %d: %d deletes listed in CAUTION, want at most %d", limit, n, mdMaxCaution)
		}
	}
}
