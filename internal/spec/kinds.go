package spec

import (
	"slices"
	"sort"
	"strings"
)

// FieldType says how a field's value is written in YAML, sent to Qualys and compared.
type FieldType string

// Field types.
const (
	TypeString FieldType = "string" // one line of text
	TypeText   FieldType = "text"   // multi-line text (PEM certificates), shown as a line diff
	TypeInt    FieldType = "int"    // a non-negative integer
	TypeBool   FieldType = "bool"   // YAML true/false; sent as 1/0; Qualys lists true/false
	TypeEnum   FieldType = "enum"   // one of FieldDef.Enum
	TypeList   FieldType = "list"   // a list of strings compared as a set; sent comma-separated
	TypeSecret FieldType = "secret" // write-only; a SecretRef in YAML, never read back
	// TypeItems is a list of structured entries (a unix record's private keys, its root tools),
	// each described by SubFields and compared as a set (see items.go). Sent in an XML body.
	TypeItems FieldType = "items"
)

// FieldDef describes one setting of a kind. Name is both the YAML key and the Qualys parameter name.
type FieldDef struct {
	Name string
	// Element is the list (or vault view) output element holding the value; empty for secrets.
	// For TypeList fields it is the container (HOSTS) and Item the repeated child (HOST).
	Element string
	Item    string
	Type    FieldType
	// Required on create. For a Basic field it means "required on create when the login is basic";
	// a field with a Default may be omitted (the default is sent).
	Required bool
	// RequiredUnless names fields that, when set (a boolean true, a TypeItems field with entries),
	// lift Required: unix skip_password, and unix private_keys (Qualys's Doc Center creates unix
	// records with private keys and no password, EVIDENCE.md fact 2), lift password.
	RequiredUnless []string
	// Inclusive length (characters) or value limits; zero means unlimited.
	MinLen, MaxLen int
	Max            int
	Enum           []string
	// Format is a JSON Schema format asserted at load ("uri"; for lists, of each item: "hostname").
	Format string
	// Default is the canonical value Qualys reports when the field was never set (a live element
	// present and empty reads as it; export leaves it out).
	Default string
	// DefaultDocumented marks a Default the Qualys documentation states ([P] in REFERENCE.md or
	// RECORD_KINDS.md): a configuration that omits the field means that default, so it is compared
	// (and an update restores it). Without it, an omitted field is unmanaged: neither sent nor
	// compared, so qsync never flips a setting the configuration does not mention.
	DefaultDocumented bool
	// Basic marks a field that only applies with basic login (e.g. password).
	Basic bool
	// Immutable fields cannot change once the object exists (a change needs a replacement).
	Immutable bool
	// Unverified marks a parameter name whose best public source is secondary or none
	// (EVIDENCE.md: [S] or [I]); a name backed by Qualys's own material or by code run against
	// live answers ([P] or [R]) is not marked. Validate and plan name those a configuration uses.
	Unverified bool
	// ElementSource is the evidence behind Element's name when it is Qualys's own material or code
	// run against live answers (EVIDENCE.md's level and key: "P DC list", "P S1", "R SB", "P DTD");
	// empty means the element name is qsync's inference, unverified.
	ElementSource string
	// Unsendable is non-empty for a field qsync reads but will not send, and says why (no source
	// documents how): a configuration setting it is refused at validate, so a change apply
	// cannot make is never planned; export leaves it out (omitted means unmanaged).
	Unsendable string
	// ResendOnUpdate marks a field Qualys wants on every update of the object, changed or not
	// (CA PAM's ssl_verify): an update sends its desired value (or Default) with the changes.
	ResendOnUpdate bool
	Doc            string
	// Min is the least value of an int field (a port is at least 1); zero means 0.
	Min int
	// Pattern is a regular expression (JSON Schema syntax) a string value must match.
	Pattern string
	// Schemes lists the URL schemes a Format "uri" value may use.
	Schemes []string
	// SubFields describe the entries of a TypeItems field (see items.go).
	SubFields []FieldDef
	// Vault marks a TypeSecret sub-field that may instead be fetched through a vault
	// ({vault: title, ...login parameters}); Presence marks one whose basic presence Qualys does
	// not list (a passphrase, a root tool's password), so it is not compared.
	Vault, Presence bool
	// Listed gives, for each Enum value in order, the name Qualys lists it by when that differs
	// (ROOT_TOOL lists pbrun as "PowerBroker"); see EnumFromListed.
	Listed []string
	// Ordered marks a TypeItems field whose entries Qualys uses in turn (root tools): its entries
	// keep the configuration's (or the live) order and are compared as a sequence, so a reorder is
	// a change. The entries of other TypeItems fields are a set, sorted by ItemText.
	Ordered bool
	// WholeSection marks a TypeItems field Qualys replaces whole when it is sent (unix
	// private_keys and root_tools: "Any existing private-key certificates and/or root tools will
	// be deleted"): plan sends it only when every part of every entry that must survive is in the
	// configuration, and otherwise stops with a positioned error naming the part.
	WholeSection bool
	// ShownBy names, for a write-only secret sub-field whose presence Qualys does not list (a
	// key's certificate), the sub-field whose listed value shows it exists (certificate_type): an
	// entry with that value holds the secret, so export writes a reference for it and a
	// WholeSection write must carry it.
	ShownBy string
	// OmittedMeans says what an omitted value means to Qualys (Oracle's port: "All Ports"): the
	// field is then managed even when omitted, and compared as unset.
	OmittedMeans string
	// NoClear marks a field Qualys documents no way to clear once set (Oracle's port): a change
	// from a value to unset cannot be sent as an update and needs a replacement, with consent.
	NoClear bool
}

