package spec

import "strings"

// The infrastructure record kinds: network devices, virtualisation, web servers, middleware and
// container platforms. Each follows shared/qualys-api/RECORD_KINDS.md §3 (the section is named in
// the kind's Doc). A parameter from a secondary source [S] or an inference [I] is Unverified;
// list-output element names are the upper-cased parameter names, an inference for every kind
// but ms_exchange (RECORD_KINDS.md §2.1, §2.2), which is why live reads them leniently.

// The record kinds of infraRecordKinds, each the Qualys /api/2.0/fo/auth/<kind>/ slug.
const (
	KindSNMP                Kind = "snmp"
	KindVMware              Kind = "vmware"
	KindVCenter             Kind = "vcenter"
	KindNSX                 Kind = "nsx"
	KindHTTP                Kind = "http"
	KindNetworkSSH          Kind = "network_ssh"
	KindPaloAltoFirewall    Kind = "palo_alto_firewall"
	KindCiscoAPIC           Kind = "cisco_apic"
	KindInfoblox            Kind = "infoblox"
	KindDocker              Kind = "docker"
	KindKubernetes          Kind = "kubernetes"
	KindNginx               Kind = "nginx"
	KindMSExchange          Kind = "ms_exchange"
	KindMicrosoftSharePoint Kind = "microsoft_sharepoint"
	KindApache              Kind = "apache"
	KindTomcat              Kind = "tomcat"
	KindOracleListener      Kind = "oracle_listener"
	KindOracleWebLogic      Kind = "oracle_weblogic"
	KindMSIIS               Kind = "ms_iis"
	KindIBMWebSphere        Kind = "ibm_websphere"
	KindJBoss               Kind = "jboss"
	KindMarkLogic           Kind = "marklogic"
	KindBIND                Kind = "bind"
	KindOracleHTTPServer    Kind = "oracle_http_server"
)

// OpaqueUndocumented is the Opaque reason of the kinds known by their endpoint slug only.
const OpaqueUndocumented = "parameters not publicly documented"

// vaultTypesUnlisted is the login vault list of the kinds whose Qualys page says they log in
// through vaults without naming the types (the Vault Support Matrix was not found,
// RECORD_KINDS.md §5): every vault type, so that no live login is refused on a guess.
var vaultTypesUnlisted = allVaults

func infraStr(name, doc string, unverified bool) FieldDef {
	return FieldDef{Name: name, Element: strings.ToUpper(name), Type: TypeString, Unverified: unverified, Doc: doc}
}

func infraBool(name, def, doc string, unverified bool) FieldDef {
	return FieldDef{Name: name, Element: strings.ToUpper(name), Type: TypeBool, Default: def, Unverified: unverified, Doc: doc}
}

// infraPort is a port field; a default given here is documented [P] (vmware, vcenter: 443, R6/R7).
func infraPort(def, doc string, required, unverified bool) FieldDef {
	return FieldDef{Name: "port", Element: "PORT", Type: TypeInt, Max: 65535, Default: def, DefaultDocumented: def != "",
		Required: required, Unverified: unverified, Doc: doc}
}

func infraUsername(maxLen int, doc string, required, unverified bool) FieldDef {
	return FieldDef{Name: "username", Element: "USERNAME", Type: TypeString, Required: required, MaxLen: maxLen,
		Unverified: unverified, Doc: doc}
}

// infraPassword is a basic-login password; maxLen 0 means no documented limit.
func infraPassword(maxLen int, doc string, required, unverified bool) FieldDef {
	return FieldDef{Name: "password", Type: TypeSecret, MaxLen: maxLen, Basic: true, Required: required,
		Unverified: unverified, Doc: doc}
}

func infraHosts(doc string, unverified bool) FieldDef {
	return FieldDef{Name: "hosts", Element: "HOSTS", Item: "HOST", Type: TypeList, Format: "hostname",
		Unverified: unverified, Doc: doc}
}

