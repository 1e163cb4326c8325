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

// TestUnixBodyDeleteSections sends empty sections, as the Doc Center delete sample does.
func TestUnixBodyDeleteSections(t *testing.T) {
	rest, body, _ := splitUnixBody(url.Values{"title": {"x"}, "root_tools": {"0"}, "private_keys": {"0"}})
	if rest.Get("title") != "x" || rest.Has("root_tools") ||
		!strings.Contains(string(body), "<ROOT_TOOLS>\n  </ROOT_TOOLS>") || !strings.Contains(string(body), "<PRIVATE_KEY_CERTIFICATES>\n  </PRIVATE_KEY_CERTIFICATES>") {
		t.Errorf("rest %v body\n%s", rest, body)
	}
	if _, body, _ := splitUnixBody(url.Values{"title": {"x"}}); body != nil {
		t.Errorf("body without sections: %s", body)
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
