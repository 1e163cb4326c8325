package qualysemu

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

const entriesCanary = "CANARY-key-material-9d2"

// sampleBody is the Doc Center update sample 3 ("Edit root delegation and private-key
// certificates"), with the vaults of the test estate.
const sampleBody = `<?xml version="1.0" encoding="UTF-8" ?>
<UNIX_AUTH_PARAMS>
    <ROOT_TOOLS>
        <ROOT_TOOL>
            <ID>140016922</ID>
            <STANDARD_TYPE type="pimsu"/>
            <PASSWORD_INFO type="vault">
                <DIGITAL_VAULT>
                    <VAULT_USERNAME><![CDATA[root]]></VAULT_USERNAME>
                    <VAULT_TYPE>Thycotic Secret Server</VAULT_TYPE>
                    <VAULT_ID>25026922</VAULT_ID>
                   <SECRET_NAME><![CDATA[super_secret_name]]></SECRET_NAME>
                </DIGITAL_VAULT>
            </PASSWORD_INFO>
        </ROOT_TOOL>
    </ROOT_TOOLS>
    <PRIVATE_KEY_CERTIFICATES>
        <PRIVATE_KEY_CERTIFICATE>
            <ID>110076922</ID>
            <PRIVATE_KEY_INFO type="basic">
                <PRIVATE_KEY type="rsa"><![CDATA[-----BEGIN RSA PRIVATE KEY-----
` + entriesCanary + `
-----END RSA PRIVATE KEY-----]]></PRIVATE_KEY>
            </PRIVATE_KEY_INFO>
            <PASSPHRASE_INFO type="basic">
                <PASSPHRASE><![CDATA[` + entriesCanary + `-pass]]></PASSPHRASE>
            </PASSPHRASE_INFO>
            <CERTIFICATE type="openssh"><![CDATA[ssh-rsa-cert-v01@openssh.com AAAA` + entriesCanary + `]]></CERTIFICATE>
        </PRIVATE_KEY_CERTIFICATE>
    </PRIVATE_KEY_CERTIFICATES>
</UNIX_AUTH_PARAMS>`

