package spec

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// This file holds the structured list fields (TypeItems): a unix record's private keys and root
// delegation tools. Each entry is described by the field's SubFields; the loader, schema, reference,
// writer and canonical form below are all driven by them.

// Item is one entry of a TypeItems field, desired or live. A secret sub-field is either a
// reference (Secrets, desired only) or a login through a vault (Vaults); either way Attrs holds
// its source ("basic" for a secret given, or listed as basic by Qualys), so both sides compare
// alike. The value itself is never stored.
type Item struct {
	Attrs   map[string]string      `json:"attrs,omitempty"`
	Secrets map[string]SecretRef   `json:"secrets,omitempty"`
	Vaults  map[string]*VaultLogin `json:"vaults,omitempty"`
	// ID is the Qualys ID of a live entry (never compared: an update replaces every entry).
	ID int64 `json:"id,omitempty"`
	// Pos is where a desired entry was written.
	Pos Pos `json:"-"`
}

// SourceBasic is an Item's Attrs value of a secret sub-field given directly (not through a vault).
const SourceBasic = "basic"

// VaultUsername is the login parameter of an entry's vault source naming the vault account
// (VAULT_USERNAME); the vault type's LoginParams give the others.
const VaultUsername = "username"

// unixPrivateKeys and unixRootTools are the unix record's structured lists, from the Qualys samples
// "Unix Authentication API samples/" (RECORD_KINDS.md §2.7).
var unixPrivateKeys = FieldDef{Name: "private_keys", Element: "PRIVATE_KEY_CERTIFICATE_LIST", Item: "PRIVATE_KEY_CERTIFICATE", ElementSource: "P DC list",
	Type: TypeItems, WholeSection: true, Doc: "Private keys (with optional certificates) the scanner logs in with. Omitted: the live keys are left alone. " +
		"Qualys replaces every key when the list is sent, so it is sent only with every secret part of every entry given.",
	SubFields: []FieldDef{
		{Name: "type", Element: "PRIVATE_KEY", Type: TypeEnum, Enum: []string{"rsa", "dsa", "ecdsa", "ed25519"}, Basic: true,
			Doc: "Key type; needed when the key is given directly (not through a vault)."},
		{Name: "key", Element: "PRIVATE_KEY_INFO", Type: TypeSecret, Required: true, Vault: true,
			Doc: "The private key (PEM or OpenSSH), or a vault login ({vault: title, ...}) that holds it."},
		{Name: "passphrase", Element: "PASSPHRASE_INFO", Type: TypeSecret, Vault: true, Presence: true,
			Doc: "Passphrase of an encrypted key, or a vault login that holds it."},
		{Name: "certificate_type", Element: "CERTIFICATE", Type: TypeEnum, Enum: []string{"openssh", "x.509"},
			Doc: "Type of the certificate signing the key."},
		{Name: "certificate", Type: TypeSecret, Presence: true, ShownBy: "certificate_type",
			Doc: "The certificate (write-only: Qualys lists only its type); needs certificate_type, and an entry with " +
				"certificate_type needs it whenever the list is sent."},
	}}

var unixRootTools = FieldDef{Name: "root_tools", Element: "ROOT_TOOL_INFO_LIST", Item: "ROOT_TOOL_INFO", ElementSource: "P DC list",
	Type: TypeItems, Ordered: true, WholeSection: true, Doc: "Root delegation tools, tried in order. Omitted: the live tools are left alone. " +
		"Qualys replaces every tool when the list is sent, so it is sent only with every listed password given.",
	SubFields: []FieldDef{
		{Name: "tool", Element: "ROOT_TOOL", Type: TypeEnum, Required: true, Enum: rootToolColumn(0), Listed: rootToolColumn(1), Unverified: true,
			Doc: "Root delegation tool (pimsu is the documented input; the other slugs follow the Qualys UI)."},
		{Name: "password", Element: "PASSWORD_INFO", Type: TypeSecret, Vault: true, Presence: true,
			Doc: "Password of the tool, or a vault login that holds it."},
	}}

// rootTools are the root tool slugs written in YAML (and sent as STANDARD_TYPE type=) and the
// names Qualys lists in ROOT_TOOL. Only pimsu (input) and PowerBroker (output) are documented.
var rootTools = [][2]string{{"dzdo", "Dzdo"}, {"pbrun", "PowerBroker"}, {"pimsu", "Pimsu"}, {"su", "Su"}, {"sudo", "Sudo"}}