// Chooses reports whether value v of f (canonical) selects f among the members of an exclusive
// group (KindDef.Exclusive): any value but none, and for a flag only true (false selects nothing).
func (f *FieldDef) Chooses(v string) bool {
	return v != "" && !(f.Type == TypeBool && v == "false")
}

// Cleared is the value that deselects f in an exclusive group: false for a flag, else none.
func (f *FieldDef) Cleared() string {
	if f.Type == TypeBool {
		return "false"
	}
	return ""
}

// LiftedBy reports whether a field of o named by RequiredUnless is set (a boolean true, or a
// TypeItems field with at least one entry), so that o does not need f.
func (f *FieldDef) LiftedBy(o *Object) bool {
	for _, n := range f.RequiredUnless {
		if o.Attrs[n] == "true" || len(o.Items[n]) > 0 {
			return true
		}
	}
	return false
}

// OmittedDefault is the value an omitted field stands for: its Default when the documentation
// states it (DefaultDocumented), else "" (unmanaged).
func (f *FieldDef) OmittedDefault() string {
	if f.DefaultDocumented {
		return f.Default
	}
	return ""
}

// KindDef is the descriptor table of one kind (or unix sub_type, or vault type): everything the
// loader, schema, live reader, planner and export need to know about it. Adding a kind is adding one
// KindDef to the tables below.
type KindDef struct {
	Kind Kind
	// Type is the record variant (a unix sub_type, an ms_sql provider_name) or the vault type slug
	// used in YAML; "" for plain record kinds.
	Type string
	// QualysType is the value Qualys uses: the variant parameter's value, or the vault type display
	// string ("CA PAM") sent as type= and vault_type= and listed as VAULT_TYPE / DIGITAL_VAULT_TYPE.
	QualysType string
	// VariantParam and VariantElement select a record variant (Type != ""): the YAML key and Qualys
	// parameter that carries QualysType, and the list element Qualys reports it in. Empty means
	// sub_type and SUB_TYPE (unix). Every variant of a kind uses the same pair (see VariantKeys).
	VariantParam, VariantElement string
	Doc                          string
	Fields                       []FieldDef
	// LoginVaultTypes lists the vault type slugs a record of this kind may log in through.
	LoginVaultTypes []string
	// ExclusiveGroup names the group within which an IP may belong to only one record ("" = none).
	ExclusiveGroup string
	// WarnExclusiveGroups names groups whose records should not share an IP with a record of this
	// kind, by a secondary source only: an overlap is a warning, not an error (network_ssh and unix).
	WarnExclusiveGroups []string
	// Unwritable is non-empty for a vault type whose create and update parameters Qualys does
	// not document publicly, and says so: records may log in through such a vault and it may be
	// adopted (only its comments are written), but plan refuses to create or replace one, or to
	// change its settings, before anything is sent.
	Unwritable string
	// Opaque is non-empty for a kind known by its endpoint slug only, and is the reason: live lists
	// its records and reads each as opaque (spec.Object.Opaque) with this reason, so they are never
	// changed but their IPs still count in ExclusiveGroup; the loader refuses to declare one. Such
	// a kind has no Fields.
	Opaque string
	// OneOf lists groups of field names of which exactly one must be set; Exclusive lists groups of
	// which at most one may be chosen (FieldDef.Chooses: a flag set to false chooses nothing).
	// When a configuration chooses one member of an Exclusive group and the live object holds
	// another the configuration leaves out, an update clears that other member (FieldDef.Cleared),
	// so Qualys never keeps both (ms_sql's port and auto_discover_ports).
	OneOf     [][]string
	Exclusive [][]string
	// AnyOf lists groups of field names of which at least one must be set (Oracle's sid and
	// servicename: Qualys's own Postman collection creates with both, EVIDENCE.md fact 3).
	AnyOf [][]string
	// Together lists groups of fields set all together or not at all (a certificate and its key).
	Together [][]string
	// RequiredWhen lists fields that become required when another field has a given value.
	RequiredWhen []Condition
	// IPsOptional: a record of this kind may have no ips (the primary parameter table of http has
	// none), so a live record without IPs is exported and declared with ips: [] or none.
	IPsOptional bool
	// OpaqueLoginTypes maps login_type values Qualys documents for this kind besides basic and
	// vault, but too thinly to model (vmware's vcenter, mongodb's pkcert), to the reason: live
	// reads a record using one as opaque with that reason, so it is never changed; the loader
	// has no way to declare one.
	OpaqueLoginTypes map[string]string
	// Unique lists the kind's cross-record rules: which records of the kind may not share an IP
	// (see UniqueRule, checked in check_rules.go).
	Unique []UniqueRule

	// Vault types only: the record-side parameters of a login through this vault type, their
	// OneOf rules, and the ${...} variables their values may use.
	LoginParams    []FieldDef
	LoginOneOf     [][]string
	LoginVariables []string
	// LoginVariableKinds restricts some LoginVariables to records of the listed kinds (CA PAM's
	// ${nbhost} is valid on windows records only); variables not listed are valid on every kind.
	LoginVariableKinds map[string][]Kind
}

