package render

import (
	"io"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/build"
	"github.com/qsync/qsync/internal/plan/plantest"
	"github.com/qsync/qsync/internal/spec"
)

// The shared fixtures (see package plantest), under the short names the tests use.
var (
	mysql     = plantest.MySQL
	unix      = plantest.Unix
	vault     = plantest.Vault
	doc       = plantest.Doc
	noSecrets = plantest.NoSecrets
	golden    = plantest.Golden
	goldenExt = plantest.GoldenExt
)

func baseOpts() plan.Options {
	return plan.Options{Resolve: plantest.ResolveCanary}
}

func mustBuild(t testing.TB, desired, live *spec.Document, opts plan.Options) *plan.Plan {
	t.Helper()
	return plantest.MustBuild(t, build.Plan, desired, live, opts)
}

func renderAll(t testing.TB, p *plan.Plan) map[string]string {
	t.Helper()
	return plantest.RenderAll(t, func(w io.Writer, p *plan.Plan, format string, color bool) error {
		return Plan(w, p, format, Options{Color: color})
	}, p)
}
