// Package schema embeds qsync.schema.json, the JSON Schema of qsync's YAML files that users' editors
// see. The file is generated from the descriptor tables in internal/spec; never edit it by hand.
// `go generate ./...` regenerates it and docs/configuration.md, which is generated from the same
// tables.
package schema

//go:generate go run ../internal/spec/cmd/genschema -o qsync.schema.json -docs ../docs/configuration.md

import _ "embed"

// JSON is the content of qsync.schema.json.
//
//go:embed qsync.schema.json
var JSON []byte
