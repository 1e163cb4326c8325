package kinds

// The tables in this file describe the auth record types the emulator
// serves, from REFERENCE.md §3 and docs/qualys-wire-contract.md rows 4, 5
// and 15. Adding a record type is adding one recordType value.

import "slices"

// FieldKind says how a parameter is validated and rendered.
type FieldKind int

const (
	KindString FieldKind = iota
	KindInt              // decimal integer within intMin..intMax
	KindBool             // input 0/1, output true/false
	KindList             // comma-separated; rendered as a wrapper of items (HOSTS/HOST)
)

// Field is one type-specific record parameter.
type Field struct {
	Param    string
	Elem     string // output element; "" for secrets (never returned)
	Kind     FieldKind
	Before   bool // rendered right after TITLE, before IP_SET (else after DIGITAL_VAULT)
	Always   bool // rendered even when unset
	Secret   bool
	MinLen   int
	MaxLen   int
	Values   []string // allowed values, when an enumeration
	IntMin   int64
	IntMax   int64
	ItemElem string // for kindList: the element of one item
	// SubTypes: valid only for these values of the type's variant parameter
	// (unix sub_type, ms_sql provider_name; "" = the plain type).
	SubTypes []string
	// Login: valid only with this login type (vmware is_disconnect with vcenter); dropped
	// when the record's login type changes to another.
	Login string
}

// RecordType describes one /api/2.0/fo/auth/<name>/ endpoint: every rule
// the emulator applies to it is data here, so the server's record handlers,
// faults and seeds never look at a record type's name.
type RecordType struct {
	Name string // endpoint slug: mysql, unix, windows
	// Variant is the parameter selecting a variant of the type, which
	// scopes fields with subTypes: "" means sub_type (unix); ms_sql's is
	// provider_name (the Azure MS SQL page).
	Variant string
	IPGroup string // IP exclusivity group; "" = not checked
	// IPsShareable: Config.WindowsIPsShared lifts the IP exclusivity of
	// this type's group (contract row 7 is unconfirmed for it).
	IPsShareable  bool
	Fields        []Field  // in output order
	VaultTypes    []string // vault_type values valid for this record type
	VaultUsername bool     // accepts vault_username (unix)
	// Required lists the parameters a create needs besides title and ips,
	// whatever the login type; requiredBasic those it needs with basic
	// login. On a switch from vault to basic login the secret ones of
	// requiredBasic must be sent again and the others must be set.
	Required      []string
	RequiredBasic []string
	// PasswordWaiver names a boolean parameter that, when 1, stands in for
	// the password: it lifts the password of requiredBasic, excludes a
	// password and a vault login, and is cleared by a new password (unix
	// skip_password).
	PasswordWaiver string
	// Exclusive lists this type's mutually exclusive parameter pairs
	// (1904), checked after the pairs of every record type.
	Exclusive []ExclusivePair
	// OneOf lists groups of fields of which a record holds exactly one:
	// two in one request are exclusive (1904), a record left with none is
	// refused (1922), and setting one clears the others.
	OneOf [][]string
	// AnyOf lists groups of fields of which a record holds at least one, in any combination: a
	// record left with none is refused (1922).
	AnyOf [][]string
	// FixedChoices are pairs of alternative parameters of which the one a
	// record was created with cannot be swapped for the other by an update.
	FixedChoices []FixedChoice
	// Together lists groups of parameters a record holds all or none of
	// (SNMPv3 username, password and auth_alg): a create or an update that
	// leaves a group partly set is refused as missing the rest (1903).
	Together [][]string
	// LoginTypes are the login_type values this type takes besides basic
	// and vault (vmware vcenter): like basic they log in without a vault,
	// but need none of requiredBasic.
	LoginTypes []string
	// IPsOptional: a create needs no ips (http's documented table has
	// none).
	IPsOptional bool
	// SeedOnly: the type's parameters are not documented, so the API
	// refuses creates and updates; seeds may create records, which list
	// and delete as usual.
	SeedOnly bool
	// Unique lists cross-record rules among records of this type (1905),
	// see unique_rules.go.
	Unique []UniqueRule
	// EntryLists are the lists the type takes in an XML body (unix keys
	// and root tools, record_types_entries.go); nil: a body is refused.
	EntryLists []EntryList
}

