package qualysemu

// The database record types, read independently from
// shared/qualys-api/RECORD_KINDS.md §3 (the primary tables and, where those
// are cut, the secondary transcription G2). Only parameters a primary table
// marks required are required here. Output element names of type-specific
// parameters are documented for none of these types; the emulator lists
// the upper-cased parameter name (mysql's WINDOWS_CONF_FILE pattern for
// mariadb's config files).

func dbStr(param string) field  { return field{param: param, elem: dbUpper(param)} }
func dbFlag(param string) field { return field{param: param, elem: dbUpper(param), kind: kindBool} }
func dbList(param string) field {
	return field{param: param, elem: dbUpper(param), kind: kindList, itemElem: "HOST"}
}
func dbPort() field {
	return field{param: "port", elem: "PORT", kind: kindInt, intMin: 1, intMax: 65535}
}
func dbUser(maxLen int) field {
	return field{param: "username", elem: "USERNAME", before: true, always: true, maxLen: maxLen}
}
func dbPass(maxLen int) field { return field{param: "password", secret: true, maxLen: maxLen} }

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
	vaultsDB2 = []string{vtARCON, vtCAAC, vtCyberAIM, vtCyberPIM, vtHashiCorp, vtLieberman, vtQuest, vtThycotic}
	// vaultsCassandra is the Cassandra and DataStax pages' list [P R16, R17].
	vaultsCassandra = []string{vtCyberAIM, vtThycotic, vtHashiCorp, vtAzure}
	// vaultsMariaDB: not documented; MySQL's list [I].
	vaultsMariaDB = []string{vtBeyond, vtCyberAIM, vtCyberPIM, vtQuest, vtThycotic}
)

// dbCassandra returns the rows of the Cassandra and DataStax pages.
func dbCassandra(extra ...field) []field {
	return append([]field{dbUser(0), dbPass(0), dbPort(), dbFlag("ssl_verify_with_host")}, extra...)
}

