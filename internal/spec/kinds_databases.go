package spec

import "strings"

// The database record kinds. Each is its Qualys /api/2.0/fo/auth/<slug>/ endpoint. Sources are the
// catalogue's tags (shared/qualys-api/RECORD_KINDS.md §3): a field the primary Qualys page shows is
// plain; one known only from a secondary transcription [S] or inferred [I] is Unverified. Only the
// primary tables make a field Required. List-output element names of type-specific fields are not
// documented for any of these kinds: they are the upper-cased parameter names [I].
const (
	KindOracle     Kind = "oracle"
	KindMSSQL      Kind = "ms_sql"
	KindPostgreSQL Kind = "postgresql"
	KindIBMDB2     Kind = "ibm_db2"
	KindSybase     Kind = "sybase"
	KindMongoDB    Kind = "mongodb"
	KindInformixDB Kind = "informixdb"
	KindMariaDB    Kind = "mariadb"
	KindNeo4j      Kind = "neo4j"
	KindCassandra  Kind = "cassandra"
	KindDataStax   Kind = "datastax"
	KindGreenplum  Kind = "greenplum"
	KindSAPIQ      Kind = "sapiq"
	KindSAPHANA    Kind = "sap_hana"
)

// dbField is a database record field whose list element is its upper-cased name [I].
func dbField(name string, t FieldType, doc string) FieldDef {
	return FieldDef{Name: name, Element: strings.ToUpper(name), Type: t, Doc: doc}
}

// dbUnverified marks f as known from a secondary source or inferred.
func dbUnverified(f FieldDef) FieldDef {
	f.Unverified = true
	return f
}

// dbRequired marks f as required on create.
func dbRequired(f FieldDef) FieldDef {
	f.Required = true
	return f
}

// dbDefault sets the value Qualys reports for f when it was never set (documented [P]).
func dbDefault(f FieldDef, def string) FieldDef {
	f.Default = def
	return f
}

// dbMaxLen limits f to n characters.
func dbMaxLen(f FieldDef, n int) FieldDef {
	f.MaxLen = n
	return f
}

func dbUsername(doc string, req bool, max int) FieldDef {
	return FieldDef{Name: "username", Element: "USERNAME", Type: TypeString, Required: req, MaxLen: max, Doc: doc}
}

// dbPassword is the basic-login password; req says whether the primary table requires it.
func dbPassword(doc string, req bool, max int) FieldDef {
	return FieldDef{Name: "password", Type: TypeSecret, Basic: true, Required: req, MaxLen: max, Doc: doc}
}

func dbPort(doc string, req bool) FieldDef {
	return FieldDef{Name: "port", Element: "PORT", Type: TypeInt, Required: req, Max: 65535, Doc: doc}
}

func dbHosts(doc string) FieldDef {
	return FieldDef{Name: "hosts", Element: "HOSTS", Item: "HOST", Type: TypeList, Format: "hostname", Doc: doc}
}

// Vault types documented per kind.
var (
	// db2Vaults: the IBM DB2 page lists them [P R9].
	db2Vaults = []string{"arcon_pam", "ca_access_control", "cyberark_aim", "cyberark_pim", "hashicorp",
		"lieberman", "quest", "thycotic"}
	// cassandraVaults: the Cassandra and DataStax pages list them [P R16, R17].
	cassandraVaults = []string{"azure_key", "cyberark_aim", "hashicorp", "thycotic"}
	// mysqlVaults: MariaDB's vault types are not documented; MySQL's are assumed [I].
	mysqlVaults = []string{"beyondtrust", "cyberark_aim", "cyberark_pim", "quest", "thycotic"}
)