// ExclusivePair is two parameters that may not be sent together. With
// whenTrue, b counts only when sent as 1 (a flag sent as 0 is harmless).
// With stored, the pair is a choice the record keeps (ms_sql's port or
// auto_discover_ports): a is used only when sent non-empty and b only as 1
// (sending a empty or b as 0 clears that side), and a request sending one
// side that leaves the record holding both is refused too (1904), so
// switching sides needs the clearing of the other one.
type ExclusivePair struct {
	A, B     string
	WhenTrue bool
	Stored   bool
}

// HoldsBoth reports whether stored parameters m hold both sides of a stored pair.
func (x ExclusivePair) HoldsBoth(m map[string]string) bool {
	return x.Stored && m[x.A] != "" && m[x.B] == "1"
}

// FixedChoice refuses, on update, a parameter of pair when the record holds
// the other one; text is the 1905 reason.
type FixedChoice struct {
	Pair [2]string
	Text string
}

// commonExclusive are the exclusive pairs of every record type, checked
// before the type's own; the one-of groups of recordVaultFields follow them.
var commonExclusive = []ExclusivePair{{A: "ips", B: "remove_ips"}, {A: "password", B: "vault_id"}}

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
	VtThycotic    = "Thycotic Secret Server"
	vtWallix      = "Wallix AdminBastion (WAB)"
	LoginBasic    = "basic"
	LoginVault    = "vault"
	SubCisco      = "cisco"
	providerAzure = "azure"
	subCheckpont  = "checkpoint_firewall"
)

// AllVaultTypes are the vault type strings of the vaultTypes table, in its order.
var AllVaultTypes = vaultTypeNames()

// RecordVaultField is a vault-specific parameter of an auth record, rendered
// under DIGITAL_VAULT (contract row 5). A vault type declares its own in
// vaultType.login, in DTD order; recordVaultFields gathers them.
type RecordVaultField struct {
	Param    string
	Elem     string
	Types    []string // vault types it belongs to (filled in by recordVaultFields); nil = every type
	Required bool     // required when the record uses one of types
	UnixOnly bool
	// OneOf names a group of fields of which a record using one of types
	// needs at least one and may send only one; setting one clears the
	// others (CA PAM device name or host).
	OneOf string
}

// vaultUsernameField is the unix record's vault_username, valid with every vault type.
var vaultUsernameField = RecordVaultField{Param: "vault_username", Elem: "VAULT_USERNAME", UnixOnly: true}

// RecordVaultFields are vault_username and every vault type's login fields, in table order; a
// field two types share (CyberArk folder and file, BeyondTrust and Quest system_name) is listed
// once, with both types.
var RecordVaultFields = gatherVaultFields()

func gatherVaultFields() []RecordVaultField {
	out := []RecordVaultField{vaultUsernameField}
	for _, vt := range VaultTypes {
		for _, f := range vt.Login {
			i := slices.IndexFunc(out, func(o RecordVaultField) bool { return o.Param == f.Param })
			if i < 0 {
				f.Types = nil
				out = append(out, f)
				i = len(out) - 1
			}
			out[i].Types = append(out[i].Types, vt.Name)
		}
	}
	return out
}

// AppliesTo reports whether f is a parameter of vaultType (every type when f.Types is nil).
func (f RecordVaultField) AppliesTo(vaultType string) bool {
	if f.Types == nil {
		return true
	}
	return slices.Contains(f.Types, vaultType)
}

// RecordTypes is every record type the emulator serves: the seed types here, databases in
// record_types_databases.go, network devices, middleware and infrastructure in
// record_types_infra.go.
var RecordTypes = slices.Concat(coreRecordTypes, DatabaseRecordTypes, InfraRecordTypes)

