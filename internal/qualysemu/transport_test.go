package qualysemu

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParamSources(t *testing.T) {
	e := newEmu(t)
	// GET with everything in the query string.
	r := e.do(req{method: "GET", path: mysqlPath, query: "action=list&title=a%20b&details=None"})
	if r.status != 200 {
		t.Fatalf("GET: %d\n%s", r.status, r.body)
	}
	// multipart/form-data (curl -F).
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, kv := range [][2]string{{"action", "create"}, {"title", "mp"}, {"ips", "10.0.0.1"}, {"username", "u"}, {"password", "p"}} {
		mw.WriteField(kv[0], kv[1])
	}
	mw.Close()
	hr := httptest.NewRequest(http.MethodPost, unixPath, &body)
	hr.Header.Set("Content-Type", mw.FormDataContentType())
	hr.Header.Set("X-Requested-With", "t")
	hr.SetBasicAuth(testUser, testPass)
	w := httptest.NewRecorder()
	e.s.ServeHTTP(w, hr)
	if w.Code != 200 || recordByTitle(e.s.Snapshot(), "mp").ID == 0 {
		t.Fatalf("multipart create: %d\n%s", w.Code, w.Body.String())
	}
}

func TestXMLEscaping(t *testing.T) {
	e := newEmu(t)
	title := "a]]>b <c> & \x01 \"d\""
	e.ok(mysqlPath, mysqlBasic+"&ips=10.0.0.1&title="+strings.NewReplacer("&", "%26", "\x01", "%01").Replace(title))
	r := e.ok(mysqlPath, "action=list")
	if got := r.doc.text("RESPONSE/AUTH_MYSQL_LIST/AUTH_MYSQL/TITLE"); got != "a]]>b <c> & \uFFFD \"d\"" {
		t.Fatalf("TITLE round trip %q", got)
	}
	bad := e.post(mysqlPath, "action=list&ids=<x>&echo_request=1")
	bad.wantError(t, 400, 1905, "parameter ids has invalid value: <x> (neither a positive integer nor a range: <x>)")
}

func TestBaseURLFromRequest(t *testing.T) {
	e := newEmu(t, func(c *Config) { c.BaseURL = "" })
	srv := httptest.NewServer(e.s)
	defer srv.Close()
	hr, _ := http.NewRequest(http.MethodPost, srv.URL+mysqlPath, strings.NewReader("action=list"))
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hr.Header.Set("X-Requested-With", "t")
	hr.SetBasicAuth(testUser, testPass)
	resp, err := srv.Client().Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := fmt.Sprintf(`<!DOCTYPE AUTH_MYSQL_LIST_OUTPUT SYSTEM "%s/api/2.0/fo/auth/mysql/auth_mysql_list_output.dtd">`, srv.URL)
	if !strings.Contains(string(b), want) || resp.Header.Get("Content-Type") != "text/xml;charset=UTF-8" {
		t.Fatalf("body:\n%s", b)
	}
}
