package bench

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/qsync/qsync/internal/pipeline"
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/build"
	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/spec"
)

// fixture is one plan benchmark's estate: the configuration file, the emulator serving the live
// side, and both sides loaded.
type fixture struct {
	path          string
	emu           *Emulator
	pl            *pipeline.Pipeline
	desired, live *spec.Document
	opts          plan.Options
}

var (
	fixturesMu sync.Mutex
	fixtures   = map[int]*fixture{}
)

// getFixture builds (once per process) the n-record estate of the plan benchmarks. Its files and
// emulator live until the process exits.
func getFixture(b *testing.B, n int) *fixture {
	b.Helper()
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	if f := fixtures[n]; f != nil {
		return f
	}
	dir, err := os.MkdirTemp("", "qsync-bench-")
	if err != nil {
		b.Fatal(err)
	}
	env, key := Env("bench-value"), []byte(SecretKey)
	liveE, desiredE := PlanEstates(n, 50)
	emu, err := StartEmulator(qualysemu.Config{RateUnlimited: true}, liveE, key, env, dir)
	if err != nil {
		b.Fatal(err)
	}
	path, err := desiredE.WriteYAML(dir, Owner)
	if err != nil {
		b.Fatal(err)
	}
	pl := Pipeline(key, env)
	desired, err := pl.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	c, err := emu.Client(nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	liveDoc, err := pipeline.ReadLive(context.Background(), c)
	if err != nil {
		b.Fatal(err)
	}
	f := &fixture{path: path, emu: emu, pl: pl, desired: desired, live: liveDoc, opts: pl.Options(desired, plan.Flags{}, 0)}
	fixtures[n] = f
	return f
}

func benchBuild(b *testing.B, n int) {
	f := getFixture(b, n)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := build.Plan(f.desired, f.live, f.opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "records")
}

// BenchmarkBuild1k measures the diff alone (build.Plan) of a 1,000-record estate with 50 vaults.
func BenchmarkBuild1k(b *testing.B) { benchBuild(b, 1000) }

// BenchmarkBuild10k is BenchmarkBuild1k with 10,000 records.
func BenchmarkBuild10k(b *testing.B) { benchBuild(b, 10000) }

// BenchmarkBuild100k is BenchmarkBuild1k with 100,000 records.
func BenchmarkBuild100k(b *testing.B) { benchBuild(b, 100000) }

func benchLoad(b *testing.B, n int) {
	f := getFixture(b, n)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := f.pl.Load(f.path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad1k measures loading and validating a 1,000-record configuration file.
func BenchmarkLoad1k(b *testing.B) { benchLoad(b, 1000) }

// BenchmarkLoad10k is BenchmarkLoad1k with 10,000 records.
func BenchmarkLoad10k(b *testing.B) { benchLoad(b, 10000) }

// BenchmarkLoad100k is BenchmarkLoad1k with 100,000 records; -short skips it.
func BenchmarkLoad100k(b *testing.B) {
	if testing.Short() {
		b.Skip("100,000 records: skipped with -short")
	}
	benchLoad(b, 100000)
}

func benchRead(b *testing.B, n int) {
	f := getFixture(b, n)
	c, err := f.emu.Client(nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := pipeline.ReadLive(context.Background(), c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead1k measures reading a 1,000-record live estate from the emulator (client, XML
// decoding and conversion, and the emulator's own work).
func BenchmarkRead1k(b *testing.B) { benchRead(b, 1000) }

// BenchmarkRead10k is BenchmarkRead1k with 10,000 records.
func BenchmarkRead10k(b *testing.B) { benchRead(b, 10000) }

// BenchmarkRead100k is BenchmarkRead1k with 100,000 records (100 list pages); skipped under -short.
func BenchmarkRead100k(b *testing.B) {
	if testing.Short() {
		b.Skip("100k-record estate skipped under -short")
	}
	benchRead(b, 100000)
}

func ExampleWriteTable() {
	rep := &Report{OS: "linux/amd64", CPUs: 2, GoVersion: "go1.26", LoadAverage: "0.52 0.61 0.70",
		Targets: []Target{{Name: "plan API calls, 1000 records", Want: "= lower bound 54", Got: "54", Met: true}}}
	WriteTable(os.Stdout, rep)
	fmt.Println()
	// Output:
	// qsync benchmarks (linux/amd64, 2 CPUs, go1.26, load average 0.52 0.61 0.70 at the start)
	//
	// | records | vaults | plan wall | plan CPU | peak RSS | load | read | diff | API calls | lower bound | emulator CPU |
	// |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
	//
	// | apply scenario | write calls | applied | failed | converged | 409s | max in flight | wall |
	// |---|---|---:|---:|---|---:|---:|---:|
	//
	// | target | want | got | status |
	// |---|---|---|---|
	// | plan API calls, 1000 records | = lower bound 54 | 54 | met |
}