var oracleFields = []FieldDef{
	dbUsername("Oracle account (or the vault account with a vault login).", false, 0),
	dbPassword("Password of the Oracle account (at most 100 characters).", false, MaxPassword),
	dbField("sid", TypeString, "Oracle SID of the instance; at least one of sid and servicename."),
	dbField("servicename", TypeString, "Oracle service name of the instance; at least one of sid and servicename."),
	{Name: "port", Element: "PORT", Type: TypeInt, Max: 65535, OmittedMeans: "All Ports", NoClear: true,
		Doc: "Port of the listener. Omitted means \"All Ports\": Qualys allows one such record per host, and tries a port-specific record first. " +
			"Qualys documents no way to remove a port once set: removing it replaces the record (with consent)."},
	{Name: "is_template", Element: "IS_TEMPLATE", Type: TypeBool, Immutable: true,
		Doc: "Create an Oracle System Record Template (for auto-discovered Unix instances) instead of a record; create only."},
	dbUnverified(dbField("is_cdb", TypeBool, "The instance is a container database: compliance scans auto-discover its PDBs.")),
	dbUnverified(dbField("pc_only", TypeBool, "Compliance scans only; allows several records on one host and port.")),
	networkID,
}

var msSQLFields = []FieldDef{
	{Name: "username", Element: "USERNAME", Type: TypeString, Required: true, MinLen: 1, MaxLen: 128,
		Doc: "SQL Server account (1-128 characters)."},
	{Name: "password", Type: TypeSecret, Basic: true, Required: true, MinLen: 1, MaxLen: 128,
		Doc: "Password of the account (1-128 characters)."},
	dbField("use_ad_hashicorp", TypeBool, "The HashiCorp vault login uses the Active Directory secrets engine."),
	dbField("db_local", TypeBool,
		"true (the Qualys default on create): a SQL Server account (on Windows or Unix); false: a Windows OS account, which needs windows_domain."),
	dbField("windows_domain", TypeString,
		"Windows domain of the account; only with db_local false (send an empty value to go back to db_local true)."),
	dbUnverified(FieldDef{Name: "auth_os_type", Element: "AUTH_OS_TYPE", Type: TypeEnum, Enum: []string{"unix", "windows"},
		Doc: "Operating system of the SQL Server hosts (with db_local true)."}),
	dbUnverified(dbField("mssql_unix_insta_path", TypeString, "Installation path of SQL Server on Unix (auth_os_type unix).")),
	dbUnverified(dbField("mssql_unix_conf_path", TypeString, "Configuration path of SQL Server on Unix (auth_os_type unix).")),
	dbUnverified(dbField("instance", TypeString, "Instance name (Qualys default MSSQLSERVER on Windows); cannot be combined with auto_discover_instances.")),
	dbUnverified(dbField("auto_discover_instances", TypeBool, "Discover the instances instead of naming one.")),
	dbUnverified(dbField("database", TypeString, "Database to authenticate to (Qualys default master); cannot be combined with auto_discover_databases.")),
	dbUnverified(dbField("auto_discover_databases", TypeBool, "Discover the databases instead of naming one.")),
	dbUnverified(dbPort("Port of the instance; cannot be combined with auto_discover_ports.", false)),
	dbUnverified(dbField("auto_discover_ports", TypeBool, "Discover the ports instead of giving one.")),
	dbUnverified(dbField("kerberos", TypeBool, "Allow Kerberos (Windows accounts).")),
	dbUnverified(dbField("ntlmv2", TypeBool, "Allow NTLMv2 (Windows accounts).")),
	dbUnverified(dbField("ntlmv1", TypeBool, "Allow NTLMv1 (Windows accounts).")),
	networkID,
}

// azureMSSQLFields are the Azure MS SQL page's parameters [P R3, cut]: the ms_sql endpoint with
// provider_name=azure (the variant selector, see KindDef.VariantParam).
var azureMSSQLFields = []FieldDef{
	{Name: "username", Element: "USERNAME", Type: TypeString, Required: true, MinLen: 1, MaxLen: 128, Pattern: "@",
		Doc: "Azure SQL account; must contain '@'."},
	password("Password of the account (at most 100 characters)."),
	{Name: "instance_name", Element: "INSTANCE_NAME", Type: TypeEnum, Enum: []string{"MSSQLSERVER"},
		Doc: "The instance; only the default MSSQLSERVER is supported."},
	dbField("database_name", TypeString, "The database to authenticate to."),
	networkID,
}

