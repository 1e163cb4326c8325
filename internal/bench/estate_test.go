package bench

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/render"
	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/spec"
)

// TestEstatePlansEmpty: a generated estate written to both sides (as a seed and as a state file)
// plans empty, and its YAML validates. This is what makes the benchmark plans meaningful.
func TestEstatePlansEmpty(t *testing.T) {
	env := Env("CANARY")
	key := []byte(SecretKey)
	for _, fast := range []bool{false, true} {
		e := Generate(3*Shapes+3, 4, Owner)
		dir := t.TempDir()
		stateDir := ""
		if fast {
			stateDir = dir
		}
		emu, err := StartEmulator(qualysemu.Config{RateUnlimited: true}, e, key, env, stateDir)
		if err != nil {
			t.Fatal(err)
		}
		defer emu.Close()
		path, err := e.WriteYAML(dir, Owner)
		if err != nil {
			t.Fatal(err)
		}
		pl := Pipeline(key, env)
		var diags strings.Builder
		pl.Stderr = &diags
		desired, err := pl.Load(path)
		if err != nil {
			b, _ := os.ReadFile(path)
			t.Fatalf("%v\n%s\n%s", err, diags.String(), b)
		}
		c, err := emu.Client(nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := pl.Plan(context.Background(), c, desired, plan.Flags{})
		if err != nil {
			t.Fatal(err)
		}
		if p := r.Plan; !p.Empty() {
			var out strings.Builder
			_ = render.Plan(&out, p, "text", render.Options{})
			t.Errorf("fast=%v: the plan is not empty:\n%s", fast, out.String())
		}
	}
}

// TestShapesCoverTheTable: the generator's shapes, derived from spec's record table, hold every
// kind and unix sub_type qsync can declare and every secret parameter of each, so the benchmarks'
// and drills' estates (and their canary checks) cover the whole table.
func TestShapesCoverTheTable(t *testing.T) {
	kinds, secrets := map[string]bool{}, map[string]bool{}
	vaults := []*Vault{GenVault(0, Owner), GenVault(1, Owner)}
	for i := range 2 * Shapes {
		r := GenRecord(i, Owner, vaults)
		kinds[string(r.Kind)+"/"+r.SubType] = true
		for p := range r.Secrets {
			secrets[string(r.Kind)+"/"+r.SubType+" "+p] = true
		}
	}
	for _, d := range spec.Kinds() {
		if !d.Kind.IsRecord() || d.Opaque != "" {
			continue
		}
		k := string(d.Kind) + "/" + d.Type
		if !kinds[k] {
			t.Errorf("no generated record of %s", k)
		}
		for _, f := range d.Fields {
			if f.Type == spec.TypeSecret && !secrets[k+" "+f.Name] {
				t.Errorf("no generated %s record sets secret %s", k, f.Name)
			}
		}
	}
}
