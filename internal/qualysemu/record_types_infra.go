package qualysemu

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
func undocumentedRecordType(name string) *recordType {
	return &recordType{name: name, seedOnly: true}
}

func infraStr(param string) field { return field{param: param, elem: strings.ToUpper(param)} }

func infraFlag(param string) field {
	return field{param: param, elem: strings.ToUpper(param), kind: kindBool}
}

func infraPort() field {
	return field{param: "port", elem: "PORT", kind: kindInt, intMin: 1, intMax: 65535}
}

func infraHosts() field {
	return field{param: "hosts", elem: "HOSTS", kind: kindList, itemElem: "HOST"}
}

func infraUsername(maxLen int) field {
	return field{param: "username", elem: "USERNAME", before: true, always: true, maxLen: maxLen}
}

func infraSecret(param string, minLen, maxLen int) field {
	return field{param: param, secret: true, minLen: minLen, maxLen: maxLen}
}

// infraRecordTypes are the record types of network devices, virtualisation, web servers,
// middleware and container platforms, read independently from shared/qualys-api/RECORD_KINDS.md.
var infraRecordTypes = []*recordType{
	{
		// §3.4: no login type or vault parameters were seen; SNMPv3 authentication is username,
		// password and auth_alg, privacy is encrypt_password and priv_alg.
		name: "snmp",
		fields: []field{
			// The default (v1) is documented [P R5]: listed even when never set, like MySQL SSL_VERIFY.
			{param: "version", elem: "VERSION", values: []string{"v1", "v2c", "v3"}, always: true},
			infraSecret("community_strings", 0, 0),
			{param: "username", elem: "USERNAME", maxLen: 128},
			infraSecret("password", 0, 0),
			{param: "auth_alg", elem: "AUTH_ALG", values: []string{"MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512"}},
			infraSecret("encrypt_password", 0, 0),
			{param: "priv_alg", elem: "PRIV_ALG", values: []string{"DES", "AES"}},
			{param: "security_engine_id", elem: "SECURITY_ENGINE_ID", maxLen: 128},
			infraStr("context_engine_id"),
			infraStr("context"),
		},
		together: [][]string{{"username", "password", "auth_alg"}, {"encrypt_password", "priv_alg"}},
	},
	{
		// §3.5: login_type basic, vault or vcenter; is_disconnect only with vcenter.
		name: "vmware", vaultTypes: allVaultTypes, loginTypes: []string{loginVCenter},
		required: []string{"username"}, requiredBasic: []string{"password"},
		fields: []field{
			infraUsername(13),
			infraSecret("password", 0, 100),
			infraPort(),
			infraHosts(),
			{param: "ssl_verify", elem: "SSL_VERIFY", values: []string{"all", "skip", "none"}},
			{param: "is_disconnect", elem: "IS_DISCONNECT", kind: kindBool, login: loginVCenter},
		},
	},
	{
		// §3.5: the table prints login_type vcenter for vcenter records too; the emulator takes
		// only basic and vault here, as a vcenter login of a vcenter record means nothing.
		name: "vcenter", vaultTypes: allVaultTypes,
		required: []string{"username"}, requiredBasic: []string{"password"},
		fields: []field{
			infraUsername(13),
			infraSecret("password", 0, 100),
			infraPort(),
			infraHosts(),
		},
	},
	{
		// §3.5 and REFERENCE S21: password optional, HashiCorp vault only.
		name: "nsx", vaultTypes: []string{vtHashiCorp},
		required: []string{"username"},
		fields: []field{
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
		name: "http", ipsOptional: true,
		required: []string{"username", "password"},
		oneOf:    [][]string{{"vhost", "realm"}},
		fields: []field{
			infraUsername(0),
			infraSecret("password", 0, 100),
			infraStr("vhost"),
			infraStr("realm"),
			infraFlag("ssl"),
		},
	},
	{
		// §3.11: password optional; password2 is the enable or expert password.
		name: "network_ssh", vaultTypes: allVaultTypes,
		required: []string{"username"},
		fields: []field{
			infraUsername(255),
			infraSecret("password", 0, 0),
			infraSecret("password2", 1, 31),
			infraPort(),
			{param: "target_type", elem: "TARGET_TYPE", values: []string{"auto", "A10", "HP_COMWARE", "CISCO_ASA_WITH_FIREPOWE"}},
			infraFlag("cleartext_password"),
		},
	},
	{
		name: "palo_alto_firewall", vaultTypes: allVaultTypes,
		required: []string{"username"}, requiredBasic: []string{"password"},
		fields: []field{
			infraUsername(255),
			infraSecret("password", 0, 100),
		},
	},
	{
		// §3.11: title, ips, username, password and port all "Required".
		name:       "cisco_apic",
		vaultTypes: []string{vtThycotic, vtQuest, vtHashiCorp, vtCyberAIM, vtCyberPIM, vtAzure},
		required:   []string{"username", "port"}, requiredBasic: []string{"password"},
		fields: []field{
			infraUsername(0),
			infraSecret("password", 0, 0),
			{param: "port", elem: "PORT", kind: kindInt, before: true, always: true, intMin: 1, intMax: 65535},
			infraFlag("ssl_verify"),
			infraFlag("require_cert"),
			infraStr("certificate"),
			infraSecret("private_key", 0, 0),
			infraFlag("use_ad_hashicorp"),
		},
		together: [][]string{{"certificate", "private_key"}},
	},
	{
		// §3.11: api_version and ssl_verify "Required".
		name: "infoblox", vaultTypes: allVaultTypes,
		required: []string{"username", "api_version", "ssl_verify"}, requiredBasic: []string{"password"},
		fields: []field{
			infraUsername(0),
			infraSecret("password", 0, 0),
			{param: "api_version", elem: "API_VERSION", before: true, always: true},
			{param: "ssl_verify", elem: "SSL_VERIFY", kind: kindBool, always: true},
		},
	},
	{
		name:   "docker",
		fields: []field{infraStr("docker_deamon_conf_file"), infraStr("docker_command")},
	},
	{
		name:   "kubernetes",
		fields: []field{infraStr("unix_bin_path"), infraStr("unix_conf_path")},
	},
	{
		// §3.11: the table says unix_base_path, the sample request sends unix_bin_path; both
		// are taken.
		name:   "nginx",
		fields: []field{infraStr("unix_base_path"), infraStr("unix_bin_path"), infraStr("unix_conf_path"), infraStr("unix_prefix_path")},
	},
	{
		// §3.11 and §2.1: the common parameters only.
		name: "ms_exchange",
	},
	{
		// §3.11 and §2.6: each IP in at most one SharePoint record; MS SQL credentials.
		name: "microsoft_sharepoint", ipGroup: "microsoft_sharepoint", vaultTypes: allVaultTypes,
		required: []string{"username"}, requiredBasic: []string{"password"},
		fields: []field{
			infraUsername(128),
			infraSecret("password", 0, 128),
			infraFlag("db_local"),
			{param: "windows_domain", elem: "WINDOWS_DOMAIN", maxLen: 256},
			infraFlag("kerberos"),
		},
	},
	{
		name: "apache",
		fields: []field{infraStr("unix_apache_config_file"), infraStr("unix_apache_control_command"),
			infraStr("windows_apache_config_file"), infraStr("windows_apache_control_command")},
	},
	{
		name: "tomcat",
		fields: []field{infraStr("installation_path"), infraStr("instance_path"), infraFlag("auto_discover_instances"),
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
