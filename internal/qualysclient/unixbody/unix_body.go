package unixbody

import (
	"encoding/xml"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The unix record's private keys and root tools are not form parameters: Qualys takes them as an
// XML body UNIX_AUTH_PARAMS sent with Content-Type: text/xml, the other parameters staying in the
// query string (Qualys-API-Doc-Center "Unix Authentication API samples/"). A section present in
// the body replaces every existing entry of that section ("Any existing private-key certificates
// and/or root tools will be deleted"); an empty section deletes them all.
//
// The body is built from typed sections (UnixSections: each key with its passphrase and
// certificate, each root tool with its password), marshalled by encoding/xml. Callers pass the
// entries as the parameters of a plan step, which unixSectionsFrom (through Split) reads into those sections once,
// at the edge of the client:
//
//	private_keys=N                        the section is sent, with N entries (0: delete all)
//	private_keys.I.type                   PRIVATE_KEY type= (rsa, dsa, ecdsa, ed25519)
//	private_keys.I.key                    PRIVATE_KEY text (basic)
//	private_keys.I.key.vault_id           PRIVATE_KEY_INFO type=vault: VAULT_ID, and
//	private_keys.I.key.vault_type         VAULT_TYPE, and any other .key.<param> as <PARAM>
//	private_keys.I.passphrase[.vault_*]   PASSPHRASE_INFO, the same way
//	private_keys.I.certificate_type       CERTIFICATE type= (openssh, x.509), with
//	private_keys.I.certificate            its text
//	root_tools=N                          the ROOT_TOOLS section
//	root_tools.I.tool                     STANDARD_TYPE type= (sudo, pimsu, ...)
//	root_tools.I.password[.vault_*]       PASSWORD_INFO
//
// A section is refused before anything is sent when it would lose a part: an entry without its
// key, or a certificate type without the certificate (Qualys would keep the type and drop the
// certificate). Every key, passphrase, certificate and password value is masked in traces.

// UnixSections are the lists of a unix record write. A nil section is not sent (the live entries
// stay); a non-nil one replaces every live entry of its list.
type UnixSections struct {
	PrivateKeys *[]PrivateKeyEntry
	RootTools   *[]RootToolEntry
}

// PrivateKeyEntry is one PRIVATE_KEY_CERTIFICATE: a key (given directly, with its type, or through
// a vault), its passphrase and its certificate, all optional but the key.
type PrivateKeyEntry struct {
	Type        string // rsa, dsa, ecdsa, ed25519 (a key given directly)
	Key         SecretSource
	Passphrase  *SecretSource
	Certificate *Certificate
}

// Certificate is the certificate signing a key: its type (openssh, x.509) and its text.
type Certificate struct {
	Type, Value string
}

// RootToolEntry is one ROOT_TOOL: the tool (sudo, pimsu, ...) and its password.
type RootToolEntry struct {
	Tool     string
	Password *SecretSource
}

// SecretSource is a secret given directly (Value) or fetched through a vault (Vault).
type SecretSource struct {
	Value string
	Vault *VaultSource
}

// VaultSource names the vault holding a secret: DIGITAL_VAULT's VAULT_ID, VAULT_TYPE and the
// vault type's login parameters by parameter name (username is sent as VAULT_USERNAME).
type VaultSource struct {
	ID, Type string
	Params   map[string]string
}

// The XML shapes of UNIX_AUTH_PARAMS.
type (
	xmlUnixAuthParams struct {
		XMLName     xml.Name        `xml:"UNIX_AUTH_PARAMS"`
		RootTools   *xmlRootTools   `xml:"ROOT_TOOLS"`
		PrivateKeys *xmlPrivateKeys `xml:"PRIVATE_KEY_CERTIFICATES"`
	}
	xmlRootTools struct {
		Entries []xmlRootTool `xml:"ROOT_TOOL"`
	}
	xmlRootTool struct {
		StandardType xmlTyped   `xml:"STANDARD_TYPE"`
		Password     *xmlSource `xml:"PASSWORD_INFO"`
	}
	xmlPrivateKeys struct {
		Entries []xmlPrivateKey `xml:"PRIVATE_KEY_CERTIFICATE"`
	}
	xmlPrivateKey struct {
		Key         *xmlSource `xml:"PRIVATE_KEY_INFO"`
		Passphrase  *xmlSource `xml:"PASSPHRASE_INFO"`
		Certificate *xmlTyped  `xml:"CERTIFICATE"`
	}
	// xmlSource is a *_INFO element: type="basic" with the value element (PRIVATE_KEY,
	// PASSPHRASE, PASSWORD; set XMLName), or type="vault" with DIGITAL_VAULT.
	xmlSource struct {
		Source string           `xml:"type,attr"`
		Value  *xmlTyped        `xml:",omitempty"`
		Vault  *xmlDigitalVault `xml:"DIGITAL_VAULT"`
	}
	xmlTyped struct {
		XMLName xml.Name
		Type    string `xml:"type,attr,omitempty"`
		Text    string `xml:",cdata"`
	}
	xmlDigitalVault struct {
		Fields []xmlTyped
	}
)

// body marshals the sections into UNIX_AUTH_PARAMS and returns it with the secret values it
// holds (for the trace redactor); nil when no section is sent. A value XML cannot carry is
// refused, naming the parameter and the character, never the value.
func (s UnixSections) body() ([]byte, []string, error) {
	if s.PrivateKeys == nil && s.RootTools == nil {
		return nil, nil, nil
	}
	if err := s.check(); err != nil {
		return nil, nil, err
	}
	var secrets []string
	source := func(value string, src SecretSource, typ string) *xmlSource {
		if src.Vault != nil {
			dv := &xmlDigitalVault{}
			fields := map[string]string{"VAULT_ID": src.Vault.ID, "VAULT_TYPE": src.Vault.Type}
			for k, v := range src.Vault.Params {
				el := strings.ToUpper(k)
				if k == "username" {
					el = "VAULT_USERNAME"
				}
				fields[el] = v
			}
			for _, el := range sortedKeys(fields) {
				if fields[el] != "" {
					dv.Fields = append(dv.Fields, xmlTyped{XMLName: xml.Name{Local: el}, Text: fields[el]})
				}
			}
			return &xmlSource{Source: "vault", Vault: dv}
		}
		secrets = append(secrets, src.Value)
		return &xmlSource{Source: "basic", Value: &xmlTyped{XMLName: xml.Name{Local: value}, Type: typ, Text: src.Value}}
	}
	doc := xmlUnixAuthParams{}
	if s.RootTools != nil {
		doc.RootTools = &xmlRootTools{}
		for i, e := range *s.RootTools {
			if e.Tool == "" {
				return nil, nil, fmt.Errorf("root_tools.%d: no tool", i)
			}
			rt := xmlRootTool{StandardType: xmlTyped{XMLName: xml.Name{Local: "STANDARD_TYPE"}, Type: e.Tool}}
			if e.Password != nil {
				rt.Password = source("PASSWORD", *e.Password, "")
			}
			doc.RootTools.Entries = append(doc.RootTools.Entries, rt)
		}
	}
	if s.PrivateKeys != nil {
		doc.PrivateKeys = &xmlPrivateKeys{}
		for i, e := range *s.PrivateKeys {
			if e.Key.Value == "" && e.Key.Vault == nil {
				return nil, nil, fmt.Errorf("private_keys.%d: no key", i)
			}
			pk := xmlPrivateKey{Key: source("PRIVATE_KEY", e.Key, e.Type)} // the type applies to a key given directly
			if e.Passphrase != nil {
				pk.Passphrase = source("PASSPHRASE", *e.Passphrase, "")
			}
			if c := e.Certificate; c != nil {
				if c.Type == "" || c.Value == "" {
					return nil, nil, fmt.Errorf("private_keys.%d: a certificate needs its type and its text (Qualys would keep the type and drop the certificate)", i)
				}
				secrets = append(secrets, c.Value)
				pk.Certificate = &xmlTyped{XMLName: xml.Name{Local: "CERTIFICATE"}, Type: c.Type, Text: c.Value}
			}
			doc.PrivateKeys.Entries = append(doc.PrivateKeys.Entries, pk)
		}
	}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, nil, fmt.Errorf("unix sections: %w", err)
	}
	return append([]byte(xml.Header), append(b, '\n')...), secrets, nil
}

