package bench

import (
	"context"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/spec"
)

// TestPlanCallsMeetLowerBound: one plan of a generated estate makes exactly lowerBound calls (1
// list-all, one list per kind present, the vault list, one view per vault), so the benchmark's
// target is the pipeline's real behaviour, and an estate with only mysql records does not pay
// one list per record kind qsync knows.
func TestPlanCallsMeetLowerBound(t *testing.T) {
	env, key := Env("bench-value"), []byte(SecretKey)
	mixed := Generate(3*Shapes+3, 4, Owner)
	mysqlOnly := mixed.Clone()
	mysqlOnly.Records = mysqlOnly.Records[:0]
	for _, r := range mixed.Clone().Records {
		if r.Kind == spec.KindMySQL {
			mysqlOnly.Records = append(mysqlOnly.Records, r)
		}
	}
	for name, tc := range map[string]struct {
		e    *Estate
		want int
	}{
		"mixed":      {mixed, 1 + 3 + 1 + 4},     // list-all, mysql/unix/windows, vault list, 4 views
		"mysql only": {mysqlOnly, 1 + 1 + 1 + 4}, // list-all, mysql, vault list, 4 views
		"empty":      {&Estate{}, 1 + 1},         // list-all, vault list
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
			if _, err := pl.Plan(context.Background(), c, desired, plan.Flags{}); err != nil {
				t.Fatal(err)
			}
			calls := countCalls(emu.Requests(), false)
			total := 0
			for _, n := range calls {
				total += n
			}
			if total != tc.want {
				t.Errorf("one plan made %d calls %v, want the lower bound %d", total, calls, tc.want)
			}
		})
	}
}