// coreRecordTypes are unix (with its sub_types), windows and mysql.
var coreRecordTypes = []*RecordType{
	{
		Name: "unix", IPGroup: "unix", VaultUsername: true,
		VaultTypes: AllVaultTypes, EntryLists: unixEntryLists,
		Required: []string{"username"}, RequiredBasic: []string{"password"}, PasswordWaiver: "skip_password",
		Exclusive: []ExclusivePair{{A: "cleartext_password", B: "vault_id"},
			{A: "password", B: "skip_password", WhenTrue: true}},
		Fields: []Field{
			{Param: "username", Elem: "USERNAME", Before: true, Always: true, MaxLen: 255},
			{Param: "sub_type", Elem: "SUB_TYPE", Values: []string{SubCisco, subCheckpont}},
			{Param: "port", Elem: "PORT", Kind: KindInt, IntMin: 1, IntMax: 65535},
			{Param: "password", Secret: true, MaxLen: 100},
			{Param: "cleartext_password", Elem: "CLEARTEXT_PASSWORD", Kind: KindBool},
			{Param: "skip_password", Elem: "SKIP_PASSWORD", Kind: KindBool, SubTypes: []string{""}},
			{Param: "enable_password", Secret: true, MaxLen: 100, SubTypes: []string{SubCisco}},
			{Param: "expert_password", Secret: true, MaxLen: 100, SubTypes: []string{subCheckpont}},
			{Param: "target_type", Elem: "TARGET_TYPE"},
			{Param: "use_agentless_tracking", Elem: "USE_AGENTLESS_TRACKING", Kind: KindBool},
			{Param: "agentless_tracking_path", Elem: "AGENTLESS_TRACKING_PATH"},
		},
	},
	{
		Name: "windows", IPGroup: "windows", IPsShareable: true,
		VaultTypes: AllVaultTypes,
		Required:   []string{"username"}, RequiredBasic: []string{"password"},
		Exclusive: []ExclusivePair{{A: "windows_domain", B: "windows_ad_domain"}},
		FixedChoices: []FixedChoice{{Pair: [2]string{"windows_domain", "windows_ad_domain"},
			Text: "the domain type of a record cannot be changed"}},
		Fields: []Field{
			{Param: "username", Elem: "USERNAME", Before: true, Always: true, MinLen: 1, MaxLen: 31},
			{Param: "windows_domain", Elem: "WINDOWS_DOMAIN", Before: true},
			{Param: "windows_ad_domain", Elem: "WINDOWS_AD_DOMAIN", Before: true},
			{Param: "password", Secret: true, MaxLen: 100},
			{Param: "ntlm", Elem: "NTLM", Kind: KindBool},
			{Param: "kerberos", Elem: "KERBEROS", Kind: KindBool},
			{Param: "ntlmv2", Elem: "NTLMV2", Kind: KindBool},
			{Param: "require_smb_signing", Elem: "REQUIRE_SMB_SIGNING", Kind: KindBool},
			{Param: "minimum_smb_version", Elem: "MINIMUM_SMB_VERSION", Values: []string{"1", "2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"}},
			{Param: "use_agentless_tracking", Elem: "USE_AGENTLESS_TRACKING", Kind: KindBool},
		},
	},
	{
		Name:          "mysql",
		VaultTypes:    []string{vtBeyond, vtCyberAIM, vtCyberPIM, vtQuest, VtThycotic},
		Required:      []string{"database", "port"},
		RequiredBasic: []string{"username", "password"},
		Fields: []Field{
			{Param: "username", Elem: "USERNAME", Before: true, Always: true},
			{Param: "database", Elem: "DATABASE", Before: true, Always: true},
			{Param: "port", Elem: "PORT", Kind: KindInt, Before: true, Always: true, IntMin: 1, IntMax: 65535},
			{Param: "hosts", Elem: "HOSTS", Kind: KindList, ItemElem: "HOST", Before: true},
			{Param: "password", Secret: true, MaxLen: 100},
			{Param: "ssl_verify", Elem: "SSL_VERIFY", Kind: KindBool, Always: true},
			{Param: "windows_config_file", Elem: "WINDOWS_CONF_FILE", Always: true},
			{Param: "unix_config_file", Elem: "UNIX_CONF_FILE", Always: true},
			{Param: "client_cert", Elem: "CLIENT_CERT"},
			{Param: "client_key", Secret: true},
		},
	},
}

