package kinds

import "strings"

// The infrastructure record types, read from shared/qualys-api/RECORD_KINDS.md §3.4, §3.5, §3.8,
// §3.9 and §3.11. Only the common parameters, username and the type-specific parameters of the
// catalogue are accepted. Output elements are the upper-cased parameter names: the catalogue
// found no list DTD for these types (§2.2), so this is the emulator's guess as much as qsync's.

// loginVCenter is vmware's third login type: the record holds ESXi hosts reached through a
// vcenter record, so it needs no password of its own (RECORD_KINDS.md §3.5).
const loginVCenter = "vcenter"

// undocumentedRecordType serves a slug whose parameters are not public (RECORD_KINDS.md §3.9,
// §3.11): it lists and deletes the records a seed put there, and refuses a create or update
// through the API, since the emulator cannot know what Qualys would require.
func undocumentedRecordType(name string) *RecordType {
	return &RecordType{Name: name, SeedOnly: true}
}

func infraStr(param string) Field { return Field{Param: param, Elem: strings.ToUpper(param)} }

func infraFlag(param string) Field {
	return Field{Param: param, Elem: strings.ToUpper(param), Kind: KindBool}
}

func infraPort() Field {
	return Field{Param: "port", Elem: "PORT", Kind: KindInt, IntMin: 1, IntMax: 65535}
}

func infraHosts() Field {
	return Field{Param: "hosts", Elem: "HOSTS", Kind: KindList, ItemElem: "HOST"}
}

func infraUsername(maxLen int) Field {
	return Field{Param: "username", Elem: "USERNAME", Before: true, Always: true, MaxLen: maxLen}
}

func infraSecret(param string, minLen, maxLen int) Field {
	return Field{Param: param, Secret: true, MinLen: minLen, MaxLen: maxLen}
}

