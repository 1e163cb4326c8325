// Package load reads qsync's YAML configuration into a spec.Document: it decodes each file with
// every value's position (through yamltree), validates it against the JSON Schema generated from
// spec's kind tables (through schemacheck), builds the typed objects field by field from the
// descriptor tables (build.go, build_items.go), and runs the checks that span records (check*.go:
// duplicate titles, the owner, IP exclusivity groups, the kinds' unique rules, vault logins). It
// reports every problem at once as positioned spec.Diagnostics. Secrets are references here and
// are never read (spec.Resolve reads them). CheckVaultRefs and UndeclaredVaultWarnings are the
// checks that need the live estate as well, run by the pipeline after reading it. The vocabulary
// itself (kinds, fields, rules) is spec's; load only applies it. It does no network I/O.
package load