var postgreSQLFields = []FieldDef{
	dbUnverified(dbUsername("PostgreSQL account (or the vault account with a vault login).", false, 0)),
	dbUnverified(dbPassword("Password of the account.", false, 0)),
	dbRequired(dbField("pgsql_db_name", TypeString, "Database to authenticate to.")),
	dbDefault(dbPort("Port the database listens on.", false), "5432"),
	dbField("pgsql_win_conf_path", TypeString,
		"Path of postgresql.conf on Windows, the same on every host (an older Qualys page names it pgsql_win_conf_file)."),
	dbField("pgsql_unix_conf_path", TypeString,
		"Path of postgresql.conf on Unix, the same on every host (an older Qualys page names it pgsql_unix_conf_file)."),
	dbDefault(dbField("ssl_verify", TypeBool, "Verify the server's SSL certificate (skipped by default)."), "false"),
	dbUnverified(dbHosts("FQDNs of the hosts whose certificate is checked (with ssl_verify).")),
	dbUnverified(dbField("client_cert", TypeText, "PEM-encoded client certificate.")),
	dbUnverified(FieldDef{Name: "client_key", Type: TypeSecret, Doc: "PEM-encoded private key of the client certificate."}),
	dbUnverified(FieldDef{Name: "passphrase", Type: TypeSecret, Doc: "Passphrase of the client key."}),
	networkID,
}

var ibmDB2Fields = []FieldDef{
	dbField("pc_only", TypeBool, "Compliance scans only: records are then unique by IP, port and database, not by IP and port."),
	{Name: "username", Element: "USERNAME", Type: TypeString, Required: true, MaxLen: 13,
		Doc: "DB2 account (at most 13 ASCII characters)."},
	dbPassword("Password of the account (at most 100 characters).", true, MaxPassword),
	dbRequired(dbMaxLen(dbField("database", TypeString, "Database name (at most 8 ASCII characters)."), 8)),
	dbPort("Port of the instance.", true),
	dbUnverified(dbField("win_db2dir", TypeString, "DB2 directory on Windows hosts.")),
	dbUnverified(dbField("unix_db2dir", TypeString, "DB2 directory on Unix hosts.")),
	networkID,
}

var sybaseFields = []FieldDef{
	dbMaxLen(dbUsername("Sybase ASE account (the vault account's name with a vault login; at most 255 characters).", true, 0), 255),
	dbUnverified(dbPassword("Password of the account.", false, 0)),
	dbUnverified(dbField("password_encryption", TypeBool, "Encrypt the password on the wire.")),
	dbPort("Port of the server.", true),
	dbField("database", TypeString, "Database to authenticate to; exactly one of database and auto_discover_databases."),
	dbUnverified(dbField("auto_discover_databases", TypeBool,
		"Discover every database on the host; exactly one of database and auto_discover_databases.")),
	dbField("installation_dir", TypeString, "Installation directory; Qualys requires it for records that scan Unix hosts."),
	networkID,
}

var mongoDBFields = []FieldDef{
	{Name: "is_template", Element: "IS_TEMPLATE", Type: TypeBool, Immutable: true,
		Doc: "Create a system record template (Unix only) instead of a record; create only."},
	dbUnverified(dbUsername("MongoDB account (or the vault account with a vault login).", false, 0)),
	dbUnverified(dbPassword("Password of the account.", false, 0)),
	dbUnverified(dbField("unix_conf_path", TypeString,
		"Path of mongod.conf on Unix (the Qualys table says unix_conf_file, its samples unix_conf_path).")),
	dbUnverified(dbField("database_name", TypeString, "Database to authenticate to.")),
	dbUnverified(dbPort("Port of the server (Qualys uses 27017 when omitted).", false)),
	dbUnverified(dbField("ssl_verify", TypeBool, "Verify the server's SSL certificate.")),
	dbUnverified(dbHosts("FQDNs of the hosts whose certificate is checked (with ssl_verify).")),
	dbUnverified(FieldDef{Name: "credential_type", Element: "CREDENTIAL_TYPE", Type: TypeEnum, Enum: []string{"local", "external"},
		Doc: "local: a MongoDB account; external: an LDAP account, which needs cleartext true."}),
	dbUnverified(dbField("cleartext", TypeBool, "Send the password in clear text (needed by external credentials).")),
	networkID,
}