// RecordTypeByName returns the record type served at /fo/auth/<name>/.
func RecordTypeByName(name string) *RecordType {
	for _, rt := range RecordTypes {
		if rt.Name == name {
			return rt
		}
	}
	return nil
}

// Field returns rt's field named param, or nil.
func (rt *RecordType) Field(param string) *Field {
	for i := range rt.Fields {
		if rt.Fields[i].Param == param {
			return &rt.Fields[i]
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

// AllowedParams returns the parameter names rt accepts for action.
func (rt *RecordType) AllowedParams(action string) map[string]bool {
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
		for _, f := range rt.Fields {
			add(f.Param)
		}
		for _, vf := range RecordVaultFields {
			if vf.UnixOnly && !rt.VaultUsername {
				continue
			}
			add(vf.Param)
		}
	}
	return m
}

// RecordTypeNames returns the endpoint slugs of every record type, in table
// order.
func RecordTypeNames() []string {
	out := make([]string, len(RecordTypes))
	for i, rt := range RecordTypes {
		out[i] = rt.Name
	}
	return out
}

// ExclusivePairs returns the mutually exclusive pairs checked on a create or
// update of rt, in the order Qualys reports them: those of every record
// type, rt's own, then the pairs of each one-of group of recordVaultFields.
func (rt *RecordType) ExclusivePairs() []ExclusivePair {
	out := append(append([]ExclusivePair(nil), commonExclusive...), rt.Exclusive...)
	for _, g := range rt.OneOf {
		for i, a := range g {
			for _, b := range g[i+1:] {
				out = append(out, ExclusivePair{A: a, B: b})
			}
		}
	}
	for i, a := range RecordVaultFields {
		if a.OneOf == "" {
			continue
		}
		for _, b := range RecordVaultFields[i+1:] {
			if b.OneOf == a.OneOf {
				out = append(out, ExclusivePair{A: a.Param, B: b.Param})
			}
		}
	}
	return out
}

// OneOfGroups returns the one-of groups of recordVaultFields that apply to
// vault type vt, each as its parameter names in table order, groups in
// order of first appearance.
func OneOfGroups(vt string) [][]string {
	var out [][]string
	index := map[string]int{}
	for _, vf := range RecordVaultFields {
		if vf.OneOf == "" || !vf.AppliesTo(vt) {
			continue
		}
		i, ok := index[vf.OneOf]
		if !ok {
			i = len(out)
			index[vf.OneOf] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], vf.Param)
	}
	return out
}

// OneOfPeers returns the other members of param's one-of group, or nil.
func OneOfPeers(param string) []string {
	var group string
	for _, vf := range RecordVaultFields {
		if vf.Param == param {
			group = vf.OneOf
		}
	}
	if group == "" {
		return nil
	}
	var out []string
	for _, vf := range RecordVaultFields {
		if vf.OneOf == group && vf.Param != param {
			out = append(out, vf.Param)
		}
	}
	return out
}

// IsSecretField reports whether param is a secret field of rt.
func (rt *RecordType) IsSecretField(param string) bool {
	f := rt.Field(param)
	return f != nil && f.Secret
}

// VariantParam returns the parameter selecting a variant of rt (see
// recordType.variant).
func (rt *RecordType) VariantParam() string {
	if rt.Variant != "" {
		return rt.Variant
	}
	return "sub_type"
}

// onlyFor scopes fields to the given values of their type's variant
// parameter (field.subTypes).
func onlyFor(variants []string, fields ...Field) []Field {
	out := make([]Field, len(fields))
	for i, f := range fields {
		f.SubTypes = variants
		out[i] = f
	}
	return out
}
