package qualysemu

// The tables in this file describe the auth record types the emulator
// serves, from REFERENCE.md §3 and docs/qualys-wire-contract.md rows 4, 5
// and 15. Adding a record type is adding one recordType value.

import "slices"

// fieldKind says how a parameter is validated and rendered.
type fieldKind int

const (
	kindString fieldKind = iota
	kindInt              // decimal integer within intMin..intMax
	kindBool             // input 0/1, output true/false
	kindList             // comma-separated; rendered as a wrapper of items (HOSTS/HOST)
)

// field is one type-specific record parameter.
type field struct {
	param    string
	elem     string // output element; "" for secrets (never returned)
	kind     fieldKind
	before   bool // rendered right after TITLE, before IP_SET (else after DIGITAL_VAULT)
	always   bool // rendered even when unset
	secret   bool
	minLen   int
	maxLen   int
	values   []string // allowed values, when an enumeration
	intMin   int64
	intMax   int64
	itemElem string // for kindList: the element of one item
	// subTypes: valid only for these values of the type's variant parameter
	// (unix sub_type, ms_sql provider_name; "" = the plain type).
	subTypes []string
	// login: valid only with this login type (vmware is_disconnect with vcenter); dropped
	// when the record's login type changes to another.
	login string
}

// recordType describes one /api/2.0/fo/auth/<name>/ endpoint: every rule
// the emulator applies to it is data here, so records.go, faults.go and
// seed.go never look at a record type's name.
type recordType struct {
	name string // endpoint slug: mysql, unix, windows
	// variant is the parameter selecting a variant of the type, which
	// scopes fields with subTypes: "" means sub_type (unix); ms_sql's is
	// provider_name (the Azure MS SQL page).
	variant string
	ipGroup string // IP exclusivity group; "" = not checked
	// ipsShareable: Config.WindowsIPsShared lifts the IP exclusivity of
	// this type's group (contract row 7 is unconfirmed for it).
	ipsShareable  bool
	fields        []field  // in output order
	vaultTypes    []string // vault_type values valid for this record type
	vaultUsername bool     // accepts vault_username (unix)
	// required lists the parameters a create needs besides title and ips,
	// whatever the login type; requiredBasic those it needs with basic
	// login. On a switch from vault to basic login the secret ones of
	// requiredBasic must be sent again and the others must be set.
	required      []string
	requiredBasic []string
	// passwordWaiver names a boolean parameter that, when 1, stands in for
	// the password: it lifts the password of requiredBasic, excludes a
	// password and a vault login, and is cleared by a new password (unix
	// skip_password).
	passwordWaiver string
	// exclusive lists this type's mutually exclusive parameter pairs
	// (1904), checked after the pairs of every record type.
	exclusive []exclusivePair
	// oneOf lists groups of fields of which a record holds exactly one:
	// two in one request are exclusive (1904), a record left with none is
	// refused (1922), and setting one clears the others.
	oneOf [][]string
	// anyOf lists groups of fields of which a record holds at least one, in any combination: a
	// record left with none is refused (1922).
	anyOf [][]string
	// fixedChoices are pairs of alternative parameters of which the one a
	// record was created with cannot be swapped for the other by an update.
	fixedChoices []fixedChoice
	// together lists groups of parameters a record holds all or none of
	// (SNMPv3 username, password and auth_alg): a create or an update that
	// leaves a group partly set is refused as missing the rest (1903).
	together [][]string
	// loginTypes are the login_type values this type takes besides basic
	// and vault (vmware vcenter): like basic they log in without a vault,
	// but need none of requiredBasic.
	loginTypes []string
	// ipsOptional: a create needs no ips (http's documented table has
	// none).
	ipsOptional bool
	// seedOnly: the type's parameters are not documented, so the API
	// refuses creates and updates; seeds may create records, which list
	// and delete as usual.
	seedOnly bool
	// unique lists cross-record rules among records of this type (1905),
	// see record_rules.go.
	unique []uniqueRule
	// entryLists are the lists the type takes in an XML body (unix keys
	// and root tools, record_types_entries.go); nil: a body is refused.
	entryLists []entryList
}

