package build

import (
	"fmt"
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

// BenchmarkRuleConflictsAgainstLive plans 1,000 Oracle creates beside 5,000 unmanaged live
// Oracle records (every one on its own host, half All-Ports), so checkRuleConflicts runs for every
// create against an estate it must not scan whole.
func BenchmarkRuleConflictsAgainstLive(b *testing.B) {
	var live, desired []*spec.Object
	for i := 0; i < 5000; i++ {
		port := ""
		if i%2 == 0 {
			port = "1521"
		}
		o := oracle(b, fmt.Sprintf("theirs-%d", i), int64(i+1), port, fmt.Sprintf("10.%d.%d.1", i/250, i%250))
		o.Marker = nil
		live = append(live, o)
	}
	for i := 0; i < 1000; i++ {
		o := oracle(b, fmt.Sprintf("mine-%d", i), 0, "1521", fmt.Sprintf("10.100.%d.%d", i/250, i%250))
		o.Secrets = map[string]spec.SecretRef{"password": {Env: "PW"}}
		desired = append(desired, o)
	}
	d, l := doc(desired...), doc(live...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Plan(d, l, baseOpts()); err != nil {
			b.Fatal(err)
		}
	}
}