// opaqueKind is a kind known by its endpoint slug only: live lists it and reads every record as
// opaque, the loader refuses to declare one.
func opaqueKind(k Kind, name string) KindDef {
	return KindDef{Kind: k, Opaque: OpaqueUndocumented,
		Doc: name + " authentication record (/api/2.0/fo/auth/" + string(k) + "/): known by its slug only " +
			"(RECORD_KINDS.md §3.9, §3.11), so qsync lists these records as opaque and never changes them; " +
			"they cannot be declared."}
}

// infraRecordKinds are the record kinds of network devices, virtualisation, web servers,
// middleware and container platforms (/api/2.0/fo/auth/<slug>/), written from
// shared/qualys-api/RECORD_KINDS.md.
var infraRecordKinds = []KindDef{
	{Kind: KindSNMP, Doc: "SNMP authentication record, v1, v2c and v3 (/api/2.0/fo/auth/snmp/; RECORD_KINDS.md §3.4).",
		Fields: []FieldDef{
			{Name: "version", Element: "VERSION", Type: TypeEnum, Enum: []string{"v1", "v2c", "v3"}, Default: "v1", DefaultDocumented: true,
				Doc: "SNMP version (v1 when never set)."},
			{Name: "community_strings", Type: TypeSecret,
				Doc: "Comma-separated community strings (v1 and v2c), tried before the built-in defaults."},
			infraUsername(128, "SNMPv3 user (at most 128 characters); goes together with password and auth_alg.", false, false),
			infraPassword(0, "SNMPv3 authentication password; goes together with username and auth_alg.", false, false),
			{Name: "auth_alg", Element: "AUTH_ALG", Type: TypeEnum, Unverified: true,
				Enum: []string{"MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512"},
				Doc:  "SNMPv3 authentication algorithm; goes together with username and password."},
			{Name: "encrypt_password", Type: TypeSecret, Unverified: true,
				Doc: "SNMPv3 privacy (encryption) password; goes together with priv_alg."},
			{Name: "priv_alg", Element: "PRIV_ALG", Type: TypeEnum, Enum: []string{"DES", "AES"}, Unverified: true,
				Doc: "SNMPv3 privacy algorithm; goes together with encrypt_password."},
			{Name: "security_engine_id", Element: "SECURITY_ENGINE_ID", Type: TypeString, MaxLen: 128, Unverified: true,
				Doc: "SNMPv3 security engine ID (at most 128 characters), needed when the target defines one."},
			infraStr("context_engine_id", "SNMPv3 context engine ID for scoped PDUs.", true),
			infraStr("context", "SNMPv3 context name for scoped PDUs.", true),
			networkID,
		},
		Together: [][]string{{"username", "password", "auth_alg"}, {"encrypt_password", "priv_alg"}}},

	{Kind: KindVMware, Doc: "VMware ESXi authentication record over the vSphere API (/api/2.0/fo/auth/vmware/; RECORD_KINDS.md §3.5). " +
		"Qualys also documents login_type=vcenter (the ESXi hosts are reached through a vcenter record), " +
		"which qsync cannot declare: a live record using it is listed as opaque.",
		OpaqueLoginTypes: map[string]string{"vcenter": "the vcenter login type is documented without its parameters " +
			"(whether username and password are sent or listed, is_disconnect from a secondary source only)"},
		Fields: []FieldDef{
			infraUsername(13, "ESXi account (at most 13 ASCII characters, as documented), or the vault account with a vault login.", true, false),
			infraPassword(MaxPassword, "Password of the account (at most 100 characters).", true, false),
			infraPort("443", "Port of the vSphere API (443 when never set).", false, false),
			infraHosts("FQDNs of hosts whose custom SSL certificate is signed by a trusted root CA.", true),
			{Name: "ssl_verify", Element: "SSL_VERIFY", Type: TypeEnum, Enum: []string{"all", "skip", "none"}, Unverified: true,
				Doc: "SSL certificate verification: all, skip or none."},
			networkID,
		},
		LoginVaultTypes: vaultTypesUnlisted},

	{Kind: KindVCenter, Doc: "VMware vCenter authentication record (/api/2.0/fo/auth/vcenter/; RECORD_KINDS.md §3.5). " +
		"The vCenter to ESXi mappings must exist (created in the Qualys UI) before a record is created.",
		Fields: []FieldDef{
			infraUsername(13, "vCenter account (at most 13 ASCII characters, as documented), or the vault account with a vault login.", true, false),
			infraPassword(MaxPassword, "Password of the account (at most 100 characters).", true, false),
			infraPort("443", "Port of the vCenter API (443 when never set).", false, false),
			infraHosts("FQDNs of hosts whose custom SSL certificate is signed by a trusted root CA.", false),
			networkID,
		},
		LoginVaultTypes: vaultTypesUnlisted},

	{Kind: KindNSX, Doc: "VMware NSX authentication record (/api/2.0/fo/auth/nsx/; RECORD_KINDS.md §3.5, REFERENCE.md S21). " +
		"Vault logins support HashiCorp only.",
		Fields: []FieldDef{
			infraUsername(0, "NSX account, or the vault account with a vault login.", true, false),
			infraPassword(0, "Password of the account (optional, as documented).", false, false),
			infraPort("", "Port of the NSX API.", false, true),
			infraHosts("FQDNs of hosts whose custom SSL certificate is signed by a trusted root CA.", true),
			infraBool("ssl_verify_with_host", "", "Verify the SSL certificate against the hosts list.", true),
			infraBool("use_ad_hashicorp", "", "Use the Active Directory secrets engine of the HashiCorp vault.", true),
			networkID,
		},
		LoginVaultTypes: []string{"hashicorp"}},

	{Kind: KindHTTP, Doc: "HTTP protocol authentication record, not form authentication; VM only " +
		"(/api/2.0/fo/auth/http/; RECORD_KINDS.md §3.8). The primary parameter table has no ips and no vault " +
		"parameters; qsync keeps ips (a secondary source lists them), optional, and basic login.",
		Fields: []FieldDef{
			infraUsername(0, "Account the web server asks for.", true, false),
			infraPassword(MaxPassword, "Password of the account (at most 100 characters).", true, false),
			{Name: "vhost", Element: "VHOST", Type: TypeString, Format: "hostname",
				Doc: "Virtual host (FQDN) the credentials are for; exactly one of vhost and realm."},
			infraStr("realm", "Realm name the credentials are for; exactly one of vhost and realm.", false),
			infraBool("ssl", "", "Authenticate over HTTPS only.", false),
		},
		OneOf: [][]string{{"vhost", "realm"}}, IPsOptional: true},

	{Kind: KindNetworkSSH, Doc: "Network SSH authentication record (SSH2) for network devices, replacing the Cisco and " +
		"Check Point records (/api/2.0/fo/auth/network_ssh/; RECORD_KINDS.md §3.11). A secondary source says an IP " +
		"of a network_ssh record cannot also be in a unix record; qsync warns about such an overlap.",
		Fields: []FieldDef{
			infraUsername(255, "Account used to log in (at most 255 characters), or the vault account with a vault login.", true, false),
			infraPassword(0, "Password of the account.", false, false),
			{Name: "password2", Type: TypeSecret, MinLen: 1, MaxLen: 31, Unverified: true,
				Doc: "Second password (1-31 characters): the enable password (Cisco) or the expert password (Check Point)."},
			infraPort("", "SSH port.", false, false),
			{Name: "target_type", Element: "TARGET_TYPE", Type: TypeEnum,
				Enum: []string{"auto", "A10", "HP_COMWARE", "CISCO_ASA_WITH_FIREPOWE"}, Doc: "Device family."},
			infraBool("cleartext_password", "", "Allow sending the password in clear text.", true),
			networkID,
		},
		LoginVaultTypes:     vaultTypesUnlisted,
		WarnExclusiveGroups: []string{"unix"}},

	{Kind: KindPaloAltoFirewall, Doc: "Palo Alto Networks firewall authentication record over the XML API on port 443 " +
		"(/api/2.0/fo/auth/palo_alto_firewall/; RECORD_KINDS.md §3.11). With a BeyondTrust vault Qualys needs " +
		"system_name in the login (no auto-discovery).",
		Fields: []FieldDef{
			infraUsername(255, "Superuser (read-only) account, or one with the XML API configuration and operational request privileges (at most 255 characters).", true, false),
			infraPassword(MaxPassword, "Password of the account (at most 100 characters).", true, false),
			networkID,
		},
		LoginVaultTypes: vaultTypesUnlisted},

	{Kind: KindCiscoAPIC, Doc: "Cisco APIC 4.x authentication record; PC (/api/2.0/fo/auth/cisco_apic/; RECORD_KINDS.md §3.11).",
		Fields: []FieldDef{
			infraUsername(0, "APIC account, or the vault account with a vault login.", true, false),
			infraPassword(0, "Password of the account.", true, false),
			infraPort("", "Port of the APIC API.", true, false),
			infraBool("ssl_verify", "false", "Full SSL certificate validation (skipped when never set).", false),
			infraBool("require_cert", "", "Authenticate with a client certificate; needs certificate and private_key.", true),
			{Name: "certificate", Element: "CERTIFICATE", Type: TypeText, Unverified: true,
				Doc: "PEM-encoded client certificate; goes together with private_key."},
			{Name: "private_key", Type: TypeSecret, Unverified: true,
				Doc: "PEM-encoded private key of the client certificate; goes together with certificate."},
			infraBool("use_ad_hashicorp", "", "Use the Active Directory secrets engine of the HashiCorp vault.", false),
			networkID,
		},
		Together:        [][]string{{"certificate", "private_key"}},
		RequiredWhen:    []Condition{{Field: "require_cert", Value: "true", Require: []string{"certificate", "private_key"}}},
		LoginVaultTypes: []string{"azure_key", "cyberark_aim", "cyberark_pim", "hashicorp", "quest", "thycotic"}},

	{Kind: KindInfoblox, Doc: "Infoblox authentication record; PC and SCA (/api/2.0/fo/auth/infoblox/; RECORD_KINDS.md §3.11).",
		Fields: []FieldDef{
			infraUsername(0, "Infoblox account, or the vault account with a vault login.", true, false),
			infraPassword(0, "Password of the account.", true, false),
			{Name: "api_version", Element: "API_VERSION", Type: TypeString, Required: true, Doc: "Infoblox WAPI version to use."},
			{Name: "ssl_verify", Element: "SSL_VERIFY", Type: TypeBool, Required: true, Default: "false", DefaultDocumented: true,
				Doc: "Full SSL certificate validation (required by Qualys; false when omitted)."},
			networkID,
		},
		LoginVaultTypes: vaultTypesUnlisted},

	{Kind: KindDocker, Doc: "Docker authentication record, without credentials; PC, daemon 1.9-1.12 on Linux. The hosts " +
		"also need a unix record (/api/2.0/fo/auth/docker/; RECORD_KINDS.md §3.11).",
		Fields: []FieldDef{
			infraStr("docker_deamon_conf_file", "Path of the Docker daemon configuration file (the parameter is spelled deamon).", false),
			infraStr("docker_command", "Path of the docker command.", false),
			networkID,
		}},

	{Kind: KindKubernetes, Doc: "Kubernetes authentication record, without credentials; PC, 1.x on Unix. The hosts also need " +
		"a unix record (/api/2.0/fo/auth/kubernetes/; RECORD_KINDS.md §3.11).",
		Fields: []FieldDef{
			infraStr("unix_bin_path", "Path of kubectl.", false),
			infraStr("unix_conf_path", "Path of the Kubernetes configuration.", false),
			networkID,
		}},

	{Kind: KindNginx, Doc: "NGINX authentication record, without credentials; PC and SCA " +
		"(/api/2.0/fo/auth/nginx/; RECORD_KINDS.md §3.11). The parameter table names unix_base_path, its sample " +
		"request sends unix_bin_path.",
		Fields: []FieldDef{
			infraStr("unix_base_path", "Base path of the NGINX installation (parameter table).", false),
			infraStr("unix_bin_path", "Path of the nginx binary (sample request; the table has unix_base_path instead).", false),
			infraStr("unix_conf_path", "Path of the NGINX configuration file.", false),
			infraStr("unix_prefix_path", "NGINX prefix path.", false),
			networkID,
		},
		Exclusive: [][]string{{"unix_base_path", "unix_bin_path"}}},

	{Kind: KindMSExchange, Doc: "Microsoft Exchange Server authentication record, without credentials: the scan logs in " +
		"through the windows record of the same hosts (/api/2.0/fo/auth/ms_exchange/; RECORD_KINDS.md §3.11).",
		Fields: []FieldDef{networkID}},

	{Kind: KindMicrosoftSharePoint, Doc: "Microsoft SharePoint 2010-2019 authentication record with the MS SQL credentials of " +
		"its database; the hosts also need a windows record, on the same network " +
		"(/api/2.0/fo/auth/microsoft_sharepoint/; RECORD_KINDS.md §3.11, §2.6).",
		Fields: []FieldDef{
			infraUsername(128, "MS SQL account (at most 128 characters, as for ms_sql), or the vault account with a vault login.", true, true),
			infraPassword(128, "Password of the MS SQL account (at most 128 characters, as for ms_sql).", true, true),
			infraBool("db_local", "", "true: a SQL Server account; false: a Windows account, which needs windows_domain.", false),
			{Name: "windows_domain", Element: "WINDOWS_DOMAIN", Type: TypeString, MinLen: 1, MaxLen: 256,
				Doc: "Windows domain of the account (1-256 ASCII characters); only with db_local: false."},
			infraBool("kerberos", "", "Allow Kerberos.", false),
			networkID,
		},
		RequiredWhen:    []Condition{{Field: "db_local", Value: "false", Require: []string{"windows_domain"}}},
		ExclusiveGroup:  "microsoft_sharepoint",
		LoginVaultTypes: vaultTypesUnlisted},

	{Kind: KindApache, Doc: "Apache HTTP Server authentication record, without credentials; PC " +
		"(/api/2.0/fo/auth/apache/; RECORD_KINDS.md §3.11, from a secondary source only).",
		Fields: []FieldDef{
			infraStr("unix_apache_config_file", "Path of the Apache configuration file on Unix.", true),
			infraStr("unix_apache_control_command", "Path of the Apache control command (apachectl) on Unix.", true),
			infraStr("windows_apache_config_file", "Path of the Apache configuration file on Windows.", true),
			infraStr("windows_apache_control_command", "Path of the Apache control command on Windows.", true),
			networkID,
		}},

	{Kind: KindTomcat, Doc: "Apache Tomcat authentication record, without credentials; VM and PC " +
		"(/api/2.0/fo/auth/tomcat/; RECORD_KINDS.md §3.11, from a secondary source only).",
		Fields: []FieldDef{
			infraStr("installation_path", "Tomcat installation directory on Unix.", true),
			infraStr("instance_path", "Tomcat instance directory on Unix.", true),
			infraBool("auto_discover_instances", "", "Discover the Tomcat instances automatically.", true),
			infraStr("installation_path_windows", "Tomcat installation directory on Windows.", true),
			infraStr("instance_path_windows", "Tomcat instance directory on Windows.", true),
			infraStr("service_name", "Windows service name of the Tomcat instance.", true),
			networkID,
		}},

	opaqueKind(KindOracleListener, "Oracle Listener"),
	opaqueKind(KindOracleWebLogic, "Oracle WebLogic Server"),
	opaqueKind(KindMSIIS, "Microsoft IIS"),
	opaqueKind(KindIBMWebSphere, "IBM WebSphere"),
	opaqueKind(KindJBoss, "JBoss"),
	opaqueKind(KindMarkLogic, "MarkLogic"),
	opaqueKind(KindBIND, "DNS BIND"),
	opaqueKind(KindOracleHTTPServer, "Oracle HTTP Server"),
}
