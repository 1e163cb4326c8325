// Package bench measures qsync against its claims of speed and API-call economy. It generates
// estates of any size across every record kind with vaults (Estate, Generate), serves them from an
// in-process qualysemu emulator on loopback (StartEmulator), and runs the qsync binary and the
// production pipeline (internal/pipeline, through Pipeline) against them (Run): plan wall and CPU time, peak memory, the diff alone, API calls
// against their lower bound, and apply scenarios (a shared password rotation, a mass delete,
// creates under a tight rate limit). WriteTable prints the results with every target met or
// missed; `make bench` (scripts/bench.sh, cmd/benchrun) is the entry point. The Go benchmarks
// (BenchmarkBuild*, BenchmarkLoad*, BenchmarkRead*) measure the phases with `go test -bench`.
//
// The estates are shared with internal/drill, whose fault drills derive random desired and live
// estates from the same types.
package bench