// exclusivePair is two parameters that may not be sent together. With
// whenTrue, b counts only when sent as 1 (a flag sent as 0 is harmless).
// With stored, the pair is a choice the record keeps (ms_sql's port or
// auto_discover_ports): a is used only when sent non-empty and b only as 1
// (sending a empty or b as 0 clears that side), and a request sending one
// side that leaves the record holding both is refused too (1904), so
// switching sides needs the clearing of the other one.
type exclusivePair struct {
	a, b     string
	whenTrue bool
	stored   bool
}

// sentBoth reports whether a request uses both sides of the pair.
func (x exclusivePair) sentBoth(p *params) bool {
	if x.stored {
		return p.given(x.a) && p.get(x.b) == "1"
	}
	return p.has(x.a) && p.has(x.b) && (!x.whenTrue || p.get(x.b) == "1")
}

// holdsBoth reports whether stored parameters m hold both sides of a stored pair.
func (x exclusivePair) holdsBoth(m map[string]string) bool {
	return x.stored && m[x.a] != "" && m[x.b] == "1"
}

// fixedChoice refuses, on update, a parameter of pair when the record holds
// the other one; text is the 1905 reason.
type fixedChoice struct {
	pair [2]string
	text string
}

// commonExclusive are the exclusive pairs of every record type, checked
// before the type's own; the one-of groups of recordVaultFields follow them.
var commonExclusive = []exclusivePair{{a: "ips", b: "remove_ips"}, {a: "password", b: "vault_id"}}

// Vault type display strings (REFERENCE.md §4.1).
const (
	vtARCON       = "ARCON PAM"
	vtAzure       = "Azure Key"
	vtBeyond      = "BeyondTrust PBPS"
	vtCAAC        = "CA Access Control"
	vtCAPAM       = "CA PAM"
	vtCyberAIM    = "CyberArk AIM"
	vtCyberPIM    = "CyberArk PIM Suite"
	vtHashiCorp   = "HashiCorp"
	vtHitachi     = "Hitachi ID PAM"
	vtLieberman   = "Lieberman ERPM"
	vtQuest       = "Quest Vault"
	vtThycotic    = "Thycotic Secret Server"
	vtWallix      = "Wallix AdminBastion (WAB)"
	loginBasic    = "basic"
	loginVault    = "vault"
	subCisco      = "cisco"
	providerAzure = "azure"
	subCheckpont  = "checkpoint_firewall"
)

// allVaultTypes are the vault type strings of the vaultTypes table, in its order.
var allVaultTypes = vaultTypeNames()

// recordVaultField is a vault-specific parameter of an auth record, rendered
// under DIGITAL_VAULT (contract row 5). A vault type declares its own in
// vaultType.login, in DTD order; recordVaultFields gathers them.
type recordVaultField struct {
	param    string
	elem     string
	types    []string // vault types it belongs to (filled in by recordVaultFields); nil = every type
	required bool     // required when the record uses one of types
	unixOnly bool
	// oneOf names a group of fields of which a record using one of types
	// needs at least one and may send only one; setting one clears the
	// others (CA PAM device name or host).
	oneOf string
}

// vaultUsernameField is the unix record's vault_username, valid with every vault type.
var vaultUsernameField = recordVaultField{param: "vault_username", elem: "VAULT_USERNAME", unixOnly: true}

// recordVaultFields are vault_username and every vault type's login fields, in table order; a
// field two types share (CyberArk folder and file, BeyondTrust and Quest system_name) is listed
// once, with both types.
var recordVaultFields = gatherVaultFields()

func gatherVaultFields() []recordVaultField {
	out := []recordVaultField{vaultUsernameField}
	for _, vt := range vaultTypes {
		for _, f := range vt.login {
			i := slices.IndexFunc(out, func(o recordVaultField) bool { return o.param == f.param })
			if i < 0 {
				f.types = nil
				out = append(out, f)
				i = len(out) - 1
			}
			out[i].types = append(out[i].types, vt.name)
		}
	}
	return out
}

func (f recordVaultField) appliesTo(vaultType string) bool {
	if f.types == nil {
		return true
	}
	return slices.Contains(f.types, vaultType)
}

// recordTypes is every record type the emulator serves: the seed types here, databases in
// record_types_databases.go, network devices, middleware and infrastructure in
// record_types_infra.go.
var recordTypes = slices.Concat(coreRecordTypes, databaseRecordTypes, infraRecordTypes)

