package plantest

import (
	"bytes"
	"io"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// Builder builds a plan (build.Plan). plantest takes it as a value because build's own tests
// import plantest, so plantest cannot import build.
type Builder func(desired, live *spec.Document, opts plan.Options) (*plan.Plan, error)

// Renderer renders a plan in one format, coloured or not (render.Plan with render.Options{Color:
// color}); a value for the same reason as Builder.
type Renderer func(w io.Writer, p *plan.Plan, format string, color bool) error

// MustBuild builds the plan of desired against live, failing the test on an error.
func MustBuild(t testing.TB, build Builder, desired, live *spec.Document, opts plan.Options) *plan.Plan {
	t.Helper()
	p, err := build(desired, live, opts)
	if err != nil {
		t.Fatalf("build plan: %v", err)
	}
	return p
}

// RenderAll renders p in every format, keyed "text", "markdown" and "json", and as coloured text,
// keyed "color", failing the test on an error.
func RenderAll(t testing.TB, render Renderer, p *plan.Plan) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range []string{"text", "markdown", "json", "color"} {
		format, color := f, f == "color"
		if color {
			format = "text"
		}
		var b bytes.Buffer
		if err := render(&b, p, format, color); err != nil {
			t.Fatalf("render %s: %v", f, err)
		}
		out[f] = b.String()
	}
	return out
}
