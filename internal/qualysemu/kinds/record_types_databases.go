package kinds

// The database record types, read independently from
// shared/qualys-api/RECORD_KINDS.md §3 (the primary tables and, where those
// are cut, the secondary transcription G2). Only parameters a primary table
// marks required are required here. Output element names of type-specific
// parameters are documented for none of these types; the emulator lists
// the upper-cased parameter name (mysql's WINDOWS_CONF_FILE pattern for
// mariadb's config files).

func dbStr(param string) Field  { return Field{Param: param, Elem: dbUpper(param)} }
func dbFlag(param string) Field { return Field{Param: param, Elem: dbUpper(param), Kind: KindBool} }
func dbList(param string) Field {
	return Field{Param: param, Elem: dbUpper(param), Kind: KindList, ItemElem: "HOST"}
}
func dbPort() Field {
	return Field{Param: "port", Elem: "PORT", Kind: KindInt, IntMin: 1, IntMax: 65535}
}
func dbUser(maxLen int) Field {
	return Field{Param: "username", Elem: "USERNAME", Before: true, Always: true, MaxLen: maxLen}
}
func dbPass(maxLen int) Field { return Field{Param: "password", Secret: true, MaxLen: maxLen} }

func dbUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

var (
	// vaultsDB2 is the IBM DB2 page's list [P R9].
	vaultsDB2 = []string{vtARCON, vtCAAC, vtCyberAIM, vtCyberPIM, vtHashiCorp, vtLieberman, vtQuest, VtThycotic}
	// vaultsCassandra is the Cassandra and DataStax pages' list [P R16, R17].
	vaultsCassandra = []string{vtCyberAIM, VtThycotic, vtHashiCorp, vtAzure}
	// vaultsMariaDB: not documented; MySQL's list [I].
	vaultsMariaDB = []string{vtBeyond, vtCyberAIM, vtCyberPIM, vtQuest, VtThycotic}
)

// dbCassandra returns the rows of the Cassandra and DataStax pages.
func dbCassandra(extra ...Field) []Field {
	return append([]Field{dbUser(0), dbPass(0), dbPort(), dbFlag("ssl_verify_with_host")}, extra...)
}

