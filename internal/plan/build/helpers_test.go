package build

import (
	"bytes"
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
	p, err := Plan(desired, live, opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return p
}

func renderAll(t testing.TB, p *plan.Plan) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range []string{"text", "markdown", "json"} {
		var b bytes.Buffer
		if err := render.Plan(&b, p, f, render.Options{}); err != nil {
			t.Fatalf("Render %s: %v", f, err)
		}
		out[f] = b.String()
	}
	var b bytes.Buffer
	if err := render.Plan(&b, p, "text", render.Options{Color: true}); err != nil {
		t.Fatal(err)
	}
	out["color"] = b.String()
	return out
}

// clone copies a map; unlike maps.Clone it never returns nil, so a copied object keeps a map
// where the original had none.
func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	maps.Copy(out, m)
	return out
}
