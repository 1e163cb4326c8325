package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// SchemaID is the $id of the generated JSON Schema: the URL of schema/qsync.schema.json on main,
// which editors fetch (export writes it in each file's yaml-language-server modeline). The schema of
// a given qsync build is "qsync schema" (docs/configuration.md "Editors").
const SchemaID = "https://raw.githubusercontent.com/qsync/qsync/main/schema/qsync.schema.json"

// SchemaURL returns the URL of schema/qsync.schema.json as of the git ref (a release tag or a
// commit; see version.Info.SchemaRef): the schema of the qsync that wrote a file.
func SchemaURL(ref string) string {
	return strings.Replace(SchemaID, "/main/", "/"+ref+"/", 1)
}

// EnvNamePattern is the syntax of an environment variable named by a secret reference.
const EnvNamePattern = `^[A-Za-z_][A-Za-z0-9_]*$`

// titlePattern refuses leading and trailing white space (Qualys would trim it, and the title is the
// object's identity).
const titlePattern = `^\S(.*\S)?$`

// CommonRecordKeys and CommonVaultKeys are the keys every record or vault accepts besides the
// fields of its descriptor table.
var (
	CommonRecordKeys = []string{"type", "title", "previous_titles", "comments", "ips", "login", "adopt", "protect", "allow_replace"}
	CommonVaultKeys  = []string{"type", "title", "previous_titles", "comments", "adopt", "protect", "allow_replace"}
)

