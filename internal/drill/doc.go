// Package drill holds qsync's fault drills: tests that run the production pipeline
// (internal/pipeline: load, read, plan, save and check a plan file, apply, verify) against the
// emulator under random fault schedules (409 rate and concurrency refusals, 5xx answers, connections
// dropped before and after a write, slow calls) over random desired and live estates, and then
// prove that nothing was lost: a clean re-run converges (the next plan is empty), exactly the
// configured objects are managed (a managed vault dropped from the configuration is deleted, also
// when faults hit that delete), no object qsync does not own was touched, nothing was duplicated,
// and a canary secret never appears in any output (plans in every format, saved plans, progress,
// results, errors and the debug HTTP trace).
//
// The drills are ordinary tests (go test ./internal/drill), deterministic per seed and fast: the
// client's waits are injected no-ops and slow calls last milliseconds. DRILL_SEEDS=N runs more
// seeds.
package drill