// InfraRecordTypes are the record types of network devices, virtualisation, web servers,
// middleware and container platforms, read independently from shared/qualys-api/RECORD_KINDS.md.
var InfraRecordTypes = []*RecordType{
	{
		// §3.4: no login type or vault parameters were seen; SNMPv3 authentication is username,
		// password and auth_alg, privacy is encrypt_password and priv_alg.
		Name: "snmp",
		Fields: []Field{
			// The default (v1) is documented [P R5]: listed even when never set, like MySQL SSL_VERIFY.
			{Param: "version", Elem: "VERSION", Values: []string{"v1", "v2c", "v3"}, Always: true},
			infraSecret("community_strings", 0, 0),
			{Param: "username", Elem: "USERNAME", MaxLen: 128},
			infraSecret("password", 0, 0),
			{Param: "auth_alg", Elem: "AUTH_ALG", Values: []string{"MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512"}},
			infraSecret("encrypt_password", 0, 0),
			{Param: "priv_alg", Elem: "PRIV_ALG", Values: []string{"DES", "AES"}},
			{Param: "security_engine_id", Elem: "SECURITY_ENGINE_ID", MaxLen: 128},
			infraStr("context_engine_id"),
			infraStr("context"),
		},
		Together: [][]string{{"username", "password", "auth_alg"}, {"encrypt_password", "priv_alg"}},
	},
	{
		// §3.5: login_type basic, vault or vcenter; is_disconnect only with vcenter.
		Name: "vmware", VaultTypes: AllVaultTypes, LoginTypes: []string{loginVCenter},
		Required: []string{"username"}, RequiredBasic: []string{"password"},
		Fields: []Field{
			infraUsername(13),
			infraSecret("password", 0, 100),
			infraPort(),
			infraHosts(),
			{Param: "ssl_verify", Elem: "SSL_VERIFY", Values: []string{"all", "skip", "none"}},
			{Param: "is_disconnect", Elem: "IS_DISCONNECT", Kind: KindBool, Login: loginVCenter},
		},
	},
	{
		// §3.5: the table prints login_type vcenter for vcenter records too; the emulator takes
		// only basic and vault here, as a vcenter login of a vcenter record means nothing.
		Name: "vcenter", VaultTypes: AllVaultTypes,
		Required: []string{"username"}, RequiredBasic: []string{"password"},
		Fields: []Field{
			infraUsername(13),
			infraSecret("password", 0, 100),
			infraPort(),
			infraHosts(),
		},
	},
	{
		// §3.5 and REFERENCE S21: password optional, HashiCorp vault only.
		Name: "nsx", VaultTypes: []string{vtHashiCorp},
		Required: []string{"username"},
		Fields: []Field{
			infraUsername(0),
			infraSecret("password", 0, 0),
			infraPort(),
			infraHosts(),
			infraFlag("ssl_verify_with_host"),
			infraFlag("use_ad_hashicorp"),
		},
	},
	{
		// §3.8, the whole primary table: no ips and no vault; vhost or realm, exactly one.
		Name: "http", IPsOptional: true,
		Required: []string{"username", "password"},
		OneOf:    [][]string{{"vhost", "realm"}},
		Fields: []Field{
			infraUsername(0),
			infraSecret("password", 0, 100),
			infraStr("vhost"),
			infraStr("realm"),
			infraFlag("ssl"),
		},
	},
	{
		// §3.11: password optional; password2 is the enable or expert password.
		Name: "network_ssh", VaultTypes: AllVaultTypes,
		Required: []string{"username"},
		Fields: []Field{
			infraUsername(255),
			infraSecret("password", 0, 0),
			infraSecret("password2", 1, 31),
			infraPort(),
			{Param: "target_type", Elem: "TARGET_TYPE", Values: []string{"auto", "A10", "HP_COMWARE", "CISCO_ASA_WITH_FIREPOWE"}},
			infraFlag("cleartext_password"),
		},
	},
	{
		Name: "palo_alto_firewall", VaultTypes: AllVaultTypes,
		Required: []string{"username"}, RequiredBasic: []string{"password"},
		Fields: []Field{
			infraUsername(255),
			infraSecret("password", 0, 100),
		},
	},
	{
		// §3.11: title, ips, username, password and port all "Required".
		Name:       "cisco_apic",
		VaultTypes: []string{VtThycotic, vtQuest, vtHashiCorp, vtCyberAIM, vtCyberPIM, vtAzure},
		Required:   []string{"username", "port"}, RequiredBasic: []string{"password"},
		Fields: []Field{
			infraUsername(0),
			infraSecret("password", 0, 0),
			{Param: "port", Elem: "PORT", Kind: KindInt, Before: true, Always: true, IntMin: 1, IntMax: 65535},
			infraFlag("ssl_verify"),
			infraFlag("require_cert"),
			infraStr("certificate"),
			infraSecret("private_key", 0, 0),
			infraFlag("use_ad_hashicorp"),
		},
		Together: [][]string{{"certificate", "private_key"}},
	},
	{
		// §3.11: api_version and ssl_verify "Required".
		Name: "infoblox", VaultTypes: AllVaultTypes,
		Required: []string{"username", "api_version", "ssl_verify"}, RequiredBasic: []string{"password"},
		Fields: []Field{
			infraUsername(0),
			infraSecret("password", 0, 0),
			{Param: "api_version", Elem: "API_VERSION", Before: true, Always: true},
			{Param: "ssl_verify", Elem: "SSL_VERIFY", Kind: KindBool, Always: true},
		},
	},
	{
		Name:   "docker",
		Fields: []Field{infraStr("docker_deamon_conf_file"), infraStr("docker_command")},
	},
	{
		Name:   "kubernetes",
		Fields: []Field{infraStr("unix_bin_path"), infraStr("unix_conf_path")},
	},
	{
		// §3.11: the table says unix_base_path, the sample request sends unix_bin_path; both
		// are taken.
		Name:   "nginx",
		Fields: []Field{infraStr("unix_base_path"), infraStr("unix_bin_path"), infraStr("unix_conf_path"), infraStr("unix_prefix_path")},
	},
	{
		// §3.11 and §2.1: the common parameters only.
		Name: "ms_exchange",
	},
	{
		// §3.11 and §2.6: each IP in at most one SharePoint record; MS SQL credentials.
		Name: "microsoft_sharepoint", IPGroup: "microsoft_sharepoint", VaultTypes: AllVaultTypes,
		Required: []string{"username"}, RequiredBasic: []string{"password"},
		Fields: []Field{
			infraUsername(128),
			infraSecret("password", 0, 128),
			infraFlag("db_local"),
			{Param: "windows_domain", Elem: "WINDOWS_DOMAIN", MaxLen: 256},
			infraFlag("kerberos"),
		},
	},
	{
		Name: "apache",
		Fields: []Field{infraStr("unix_apache_config_file"), infraStr("unix_apache_control_command"),
			infraStr("windows_apache_config_file"), infraStr("windows_apache_control_command")},
	},
	{
		Name: "tomcat",
		Fields: []Field{infraStr("installation_path"), infraStr("instance_path"), infraFlag("auto_discover_instances"),
			infraStr("installation_path_windows"), infraStr("instance_path_windows"), infraStr("service_name")},
	},
	undocumentedRecordType("oracle_listener"),
	undocumentedRecordType("oracle_weblogic"),
	undocumentedRecordType("ms_iis"),
	undocumentedRecordType("ibm_websphere"),
	undocumentedRecordType("jboss"),
	undocumentedRecordType("marklogic"),
	undocumentedRecordType("bind"),
	undocumentedRecordType("oracle_http_server"),
}