var informixDBFields = []FieldDef{
	dbUnverified(dbUsername("Informix account.", false, 0)),
	dbUnverified(dbPassword("Password of the account.", false, 0)),
	dbUnverified(dbField("database", TypeString, "Database to authenticate to (DRDA).")),
	dbUnverified(dbPort("DRDA port of the server.", false)),
	dbField("ssl_verify", TypeBool, "Verify the server's SSL certificate (the Qualys pages disagree about the default)."),
	dbHosts("FQDNs of the hosts whose certificate is checked (with ssl_verify)."),
	networkID,
}

var mariaDBFields = []FieldDef{
	dbUnverified(dbUsername("MariaDB account (or the vault account with a vault login).", false, 255)),
	dbUnverified(dbPassword("Password of the account (at most 100 characters).", false, MaxPassword)),
	dbRequired(dbField("database", TypeString, "Database to authenticate to.")),
	dbPort("Port the database listens on (the Qualys page suggests 3306).", true),
	dbDefault(dbField("ssl_verify", TypeBool, "Verify the server's SSL certificate (skipped when unset)."), "false"),
	dbHosts("FQDNs of the hosts whose certificate is checked (with ssl_verify)."),
	{Name: "windows_config_file", Element: "WINDOWS_CONF_FILE", Type: TypeString,
		Doc: "Path of the Windows MariaDB config file (listed as WINDOWS_CONF_FILE, as for MySQL)."},
	dbUnverified(FieldDef{Name: "unix_config_file", Element: "UNIX_CONF_FILE", Type: TypeString,
		Doc: "Path of the Unix MariaDB config file (as for MySQL)."}),
	networkID,
}

var neo4jFields = []FieldDef{
	dbUsername("Neo4j account (or the vault account with a vault login).", true, 0),
	dbUnverified(dbPassword("Password of the account.", false, 0)),
	dbMaxLen(dbField("database", TypeString, "Database to authenticate to (at most 255 characters)."), 255),
	dbPort("Bolt port of the server (the Qualys UI suggests 7687).", true),
	dbUnverified(dbField("ssl_verify", TypeBool, "Verify the server's SSL certificate.")),
	dbUnverified(dbField("unix_base_path", TypeString, "Neo4j base path on Unix, the same on every host.")),
	dbUnverified(dbField("unix_conf_path", TypeString, "Neo4j configuration file path on Unix, the same on every host.")),
	networkID,
}

// cassandraFields are the fields of the Apache Cassandra page; extra are the secondary-source
// fields (DataStax has only the primary rows).
func cassandraFields(product string, extra ...FieldDef) []FieldDef {
	f := []FieldDef{
		dbUsername(product+" account (or the vault account with a vault login).", false, 0),
		dbPassword("Password of the account.", false, 0),
		dbPort("Port of the node.", false),
		dbField("ssl_verify_with_host", TypeBool, "Verify the node's SSL certificate and host name."),
	}
	f = append(f, extra...)
	return append(f, networkID)
}

var cassandraExtra = []FieldDef{
	dbUnverified(dbHosts("FQDNs of the hosts whose certificate is checked.")),
	dbUnverified(dbField("require_cert", TypeBool, "The node requires a client certificate (certificate and private_key).")),
	dbUnverified(dbField("certificate", TypeText, "PEM-encoded client certificate.")),
	dbUnverified(FieldDef{Name: "private_key", Type: TypeSecret, Doc: "PEM-encoded private key of the client certificate."}),
	dbUnverified(FieldDef{Name: "passphrase", Type: TypeSecret, Doc: "Passphrase of the private key."}),
	dbUnverified(dbField("confpath", TypeString, "Path of cassandra.yaml.")),
	dbUnverified(dbField("basepath", TypeString, "Cassandra installation path.")),
	dbUnverified(dbField("cleartext", TypeBool, "Send the password in clear text.")),
}