// DatabaseRecordTypes are the database record types.
var DatabaseRecordTypes = []*RecordType{
	{
		// oracle.htm [P R1] (title, comments, is_template), the rest G2 [S].
		// Oracle "All Ports" (no port): one per host [P U1].
		// Qualys's own Postman collection creates with both sid and servicename [P PM]
		// (EVIDENCE.md fact 3): at least one, not exactly one.
		Name: "oracle", VaultTypes: AllVaultTypes,
		AnyOf: [][]string{{"sid", "servicename"}},
		Fields: []Field{dbUser(0), dbPass(100), dbStr("sid"), dbStr("servicename"), dbPort(),
			dbFlag("is_template"), dbFlag("is_cdb"), dbFlag("pc_only")},
		Unique: []UniqueRule{{Key: []string{"port"}, OnlyUnset: "port", Blame: "ips",
			Text: "only one Oracle record with All Ports per host"}},
	},
	{
		// ms_sql.htm [P R2] and azure_ms_sql.htm [P R3] (provider_name=azure
		// on this endpoint); instance/database/port discovery, auth_os_type
		// and the authentication protocols from G2 [S].
		// provider_name is the variant: the SQL Server parameters are
		// plain-only, the Azure page's instance_name and database_name
		// Azure-only.
		Name: "ms_sql", Variant: "provider_name", VaultTypes: AllVaultTypes,
		Required: []string{"username"}, RequiredBasic: []string{"password"},
		// The pairs are "mutually exclusive" [S]: the record holds one side.
		Exclusive: []ExclusivePair{
			{A: "instance", B: "auto_discover_instances", Stored: true},
			{A: "database", B: "auto_discover_databases", Stored: true},
			{A: "port", B: "auto_discover_ports", Stored: true},
		},
		Fields: append([]Field{
			{Param: "username", Elem: "USERNAME", Before: true, Always: true, MinLen: 1, MaxLen: 128},
			{Param: "password", Secret: true, MinLen: 1, MaxLen: 128},
			{Param: "provider_name", Elem: "PROVIDER_NAME", Values: []string{providerAzure}},
		}, append(onlyFor([]string{""},
			dbFlag("use_ad_hashicorp"), dbFlag("db_local"), dbStr("windows_domain"),
			Field{Param: "auth_os_type", Elem: "AUTH_OS_TYPE", Values: []string{"unix", "windows"}},
			dbStr("mssql_unix_insta_path"), dbStr("mssql_unix_conf_path"),
			dbStr("instance"), dbFlag("auto_discover_instances"),
			dbStr("database"), dbFlag("auto_discover_databases"),
			dbPort(), dbFlag("auto_discover_ports"),
			dbFlag("kerberos"), dbFlag("ntlmv2"), dbFlag("ntlmv1")),
			onlyFor([]string{providerAzure},
				Field{Param: "instance_name", Elem: "INSTANCE_NAME", Values: []string{"MSSQLSERVER"}},
				dbStr("database_name"))...)...),
	},
	{
		// postgresql.htm [P R4]; credentials, hosts and client certificate G2 [S].
		Name: "postgresql", VaultTypes: AllVaultTypes,
		Required: []string{"pgsql_db_name"},
		Fields: []Field{dbUser(0), dbPass(0), dbStr("pgsql_db_name"), dbPort(),
			dbStr("pgsql_win_conf_path"), dbStr("pgsql_unix_conf_path"), dbFlag("ssl_verify"), dbList("hosts"),
			dbStr("client_cert"), {Param: "client_key", Secret: true}, {Param: "passphrase", Secret: true}},
	},
	{
		// ibmdb2.htm [P R9]; db2dir paths G2 [S]. Unique by (IP, port), or
		// by (IP, port, database) when pc_only [P U2].
		Name: "ibm_db2", VaultTypes: vaultsDB2,
		Required: []string{"username", "database", "port"}, RequiredBasic: []string{"password"},
		Fields: []Field{dbUser(13), dbPass(100), dbFlag("pc_only"),
			{Param: "database", Elem: "DATABASE", MaxLen: 8}, dbPort(),
			dbStr("win_db2dir"), dbStr("unix_db2dir")},
		Unique: []UniqueRule{{Key: []string{"port"}, RelaxFlag: "pc_only", RelaxKey: []string{"database"}, Blame: "port",
			Text: "a DB2 instance is unique by IP and port (IP, port and database with pc_only)"}},
	},
	{
		// sybase.htm [P R10]; password, encryption and vault rows G2 [S].
		Name: "sybase", VaultTypes: AllVaultTypes,
		Required: []string{"username", "port"},
		OneOf:    [][]string{{"database", "auto_discover_databases"}},
		Fields: []Field{dbUser(255), dbPass(0), dbFlag("password_encryption"), dbPort(),
			dbStr("database"), dbFlag("auto_discover_databases"), dbStr("installation_dir")},
	},
	{
		// mongodb.htm [P R12] (is_template), the rest G2 [S].
		Name: "mongodb", VaultTypes: AllVaultTypes,
		Fields: []Field{dbFlag("is_template"), dbUser(0), dbPass(0), dbStr("unix_conf_path"), dbStr("database_name"),
			dbPort(), dbFlag("ssl_verify"), dbList("hosts"),
			{Param: "credential_type", Elem: "CREDENTIAL_TYPE", Values: []string{"local", "external"}},
			dbFlag("cleartext")},
	},
	{
		// informixdb.htm [P R13] (ssl_verify, hosts); the UI's database and
		// port, and credentials, with guessed names [I]. No vault documented.
		Name:   "informixdb",
		Fields: []Field{dbUser(0), dbPass(0), dbStr("database"), dbPort(), dbFlag("ssl_verify"), dbList("hosts")},
	},
	{
		// mariadb.htm [P R14], cut after windows_config_file; MySQL-like [I].
		Name: "mariadb", VaultTypes: vaultsMariaDB,
		Required: []string{"database", "port"},
		Fields: []Field{dbUser(255), dbPass(100), dbStr("database"), dbPort(), dbFlag("ssl_verify"), dbList("hosts"),
			{Param: "windows_config_file", Elem: "WINDOWS_CONF_FILE"},
			{Param: "unix_config_file", Elem: "UNIX_CONF_FILE"}},
	},
	{
		// neo4j.htm [P R15]; SSL verify and Unix paths from the UI [P U4], names [I].
		Name: "neo4j", VaultTypes: AllVaultTypes,
		Required: []string{"username", "port"},
		Fields: []Field{dbUser(0), dbPass(0), {Param: "database", Elem: "DATABASE", MaxLen: 255}, dbPort(),
			dbFlag("ssl_verify"), dbStr("unix_base_path"), dbStr("unix_conf_path")},
	},
	{
		// apache_cassandra_records.htm [P R16]; the rest G2 [S].
		Name: "cassandra", VaultTypes: vaultsCassandra,
		Fields: dbCassandra(dbList("hosts"), dbFlag("require_cert"), dbStr("certificate"),
			Field{Param: "private_key", Secret: true}, Field{Param: "passphrase", Secret: true},
			dbStr("confpath"), dbStr("basepath"), dbFlag("cleartext")),
	},
	{
		// dataStax_Record.htm [P R17]: the primary rows only.
		Name: "datastax", VaultTypes: vaultsCassandra,
		Fields: dbCassandra(),
	},
	{
		// pivotal_greenplum.htm [P R18]; vault support likely [I].
		Name: "greenplum", VaultTypes: AllVaultTypes,
		Required: []string{"username", "greenplum_db_name", "greenplum_unix_conf_file"},
		Fields: []Field{dbUser(0), dbPass(0), dbStr("greenplum_db_name"), dbStr("greenplum_unix_conf_file"), dbPort(),
			dbFlag("ssl_verify"), dbList("hosts")},
	},
	{
		// saqip.htm [P R19].
		Name: "sapiq", VaultTypes: AllVaultTypes,
		Required: []string{"username", "database", "port"}, RequiredBasic: []string{"password"},
		Fields: []Field{dbUser(255), dbPass(100), dbFlag("password_encryption"), dbStr("database"), dbPort(),
			dbStr("installation_dir")},
	},
	{
		// sap_hana.htm [P R20, U9].
		Name: "sap_hana", VaultTypes: AllVaultTypes,
		Required: []string{"username", "database", "port"},
		Fields: []Field{dbUser(0), dbPass(0), dbStr("database"), dbPort(),
			{Param: "unix_conf_path", Elem: "UNIX_CONF_PATH", MaxLen: 255}, dbFlag("ssl_verify"), dbList("hosts")},
	},
}
