// Package policy owns qsync's policy checks: YAML policy files of rules whose conditions are CEL
// expressions (github.com/google/cel-go, the language of Kubernetes admission policies), the
// built-in rules (builtin:NAME), the JSON Schema of policy files, checking a configuration and a
// plan against the rules (violations become positioned diagnostics, plan.Violation), the digest
// a saved plan records, and `qsync policy test` fixtures.
//
// A rule sees an object's configured fields under their YAML keys as written (every secret
// replaced by a description of its reference, such as {kind: env}), the live object for a
// change of an existing one, and the planned action; plan-level rules see counts per kind and
// action. No secret value is ever visible to a rule: configured secrets are references, and
// Qualys never returns secrets.
//
// The rules are a list: each is compiled once (Load) and evaluated per object (Check); a rule
// that cannot be evaluated on an object (a missing field, a type mismatch) is a violation of
// error severity that says why, so a broken rule never passes silently. See docs/policy.md.
package policy