// check refuses a value XML 1.0 cannot carry (a NUL or other control character, invalid UTF-8):
// the body would not be well-formed, and Qualys would answer with an opaque XML error.
func (s UnixSections) check() error {
	var bad error
	value := func(name, v string) {
		if bad != nil {
			return
		}
		if r, ok := xmlCarries(v); !ok {
			bad = fmt.Errorf("%s holds a character XML cannot carry (%U); it cannot be sent in the XML body", name, r)
		}
	}
	src := func(name string, src *SecretSource) {
		if src == nil {
			return
		}
		value(name, src.Value)
		if v := src.Vault; v != nil {
			value(name+".vault_id", v.ID)
			value(name+".vault_type", v.Type)
			for _, k := range sortedKeys(v.Params) {
				value(name+"."+k, v.Params[k])
			}
		}
	}
	if s.RootTools != nil {
		for i, e := range *s.RootTools {
			n := "root_tools." + strconv.Itoa(i)
			value(n+".tool", e.Tool)
			src(n+".password", e.Password)
		}
	}
	if s.PrivateKeys != nil {
		for i, e := range *s.PrivateKeys {
			n := "private_keys." + strconv.Itoa(i)
			value(n+".type", e.Type)
			src(n+".key", &e.Key)
			src(n+".passphrase", e.Passphrase)
			if e.Certificate != nil {
				value(n+".certificate_type", e.Certificate.Type)
				value(n+".certificate", e.Certificate.Value)
			}
		}
	}
	return bad
}

