package qualysclient

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestUnixBodyWriteRedacted sends private keys and root tools as the UNIX_AUTH_PARAMS XML body of
// the Doc Center samples (text/xml, form parameters in the query) and proves that no key,
// passphrase or root password appears in the --debug-http trace.
func TestUnixBodyWriteRedacted(t *testing.T) {
	const key = "-----BEGIN RSA PRIVATE KEY-----\ncanary-Key-Material-4711\n-----END RSA PRIVATE KEY-----"
	const pass, rootPW = "canary-Passphrase-4712", "canary-RootPassword-4713"
	var gotCT, gotQuery, gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotCT, gotQuery, gotBody = r.Header.Get("Content-Type"), r.URL.RawQuery, string(b)
		io.WriteString(w, `<BATCH_RETURN><RESPONSE><BATCH_LIST><BATCH><TEXT>Successfully Updated</TEXT><ID_SET><ID>7</ID></ID_SET></BATCH></BATCH_LIST></RESPONSE></BATCH_RETURN>`)
	}))
	defer srv.Close()
	var trace bytes.Buffer
	c, err := New(Config{BaseURL: srv.URL, Username: "u", Password: "account-Password-1", Debug: &trace})
	if err != nil {
		t.Fatal(err)
	}
	params := url.Values{"title": {"t"}, "private_keys": {"1"}, "private_keys.0.type": {"rsa"},
		"private_keys.0.key": {key}, "private_keys.0.passphrase": {pass}, "root_tools": {"2"},
		"root_tools.0.tool": {"sudo"}, "root_tools.0.password": {rootPW}, "root_tools.1.tool": {"pimsu"},
		"root_tools.1.password.vault_id": {"25026922"}, "root_tools.1.password.vault_type": {"Thycotic Secret Server"},
		"root_tools.1.password.username": {"root"}, "root_tools.1.password.secret_name": {"super_secret_name"}}
	if err := c.UpdateRecords(context.Background(), Unix, []int64{7}, params); err != nil {
		t.Fatal(err)
	}
	if gotCT != "text/xml" || !strings.Contains(gotQuery, "action=update") || !strings.Contains(gotQuery, "title=t") ||
		strings.Contains(gotQuery, "private_keys") {
		t.Errorf("content type %q, query %q", gotCT, gotQuery)
	}
	for _, want := range []string{"<UNIX_AUTH_PARAMS>", "<PRIVATE_KEY_CERTIFICATES>", `<PRIVATE_KEY_INFO type="basic">`,
		`<PRIVATE_KEY type="rsa"><![CDATA[` + key + `]]></PRIVATE_KEY>`, "<PASSPHRASE><![CDATA[" + pass + "]]>",
		`<STANDARD_TYPE type="sudo"></STANDARD_TYPE>`, "<PASSWORD><![CDATA[" + rootPW + "]]>", `<PASSWORD_INFO type="vault">`,
		"<VAULT_ID><![CDATA[25026922]]></VAULT_ID>", "<VAULT_USERNAME><![CDATA[root]]></VAULT_USERNAME>",
		"<SECRET_NAME><![CDATA[super_secret_name]]></SECRET_NAME>"} {
		if !strings.Contains(gotBody, want) {
			t.Errorf("body lacks %s:\n%s", want, gotBody)
		}
	}
	for _, canary := range []string{"canary-Key-Material", "canary-Passphrase", "canary-RootPassword"} {
		if strings.Contains(trace.String(), canary) {
			t.Errorf("trace shows %s:\n%s", canary, trace.String())
		}
	}
	if !strings.Contains(trace.String(), "xml: ") || !strings.Contains(trace.String(), "super_secret_name") {
		t.Errorf("trace lacks the redacted body:\n%s", trace.String())
	}
}

// TestUnixBodyRefusesLostParts: a section that would lose a part is refused before anything is
// sent: a certificate type without the certificate (Qualys would keep the type only), a key entry
// without its key, a value XML cannot carry (named by parameter and character, never shown).
func TestUnixBodyRefusesLostParts(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls++ }))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, Username: "u", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	for name, params := range map[string]url.Values{
		"certificate type alone": {"private_keys": {"1"}, "private_keys.0.type": {"rsa"}, "private_keys.0.key": {"k"},
			"private_keys.0.certificate_type": {"openssh"}},
		"no key": {"private_keys": {"1"}, "private_keys.0.type": {"rsa"}},
		"a NUL in a passphrase": {"private_keys": {"1"}, "private_keys.0.type": {"rsa"}, "private_keys.0.key": {"k"},
			"private_keys.0.passphrase": {"canary-\x00-pass"}},
	} {
		err := c.UpdateRecords(context.Background(), Unix, []int64{7}, params)
		if err == nil || !strings.Contains(err.Error(), "nothing was sent") || strings.Contains(err.Error(), "canary") {
			t.Errorf("%s: %v", name, err)
		}
	}
	err = c.UpdateRecords(context.Background(), Unix, []int64{7}, url.Values{"root_tools": {"1"}, "root_tools.0.tool": {"su"},
		"root_tools.0.password": {"bad\x1bpw"}})
	if err == nil || !strings.Contains(err.Error(), "root_tools.0.password holds a character XML cannot carry (U+001B)") {
		t.Errorf("control character: %v", err)
	}
	if calls != 0 {
		t.Errorf("%d calls reached the server", calls)
	}
}

// TestUnixBodySplitCDATARedacted: a secret holding "]]>" is written as split CDATA
// ("]]]]><![CDATA[>"); the trace masks it whole, the part after the split included.
func TestUnixBodySplitCDATARedacted(t *testing.T) {
	const pass = "canary-Head-4714]]>Tail-Secret-4715"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `<BATCH_RETURN><RESPONSE><BATCH_LIST><BATCH><TEXT>Successfully Updated</TEXT><ID_SET><ID>7</ID></ID_SET></BATCH></BATCH_LIST></RESPONSE></BATCH_RETURN>`)
	}))
	defer srv.Close()
	var trace bytes.Buffer
	c, err := New(Config{BaseURL: srv.URL, Username: "u", Password: "account-Password-1", Debug: &trace})
	if err != nil {
		t.Fatal(err)
	}
	params := url.Values{"private_keys": {"1"}, "private_keys.0.type": {"rsa"}, "private_keys.0.key": {"canary-Key-4716"},
		"private_keys.0.passphrase": {pass}}
	if err := c.UpdateRecords(context.Background(), Unix, []int64{7}, params); err != nil {
		t.Fatal(err)
	}
	for _, canary := range []string{"canary-Head", "Tail-Secret", "canary-Key"} {
		if strings.Contains(trace.String(), canary) {
			t.Errorf("trace shows %s:\n%s", canary, trace.String())
		}
	}
}
