package unixbody

import (
	"encoding/xml"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestUnixBodyDeleteSections sends empty sections, as the Doc Center delete sample does.
func TestUnixBodyDeleteSections(t *testing.T) {
	rest, body, _, err := Split(url.Values{"title": {"x"}, "root_tools": {"0"}, "private_keys": {"0"}})
	if err != nil || rest.Get("title") != "x" || rest.Has("root_tools") ||
		!strings.Contains(string(body), "<ROOT_TOOLS></ROOT_TOOLS>") || !strings.Contains(string(body), "<PRIVATE_KEY_CERTIFICATES></PRIVATE_KEY_CERTIFICATES>") {
		t.Errorf("rest %v body\n%s (%v)", rest, body, err)
	}
	if _, body, _, err := Split(url.Values{"title": {"x"}}); body != nil || err != nil {
		t.Errorf("body without sections: %s (%v)", body, err)
	}
}

// TestUnixBodyTypedSections: the body is built from typed sections: a key given directly with its
// passphrase and certificate, a key through a vault, root tools in order; a value containing
// "]]>" stays one value (split CDATA).
func TestUnixBodyTypedSections(t *testing.T) {
	params := url.Values{"private_keys": {"2"},
		"private_keys.0.type": {"ed25519"}, "private_keys.0.key": {"k]]>0"}, "private_keys.0.passphrase": {"p0"},
		"private_keys.0.certificate_type": {"openssh"}, "private_keys.0.certificate": {"ssh-ed25519-cert-v01 c0"},
		"private_keys.1.type": {"rsa"}, "private_keys.1.key.vault_id": {"9"}, "private_keys.1.key.vault_type": {"CyberArk PIM Suite"},
		"private_keys.1.key.folder": {"Root"}, "private_keys.1.key.username": {"scan"},
		"root_tools": {"2"}, "root_tools.0.tool": {"pimsu"}, "root_tools.1.tool": {"sudo"}, "root_tools.1.password": {"r1"}}
	s, rest, err := unixSectionsFrom(params)
	if err != nil || len(rest) != 0 {
		t.Fatalf("rest %v, %v", rest, err)
	}
	keys, tools := *s.PrivateKeys, *s.RootTools
	if len(keys) != 2 || keys[0].Certificate == nil || keys[0].Certificate.Value != "ssh-ed25519-cert-v01 c0" ||
		keys[1].Key.Vault == nil || keys[1].Key.Vault.Params["folder"] != "Root" || len(tools) != 2 || tools[0].Password != nil {
		t.Fatalf("sections %+v %+v", keys, tools)
	}
	body, secrets, err := s.body()
	if err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>
<UNIX_AUTH_PARAMS>
  <ROOT_TOOLS>
    <ROOT_TOOL>
      <STANDARD_TYPE type="pimsu"></STANDARD_TYPE>
    </ROOT_TOOL>
    <ROOT_TOOL>
      <STANDARD_TYPE type="sudo"></STANDARD_TYPE>
      <PASSWORD_INFO type="basic">
        <PASSWORD><![CDATA[r1]]></PASSWORD>
      </PASSWORD_INFO>
    </ROOT_TOOL>
  </ROOT_TOOLS>
  <PRIVATE_KEY_CERTIFICATES>
    <PRIVATE_KEY_CERTIFICATE>
      <PRIVATE_KEY_INFO type="basic">
        <PRIVATE_KEY type="ed25519"><![CDATA[k]]]]><![CDATA[>0]]></PRIVATE_KEY>
      </PRIVATE_KEY_INFO>
      <PASSPHRASE_INFO type="basic">
        <PASSPHRASE><![CDATA[p0]]></PASSPHRASE>
      </PASSPHRASE_INFO>
      <CERTIFICATE type="openssh"><![CDATA[ssh-ed25519-cert-v01 c0]]></CERTIFICATE>
    </PRIVATE_KEY_CERTIFICATE>
    <PRIVATE_KEY_CERTIFICATE>
      <PRIVATE_KEY_INFO type="vault">
        <DIGITAL_VAULT>
          <FOLDER><![CDATA[Root]]></FOLDER>
          <VAULT_ID><![CDATA[9]]></VAULT_ID>
          <VAULT_TYPE><![CDATA[CyberArk PIM Suite]]></VAULT_TYPE>
          <VAULT_USERNAME><![CDATA[scan]]></VAULT_USERNAME>
        </DIGITAL_VAULT>
      </PRIVATE_KEY_INFO>
    </PRIVATE_KEY_CERTIFICATE>
  </PRIVATE_KEY_CERTIFICATES>
</UNIX_AUTH_PARAMS>
`
	if string(body) != want {
		t.Errorf("body:\n%s\nwant:\n%s", body, want)
	}
	if !slices.Equal(secrets, []string{"r1", "k]]>0", "p0", "ssh-ed25519-cert-v01 c0"}) {
		t.Errorf("secrets %q", secrets)
	}
}

// FuzzUnixSections: any step parameters either build a well-formed UNIX_AUTH_PARAMS body holding
// every secret value it reports (so the redactor knows them all), or are refused; never a panic.
func FuzzUnixSections(f *testing.F) {
	f.Add("1", "rsa", "k]]>ey", "openssh", "cert", "2", "sudo", "pw")
	f.Add("0", "", "", "", "", "0", "", "")
	f.Add("1", "rsa", "k", "openssh", "", "x", "", "")
	f.Add("1", "rsa\"<", "k\x00\uFFFE", "x.509", "c\x1b", "1", "su&", "p\r\n")
	f.Fuzz(func(t *testing.T, nKeys, typ, key, certType, cert, nTools, tool, pw string) {
		params := url.Values{"private_keys": {nKeys}, "private_keys.0.type": {typ}, "private_keys.0.key": {key},
			"private_keys.0.certificate_type": {certType}, "private_keys.0.certificate": {cert},
			"root_tools": {nTools}, "root_tools.0.tool": {tool}, "root_tools.0.password": {pw}}
		if n, err := strconv.Atoi(nKeys); err == nil && n > 50 {
			return
		}
		if n, err := strconv.Atoi(nTools); err == nil && n > 50 {
			return
		}
		_, body, secrets, err := Split(params)
		if err != nil {
			return
		}
		var root struct {
			XMLName xml.Name
		}
		if body != nil {
			if err := xml.Unmarshal(body, &root); err != nil || root.XMLName.Local != "UNIX_AUTH_PARAMS" {
				t.Fatalf("body not well-formed (%v):\n%s", err, body)
			}
		}
		for _, s := range secrets {
			if s != "" && !strings.Contains(string(body), s) && !strings.Contains(string(body), strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>")) {
				t.Fatalf("secret %q reported but not in the body", s)
			}
		}
	})
}
