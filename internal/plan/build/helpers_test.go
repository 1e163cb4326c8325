package build

import (
	"io"
	"maps"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/plantest"
	"github.com/qsync/qsync/internal/plan/render"
	"github.com/qsync/qsync/internal/spec"
)

// The shared fixtures (see package plantest), under the short names the tests use.
const (
	owner  = plantest.Owner
	canary = plantest.Canary
)

var (
	testKey       = []byte("test-secret-key")
	resolveCanary = plantest.ResolveCanary
	ips           = plantest.IPs
	marker        = plantest.Marker
	withDefaults  = plantest.WithDefaults
	mysql         = plantest.MySQL
	unix          = plantest.Unix
	vault         = plantest.Vault
	doc           = plantest.Doc
	noSecrets     = plantest.NoSecrets
	golden        = plantest.Golden
	goldenExt     = plantest.GoldenExt
)

func baseOpts() plan.Options {
	return plan.Options{Resolve: resolveCanary}
}

func mustBuild(t testing.TB, desired, live *spec.Document, opts plan.Options) *plan.Plan {
	t.Helper()
	return plantest.MustBuild(t, Plan, desired, live, opts)
}

func renderAll(t testing.TB, p *plan.Plan) map[string]string {
	t.Helper()
	return plantest.RenderAll(t, renderPlan, p)
}

// renderPlan is render.Plan as a plantest.Renderer.
func renderPlan(w io.Writer, p *plan.Plan, format string, color bool) error {
	return render.Plan(w, p, format, render.Options{Color: color})
}

// clone copies a map; unlike maps.Clone it never returns nil, so a copied object keeps a map
// where the original had none.
func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	maps.Copy(out, m)
	return out
}