// Condition makes the fields in Require required when field Field has the canonical value Value.
type Condition struct {
	Field   string
	Value   string
	Require []string
}

// Field returns the field definition named name, or nil.
func (d *KindDef) Field(name string) *FieldDef {
	for i := range d.Fields {
		if d.Fields[i].Name == name {
			return &d.Fields[i]
		}
	}
	return nil
}

// VariantKeys returns the YAML key (and Qualys parameter) and the list element that carry the
// variant of a record of d's kind: sub_type and SUB_TYPE unless the kind's variants say otherwise.
func (d *KindDef) VariantKeys() (param, element string) { return VariantKeys(d.Kind) }

// VariantKeys returns the variant parameter and list element of record kind k (see
// KindDef.VariantParam); sub_type and SUB_TYPE for a kind without variants.
func VariantKeys(k Kind) (param, element string) {
	for i := range recordKinds {
		if d := &recordKinds[i]; d.Kind == k && d.Type != "" && d.VariantParam != "" {
			return d.VariantParam, d.VariantElement
		}
	}
	return "sub_type", "SUB_TYPE"
}

// VariantByQualys returns the descriptor of record kind k whose variant Qualys names v (the value
// of the kind's variant element, compared without regard to case): the plain descriptor for "",
// nil for a value the table does not know.
func VariantByQualys(k Kind, v string) *KindDef {
	if v == "" {
		return Lookup(k, "")
	}
	for i := range recordKinds {
		if d := &recordKinds[i]; d.Kind == k && d.Type != "" && strings.EqualFold(d.QualysType, v) {
			return d
		}
	}
	return nil
}

