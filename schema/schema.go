// Package schema embeds qsync.schema.json, the JSON Schema of qsync's YAML files that users' editors
// see, and plan.schema.json, the JSON Schema of the plan JSON (qsync plan --format json, plan
// files; docs/plan-json.md), which is written by hand and checked against the plan goldens. The file is generated from the descriptor tables in internal/spec; never edit it by hand.
// `go generate ./...` regenerates it, docs/configuration.md and docs/inferred-elements.md, which
// are generated from the same tables.
package schema

//go:generate go run ../internal/spec/cmd/genschema -o qsync.schema.json -docs ../docs/configuration.md -inferred ../docs/inferred-elements.md

import _ "embed"

// JSON is the content of qsync.schema.json.
//
//go:embed qsync.schema.json
var JSON []byte

// PlanJSON is the content of plan.schema.json, the schema of the plan JSON format_version
// plan.FormatVersion (a test keeps the two equal).
//
//go:embed plan.schema.json
var PlanJSON []byte
