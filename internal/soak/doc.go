// Package soak is qsync's model-based invariant test (issue 20, "the proof: invariants, not
// cases"). A Runner keeps a model of the configuration (an internal/bench estate plus renames and
// secret values), starts the emulator with that estate and with unmanaged and other owners'
// objects beside it, and then runs a random sequence of transitions: each changes the model
// (creates, deletes, renames with and without previous_titles, IPs moving between records of a
// kind, attribute and comment edits, secret rotation, replacements with consent, vault changes,
// scoped runs), writes it as YAML and runs the production pipeline (internal/pipeline: plan, save
// and check a plan file, apply, verify) against the emulator with a random fault on the writes
// (HTTP errors, error bodies, connections dropped before or after a write, an HTML 502 from a
// proxy, an interrupt). After every apply it checks five invariants on the emulator's own state,
// never through build.Plan:
//
//  1. nothing unmanaged or of another owner changed;
//  2. no host lost a credential of a kind it has before and in the desired state, except the one
//     hand-over in flight when a fault hit (a take the result reports as not applied);
//  3. no secret Qualys held is gone unless the configuration removed it;
//  4. a second apply, without faults, converges, and its "Converged" (and any scoped run's claim
//     that nothing outside its scope differs) is true by comparing the emulator's records and
//     vaults with the model directly;
//  5. a canary secret appears in no output: plans in every format, plan files, progress, results,
//     diagnostics, the debug HTTP trace and the pull request bodies made from them.
//
// Each transition class can be switched off (Options.Classes), so classes that still violate an
// invariant on main can be kept out of the fixed seeds that go test runs while `make soak` runs
// them all. The Runner is deterministic per seed.
package soak