// coreRecordTypes are unix (with its sub_types), windows and mysql.
var coreRecordTypes = []*recordType{
	{
		name: "unix", ipGroup: "unix", vaultUsername: true,
		vaultTypes: allVaultTypes, entryLists: unixEntryLists,
		required: []string{"username"}, requiredBasic: []string{"password"}, passwordWaiver: "skip_password",
		exclusive: []exclusivePair{{a: "cleartext_password", b: "vault_id"},
			{a: "password", b: "skip_password", whenTrue: true}},
		fields: []field{
			{param: "username", elem: "USERNAME", before: true, always: true, maxLen: 255},
			{param: "sub_type", elem: "SUB_TYPE", values: []string{subCisco, subCheckpont}},
			{param: "port", elem: "PORT", kind: kindInt, intMin: 1, intMax: 65535},
			{param: "password", secret: true, maxLen: 100},
			{param: "cleartext_password", elem: "CLEARTEXT_PASSWORD", kind: kindBool},
			{param: "skip_password", elem: "SKIP_PASSWORD", kind: kindBool, subTypes: []string{""}},
			{param: "enable_password", secret: true, maxLen: 100, subTypes: []string{subCisco}},
			{param: "expert_password", secret: true, maxLen: 100, subTypes: []string{subCheckpont}},
			{param: "target_type", elem: "TARGET_TYPE"},
			{param: "use_agentless_tracking", elem: "USE_AGENTLESS_TRACKING", kind: kindBool},
			{param: "agentless_tracking_path", elem: "AGENTLESS_TRACKING_PATH"},
		},
	},
	{
		name: "windows", ipGroup: "windows", ipsShareable: true,
		vaultTypes: allVaultTypes,
		required:   []string{"username"}, requiredBasic: []string{"password"},
		exclusive: []exclusivePair{{a: "windows_domain", b: "windows_ad_domain"}},
		fixedChoices: []fixedChoice{{pair: [2]string{"windows_domain", "windows_ad_domain"},
			text: "the domain type of a record cannot be changed"}},
		fields: []field{
			{param: "username", elem: "USERNAME", before: true, always: true, minLen: 1, maxLen: 31},
			{param: "windows_domain", elem: "WINDOWS_DOMAIN", before: true},
			{param: "windows_ad_domain", elem: "WINDOWS_AD_DOMAIN", before: true},
			{param: "password", secret: true, maxLen: 100},
			{param: "ntlm", elem: "NTLM", kind: kindBool},
			{param: "kerberos", elem: "KERBEROS", kind: kindBool},
			{param: "ntlmv2", elem: "NTLMV2", kind: kindBool},
			{param: "require_smb_signing", elem: "REQUIRE_SMB_SIGNING", kind: kindBool},
			{param: "minimum_smb_version", elem: "MINIMUM_SMB_VERSION", values: []string{"1", "2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"}},
			{param: "use_agentless_tracking", elem: "USE_AGENTLESS_TRACKING", kind: kindBool},
		},
	},
	{
		name:          "mysql",
		vaultTypes:    []string{vtBeyond, vtCyberAIM, vtCyberPIM, vtQuest, vtThycotic},
		required:      []string{"database", "port"},
		requiredBasic: []string{"username", "password"},
		fields: []field{
			{param: "username", elem: "USERNAME", before: true, always: true},
			{param: "database", elem: "DATABASE", before: true, always: true},
			{param: "port", elem: "PORT", kind: kindInt, before: true, always: true, intMin: 1, intMax: 65535},
			{param: "hosts", elem: "HOSTS", kind: kindList, itemElem: "HOST", before: true},
			{param: "password", secret: true, maxLen: 100},
			{param: "ssl_verify", elem: "SSL_VERIFY", kind: kindBool, always: true},
			{param: "windows_config_file", elem: "WINDOWS_CONF_FILE", always: true},
			{param: "unix_config_file", elem: "UNIX_CONF_FILE", always: true},
			{param: "client_cert", elem: "CLIENT_CERT"},
			{param: "client_key", secret: true},
		},
	},
}

