// Package gen generates the documentation files that are derived from spec's kind tables:
// docs/configuration.md (the configuration reference, which also reads the JSON Schema
// schemagen.Generate makes) and docs/inferred-elements.md. `go generate ./...` runs it through
// internal/spec/cmd/genschema, which writes schema/qsync.schema.json too; its test fails when a
// committed file differs from what the tables generate now.
package gen