// GenerateSchema returns the JSON Schema of qsync's YAML files, generated from the descriptor tables
// in kinds.go. schema/qsync.schema.json is its committed output (regenerate with go generate ./schema).
func GenerateSchema() ([]byte, error) {
	defs := obj{
		"secret": obj{
			"description": "A write-only value, never written in the file: {env: NAME} reads an environment " +
				"variable, {file: path} a file (relative to this YAML file; one trailing newline is trimmed).",
			"type":                 "object",
			"additionalProperties": false,
			"minProperties":        1,
			"maxProperties":        1,
			"properties": obj{
				"env":  obj{"type": "string", "minLength": 1, "pattern": EnvNamePattern, "description": "Environment variable holding the value."},
				"file": obj{"type": "string", "minLength": 1, "description": "File holding the value, relative to this YAML file."},
			},
		},
		"title": obj{"type": "string", "minLength": 1, "maxLength": MaxTitle, "pattern": titlePattern,
			"description": "Unique title (the object's identity within its kind; at most 255 characters)."},
		"previous_titles": obj{"type": "array", "items": obj{"$ref": "#/$defs/title"}, "uniqueItems": true,
			"description": "Former titles: a live object with one of them is renamed in place (keeping its Qualys ID)."},
		"comments": obj{"type": "string", "maxLength": MaxComments,
			"description": "Free text. qsync appends its ownership marker line, so keep it shorter than 1999 characters."},
		"adopt":   obj{"type": "boolean", "description": "Take over a live object with this title that qsync does not manage yet."},
		"protect": obj{"type": "boolean", "description": "Refuse any delete or replacement of this object."},
		"allow_replace": obj{"type": "boolean", "description": "Consent to replacing this object (delete, then create with a new Qualys ID) " +
			"when a field Qualys cannot change in place changes; without it (or --allow-replace) the replacement is refused."},
		"ips": obj{"type": "array", "minItems": 1,
			"description": "Target addresses: single IPs, ranges (a-b) or CIDR prefixes, IPv4 or IPv6. " +
				"A /0 prefix and a prefix with host bits set (10.0.0.5/24) are errors.",
			"items": obj{"type": "string", "minLength": 1, "description": "10.0.0.1, 10.0.0.1-10.0.0.9, 10.0.0.0/24 or 2001:db8::/64."}},
	}
	defs["ips_optional"] = obj{"type": "array",
		"description": "Target addresses, optional for this kind (none: the record is not tied to IPs).",
		"items":       defs["ips"].(obj)["items"]}

	var vaultSlugs []string
	var vaultBranches []any
	for i := range vaultKinds {
		d := &vaultKinds[i]
		vaultSlugs = append(vaultSlugs, d.Type)
		name := "vault_" + d.Type
		defs[name] = kindSchema(d, CommonVaultKeys, nil)
		vaultBranches = append(vaultBranches, obj{
			"if":   obj{"properties": obj{"type": obj{"const": d.Type}}, "required": []string{"type"}},
			"then": obj{"$ref": "#/$defs/" + name},
		})
	}
	defs["vault"] = obj{
		"type":     "object",
		"required": []string{"title", "type"},
		"properties": obj{"type": obj{"enum": vaultSlugs,
			"description": "Vault type: " + strings.Join(vaultSlugs, ", ") + "."}},
		"allOf": vaultBranches,
	}

	var recordTypes []string
	var recordBranches []any
	subTypes := map[Kind][]string{}
	for i := range recordKinds {
		d := &recordKinds[i]
		if d.Type != "" {
			subTypes[d.Kind] = append(subTypes[d.Kind], d.Type)
		}
	}
	for i := range recordKinds {
		d := &recordKinds[i]
		if d.Type == "" {
			recordTypes = append(recordTypes, string(d.Kind))
		}
		name := "record_" + string(d.Kind)
		cond := obj{"properties": obj{"type": obj{"const": string(d.Kind)}}, "required": []string{"type"}}
		variant, _ := d.VariantKeys()
		if d.Type != "" {
			name += "_" + d.Type
			cond = obj{"properties": obj{"type": obj{"const": string(d.Kind)}, variant: obj{"const": d.Type}},
				"required": []string{"type", variant}}
		} else if len(subTypes[d.Kind]) > 0 {
			cond["not"] = obj{"required": []string{variant}}
		}
		loginName := "login_" + strings.TrimPrefix(name, "record_")
		defs[loginName] = loginSchema(d)
		defs[name] = kindSchema(d, CommonRecordKeys, subTypes[d.Kind])
		recordBranches = append(recordBranches, obj{"if": cond, "then": obj{"$ref": "#/$defs/" + name}})
	}
	for _, k := range RecordEndpoints() {
		if st := subTypes[k]; len(st) > 0 {
			variant, _ := VariantKeys(k)
			recordBranches = append(recordBranches, obj{
				"if":   obj{"properties": obj{"type": obj{"const": string(k)}}, "required": []string{"type"}},
				"then": obj{"properties": obj{variant: obj{"enum": st}}},
			})
		}
	}
	defs["record"] = obj{
		"type":     "object",
		"required": []string{"title", "type"},
		"properties": obj{"type": obj{"enum": recordTypes,
			"description": "Record kind: " + strings.Join(recordTypes, ", ") + "."}},
		"allOf": recordBranches,
	}

	root := obj{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  SchemaID,
		"title":                "qsync configuration",
		"description":          "Qualys authentication records and vaults kept by qsync. Generated from internal/spec/kinds.go; do not edit.",
		"type":                 "object",
		"additionalProperties": false,
		"required":             []string{"version"},
		"properties": obj{
			"version": obj{"const": 1, "description": "Format version; always 1."},
			"owner": obj{"type": "string", "pattern": OwnerPattern,
				"description": "Owner written into the ownership marker of every object this configuration manages. Set it in exactly one file."},
			"vaults":  obj{"type": "array", "items": obj{"$ref": "#/$defs/vault"}, "description": "Authentication vaults."},
			"records": obj{"type": "array", "items": obj{"$ref": "#/$defs/record"}, "description": "Authentication records."},
		},
		"$defs": defs,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("encode schema: %w", err)
	}
	return buf.Bytes(), nil
}

type obj = map[string]any

// kindSchema is the closed object schema of one kind: the common keys, then the kind's fields.
func kindSchema(d *KindDef, common []string, subTypes []string) obj {
	props := obj{}
	for _, k := range common {
		switch k {
		case "type":
			if d.Kind == KindVault {
				props[k] = obj{"const": d.Type, "description": d.Doc}
			} else {
				props[k] = obj{"const": string(d.Kind), "description": d.Doc}
			}
		case "login":
			name := "login_" + string(d.Kind)
			if d.Type != "" {
				name += "_" + d.Type
			}
			props[k] = obj{"$ref": "#/$defs/" + name}
		default:
			props[k] = obj{"$ref": "#/$defs/" + k}
		}
	}
	variant, _ := d.VariantKeys()
	if d.Kind != KindVault && d.Type != "" {
		props[variant] = obj{"const": d.Type, "description": d.Doc}
	}
	required := []string{"title", "type"}
	if d.Kind.IsRecord() && d.IPsOptional {
		props["ips"] = obj{"$ref": "#/$defs/ips_optional"}
	} else if d.Kind.IsRecord() {
		required = append(required, "ips")
	}
	if d.Kind.IsRecord() {
		if d.Type != "" {
			required = append(required, variant)
		}
	}
	for i := range d.Fields {
		f := &d.Fields[i]
		props[f.Name] = fieldSchema(f)
		if f.Required && f.OmittedDefault() == "" && !f.Basic && len(f.RequiredUnless) == 0 {
			required = append(required, f.Name)
		}
	}
	return obj{
		"type":                 "object",
		"description":          d.Doc,
		"additionalProperties": false,
		"required":             required,
		"properties":           props,
	}
}