func rootToolColumn(c int) []string {
	out := make([]string, len(rootTools))
	for i, t := range rootTools {
		out[i] = t[c]
	}
	return out
}

// EnumFromListed returns the Enum value of f that Qualys lists as name (matching the value or its
// Listed name case insensitively), or "".
func EnumFromListed(f *FieldDef, name string) string {
	n := normQualysType(name)
	for i, e := range f.Enum {
		if normQualysType(e) == n || (i < len(f.Listed) && normQualysType(f.Listed[i]) == n) {
			return e
		}
	}
	return ""
}

// ItemText returns the comparable text of an entry: what Qualys lists about it (types, sources,
// vault references), never a secret. Two entries are equal when their texts are.
func ItemText(fd *FieldDef, it Item) string {
	var parts []string
	for i := range fd.SubFields {
		sf := &fd.SubFields[i]
		if sf.Basic && ViaVault(fd, it) {
			continue
		}
		if v := it.Vaults[sf.Name]; v != nil {
			var ps []string
			for _, k := range slices.Sorted(maps.Keys(v.Params)) {
				ps = append(ps, k+"="+v.Params[k])
			}
			parts = append(parts, fmt.Sprintf("%s=vault %q", sf.Name, v.Vault)+braces(ps))
			continue
		}
		val := it.Attrs[sf.Name]
		if val == "" || (sf.Type == TypeSecret && sf.Presence) {
			continue
		}
		parts = append(parts, sf.Name+"="+val)
	}
	return strings.Join(parts, " ")
}

// ViaVault reports whether the entry's main value (its first required secret sub-field, the key)
// comes through a vault; Basic sub-fields (the key type) apply only when it does not.
func ViaVault(fd *FieldDef, it Item) bool {
	for _, sf := range fd.SubFields {
		if sf.Type == TypeSecret && sf.Required {
			return it.Vaults[sf.Name] != nil
		}
	}
	return false
}

func braces(ps []string) string {
	if len(ps) == 0 {
		return ""
	}
	return " {" + strings.Join(ps, ", ") + "}"
}

// ItemTexts returns the texts of items: in order for an Ordered field (a sequence), else sorted
// (a multiset).
func ItemTexts(fd *FieldDef, items []Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = ItemText(fd, it)
	}
	if !fd.Ordered {
		sort.Strings(out)
	}
	return out
}

// SortItems orders the entries of a set (a field not Ordered) by their text, so a canonical
// object is deterministic; an Ordered field's entries keep their order.
func SortItems(fd *FieldDef, items []Item) {
	if fd.Ordered {
		return
	}
	sort.SliceStable(items, func(i, j int) bool { return ItemText(fd, items[i]) < ItemText(fd, items[j]) })
}

// ItemSecretName names secret sub-field sub of entry i of field fd, as a step parameter and in
// resolver calls: "private_keys.0.key".
func ItemSecretName(fd, sub string, i int) string { return fd + "." + strconv.Itoa(i) + "." + sub }

// ParseItemSecretName splits a name made by ItemSecretName.
func ParseItemSecretName(name string) (field string, i int, sub string, ok bool) {
	parts := strings.Split(name, ".")
	if len(parts) != 3 {
		return "", 0, "", false
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil {
		return "", 0, "", false
	}
	return parts[0], n, parts[2], true
}

// itemsSchema is the JSON Schema of a TypeItems field.
func itemsSchema(f *FieldDef) obj {
	props := obj{}
	var required []string
	for i := range f.SubFields {
		sf := &f.SubFields[i]
		s := fieldSchema(sf)
		if sf.Vault {
			s = obj{"description": sf.Doc, "anyOf": []any{
				obj{"$ref": "#/$defs/secret"},
				obj{"type": "object", "required": []string{"vault"}, "additionalProperties": obj{"type": "string"},
					"properties": obj{"vault": obj{"type": "string", "minLength": 1, "maxLength": MaxTitle,
						"description": "Title of the vault holding the value; the other keys are its login parameters (username, and the vault type's)."}}},
			}}
		}
		props[sf.Name] = s
		if sf.Required {
			required = append(required, sf.Name)
		}
	}
	item := obj{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		item["required"] = required
	}
	return obj{"type": "array", "items": item}
}
