// Package kinds owns the emulator's tables of what Qualys serves: every auth record type
// (RecordTypes: its parameters, required and exclusive groups, variants, login types, IP
// exclusivity and cross-record unique rules), the structured lists a record type takes in an XML
// body (EntryList), every vault type (VaultTypes with the record-side vault parameters
// RecordVaultFields), the list shape each record type is answered in (ListShapes) and which
// parameter names are secrets (IsSecretParam).
//
// The tables are read independently from shared/qualys-api/ (REFERENCE.md, RECORD_KINDS.md,
// EVIDENCE.md) and docs/qualys-wire-contract.md; like the rest of the emulator they never import
// qsync's own kind tables (internal/spec). The package is data and small lookups only: the
// emulator's server (package qualysemu) routes, validates, lists, seeds and matches faults from
// it, and never looks at a record type's name. Adding a record type is adding one RecordType
// value; adding a vault type is adding one VaultType value.
package kinds