var databaseRecordTypes = []*recordType{
	{
		// oracle.htm [P R1] (title, comments, is_template), the rest G2 [S].
		// Oracle "All Ports" (no port): one per host [P U1].
		// Qualys's own Postman collection creates with both sid and servicename [P PM]
		// (EVIDENCE.md fact 3): at least one, not exactly one.
		name: "oracle", vaultTypes: allVaultTypes,
		anyOf: [][]string{{"sid", "servicename"}},
		fields: []field{dbUser(0), dbPass(100), dbStr("sid"), dbStr("servicename"), dbPort(),
			dbFlag("is_template"), dbFlag("is_cdb"), dbFlag("pc_only")},
		unique: []uniqueRule{{key: []string{"port"}, onlyUnset: "port", blame: "ips",
			text: "only one Oracle record with All Ports per host"}},
	},
	{
		// ms_sql.htm [P R2] and azure_ms_sql.htm [P R3] (provider_name=azure
		// on this endpoint); instance/database/port discovery, auth_os_type
		// and the authentication protocols from G2 [S].
		// provider_name is the variant: the SQL Server parameters are
		// plain-only, the Azure page's instance_name and database_name
		// Azure-only.
		name: "ms_sql", variant: "provider_name", vaultTypes: allVaultTypes,
		required: []string{"username"}, requiredBasic: []string{"password"},
		// The pairs are "mutually exclusive" [S]: the record holds one side.
		exclusive: []exclusivePair{
			{a: "instance", b: "auto_discover_instances", stored: true},
			{a: "database", b: "auto_discover_databases", stored: true},
			{a: "port", b: "auto_discover_ports", stored: true},
		},
		fields: append([]field{
			{param: "username", elem: "USERNAME", before: true, always: true, minLen: 1, maxLen: 128},
			{param: "password", secret: true, minLen: 1, maxLen: 128},
			{param: "provider_name", elem: "PROVIDER_NAME", values: []string{providerAzure}},
		}, append(onlyFor([]string{""},
			dbFlag("use_ad_hashicorp"), dbFlag("db_local"), dbStr("windows_domain"),
			field{param: "auth_os_type", elem: "AUTH_OS_TYPE", values: []string{"unix", "windows"}},
			dbStr("mssql_unix_insta_path"), dbStr("mssql_unix_conf_path"),
			dbStr("instance"), dbFlag("auto_discover_instances"),
			dbStr("database"), dbFlag("auto_discover_databases"),
			dbPort(), dbFlag("auto_discover_ports"),
			dbFlag("kerberos"), dbFlag("ntlmv2"), dbFlag("ntlmv1")),
			onlyFor([]string{providerAzure},
				field{param: "instance_name", elem: "INSTANCE_NAME", values: []string{"MSSQLSERVER"}},
				dbStr("database_name"))...)...),
	},
	{
		// postgresql.htm [P R4]; credentials, hosts and client certificate G2 [S].
		name: "postgresql", vaultTypes: allVaultTypes,
		required: []string{"pgsql_db_name"},
		fields: []field{dbUser(0), dbPass(0), dbStr("pgsql_db_name"), dbPort(),
			dbStr("pgsql_win_conf_path"), dbStr("pgsql_unix_conf_path"), dbFlag("ssl_verify"), dbList("hosts"),
			dbStr("client_cert"), {param: "client_key", secret: true}, {param: "passphrase", secret: true}},
	},
	{
		// ibmdb2.htm [P R9]; db2dir paths G2 [S]. Unique by (IP, port), or
		// by (IP, port, database) when pc_only [P U2].
		name: "ibm_db2", vaultTypes: vaultsDB2,
		required: []string{"username", "database", "port"}, requiredBasic: []string{"password"},
		fields: []field{dbUser(13), dbPass(100), dbFlag("pc_only"),
			{param: "database", elem: "DATABASE", maxLen: 8}, dbPort(),
			dbStr("win_db2dir"), dbStr("unix_db2dir")},
		unique: []uniqueRule{{key: []string{"port"}, relaxFlag: "pc_only", relaxKey: []string{"database"}, blame: "port",
			text: "a DB2 instance is unique by IP and port (IP, port and database with pc_only)"}},
	},
	{
		// sybase.htm [P R10]; password, encryption and vault rows G2 [S].
		name: "sybase", vaultTypes: allVaultTypes,
		required: []string{"username", "port"},
		oneOf:    [][]string{{"database", "auto_discover_databases"}},
		fields: []field{dbUser(255), dbPass(0), dbFlag("password_encryption"), dbPort(),
			dbStr("database"), dbFlag("auto_discover_databases"), dbStr("installation_dir")},
	},
	{
		// mongodb.htm [P R12] (is_template), the rest G2 [S].
		name: "mongodb", vaultTypes: allVaultTypes,
		fields: []field{dbFlag("is_template"), dbUser(0), dbPass(0), dbStr("unix_conf_path"), dbStr("database_name"),
			dbPort(), dbFlag("ssl_verify"), dbList("hosts"),
			{param: "credential_type", elem: "CREDENTIAL_TYPE", values: []string{"local", "external"}},
			dbFlag("cleartext")},
	},
	{
		// informixdb.htm [P R13] (ssl_verify, hosts); the UI's database and
		// port, and credentials, with guessed names [I]. No vault documented.
		name:   "informixdb",
		fields: []field{dbUser(0), dbPass(0), dbStr("database"), dbPort(), dbFlag("ssl_verify"), dbList("hosts")},
	},
	{
		// mariadb.htm [P R14], cut after windows_config_file; MySQL-like [I].
		name: "mariadb", vaultTypes: vaultsMariaDB,
		required: []string{"database", "port"},
		fields: []field{dbUser(255), dbPass(100), dbStr("database"), dbPort(), dbFlag("ssl_verify"), dbList("hosts"),
			{param: "windows_config_file", elem: "WINDOWS_CONF_FILE"},
			{param: "unix_config_file", elem: "UNIX_CONF_FILE"}},
	},
	{
		// neo4j.htm [P R15]; SSL verify and Unix paths from the UI [P U4], names [I].
		name: "neo4j", vaultTypes: allVaultTypes,
		required: []string{"username", "port"},
		fields: []field{dbUser(0), dbPass(0), {param: "database", elem: "DATABASE", maxLen: 255}, dbPort(),
			dbFlag("ssl_verify"), dbStr("unix_base_path"), dbStr("unix_conf_path")},
	},
	{
		// apache_cassandra_records.htm [P R16]; the rest G2 [S].
		name: "cassandra", vaultTypes: vaultsCassandra,
		fields: dbCassandra(dbList("hosts"), dbFlag("require_cert"), dbStr("certificate"),
			field{param: "private_key", secret: true}, field{param: "passphrase", secret: true},
			dbStr("confpath"), dbStr("basepath"), dbFlag("cleartext")),
	},
	{
		// dataStax_Record.htm [P R17]: the primary rows only.
		name: "datastax", vaultTypes: vaultsCassandra,
		fields: dbCassandra(),
	},
	{
		// pivotal_greenplum.htm [P R18]; vault support likely [I].
		name: "greenplum", vaultTypes: allVaultTypes,
		required: []string{"username", "greenplum_db_name", "greenplum_unix_conf_file"},
		fields: []field{dbUser(0), dbPass(0), dbStr("greenplum_db_name"), dbStr("greenplum_unix_conf_file"), dbPort(),
			dbFlag("ssl_verify"), dbList("hosts")},
	},
	{
		// saqip.htm [P R19].
		name: "sapiq", vaultTypes: allVaultTypes,
		required: []string{"username", "database", "port"}, requiredBasic: []string{"password"},
		fields: []field{dbUser(255), dbPass(100), dbFlag("password_encryption"), dbStr("database"), dbPort(),
			dbStr("installation_dir")},
	},
	{
		// sap_hana.htm [P R20, U9].
		name: "sap_hana", vaultTypes: allVaultTypes,
		required: []string{"username", "database", "port"},
		fields: []field{dbUser(0), dbPass(0), dbStr("database"), dbPort(),
			{param: "unix_conf_path", elem: "UNIX_CONF_PATH", maxLen: 255}, dbFlag("ssl_verify"), dbList("hosts")},
	},
}
