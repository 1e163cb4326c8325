package kinds

// VaultParam is one setting of a vault type (REFERENCE.md §4.2).
type VaultParam struct {
	Name           string
	Kind           FieldKind
	Secret         bool
	RequiredCreate bool
	RequiredUpdate bool
	MaxLen         int
	NoAt           bool // BeyondTrust user name: no "@"
	Values         []string
	URL            bool // must be an http or https URL
}

// VaultType describes one vault type. open types (whose parameters are not
// documented) accept any parameter; see isSecretParam for which of those
// are treated as secrets.
type VaultType struct {
	Name   string
	Params []VaultParam
	Open   bool
	// Login are the parameters of a record logging in through a vault of this type, listed
	// under the record's DIGITAL_VAULT, in DTD order (contract row 5, RECORD_KINDS.md §4.2).
	Login []RecordVaultField
}

// VaultTypes is every vault type the emulator serves (REFERENCE.md §4), in table order.
var VaultTypes = []*VaultType{
	{Name: vtARCON, Open: true, Login: []RecordVaultField{
		{Param: "vault_service_type", Elem: "VAULT_SERVICE_TYPE", Required: true}}},
	{Name: vtAzure, Open: true, Login: []RecordVaultField{
		{Param: "ak_secret_name", Elem: "VAULT_AK_SECRET_NAME", Required: true}}},
	{Name: vtBeyond, Params: []VaultParam{
		{Name: "url", URL: true}, {Name: "ssl_verify", Kind: KindBool},
		{Name: "username", MaxLen: 64, NoAt: true}, {Name: "password", Secret: true, MaxLen: 64},
		{Name: "appkey", Secret: true}, {Name: "cert"}, {Name: "private_key", Secret: true}, {Name: "passphrase", Secret: true},
	}, Login: []RecordVaultField{
		{Param: "system_name", Elem: "VAULT_SYSTEM_NAME"}, {Param: "account_name", Elem: "VAULT_ACCOUNT_NAME"}}},
	{Name: vtCAAC, Params: []VaultParam{
		{Name: "ca_url", URL: true}, {Name: "ca_api_username"}, {Name: "ca_ssl_verify", Kind: KindBool},
		{Name: "ca_web_username"}, {Name: "ca_web_password", Secret: true},
	}, Login: []RecordVaultField{
		{Param: "end_point_name", Elem: "VAULT_EP_NAME", Required: true},
		{Param: "end_point_type", Elem: "VAULT_EP_TYPE"}, {Param: "end_point_container", Elem: "VAULT_EP_CONT"}}},
	{Name: vtCAPAM, Params: []VaultParam{
		{Name: "url", RequiredCreate: true, URL: true},
		{Name: "ssl_verify", Kind: KindBool, RequiredCreate: true, RequiredUpdate: true},
		{Name: "apikey_name", RequiredCreate: true},
		{Name: "apikey", Secret: true, RequiredCreate: true},
	}, Login: []RecordVaultField{
		{Param: "vault_device_name", Elem: "VAULT_DEVICE_NAME", OneOf: "device"},
		{Param: "vault_device_host", Elem: "VAULT_DEVICE_HOST", OneOf: "device"},
		{Param: "vault_app_name", Elem: "VAULT_APP_NAME", Required: true}}},
	{Name: vtCyberAIM, Params: []VaultParam{
		{Name: "appid"}, {Name: "safe"}, {Name: "url", URL: true}, {Name: "ssl_verify", Kind: KindBool},
		{Name: "cert"}, {Name: "private_key", Secret: true}, {Name: "private_key_pwd", Secret: true},
	}, Login: cyberArkLogin},
	{Name: vtCyberPIM, Params: []VaultParam{
		{Name: "server_address"}, {Name: "port", Kind: KindInt}, {Name: "safe"}, {Name: "username"},
		{Name: "password", Secret: true, MaxLen: 100},
	}, Login: cyberArkLogin},
	{Name: vtHashiCorp, Params: []VaultParam{
		{Name: "url", URL: true}, {Name: "api_version"}, {Name: "ssl_verify", Kind: KindBool},
		{Name: "auth_type", Values: []string{"userpass", "cert", "approle"}}, {Name: "path"},
		{Name: "username"}, {Name: "password", Secret: true}, {Name: "role_name"}, {Name: "cert"},
		{Name: "private_key", Secret: true}, {Name: "passphrase", Secret: true}, {Name: "role_id"},
		{Name: "secret_id", Secret: true},
	}, Login: []RecordVaultField{
		{Param: "vault_secret_kv_path", Elem: "VAULT_SECRET_KV_PATH"}, {Param: "vault_secret_kv_name", Elem: "VAULT_SECRET_KV_NAME"},
		{Param: "vault_secret_kv_key", Elem: "VAULT_SECRET_KV_KEY"}}},
	// Hitachi ID PAM: resource_id (RECORD_KINDS.md §4.2); the list element is a guess.
	{Name: vtHitachi, Open: true, Login: []RecordVaultField{{Param: "resource_id", Elem: "VAULT_RESOURCE_ID"}}},
	{Name: vtLieberman, Open: true, Login: []RecordVaultField{
		{Param: "vault_ns_type", Elem: "VAULT_NS_TYPE"}, {Param: "vault_ns_name", Elem: "VAULT_NS_NAME"}}},
	{Name: vtQuest, Params: []VaultParam{
		{Name: "server_address"}, {Name: "port", Kind: KindInt}, {Name: "username"}, {Name: "access_key", Secret: true},
	}, Login: []RecordVaultField{{Param: "system_name", Elem: "VAULT_SYSTEM_NAME"}}},
	{Name: VtThycotic, Params: []VaultParam{
		{Name: "url", URL: true}, {Name: "username"}, {Name: "password", Secret: true, MaxLen: 100}, {Name: "domain"},
	}, Login: []RecordVaultField{{Param: "secret_name", Elem: "VAULT_SECRET_NAME"}}},
	{Name: vtWallix, Params: []VaultParam{
		{Name: "url", URL: true}, {Name: "ssl_verify", Kind: KindBool}, {Name: "username"},
		{Name: "password", Secret: true}, {Name: "appkey", Secret: true},
	}, Login: []RecordVaultField{{Param: "vault_target_name", Elem: "VAULT_TARGET_NAME"}}},
}

// cyberArkLogin are the CyberArk vaults' record-side parameters: folder and file
// (RECORD_KINDS.md §4.2), listed as VAULT_FOLDER and VAULT_FILE.
var cyberArkLogin = []RecordVaultField{{Param: "folder", Elem: "VAULT_FOLDER"}, {Param: "file", Elem: "VAULT_FILE"}}

// vaultTypeNames returns the vault type strings of the table, in its order.
func vaultTypeNames() []string {
	out := make([]string, len(VaultTypes))
	for i, vt := range VaultTypes {
		out[i] = vt.Name
	}
	return out
}

// VaultTypeByName returns the vault type with the display string name, or nil.
func VaultTypeByName(name string) *VaultType {
	for _, vt := range VaultTypes {
		if vt.Name == name {
			return vt
		}
	}
	return nil
}

// Param returns vt's setting called name, or nil.
func (vt *VaultType) Param(name string) *VaultParam {
	for i := range vt.Params {
		if vt.Params[i].Name == name {
			return &vt.Params[i]
		}
	}
	return nil
}

// IsSecret reports whether vt's setting name is a secret (for an open type, by IsSecretParam).
func (vt *VaultType) IsSecret(name string) bool {
	if vp := vt.Param(name); vp != nil {
		return vp.Secret
	}
	return vt.Open && IsSecretParam(name)
}