// VariantParams returns, sorted and without duplicates, the variant parameter of every record
// kind that has variants (sub_type, provider_name).
func VariantParams() []string {
	seen := map[string]bool{}
	var out []string
	for i := range recordKinds {
		if d := &recordKinds[i]; d.Type != "" {
			if p, _ := d.VariantKeys(); !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// LoginParam returns the record-side login parameter named name, or nil.
func (d *KindDef) LoginParam(name string) *FieldDef {
	for i := range d.LoginParams {
		if d.LoginParams[i].Name == name {
			return &d.LoginParams[i]
		}
	}
	return nil
}

// Common record limits from the Qualys documentation.
const (
	MaxTitle    = 255
	MaxComments = 1999
	MaxPassword = 100
)

// CAPAMVariables are the ${...} variables CA PAM device names and hosts may use; ${nbhost} is
// valid on windows records only.
var CAPAMVariables = []string{"ip", "ip_dash", "dnshost", "host", "nbhost"}

// The record kinds of the tables below. Record kinds equal the Qualys /api/2.0/fo/auth/<kind>/ slug.
const (
	KindMySQL   Kind = "mysql"
	KindUnix    Kind = "unix"
	KindWindows Kind = "windows"
)

// networkID is every record's network_id. Qualys lists NETWORK_ID 0 by default, but the parameter
// is valid only with the Networks feature, so an omitted network_id is unmanaged (never sent).
var networkID = FieldDef{Name: "network_id", Element: "NETWORK_ID", Type: TypeInt, Default: "0",
	Doc: "Network ID, valid when the Networks feature is enabled; sent only when set."}

func password(doc string) FieldDef {
	return FieldDef{Name: "password", Type: TypeSecret, MaxLen: MaxPassword, Basic: true, Required: true, Doc: doc}
}

var mysqlFields = []FieldDef{
	{Name: "username", Element: "USERNAME", ElementSource: "P S1", Type: TypeString, Required: true, MaxLen: 255,
		Doc: "MySQL account (or the vault account with a vault login)."},
	password("Password of the MySQL account (at most 100 ASCII characters)."),
	{Name: "database", Element: "DATABASE", ElementSource: "P S1", Type: TypeString, Required: true, Doc: "Database name to authenticate to."},
	{Name: "port", Element: "PORT", ElementSource: "P S1", Type: TypeInt, Required: true, Min: 1, Max: 65535, Doc: "Port the database listens on."},
	{Name: "ssl_verify", Element: "SSL_VERIFY", ElementSource: "P S1", Type: TypeBool, Default: "false", DefaultDocumented: true,
		Doc: "Full SSL certificate validation of the MySQL server."},
	{Name: "hosts", Element: "HOSTS", ElementSource: "P S1", Item: "HOST", Type: TypeList, Format: "hostname",
		Doc: "FQDNs of hosts whose custom SSL certificate is signed by a trusted root CA."},
	{Name: "windows_config_file", Element: "WINDOWS_CONF_FILE", ElementSource: "P S1", Type: TypeString, Doc: "Path of the Windows MySQL config file."},
	{Name: "unix_config_file", Element: "UNIX_CONF_FILE", ElementSource: "P S1", Type: TypeString, Doc: "Path of the Unix MySQL config file."},
	{Name: "client_cert", Element: "CLIENT_CERT", Type: TypeText, Doc: "PEM-encoded X.509 client certificate."},
	{Name: "client_key", Type: TypeSecret, Doc: "PEM-encoded RSA private key of the client certificate."},
	networkID,
}

func unixFields(extra ...FieldDef) []FieldDef {
	f := []FieldDef{
		{Name: "username", Element: "USERNAME", Type: TypeString, Required: true, MaxLen: 255, ElementSource: "P DC list",
			Doc: "Account used to log in (or the vault account with a vault login)."},
		password("Password of the account (at most 100 ASCII characters)."),
		{Name: "port", Element: "PORT", Type: TypeInt, Min: 1, Max: 65535, ElementSource: "P DC list", Doc: "Custom port for compliance scans."},
		{Name: "ports", Element: "PORT", Type: TypeList, Unverified: true, Unsendable: unixPortsUnsendable, ElementSource: "P DC list",
			Doc: "Several custom ports, as Qualys lists them (PORT \"22, 23\"); read only. Qualys lists a single port as port."},
		{Name: "cleartext_password", Element: "CLEARTEXT_PASSWORD", Type: TypeBool, Default: "false", Basic: true, Unverified: true,
			ElementSource: "R SB", Doc: "Allow sending the password in clear text."},
		{Name: "use_agentless_tracking", Element: "USE_AGENTLESS_TRACKING", Type: TypeBool, Default: "false", Unverified: true,
			ElementSource: "P DC list", Doc: "Enable agentless tracking."},
		{Name: "agentless_tracking_path", Element: "AGENTLESS_TRACKING_PATH", Type: TypeString, Unverified: true,
			ElementSource: "P DC list", Doc: "Path used by agentless tracking."},
	}
	f = append(f, extra...)
	return append(f, networkID)
}

// unixPortsUnsendable is why qsync does not send several unix ports: the Doc Center list shows
// PORT "22, 23", but the documented input is port, one integer, and no source shows how to send
// several (EVIDENCE.md fact 4).
const unixPortsUnsendable = "no Qualys source documents how to send several ports (the documented parameter is port, one port; the Doc Center list shows PORT \"22, 23\"): set port, or leave ports out to keep the live ports unmanaged"

// plainUnixFields are unix's fields plus skip_password, which stands in for the password.
func plainUnixFields() []FieldDef {
	f := unixFields(FieldDef{Name: "skip_password", Element: "SKIP_PASSWORD", Type: TypeBool, Default: "false", Basic: true, ElementSource: "P DC list",
		Doc: "Log in without a password (key-based or no password); excludes password and a vault login.", Unverified: true},
		unixPrivateKeys, unixRootTools)
	for i := range f {
		if f[i].Name == "password" {
			f[i].RequiredUnless = []string{"skip_password", "private_keys"}
		}
	}
	return f
}

var windowsFields = []FieldDef{
	{Name: "username", Element: "USERNAME", Type: TypeString, Required: true, MinLen: 1, MaxLen: 31, ElementSource: "R SB",
		Doc: "Windows account (1-31 ASCII characters)."},
	password("Password of the account (at most 100 ASCII characters)."),
	{Name: "windows_domain", Element: "WINDOWS_DOMAIN", Type: TypeString, Immutable: true, Unverified: true,
		Doc: "NetBIOS domain name; cannot be combined with windows_ad_domain."},
	{Name: "windows_ad_domain", Element: "WINDOWS_AD_DOMAIN", Type: TypeString, Immutable: true, ElementSource: "R SB",
		Doc: "Active Directory domain (FQDN); cannot be combined with windows_domain."},
	{Name: "ntlm", Element: "NTLM", Type: TypeBool, Default: "false", Unverified: true, ElementSource: "R SB", Doc: "Allow NTLMv1."},
	// ntlmv2 and kerberos have no Default: the value they have when never set is unknown (a
	// secondary source says "default: enabled", S C3; EVIDENCE.md fact 5), so a configured value
	// Qualys does not report is sent, and export writes a live value, false included.
	{Name: "ntlmv2", Element: "NTLMV2", Type: TypeBool,
		Doc: "Allow NTLMv2. Its value when never set is unknown (a secondary source says enabled): set it to manage it."},
	{Name: "kerberos", Element: "KERBEROS", Type: TypeBool, Unverified: true,
		Doc: "Allow Kerberos. Its value when never set is unknown (a secondary source says enabled): set it to manage it."},
	{Name: "require_smb_signing", Element: "REQUIRE_SMB_SIGNING", Type: TypeBool, Default: "false", Doc: "Require SMB signing."},
	{Name: "minimum_smb_version", Element: "MINIMUM_SMB_VERSION", Type: TypeEnum, Unverified: true,
		Enum: []string{"1", "2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"}, Doc: "Lowest SMB version to use."},
	{Name: "use_agentless_tracking", Element: "USE_AGENTLESS_TRACKING", Type: TypeBool, Default: "false",
		Doc: "Enable agentless tracking."},
	networkID,
}

// allVaults lists the vault type slugs of the vaultKinds table, in its order: the vault types
// usable by unix and windows logins (and by kinds whose documentation does not narrow them).
var allVaults = vaultSlugs()

func vaultSlugs() []string {
	out := make([]string, len(vaultKinds))
	for i := range vaultKinds {
		out[i] = vaultKinds[i].Type
	}
	return out
}

// recordKinds is every record kind's table: the seed kinds here, databases in
// kinds_databases.go, network devices, middleware and infrastructure in kinds_infra.go.
var recordKinds = slices.Concat(coreRecordKinds, databaseRecordKinds, infraRecordKinds)

// coreRecordKinds are the kinds of the two original Qualys pages: mysql, unix (with its cisco and
// checkpoint_firewall sub_types) and windows.
var coreRecordKinds = []KindDef{
	{Kind: KindMySQL, Doc: "MySQL authentication record (/api/2.0/fo/auth/mysql/).", Fields: mysqlFields,
		LoginVaultTypes: []string{"beyondtrust", "cyberark_aim", "cyberark_pim", "quest", "thycotic"}},
	{Kind: KindUnix, Doc: "Unix authentication record (/api/2.0/fo/auth/unix/).", ExclusiveGroup: "unix",
		Fields: plainUnixFields(), Exclusive: [][]string{{"password", "skip_password"}, {"port", "ports"}},
		LoginVaultTypes: allVaults},
	{Kind: KindUnix, Type: "cisco", QualysType: "cisco", ExclusiveGroup: "unix",
		Doc: "Cisco authentication record (unix endpoint, sub_type=cisco).",
		Fields: unixFields(
			FieldDef{Name: "enable_password", Type: TypeSecret, MaxLen: MaxPassword, Unverified: true, Doc: "Cisco enable password."},
			FieldDef{Name: "target_type", Element: "TARGET_TYPE", Type: TypeEnum,
				Enum: []string{"auto", "A10", "HP_COMWARE", "CISCO_ASA_WITH_FIREPOWE"}, Unverified: true,
				Doc: "Device family."}),
		LoginVaultTypes: allVaults},
	{Kind: KindUnix, Type: "checkpoint_firewall", QualysType: "checkpoint_firewall", ExclusiveGroup: "unix",
		Doc: "Check Point Firewall authentication record (unix endpoint, sub_type=checkpoint_firewall).",
		Fields: unixFields(FieldDef{Name: "expert_password", Type: TypeSecret, MaxLen: MaxPassword, Unverified: true,
			Doc: "Check Point expert-mode password."}),
		LoginVaultTypes: allVaults},
	{Kind: KindWindows, Doc: "Windows authentication record (/api/2.0/fo/auth/windows/).", ExclusiveGroup: "windows",
		Fields: windowsFields, Exclusive: [][]string{{"windows_domain", "windows_ad_domain"}},
		LoginVaultTypes: allVaults},
}

// sslVerify is a vault's ssl_verify. A vault type that requires it (CA PAM) also wants it on every
// update, and documents its default (1, REFERENCE.md §4.2 [P S2]); for the others the default is
// not documented, so an omitted ssl_verify is unmanaged.
func sslVerify(required bool) FieldDef {
	return FieldDef{Name: "ssl_verify", Element: "SSL_VERIFY", Type: TypeBool, Default: "true", Required: required,
		DefaultDocumented: required, ResendOnUpdate: required, Doc: "Verify the vault's TLS certificate."}
}

// webSchemes are the URL schemes Qualys accepts for a vault's URL.
var webSchemes = []string{"http", "https"}

func urlField(doc string) FieldDef {
	return FieldDef{Name: "url", Element: "URL", Type: TypeString, Required: true, Format: "uri", Schemes: webSchemes, Doc: doc}
}

func str(name, doc string, required bool) FieldDef {
	return FieldDef{Name: name, Element: strings.ToUpper(name), Type: TypeString, Required: required, Doc: doc}
}

func secret(name, doc string, required bool) FieldDef {
	return FieldDef{Name: name, Type: TypeSecret, Required: required, Doc: doc}
}

// secondary marks every field of a vault type whose settings are known from a secondary source
// only (the C3 transcription of the UI, EVIDENCE.md) as Unverified.
func secondary(fields []FieldDef) []FieldDef {
	for i := range fields {
		fields[i].Unverified = true
	}
	return fields
}

// dtd gives a login parameter the evidence of its DIGITAL_VAULT element (ElementSource).
func dtd(f FieldDef, source string) FieldDef {
	f.ElementSource = source
	return f
}

func loginParam(name, element, doc string, required, unverified bool) FieldDef {
	return FieldDef{Name: name, Element: element, Type: TypeString, Required: required, Unverified: unverified, Doc: doc}
}

// undocumentedVault is the Unwritable reason of the vault types REFERENCE.md §4.2 lists as "not
// recovered".
const undocumentedVault = "the create and update parameters of this vault type are not documented publicly"

// cyberArkLogin are CyberArk AIM's record-side parameters: the Qualys pages name file, a secondary
// source folder (RECORD_KINDS.md §4.2; called vault_folder and vault_file before).
var cyberArkLogin = []FieldDef{
	dtd(loginParam("folder", "VAULT_FOLDER", "Folder (safe folder) holding the account (renamed from vault_folder).", false, true), "P DTD, DC"),
	dtd(loginParam("file", "VAULT_FILE", "File (object) name of the account (renamed from vault_file).", false, false), "P DTD, DC"),
}

// cyberArkPIMLogin are CyberArk PIM Suite's: listed as VAULT_FOLDER and VAULT_FILE, input names
// inferred from CyberArk AIM's.
var cyberArkPIMLogin = []FieldDef{
	dtd(loginParam("folder", "VAULT_FOLDER", "Folder (safe folder) holding the account (renamed from vault_folder).", false, true), "P DC list"),
	dtd(loginParam("file", "VAULT_FILE", "File (object) name of the account (renamed from vault_file).", false, true), "P DC list"),
}

var vaultKinds = []KindDef{
	{Kind: KindVault, Type: "arcon_pam", QualysType: "ARCON PAM", Doc: "ARCON PAM vault (settings not documented publicly).",
		Unwritable:  undocumentedVault,
		LoginParams: []FieldDef{loginParam("vault_service_type", "VAULT_SERVICE_TYPE", "Service type from ARCON's predefined list.", true, false)}},
	{Kind: KindVault, Type: "azure_key", QualysType: "Azure Key", Doc: "Azure Key Vault (settings not documented publicly).",
		Unwritable:  undocumentedVault,
		LoginParams: []FieldDef{loginParam("ak_secret_name", "VAULT_AK_SECRET_NAME", "Name of the secret in Azure Key Vault.", true, false)}},
	{Kind: KindVault, Type: "beyondtrust", QualysType: "BeyondTrust PBPS", Doc: "BeyondTrust Password Safe (PBPS) vault.",
		Fields: secondary([]FieldDef{
			urlField("URL of the BeyondTrust API."), sslVerify(false),
			{Name: "username", Element: "USERNAME", Type: TypeString, Required: true, MaxLen: 64, Pattern: "^[^@]*$",
				Doc: "API user (at most 64 characters, no @)."},
			{Name: "password", Type: TypeSecret, MaxLen: 64, Doc: "API user password (at most 64 characters)."},
			secret("appkey", "Application API key.", true),
			{Name: "cert", Element: "CERT", Type: TypeText, Doc: "Client certificate (PEM); needs private_key."},
			secret("private_key", "Client private key (PEM); needs cert.", false),
			secret("passphrase", "Passphrase of the private key.", false),
		}),
		Together: [][]string{{"cert", "private_key"}},
		LoginParams: []FieldDef{
			dtd(loginParam("system_name", "VAULT_SYSTEM_NAME", "Managed system name (auto-discovered when omitted).", false, false), "P DTD"),
			dtd(loginParam("account_name", "VAULT_ACCOUNT_NAME", "Managed account name (the record's username when omitted).", false, false), "P DTD"),
		}},
	{Kind: KindVault, Type: "ca_access_control", QualysType: "CA Access Control", Doc: "CA Access Control vault.",
		Fields: []FieldDef{
			{Name: "ca_url", Element: "CA_URL", Type: TypeString, Required: true, Unverified: true, Format: "uri", Schemes: webSchemes,
				Doc: "URL of CA Access Control."},
			{Name: "ca_api_username", Element: "CA_API_USERNAME", Type: TypeString, Unverified: true, Doc: "API user."},
			{Name: "ca_ssl_verify", Element: "CA_SSL_VERIFY", Type: TypeBool, Default: "true", Unverified: true, Doc: "Verify TLS."},
			{Name: "ca_web_username", Element: "CA_WEB_USERNAME", Type: TypeString, Unverified: true, Doc: "Web service user."},
			{Name: "ca_web_password", Type: TypeSecret, Unverified: true, Doc: "Web service password."},
		},
		LoginParams: []FieldDef{
			dtd(loginParam("end_point_name", "VAULT_EP_NAME", "End point name.", true, false), "P DTD"),
			dtd(loginParam("end_point_type", "VAULT_EP_TYPE", "End point type.", false, true), "P DTD"),
			dtd(loginParam("end_point_container", "VAULT_EP_CONT", "End point container.", false, true), "P DTD"),
		}},
	{Kind: KindVault, Type: "ca_pam", QualysType: "CA PAM", Doc: "CA Privileged Access Manager vault.",
		Fields: []FieldDef{
			urlField("HTTP or HTTPS URL of the CA PAM API."), sslVerify(true),
			str("apikey_name", "Account that calls the CA PAM API.", true),
			secret("apikey", "Password (API key) of that account.", true),
		},
		LoginParams: []FieldDef{
			dtd(loginParam("vault_app_name", "VAULT_APP_NAME", "Application name for accessing the device.", true, false), "P S2, DTD"),
			dtd(loginParam("vault_device_name", "VAULT_DEVICE_NAME", "Target device name; may use ${...} variables.", false, false), "P S2, DTD"),
			dtd(loginParam("vault_device_host", "VAULT_DEVICE_HOST", "Target device address; may use ${...} variables.", false, false), "P S2, DTD"),
		},
		LoginOneOf:         [][]string{{"vault_device_name", "vault_device_host"}},
		LoginVariables:     CAPAMVariables,
		LoginVariableKinds: map[string][]Kind{"nbhost": {KindWindows}}},
	{Kind: KindVault, Type: "cyberark_aim", QualysType: "CyberArk AIM", Doc: "CyberArk Application Identity Manager vault.",
		Fields: secondary([]FieldDef{
			urlField("URL of the CyberArk AIM web service."), sslVerify(false),
			str("appid", "Application ID.", true), str("safe", "Safe name.", true),
			{Name: "cert", Element: "CERT", Type: TypeText, Doc: "Client certificate (PEM)."},
			secret("private_key", "Client private key (PEM).", false),
			secret("private_key_pwd", "Password of the private key.", false),
		}),
		LoginParams: cyberArkLogin},
	{Kind: KindVault, Type: "cyberark_pim", QualysType: "CyberArk PIM Suite", Doc: "CyberArk PIM Suite vault.",
		Fields: secondary([]FieldDef{
			str("server_address", "Vault server address.", true),
			{Name: "port", Element: "PORT", Type: TypeInt, Default: "1858", DefaultDocumented: true, Min: 1, Max: 65535, Doc: "Vault TCP port."},
			str("safe", "Safe name.", true),
			str("username", "Vault user.", true), secret("password", "Vault user password.", true),
		}),
		LoginParams: cyberArkPIMLogin},
	{Kind: KindVault, Type: "hashicorp", QualysType: "HashiCorp", Doc: "HashiCorp Vault.",
		Fields: secondary([]FieldDef{
			urlField("URL of the HashiCorp Vault."), sslVerify(false),
			{Name: "api_version", Element: "API_VERSION", Type: TypeEnum, Enum: []string{"v1"}, Default: "v1", Doc: "API version."},
			{Name: "auth_type", Element: "AUTH_TYPE", Type: TypeEnum, Enum: []string{"userpass", "cert", "approle"}, Required: true,
				Doc: "Authentication method."},
			{Name: "path", Element: "PATH", Type: TypeString, Doc: "Auth method path (default /auth/userpass)."},
			str("username", "User (userpass).", false), secret("password", "Password (userpass).", false),
			str("role_name", "Role name (cert).", false),
			{Name: "cert", Element: "CERT", Type: TypeText, Doc: "Client certificate (cert)."},
			secret("private_key", "Client private key (cert).", false), secret("passphrase", "Key passphrase (cert).", false),
			str("role_id", "Role ID (approle).", false), secret("secret_id", "Secret ID (approle).", false),
		}),
		RequiredWhen: []Condition{
			{Field: "auth_type", Value: "userpass", Require: []string{"username", "password"}},
			{Field: "auth_type", Value: "cert", Require: []string{"cert", "private_key"}},
			{Field: "auth_type", Value: "approle", Require: []string{"role_id", "secret_id"}},
		},
		LoginParams: []FieldDef{
			dtd(loginParam("vault_secret_kv_path", "VAULT_SECRET_KV_PATH", "KV secrets engine path.", true, true), "P DTD"),
			dtd(loginParam("vault_secret_kv_name", "VAULT_SECRET_KV_NAME", "Secret name.", true, true), "P DTD"),
			dtd(loginParam("vault_secret_kv_key", "VAULT_SECRET_KV_KEY", "Key within the secret.", true, true), "P DTD"),
		}},
	{Kind: KindVault, Type: "hitachi_id_pam", QualysType: "Hitachi ID PAM", Doc: "Hitachi ID PAM vault (settings not documented publicly).",
		Unwritable: undocumentedVault,
		LoginParams: []FieldDef{{Name: "resource_id", Element: "VAULT_RESOURCE_ID", Type: TypeInt,
			Doc: "Resource ID of the account in Hitachi ID PAM (optional; the list element name is inferred)."}}},
	{Kind: KindVault, Type: "lieberman", QualysType: "Lieberman ERPM", Doc: "Lieberman ERPM vault (settings not documented publicly).",
		Unwritable: undocumentedVault,
		LoginParams: []FieldDef{
			dtd(loginParam("vault_ns_type", "VAULT_NS_TYPE", "Namespace type.", true, true), "P DTD"),
			dtd(loginParam("vault_ns_name", "VAULT_NS_NAME", "Namespace name.", true, true), "P DTD"),
		}},
	{Kind: KindVault, Type: "quest", QualysType: "Quest Vault", Doc: "Quest (One Identity) vault.",
		Fields: secondary([]FieldDef{
			str("server_address", "Vault server address.", true),
			{Name: "port", Element: "PORT", Type: TypeInt, Min: 1, Max: 65535, Doc: "Vault TCP port."},
			str("username", "Vault user.", true), secret("access_key", "Access key.", true),
		}),
		LoginParams: []FieldDef{loginParam("system_name", "VAULT_SYSTEM_NAME",
			"Name of the system holding the account (renamed from vault_authorization_name).", false, true)}},
	{Kind: KindVault, Type: "thycotic", QualysType: "Thycotic Secret Server", Doc: "Thycotic (Delinea) Secret Server vault.",
		Fields: secondary([]FieldDef{
			urlField("URL of the Secret Server."), str("username", "Secret Server user.", true),
			secret("password", "Secret Server user password.", true), str("domain", "Domain of the user.", false),
		}),
		LoginParams: []FieldDef{dtd(loginParam("secret_name", "VAULT_SECRET_NAME", "Name of the secret holding the account.", true, false), "P S1 sample")}},
	{Kind: KindVault, Type: "wallix", QualysType: "Wallix AdminBastion (WAB)", Doc: "Wallix AdminBastion vault.",
		Fields: secondary([]FieldDef{
			urlField("URL of the Wallix API."), sslVerify(false),
			str("username", "API user.", true), secret("password", "API user password.", false),
			secret("appkey", "API key.", false),
		}),
		LoginParams: []FieldDef{dtd(loginParam("vault_target_name", "VAULT_TARGET_NAME", "Target name.", false, true), "P DTD")}},
}

// Kinds returns every descriptor table: vault types, then record kinds. Callers must not modify them.
func Kinds() []KindDef { return append(append([]KindDef(nil), vaultKinds...), recordKinds...) }

// RecordKinds returns the descriptors of record kinds and unix sub_types. Callers must not modify
// them.
func RecordKinds() []KindDef { return recordKinds }

// KindNames returns the names of every kind as a user writes them on the command line: "vault",
// then the record endpoints sorted (see RecordEndpoints). It is meant for flag enums and help text.
func KindNames() []string {
	out := []string{string(KindVault)}
	for _, k := range RecordEndpoints() {
		out = append(out, string(k))
	}
	return out
}

// SecretParamNames returns, sorted and without duplicates, the Qualys parameter name of every
// TypeSecret field and login parameter of every kind: the parameters whose values must never be
// shown (qualysclient.Config.SecretParams).
func SecretParamNames() []string {
	seen := map[string]bool{}
	for _, d := range Kinds() {
		for _, fields := range [][]FieldDef{d.Fields, d.LoginParams} {
			for _, f := range fields {
				if f.Type == TypeSecret {
					seen[f.Name] = true
				}
				for _, sf := range f.SubFields {
					if sf.Type == TypeSecret {
						seen[sf.Name] = true
					}
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// RecordEndpoints returns the distinct record kinds (Qualys endpoints), sorted.
func RecordEndpoints() []Kind {
	seen := map[Kind]bool{}
	var out []Kind
	for _, d := range recordKinds {
		if !seen[d.Kind] {
			seen[d.Kind] = true
			out = append(out, d.Kind)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Lookup returns the descriptor for a kind and type (unix sub_type or vault slug), or nil.
func Lookup(k Kind, typ string) *KindDef {
	tables := recordKinds
	if k == KindVault {
		tables = vaultKinds
	}
	for i := range tables {
		if tables[i].Kind == k && tables[i].Type == typ {
			return &tables[i]
		}
	}
	return nil
}

// VaultTypeByQualys returns the vault descriptor whose Qualys display string is name (case
// insensitively, also accepting the old "Cyber-Ark" spelling), or nil.
func VaultTypeByQualys(name string) *KindDef {
	n := normQualysType(name)
	for i := range vaultKinds {
		if normQualysType(vaultKinds[i].QualysType) == n {
			return &vaultKinds[i]
		}
	}
	return nil
}

func normQualysType(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b = append(b, c)
		}
	}
	return string(b)
}
