package pipeline

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/render"
)

// TestPlanCountsVerificationReads: the plan announces the reads the verification after apply
// makes (as many as the plan's own read), and the verification costs no more.
func TestPlanCountsVerificationReads(t *testing.T) {
	c, path, pl, stderr := setup(t)
	ctx := context.Background()
	desired, err := pl.Load(path)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	r, err := pl.Plan(ctx, c, desired, plan.Flags{})
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if r.Plan.VerifyReads == 0 {
		t.Fatal("the plan announces no verification reads")
	}
	var b strings.Builder
	_ = render.Plan(&b, r.Plan, "text", render.Options{})
	if want := "then " + strconv.Itoa(r.Plan.VerifyReads) + " reads to verify"; !strings.Contains(b.String(), want) {
		t.Errorf("text plan lacks %q:\n%s", want, b.String())
	}
	if res, err := pl.Apply(ctx, r, nil); err != nil || !res.OK() {
		t.Fatalf("apply: %v, %+v", err, res)
	}
	before := callCount(c.Stats())
	if remaining, err := pl.Verify(ctx, r); err != nil || remaining != nil {
		t.Fatalf("verify: remaining %+v, %v", remaining, err)
	}
	// At most: the plan deletes a vault, which the verification then no longer views.
	if got := callCount(c.Stats()) - before; got == 0 || got > r.Plan.VerifyReads {
		t.Errorf("the verification made %d calls, the plan announced %d", got, r.Plan.VerifyReads)
	}
}