var greenplumFields = []FieldDef{
	dbUsername("Greenplum account (or the vault account with a vault login).", true, 0),
	dbUnverified(dbPassword("Password of the account.", false, 0)),
	dbRequired(dbField("greenplum_db_name", TypeString, "Database to authenticate to.")),
	dbRequired(dbField("greenplum_unix_conf_file", TypeString, "Path of postgresql.conf on the Unix hosts.")),
	dbDefault(dbPort("Port the database listens on.", false), "5432"),
	dbDefault(dbField("ssl_verify", TypeBool, "Verify the server's SSL certificate (skipped by default); needs hosts."), "false"),
	dbHosts("FQDNs of the hosts whose certificate is checked; required with ssl_verify."),
	networkID,
}

var sapIQFields = []FieldDef{
	dbUsername("SAP IQ account (or the vault account with a vault login; at most 255 characters).", true, 255),
	dbPassword("Password of the account (at most 100 characters).", true, MaxPassword),
	dbField("password_encryption", TypeBool, "Encrypt the password on the wire."),
	dbRequired(dbField("database", TypeString, "Database to authenticate to.")),
	dbPort("Port of the server.", true),
	dbField("installation_dir", TypeString, "Installation directory; Qualys requires it for records that scan Unix hosts."),
	networkID,
}

var sapHANAFields = []FieldDef{
	dbUsername("SAP HANA account (or the vault account with a vault login).", true, 0),
	dbUnverified(dbPassword("Password of the account.", false, 0)),
	dbRequired(dbField("database", TypeString, "Database (tenant) to authenticate to.")),
	dbPort("SQL port of the database.", true),
	dbMaxLen(dbField("unix_conf_path", TypeString,
		"Configuration path on Unix (at most 255 characters); Qualys requires it for records that scan Unix hosts."), 255),
	dbField("ssl_verify", TypeBool, "Verify the server's SSL certificate (API and UI disagree about the default); needs hosts."),
	dbHosts("FQDNs of the hosts whose certificate is checked; required with ssl_verify."),
	networkID,
}

// sslNeedsHosts is the documented rule of greenplum and sap_hana: hosts is required with ssl_verify.
var sslNeedsHosts = []Condition{{Field: "ssl_verify", Value: "true", Require: []string{"hosts"}}}