// fieldSchema is the schema of one field's YAML value.
func fieldSchema(f *FieldDef) obj {
	doc := f.Doc
	if f.Basic {
		doc += " Basic login only."
	}
	if f.Immutable {
		doc += " Cannot change once the record exists."
	}
	if f.Unverified {
		doc += " (Parameter name not confirmed by the Qualys documentation.)"
	}
	s := obj{"description": doc}
	switch f.Type {
	case TypeItems:
		s = itemsSchema(f)
		s["description"] = doc
		return s
	case TypeSecret:
		s["$ref"] = "#/$defs/secret"
		return s
	case TypeBool:
		s["type"] = "boolean"
		if f.OmittedDefault() != "" {
			s["default"] = f.Default == "true"
		}
	case TypeInt:
		s["type"] = "integer"
		s["minimum"] = f.Min
		if f.Max > 0 {
			s["maximum"] = f.Max
		}
		if n, err := strconv.Atoi(f.OmittedDefault()); err == nil {
			s["default"] = n
		}
	case TypeEnum:
		s["type"] = "string"
		s["enum"] = f.Enum
		if f.OmittedDefault() != "" {
			s["default"] = f.Default
		}
	case TypeList:
		item := obj{"type": "string", "minLength": 1}
		if f.Format != "" {
			item["format"] = f.Format
		}
		if f.MaxLen > 0 {
			item["maxLength"] = f.MaxLen
		}
		s["type"] = "array"
		s["items"] = item
	default: // string, text
		s["type"] = "string"
		if f.MinLen > 0 {
			s["minLength"] = f.MinLen
		} else if f.Required && f.OmittedDefault() == "" {
			s["minLength"] = 1
		}
		if f.MaxLen > 0 {
			s["maxLength"] = f.MaxLen
		}
		if f.Format != "" {
			s["format"] = f.Format
		}
		if f.Pattern != "" {
			s["pattern"] = f.Pattern
		} else if len(f.Schemes) > 0 {
			s["pattern"] = schemePattern(f.Schemes)
		}
		if f.OmittedDefault() != "" {
			s["default"] = f.Default
		}
	}
	return s
}

// loginSchema is the schema of a record kind's login: the vault title plus the record-side
// parameters of every vault type the kind may log in through (which of them apply depends on the
// named vault's type, checked by Load).
func loginSchema(d *KindDef) obj {
	props := obj{"vault": obj{"type": "string", "minLength": 1, "maxLength": MaxTitle,
		"description": "Title of the vault to log in through (declared under vaults, or existing in Qualys)."}}
	for _, slug := range d.LoginVaultTypes {
		v := Lookup(KindVault, slug)
		if v == nil {
			continue
		}
		for i := range v.LoginParams {
			p := &v.LoginParams[i]
			if prev, ok := props[p.Name].(obj); ok {
				prev["description"] = prev["description"].(string) + " | " + v.QualysType + ": " + p.Doc
				continue
			}
			props[p.Name] = obj{"type": "string", "description": v.QualysType + ": " + p.Doc}
		}
	}
	return obj{
		"type":                 "object",
		"description":          "Log in through a vault instead of a password: the vault's title and that vault type's parameters.",
		"additionalProperties": false,
		"required":             []string{"vault"},
		"properties":           props,
	}
}

// schemePattern is the JSON Schema pattern of a URL whose scheme is one of schemes, in any case.
// JSON Schema patterns are ECMA-262 regular expressions (what ajv and yaml-language-server
// compile), which have no inline flags such as Go's (?i:...): each letter becomes a class of its
// two cases instead ("http" matches "^(?:[hH][tT][tT][pP])://").
func schemePattern(schemes []string) string {
	alts := make([]string, len(schemes))
	for i, sc := range schemes {
		var b strings.Builder
		for _, r := range sc {
			lo, up := unicode.ToLower(r), unicode.ToUpper(r)
			if lo == up {
				b.WriteString(regexp.QuoteMeta(string(r)))
				continue
			}
			b.WriteString("[" + string(lo) + string(up) + "]")
		}
		alts[i] = b.String()
	}
	return "^(?:" + strings.Join(alts, "|") + ")://"
}