// xmlCarries reports whether s is valid UTF-8 made of characters XML 1.0 allows (tab, newline,
// carriage return, and U+0020 up, without the surrogates, U+FFFE and U+FFFF), and otherwise the
// first character that is not.
func xmlCarries(s string) (rune, bool) {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return r, false
			}
		}
		ok := r == 0x09 || r == 0x0A || r == 0x0D || (r >= 0x20 && r <= 0xD7FF) ||
			(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
		if !ok {
			return r, false
		}
	}
	return 0, true
}

// unixSectionsFrom reads the flattened entry parameters of params (see the table above) into
// typed sections and returns the other parameters.
func unixSectionsFrom(params url.Values) (UnixSections, url.Values, error) {
	var s UnixSections
	rest := copyValues(params)
	count := func(name string) (int, bool, error) {
		if !params.Has(name) {
			return 0, false, nil
		}
		n, err := strconv.Atoi(params.Get(name))
		if err != nil || n < 0 {
			return 0, false, fmt.Errorf("%s: %q is not a number of entries", name, params.Get(name))
		}
		for k := range params {
			if k == name || strings.HasPrefix(k, name+".") {
				rest.Del(k)
			}
		}
		return n, true, nil
	}
	get := func(list string, i int, sub string) string {
		return params.Get(list + "." + strconv.Itoa(i) + "." + sub)
	}
	source := func(list string, i int, sub string) *SecretSource {
		prefix := list + "." + strconv.Itoa(i) + "." + sub + "."
		if vid := params.Get(prefix + "vault_id"); vid != "" {
			v := &VaultSource{ID: vid, Type: params.Get(prefix + "vault_type")}
			for k := range params {
				if p, ok := strings.CutPrefix(k, prefix); ok && p != "vault_id" && p != "vault_type" {
					if v.Params == nil {
						v.Params = map[string]string{}
					}
					v.Params[p] = params.Get(k)
				}
			}
			return &SecretSource{Vault: v}
		}
		if !params.Has(list + "." + strconv.Itoa(i) + "." + sub) {
			return nil
		}
		return &SecretSource{Value: get(list, i, sub)}
	}
	n, sent, err := count("root_tools")
	if err != nil {
		return s, nil, err
	}
	if sent {
		tools := make([]RootToolEntry, n)
		for i := range tools {
			tools[i] = RootToolEntry{Tool: get("root_tools", i, "tool"), Password: source("root_tools", i, "password")}
		}
		s.RootTools = &tools
	}
	n, sent, err = count("private_keys")
	if err != nil {
		return s, nil, err
	}
	if sent {
		keys := make([]PrivateKeyEntry, n)
		for i := range keys {
			k := PrivateKeyEntry{Type: get("private_keys", i, "type"), Passphrase: source("private_keys", i, "passphrase")}
			if src := source("private_keys", i, "key"); src != nil {
				k.Key = *src
			}
			if ct, cv := get("private_keys", i, "certificate_type"), get("private_keys", i, "certificate"); ct != "" || cv != "" {
				k.Certificate = &Certificate{Type: ct, Value: cv}
			}
			keys[i] = k
		}
		s.PrivateKeys = &keys
	}
	return s, rest, nil
}

// Split moves the flattened entry parameters out of params into an XML body built from
// typed sections. It returns the remaining parameters, the body (nil when no section is sent)
// and the secret values it holds; an error when a section would lose a part (nothing is sent).
func Split(params url.Values) (url.Values, []byte, []string, error) {
	s, rest, err := unixSectionsFrom(params)
	if err != nil {
		return nil, nil, nil, err
	}
	body, secrets, err := s.body()
	if err != nil || body == nil {
		return params, nil, nil, err
	}
	return rest, body, secrets, nil
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// copyValues returns a deep copy of v.
func copyValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