// recordTypeByName returns the record type served at /fo/auth/<name>/.
func recordTypeByName(name string) *recordType {
	for _, rt := range recordTypes {
		if rt.name == name {
			return rt
		}
	}
	return nil
}

func (rt *recordType) field(param string) *field {
	for i := range rt.fields {
		if rt.fields[i].param == param {
			return &rt.fields[i]
		}
	}
	return nil
}

// Parameters every record endpoint takes, per action (REFERENCE.md §2.2,
// §3.1).
var (
	listParams   = []string{"action", "echo_request", "ids", "id_min", "id_max", "title", "comments", "details"}
	deleteParams = []string{"action", "echo_request", "ids"}
	createParams = []string{"action", "echo_request", "title", "comments", "ips", "network_id",
		"login_type", "vault_id", "vault_type"}
	updateOnlyParams = []string{"ids", "add_ips", "remove_ips"}
)

// allowedParams returns the parameter names rt accepts for action.
func (rt *recordType) allowedParams(action string) map[string]bool {
	m := map[string]bool{}
	add := func(names ...string) {
		for _, n := range names {
			m[n] = true
		}
	}
	switch action {
	case "list":
		add(listParams...)
	case "delete":
		add(deleteParams...)
	case "create", "update":
		add(createParams...)
		if action == "update" {
			add(updateOnlyParams...)
		}
		for _, f := range rt.fields {
			add(f.param)
		}
		for _, vf := range recordVaultFields {
			if vf.unixOnly && !rt.vaultUsername {
				continue
			}
			add(vf.param)
		}
	}
	return m
}

// recordTypeNames returns the endpoint slugs of every record type, in table
// order.
func recordTypeNames() []string {
	out := make([]string, len(recordTypes))
	for i, rt := range recordTypes {
		out[i] = rt.name
	}
	return out
}

// exclusivePairs returns the mutually exclusive pairs checked on a create or
// update of rt, in the order Qualys reports them: those of every record
// type, rt's own, then the pairs of each one-of group of recordVaultFields.
func (rt *recordType) exclusivePairs() []exclusivePair {
	out := append(append([]exclusivePair(nil), commonExclusive...), rt.exclusive...)
	for _, g := range rt.oneOf {
		for i, a := range g {
			for _, b := range g[i+1:] {
				out = append(out, exclusivePair{a: a, b: b})
			}
		}
	}
	for i, a := range recordVaultFields {
		if a.oneOf == "" {
			continue
		}
		for _, b := range recordVaultFields[i+1:] {
			if b.oneOf == a.oneOf {
				out = append(out, exclusivePair{a: a.param, b: b.param})
			}
		}
	}
	return out
}

// oneOfGroups returns the one-of groups of recordVaultFields that apply to
// vault type vt, each as its parameter names in table order, groups in
// order of first appearance.
func oneOfGroups(vt string) [][]string {
	var out [][]string
	index := map[string]int{}
	for _, vf := range recordVaultFields {
		if vf.oneOf == "" || !vf.appliesTo(vt) {
			continue
		}
		i, ok := index[vf.oneOf]
		if !ok {
			i = len(out)
			index[vf.oneOf] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], vf.param)
	}
	return out
}

// oneOfPeers returns the other members of param's one-of group, or nil.
func oneOfPeers(param string) []string {
	var group string
	for _, vf := range recordVaultFields {
		if vf.param == param {
			group = vf.oneOf
		}
	}
	if group == "" {
		return nil
	}
	var out []string
	for _, vf := range recordVaultFields {
		if vf.oneOf == group && vf.param != param {
			out = append(out, vf.param)
		}
	}
	return out
}

// isSecretField reports whether param is a secret field of rt.
func (rt *recordType) isSecretField(param string) bool {
	f := rt.field(param)
	return f != nil && f.secret
}

// variantParam returns the parameter selecting a variant of rt (see
// recordType.variant).
func (rt *recordType) variantParam() string {
	if rt.variant != "" {
		return rt.variant
	}
	return "sub_type"
}

// onlyFor scopes fields to the given values of their type's variant
// parameter (field.subTypes).
func onlyFor(variants []string, fields ...field) []field {
	out := make([]field, len(fields))
	for i, f := range fields {
		f.subTypes = variants
		out[i] = f
	}
	return out
}
