package spec

// VaultKinds returns the descriptor tables of the vault types.
func VaultKinds() []KindDef { return vaultKinds }

// DatabaseRecordKinds returns the descriptor tables of the database record kinds beyond mysql
// (kinds_databases.go).
func DatabaseRecordKinds() []KindDef { return databaseRecordKinds }

// InfraRecordKinds returns the descriptor tables of the infrastructure record kinds
// (kinds_infra.go).
func InfraRecordKinds() []KindDef { return infraRecordKinds }