// TestEntriesStoredListedReplacedDeleted: a create with the sample body stores the keys and
// tools; the list shows them like the list sample (type attributes, vault references) without
// secret material; an update body replaces a section; an empty section deletes it (the delete
// sample); a section left out is kept.
func TestEntriesStoredListedReplacedDeleted(t *testing.T) {
	e := newEmu(t)
	e.ok(vaultPath, "action=create&type=Thycotic Secret Server&title=tss&url=https://tss.example.com&username=u&password=p")
	vid := e.do(req{path: vaultPath, query: "action=list"}).doc.text("RESPONSE/AUTH_VAULTS/AUTH_VAULT/ID")
	body := strings.ReplaceAll(sampleBody, "25026922", vid)
	q := url.Values{"action": {"create"}, "title": {"ssh2 record"}, "username": {"root"}, "skip_password": {"1"}, "ips": {"10.10.35.253"}}
	r := e.do(req{path: unixPath, query: q.Encode(), xml: body})
	id := r.createdID(t)
	list := e.do(req{path: unixPath, query: "action=list&ids=" + id})
	if strings.Contains(list.body, entriesCanary) {
		t.Fatalf("list shows secret material:\n%s", list.body)
	}
	rec := list.doc.find("RESPONSE/AUTH_UNIX_LIST/AUTH_UNIX")
	for path, want := range map[string]string{
		"ROOT_TOOL_INFO_LIST/ROOT_TOOL_INFO/ROOT_TOOL":                                       "Pimsu",
		"ROOT_TOOL_INFO_LIST/ROOT_TOOL_INFO/PASSWORD_INFO/DIGITAL_VAULT/DIGITAL_VAULT_ID":    vid,
		"ROOT_TOOL_INFO_LIST/ROOT_TOOL_INFO/PASSWORD_INFO/DIGITAL_VAULT/DIGITAL_VAULT_TITLE": "tss",
		"ROOT_TOOL_INFO_LIST/ROOT_TOOL_INFO/PASSWORD_INFO/DIGITAL_VAULT/VAULT_USERNAME":      "root",
		"ROOT_TOOL_INFO_LIST/ROOT_TOOL_INFO/PASSWORD_INFO/DIGITAL_VAULT/VAULT_SECRET_NAME":   "super_secret_name",
		"PRIVATE_KEY_CERTIFICATE_LIST/PRIVATE_KEY_CERTIFICATE/PRIVATE_KEY_INFO/PRIVATE_KEY":  "",
		"PRIVATE_KEY_CERTIFICATE_LIST/PRIVATE_KEY_CERTIFICATE/ID":                            "70000002",
	} {
		if got := rec.text(path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	for _, attr := range []string{`<PASSWORD_INFO type="vault">`, `<PRIVATE_KEY_INFO type="basic">`, `<PRIVATE_KEY type="rsa">`,
		`<PASSPHRASE_INFO type="basic">`, `<CERTIFICATE type="openssh">`} {
		if !strings.Contains(list.body, attr) {
			t.Errorf("list lacks %s:\n%s", attr, list.body)
		}
	}
	state, _ := json.Marshal(maskState(e.s.Snapshot()))
	if strings.Contains(string(state), entriesCanary) {
		t.Errorf("masked state shows secret material")
	}

	// Replace the keys with an ed25519 one; the root tools are left alone.
	upd := `<UNIX_AUTH_PARAMS><PRIVATE_KEY_CERTIFICATES><PRIVATE_KEY_CERTIFICATE><PRIVATE_KEY_INFO type="basic">` +
		`<PRIVATE_KEY type="ed25519"><![CDATA[k2]]></PRIVATE_KEY></PRIVATE_KEY_INFO></PRIVATE_KEY_CERTIFICATE></PRIVATE_KEY_CERTIFICATES></UNIX_AUTH_PARAMS>`
	e.do(req{path: unixPath, query: "action=update&ids=" + id, xml: upd})
	rec = e.do(req{path: unixPath, query: "action=list&ids=" + id}).doc.find("RESPONSE/AUTH_UNIX_LIST/AUTH_UNIX")
	if n := len(rec.all("PRIVATE_KEY_CERTIFICATE_LIST", "PRIVATE_KEY_CERTIFICATE")); n != 1 || rec.text("ROOT_TOOL_INFO_LIST/ROOT_TOOL_INFO/ROOT_TOOL") != "Pimsu" {
		t.Errorf("after replacing keys: %d keys, tool %q", n, rec.text("ROOT_TOOL_INFO_LIST/ROOT_TOOL_INFO/ROOT_TOOL"))
	}
	// The delete sample: empty sections delete everything.
	e.do(req{path: unixPath, query: "action=update&ids=" + id, xml: `<?xml version="1.0" encoding="UTF-8" ?>
<UNIX_AUTH_PARAMS>
    <ROOT_TOOLS></ROOT_TOOLS>
    <PRIVATE_KEY_CERTIFICATES></PRIVATE_KEY_CERTIFICATES>
</UNIX_AUTH_PARAMS>`})
	rec = e.do(req{path: unixPath, query: "action=list&ids=" + id}).doc.find("RESPONSE/AUTH_UNIX_LIST/AUTH_UNIX")
	if rec.find("ROOT_TOOL_INFO_LIST") != nil || rec.find("PRIVATE_KEY_CERTIFICATE_LIST") != nil {
		t.Errorf("delete sample left entries")
	}
}

// TestEntriesRefused: bodies that do not follow the samples are refused.
func TestEntriesRefused(t *testing.T) {
	e := newEmu(t)
	q := url.Values{"action": {"create"}, "title": {"x"}, "username": {"root"}, "password": {"p"}, "ips": {"10.0.0.1"}}.Encode()
	for name, body := range map[string]string{
		"not xml":      "<UNIX_AUTH_PARAMS>",
		"unknown tool": `<UNIX_AUTH_PARAMS><ROOT_TOOLS><ROOT_TOOL><STANDARD_TYPE type="doas"/></ROOT_TOOL></ROOT_TOOLS></UNIX_AUTH_PARAMS>`,
		"no key":       `<UNIX_AUTH_PARAMS><PRIVATE_KEY_CERTIFICATES><PRIVATE_KEY_CERTIFICATE/></PRIVATE_KEY_CERTIFICATES></UNIX_AUTH_PARAMS>`,
		"certificate type alone": `<UNIX_AUTH_PARAMS><PRIVATE_KEY_CERTIFICATES><PRIVATE_KEY_CERTIFICATE><PRIVATE_KEY_INFO type="basic">` +
			`<PRIVATE_KEY type="rsa">k</PRIVATE_KEY></PRIVATE_KEY_INFO><CERTIFICATE type="openssh"></CERTIFICATE></PRIVATE_KEY_CERTIFICATE></PRIVATE_KEY_CERTIFICATES></UNIX_AUTH_PARAMS>`,
		"missing vault": `<UNIX_AUTH_PARAMS><ROOT_TOOLS><ROOT_TOOL><STANDARD_TYPE type="sudo"/><PASSWORD_INFO type="vault"><DIGITAL_VAULT><VAULT_ID>9</VAULT_ID></DIGITAL_VAULT></PASSWORD_INFO></ROOT_TOOL></ROOT_TOOLS></UNIX_AUTH_PARAMS>`,
	} {
		if r := e.do(req{path: unixPath, query: q, xml: body}); r.status == 200 {
			t.Errorf("%s: accepted:\n%s", name, r.body)
		}
	}
	if r := e.do(req{path: mysqlPath, query: "action=create&title=m&ips=10.0.0.2&username=u&password=p&database=d&port=1",
		xml: `<UNIX_AUTH_PARAMS><ROOT_TOOLS/></UNIX_AUTH_PARAMS>`}); r.status == 200 {
		t.Errorf("mysql accepted an XML body")
	}
}

// TestEntriesKeepOrder: Qualys tries root tools in turn, so the entries are stored and listed in
// the order the body sends them, on create and on update.
func TestEntriesKeepOrder(t *testing.T) {
	e := newEmu(t)
	tools := func(types ...string) string {
		var b strings.Builder
		b.WriteString("<UNIX_AUTH_PARAMS><ROOT_TOOLS>")
		for _, ty := range types {
			b.WriteString(`<ROOT_TOOL><STANDARD_TYPE type="` + ty + `"/><PASSWORD_INFO type="basic"><PASSWORD>p</PASSWORD></PASSWORD_INFO></ROOT_TOOL>`)
		}
		b.WriteString("</ROOT_TOOLS></UNIX_AUTH_PARAMS>")
		return b.String()
	}
	listed := func(id string) []string {
		rec := e.do(req{path: unixPath, query: "action=list&ids=" + id}).doc.find("RESPONSE/AUTH_UNIX_LIST/AUTH_UNIX")
		var out []string
		for _, n := range rec.all("ROOT_TOOL_INFO_LIST", "ROOT_TOOL_INFO") {
			out = append(out, n.text("ROOT_TOOL"))
		}
		return out
	}
	q := url.Values{"action": {"create"}, "title": {"ordered"}, "username": {"root"}, "skip_password": {"1"}, "ips": {"10.10.35.254"}}
	id := e.do(req{path: unixPath, query: q.Encode(), xml: tools("sudo", "pimsu", "dzdo")}).createdID(t)
	if got := strings.Join(listed(id), ","); got != "Sudo,Pimsu,Dzdo" {
		t.Errorf("after create: %s", got)
	}
	e.do(req{path: unixPath, query: "action=update&ids=" + id, xml: tools("dzdo", "sudo")})
	if got := strings.Join(listed(id), ","); got != "Dzdo,Sudo" {
		t.Errorf("after update: %s", got)
	}
}

// TestKeyOnlyUnixCreate: Qualys's Doc Center "Create Unix record with Private Keys" samples 1-8
// send only title, username and ips with the body (no password, no skip_password) and get
// "Successfully Created" (EVIDENCE.md fact 2). A body with root tools only, or an empty key
// section, still needs the password.
func TestKeyOnlyUnixCreate(t *testing.T) {
	e := newEmu(t)
	keys := `<UNIX_AUTH_PARAMS><PRIVATE_KEY_CERTIFICATES><PRIVATE_KEY_CERTIFICATE><PRIVATE_KEY_INFO type="basic">` +
		`<PRIVATE_KEY type="rsa"><![CDATA[k]]></PRIVATE_KEY></PRIVATE_KEY_INFO></PRIVATE_KEY_CERTIFICATE></PRIVATE_KEY_CERTIFICATES></UNIX_AUTH_PARAMS>`
	q := url.Values{"action": {"create"}, "title": {"keys only"}, "username": {"root"}, "ips": {"10.10.35.1"}}
	e.do(req{path: unixPath, query: q.Encode(), xml: keys}).createdID(t)

	for name, body := range map[string]string{
		"no body":       "",
		"empty section": `<UNIX_AUTH_PARAMS><PRIVATE_KEY_CERTIFICATES/></UNIX_AUTH_PARAMS>`,
		"root tools":    `<UNIX_AUTH_PARAMS><ROOT_TOOLS><ROOT_TOOL><STANDARD_TYPE type="sudo"/></ROOT_TOOL></ROOT_TOOLS></UNIX_AUTH_PARAMS>`,
	} {
		q.Set("title", name)
		q.Set("ips", "10.10.36.1")
		e.do(req{path: unixPath, query: q.Encode(), xml: body}).wantError(t, 400, 1903, "Missing required parameter(s): password")
	}
}
