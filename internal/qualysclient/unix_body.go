package qualysclient

import (
	"encoding/xml"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// The unix record's private keys and root tools are not form parameters: Qualys takes them as an
// XML body UNIX_AUTH_PARAMS sent with Content-Type: text/xml, the other parameters staying in the
// query string (Qualys-API-Doc-Center "Unix Authentication API samples/"). A section present in
// the body replaces every existing entry of that section; an empty section deletes them all.
//
// Callers pass the entries as flattened parameters, which the client moves into the body:
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
// Every key, passphrase, certificate and password value is masked in traces.

// bodySection is one section of UNIX_AUTH_PARAMS: its parameter prefix, element, entry element
// and the typed elements of an entry in order.
type bodySection struct {
	param, elem, entry string
	parts              []bodyPart
}

// bodyPart is one element of an entry: from parameter sub (a secret with a basic or vault
// source, or an attribute-only element).
type bodyPart struct {
	sub, info, value, attrSub string // info: PRIVATE_KEY_INFO; value: PRIVATE_KEY; attrSub: the sub holding value's type=
}

var unixBodySections = []bodySection{
	{param: "root_tools", elem: "ROOT_TOOLS", entry: "ROOT_TOOL", parts: []bodyPart{
		{attrSub: "tool", value: "STANDARD_TYPE"},
		{sub: "password", info: "PASSWORD_INFO", value: "PASSWORD"},
	}},
	{param: "private_keys", elem: "PRIVATE_KEY_CERTIFICATES", entry: "PRIVATE_KEY_CERTIFICATE", parts: []bodyPart{
		{sub: "key", info: "PRIVATE_KEY_INFO", value: "PRIVATE_KEY", attrSub: "type"},
		{sub: "passphrase", info: "PASSPHRASE_INFO", value: "PASSPHRASE"},
		{sub: "certificate", value: "CERTIFICATE", attrSub: "certificate_type"},
	}},
}

// splitUnixBody moves the flattened entry parameters out of params into an XML body. It returns
// the remaining parameters, the body (nil when no section is sent) and the secret values it holds.
func splitUnixBody(params url.Values) (url.Values, []byte, []string) {
	rest := cloneValues(params)
	var b strings.Builder
	var secrets []string
	sent := false
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" ?>` + "\n<UNIX_AUTH_PARAMS>\n")
	for _, s := range unixBodySections {
		if _, ok := params[s.param]; !ok {
			continue
		}
		sent = true
		n, _ := strconv.Atoi(params.Get(s.param))
		rest.Del(s.param)
		for k := range params {
			if strings.HasPrefix(k, s.param+".") {
				rest.Del(k)
			}
		}
		b.WriteString("  <" + s.elem + ">\n")
		for i := 0; i < n; i++ {
			get := func(sub string) string { return params.Get(s.param + "." + strconv.Itoa(i) + "." + sub) }
			b.WriteString("    <" + s.entry + ">\n")
			for _, p := range s.parts {
				attr := ""
				if p.attrSub != "" && get(p.attrSub) != "" {
					attr = ` type="` + xmlEscape(get(p.attrSub)) + `"`
				}
				if p.info == "" { // an element with a type and optional text (CERTIFICATE, STANDARD_TYPE)
					v := ""
					if p.sub != "" {
						v = get(p.sub)
						secrets = append(secrets, v)
					}
					if attr == "" && v == "" {
						continue
					}
					b.WriteString("      <" + p.value + attr + ">" + cdata(v) + "</" + p.value + ">\n")
					continue
				}
				prefix := s.param + "." + strconv.Itoa(i) + "." + p.sub + "."
				if vid := get(p.sub + ".vault_id"); vid != "" {
					b.WriteString("      <" + p.info + ` type="vault">` + "\n        <DIGITAL_VAULT>\n")
					var keys []string
					for k := range params {
						if strings.HasPrefix(k, prefix) {
							keys = append(keys, strings.TrimPrefix(k, prefix))
						}
					}
					sort.Strings(keys)
					for _, k := range keys {
						el := strings.ToUpper(k)
						if k == "username" {
							el = "VAULT_USERNAME"
						}
						b.WriteString("          <" + el + ">" + cdata(params.Get(prefix+k)) + "</" + el + ">\n")
					}
					b.WriteString("        </DIGITAL_VAULT>\n      </" + p.info + ">\n")
					continue
				}
				v := get(p.sub)
				if v == "" && p.attrSub == "" {
					continue
				}
				secrets = append(secrets, v)
				b.WriteString("      <" + p.info + ` type="basic">` + "\n        <" + p.value + attr + ">" + cdata(v) + "</" + p.value + ">\n      </" + p.info + ">\n")
			}
			b.WriteString("    </" + s.entry + ">\n")
		}
		b.WriteString("  </" + s.elem + ">\n")
	}
	if !sent {
		return params, nil, nil
	}
	b.WriteString("</UNIX_AUTH_PARAMS>\n")
	return rest, []byte(b.String()), secrets
}

// cdata wraps text in CDATA sections (splitting any "]]>" it contains).
func cdata(s string) string {
	if s == "" {
		return ""
	}
	return "<![CDATA[" + strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") + "]]>"
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
