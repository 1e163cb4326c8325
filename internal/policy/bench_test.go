package policy

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/build"
	"github.com/qsync/qsync/internal/spec"
)

// BenchmarkCheck checks a plan of 2,000 record creates against the test policy (custom rules and
// every built-in rule): the cost policy checks add to a large plan.
func BenchmarkCheck(b *testing.B) {
	dir := b.TempDir()
	var sb strings.Builder
	sb.WriteString("version: 1\nowner: secops\nrecords:\n")
	for i := range 2000 {
		fmt.Fprintf(&sb, "  - type: mysql\n    title: db-%04d\n    ips: [10.%d.%d.1]\n    port: 3306\n    database: mysql\n    username: scanner\n    password: {env: DB_PW}\n    ssl_verify: true\n",
			i, i/250, i%250)
	}
	cfg := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(cfg, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	desired, diags := spec.LoadWithOptions(spec.Options{}, cfg)
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	live := &spec.Document{Owner: "secops", Complete: true}
	p, err := build.Plan(desired, live, plan.Options{Owner: "secops"})
	if err != nil {
		b.Fatal(err)
	}
	set, diags := Load("testdata/policy")
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	b.ResetTimer()
	for range b.N {
		if _, err := set.Check(Input{Desired: desired, Live: live, Plan: p}); err != nil {
			b.Fatal(err)
		}
	}
}