// databaseRecordKinds are the database record kinds (/api/2.0/fo/auth/<slug>/), written from
// shared/qualys-api/RECORD_KINDS.md.
var databaseRecordKinds = []KindDef{
	{Kind: KindOracle, Fields: oracleFields, LoginVaultTypes: allVaults,
		Doc: "Oracle authentication record (/api/2.0/fo/auth/oracle/), VM and PC. Vault logins are supported; " +
			"which vault types is not documented, so every type is accepted.",
		AnyOf: [][]string{{"sid", "servicename"}},
		Unique: []UniqueRule{
			{Fields: []string{"port"}, When: &FieldValue{Field: "port", Value: ""},
				Reason: "Qualys allows one Oracle record with All Ports, that is without a port, per host"},
			{Fields: []string{"port"}, Unless: &FieldValue{Field: "pc_only", Value: "true"}, Warning: true,
				Reason: "several Oracle records on one host and port need pc_only on each, says a secondary source"},
		}},
	{Kind: KindMSSQL, Fields: msSQLFields, LoginVaultTypes: allVaults,
		Doc: "Microsoft SQL Server authentication record (/api/2.0/fo/auth/ms_sql/), PC only (Azure SQL Database: " +
			"`provider_name: azure`, below). Vault logins are supported; which vault types is not documented, so every type is accepted.",
		RequiredWhen: []Condition{{Field: "db_local", Value: "false", Require: []string{"windows_domain"}}},
		Exclusive: [][]string{
			{"instance", "auto_discover_instances"},
			{"database", "auto_discover_databases"},
			{"port", "auto_discover_ports"},
		}},
	{Kind: KindMSSQL, Type: "azure", QualysType: "azure", VariantParam: "provider_name", VariantElement: "PROVIDER_NAME",
		Fields: azureMSSQLFields, LoginVaultTypes: allVaults,
		Doc: "Azure SQL Database authentication record (ms_sql endpoint, provider_name=azure; the Azure MS SQL page). " +
			"Vault logins are documented (login_type=vault); which vault types is not, so every type is accepted."},
	{Kind: KindPostgreSQL, Fields: postgreSQLFields, LoginVaultTypes: allVaults,
		Doc: "PostgreSQL authentication record (/api/2.0/fo/auth/postgresql/), PC only, PostgreSQL 9.x-12.x on Windows or Unix. " +
			"Vault logins are supported (Hitachi ID PAM takes resource_id); which vault types is not documented, so every type is accepted."},
	{Kind: KindIBMDB2, Fields: ibmDB2Fields, LoginVaultTypes: db2Vaults,
		Doc: "IBM DB2 authentication record (/api/2.0/fo/auth/ibm_db2/), VM and PC.",
		Unique: []UniqueRule{
			{Fields: []string{"port"}, Unless: &FieldValue{Field: "pc_only", Value: "true"}, Also: []string{"database"},
				Reason: "a DB2 instance is unique by IP and port, or by IP, port and database when both records are pc_only"},
		}},
	{Kind: KindSybase, Fields: sybaseFields, LoginVaultTypes: allVaults,
		Doc: "Sybase ASE authentication record (/api/2.0/fo/auth/sybase/), PC only. Vault logins are supported; " +
			"which vault types is not documented, so every type is accepted.",
		OneOf: [][]string{{"database", "auto_discover_databases"}}},
	{Kind: KindMongoDB, Fields: mongoDBFields, LoginVaultTypes: allVaults,
		Doc: "MongoDB authentication record (/api/2.0/fo/auth/mongodb/), VM and PC, MongoDB 3.x on Unix; compliance scans " +
			"also need a Unix record for the same IPs. Vault logins are known from a secondary source only. The pkcert " +
			"login type (a client certificate instead of a password) cannot be declared: a live record using it is listed as opaque.",
		OpaqueLoginTypes: map[string]string{"pkcert": "the pkcert login type is known from a secondary source only, " +
			"without its list elements (private_key, passphrase, certificate, require_cert)"}},
	{Kind: KindInformixDB, Fields: informixDBFields,
		Doc: "Informix authentication record (/api/2.0/fo/auth/informixdb/), PC only, DRDA connections; the IPs must also " +
			"be in Unix records, which hold the client certificate and key. No vault login is documented."},
	{Kind: KindMariaDB, Fields: mariaDBFields, LoginVaultTypes: mysqlVaults,
		Doc: "MariaDB authentication record (/api/2.0/fo/auth/mariadb/), PC only. Its vault types are not documented; " +
			"MySQL's are assumed."},
	{Kind: KindNeo4j, Fields: neo4jFields, LoginVaultTypes: allVaults,
		Doc: "Neo4j authentication record (/api/2.0/fo/auth/neo4j/), PC only. Vault logins are supported; which vault " +
			"types is not documented, so every type is accepted."},
	{Kind: KindCassandra, Fields: cassandraFields("Cassandra", cassandraExtra...), LoginVaultTypes: cassandraVaults,
		Doc: "Apache Cassandra authentication record (/api/2.0/fo/auth/cassandra/), PC only."},
	{Kind: KindDataStax, Fields: cassandraFields("DataStax"), LoginVaultTypes: cassandraVaults,
		Doc: "DataStax Enterprise authentication record (/api/2.0/fo/auth/datastax/), PC only."},
	{Kind: KindGreenplum, Fields: greenplumFields, LoginVaultTypes: allVaults, RequiredWhen: sslNeedsHosts,
		Doc: "Pivotal Greenplum authentication record (/api/2.0/fo/auth/greenplum/), PC only, Greenplum 5.x/6.x on Unix. " +
			"Vault logins are likely but not documented; every vault type is accepted."},
	{Kind: KindSAPIQ, Fields: sapIQFields, LoginVaultTypes: allVaults,
		Doc: "SAP IQ authentication record (/api/2.0/fo/auth/sapiq/), PC only. Vault logins are supported (Hitachi ID PAM " +
			"takes resource_id); which vault types is not documented, so every type is accepted."},
	{Kind: KindSAPHANA, Fields: sapHANAFields, LoginVaultTypes: allVaults, RequiredWhen: sslNeedsHosts,
		Doc: "SAP HANA authentication record (/api/2.0/fo/auth/sap_hana/), PC and SCA. Vault logins are supported; which " +
			"vault types is not documented, so every type is accepted."},
}
