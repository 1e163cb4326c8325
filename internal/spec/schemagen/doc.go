// Package schemagen generates qsync's JSON Schema (schema/qsync.schema.json) from spec's kind
// tables: one schema per record kind, unix sub_type and vault type, each field as its FieldDef
// says (type, limits, enums, secret references, list entries). The loader validates every file
// against what Generate returns now, and `go generate ./...` (internal/spec/cmd/genschema) writes
// it to the file users' editors read. It does no I/O.
package schemagen
