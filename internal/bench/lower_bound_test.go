package bench

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/spec"
)

// declarableKinds are the record endpoints of spec's table that the generator makes records of
// (every one but the slug-only opaque kinds).
func declarableKinds() []spec.Kind {
	var out []spec.Kind
	for _, k := range spec.RecordEndpoints() {
		if ShapeOf(k, "") >= 0 {
			out = append(out, k)
		}
	}
	return out
}

// TestPlanCallsMeetLowerBound: one plan of a generated estate makes exactly lowerBound calls (1
// list-all, one list per kind present, the vault list, one view per vault), so the benchmark's
// target is the pipeline's real behaviour: on an estate of every kind, and for a MySQL-only
// configuration on an estate of 20 kinds (one list-all call, lists of the non-empty kinds only,
// not of every kind qsync knows).
func TestPlanCallsMeetLowerBound(t *testing.T) {
	env, key := Env("bench-value"), []byte(SecretKey)
	kinds := declarableKinds()
	if len(kinds) < 20 {
		t.Fatalf("only %d record kinds", len(kinds))
	}
	every := Generate(3*Shapes+3, 4, Owner)
	mysqlOnly := every.Clone()
	mysqlOnly.Records = slices.DeleteFunc(mysqlOnly.Records, func(r *Record) bool { return r.Kind != spec.KindMySQL })
	// Twenty kinds live, of which only the mysql records are this owner's: the configuration
	// declares mysql only, the other kinds are someone else's.
	twenty := every.Clone()
	twenty.Records = slices.DeleteFunc(twenty.Records, func(r *Record) bool { return !slices.Contains(kinds[:20], r.Kind) })
	for _, r := range twenty.Records {
		if r.Kind != spec.KindMySQL {
			r.Owner = ""
		}
	}
	if !slices.Contains(kinds[:20], spec.KindMySQL) {
		t.Fatal("mysql is not among the first 20 kinds")
	}
	for name, tc := range map[string]struct {
		e     *Estate
		kinds []spec.Kind // the kinds listed
		want  int
	}{
		"every kind":             {every, kinds, 1 + len(kinds) + 1 + 4},                  // list-all, each kind, vault list, 4 views
		"mysql only":             {mysqlOnly, []spec.Kind{spec.KindMySQL}, 1 + 1 + 1 + 4}, // list-all, mysql, vault list, 4 views
		"mysql config, 20 kinds": {twenty, kinds[:20], 1 + 20 + 1 + 4},
		"empty":                  {&Estate{}, nil, 1 + 1}, // list-all, vault list
	} {
		t.Run(name, func(t *testing.T) {
			if got := lowerBound(tc.e); got != tc.want {
				t.Fatalf("lowerBound = %d, want %d", got, tc.want)
			}
			dir := t.TempDir()
			emu, err := StartEmulator(qualysemu.Config{RateUnlimited: true}, tc.e, key, env, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer emu.Close()
			path, err := tc.e.WriteYAML(dir, Owner)
			if err != nil {
				t.Fatal(err)
			}
			pl := Pipeline(key, env)
			desired, err := pl.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			c, err := emu.Client(nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			emu.ResetRequests()
			r, err := pl.Plan(context.Background(), c, desired, plan.Flags{})
			if err != nil {
				t.Fatal(err)
			}
			if !r.Plan.Empty() {
				t.Errorf("the plan is not empty: %d changes", len(r.Plan.Changes))
			}
			calls := countCalls(emu.Requests(), false)
			total := 0
			for _, n := range calls {
				total += n
			}
			if total != tc.want {
				t.Errorf("one plan made %d calls %v, want the lower bound %d", total, calls, tc.want)
			}
			if n := calls["/api/2.0/fo/auth/ list"]; n != 1 {
				t.Errorf("%d list-all calls, want 1", n)
			}
			var listed []spec.Kind
			for _, k := range spec.RecordEndpoints() {
				if calls["/api/2.0/fo/auth/"+string(k)+"/ list"] > 0 {
					listed = append(listed, k)
				}
			}
			if !slices.Equal(listed, tc.kinds) {
				t.Errorf("listed kinds %v, want %v (calls %v)", listed, tc.kinds, slices.Sorted(maps.Keys(calls)))
			}
		})
	}
}
