package qualysclient

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qsync/qsync/internal/outbound"
	"github.com/qsync/qsync/internal/qualysclient/xmltree"
)

const (
	testUser     = "qsync_user"
	testPassword = "hunter2-account-pw"
)

// fakeSleep records requested waits instead of sleeping.
type fakeSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (f *fakeSleep) sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.waits = append(f.waits, d)
	f.mu.Unlock()
	return ctx.Err()
}

func (f *fakeSleep) all() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.waits...)
}

// syncBuffer is a goroutine-safe bytes.Buffer.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testEnv is what setup returns: a client wired to an httptest server.
type testEnv struct {
	client *Client
	mux    *http.ServeMux
	server *httptest.Server
	sleep  *fakeSleep
	stderr *syncBuffer
}

// setup starts an httptest server with an empty mux and a client pointed at
// it, with a recording Sleep. opts adjust the Config before New.
func setup(t *testing.T, opts ...func(*Config)) *testEnv {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return newTestEnv(t, mux, srv, opts)
}

// newTestEnv builds a client for srv, which serves mux.
func newTestEnv(t *testing.T, mux *http.ServeMux, srv *httptest.Server, opts []func(*Config)) *testEnv {
	t.Helper()
	env := &testEnv{mux: mux, server: srv, sleep: &fakeSleep{}, stderr: &syncBuffer{}}
	cfg := Config{
		BaseURL:   srv.URL,
		Username:  testUser,
		Password:  testPassword,
		UserAgent: "qsync/test",
		Timeout:   5 * time.Second,
		Stderr:    env.stderr,
		Sleep:     env.sleep.sleep,
	}
	for _, o := range opts {
		o(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	env.client = c
	return env
}

// parseXML decodes body into a whole node tree, as (*Client).do does for every answer that is not
// a record list (parseXMLInto without a record sink).
func parseXML(body []byte) (*xmltree.Node, error) {
	return xmltree.Parse(body, nil)
}

// formOf parses a request's form body, failing the test on error.
func formOf(t *testing.T, r *http.Request) url.Values {
	t.Helper()
	if err := r.ParseForm(); err != nil {
		t.Errorf("ParseForm: %v", err)
	}
	return r.PostForm
}

func writeXML(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func readSample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func simpleReturnXML(code int, text string, items ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE SIMPLE_RETURN SYSTEM "https://qualysapi.qualys.com/api/2.0/simple_return.dtd">
<SIMPLE_RETURN><RESPONSE><DATETIME>2024-01-01T00:00:00Z</DATETIME>`)
	if code != 0 {
		fmt.Fprintf(&b, "<CODE>%d</CODE>", code)
	}
	fmt.Fprintf(&b, "<TEXT>%s</TEXT>", text)
	if len(items) > 0 {
		b.WriteString("<ITEM_LIST>")
		for i := 0; i+1 < len(items); i += 2 {
			fmt.Fprintf(&b, "<ITEM><KEY>%s</KEY><VALUE>%s</VALUE></ITEM>", items[i], items[i+1])
		}
		b.WriteString("</ITEM_LIST>")
	}
	b.WriteString("</RESPONSE></SIMPLE_RETURN>")
	return b.String()
}

func batchReturn(batches ...string) string {
	return `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE BATCH_RETURN SYSTEM "https://qualysapi.qualys.com/api/2.0/batch_return.dtd">
<BATCH_RETURN><RESPONSE><DATETIME>2024-01-01T00:00:00Z</DATETIME><BATCH_LIST>` + strings.Join(batches, "") + `</BATCH_LIST></RESPONSE></BATCH_RETURN>`
}

func TestNewValidatesConfig(t *testing.T) {
	for _, tc := range []struct {
		name, base, want string
	}{
		{"empty base URL", "", "BaseURL is required"},
		{"not a URL", "qualysapi.qualys.com", "not an http(s) URL"},
		{"plain http to a remote host", "http://qualysapi.qualys.com", "refusing plain http"},
		{"credentials in URL", "https://u:p@qualysapi.qualys.com", "must not carry credentials"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(Config{BaseURL: tc.base})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New(%q) error = %v, want %q", tc.base, err, tc.want)
			}
		})
	}
	c, err := New(Config{BaseURL: "https://qualysapi.qualys.com/api/2.0/fo/"})
	if err != nil {
		t.Fatal(err)
	}
	if c.base != "https://qualysapi.qualys.com" {
		t.Errorf("base = %q, want the /api/... suffix stripped", c.base)
	}
	if _, err := New(Config{BaseURL: "http://localhost:8080"}); err != nil {
		t.Errorf("plain http to loopback (an emulator) must be allowed: %v", err)
	}
}

func TestNewCABundle(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.pem")
	os.WriteFile(bad, []byte("not a certificate"), 0o600)
	if _, err := New(Config{BaseURL: "https://x.example", CABundle: bad}); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("bad bundle: err = %v", err)
	}
	if _, err := New(Config{BaseURL: "https://x.example", CABundle: filepath.Join(dir, "missing.pem")}); err == nil {
		t.Error("missing bundle: want an error")
	}
	if _, err := New(Config{BaseURL: "https://x.example", CABundle: bad, HTTPClient: &http.Client{}}); err == nil {
		t.Error("CABundle with HTTPClient: want an error")
	}
	// A TLS server whose certificate is in the bundle is trusted; without
	// the bundle, verification fails (it is never turned off).
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeXML(w, 200, batchReturn(`<BATCH><TEXT>Successfully Deleted</TEXT><ID_SET><ID>1</ID></ID_SET></BATCH>`))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the expected handshake failure
	srv.StartTLS()
	defer srv.Close()
	good := filepath.Join(dir, "good.pem")
	writeCertPEM(t, srv, good)
	c, err := New(Config{BaseURL: srv.URL, CABundle: good})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteRecords(context.Background(), Unix, []int64{1}); err != nil {
		t.Errorf("with CA bundle: %v", err)
	}
	c2, _ := New(Config{BaseURL: srv.URL})
	err = c2.DeleteRecords(context.Background(), Unix, []int64{1})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("without CA bundle: err = %v, want a certificate error", err)
	}
}

func TestRequestShape(t *testing.T) {
	env := setup(t)
	env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			t.Errorf("method = %s, want POST", r.Method)
		}
		if r.URL.RawQuery != "" {
			t.Errorf("query string %q: parameters must travel in the body", r.URL.RawQuery)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
			t.Errorf("Content-Type = %q", ct)
		}
		if got := r.Header.Get("X-Requested-With"); got != "qsync" {
			t.Errorf("X-Requested-With = %q", got)
		}
		if got := r.Header.Get("User-Agent"); got != "qsync/test" {
			t.Errorf("User-Agent = %q", got)
		}
		u, p, ok := r.BasicAuth()
		if !ok || u != testUser || p != testPassword {
			t.Errorf("basic auth = %q %q %v", u, p, ok)
		}
		f := formOf(t, r)
		want := url.Values{"action": {"list"}, "details": {"Basic"}, "echo_request": {"0"}, "ids": {"1,5,9-12"}, "title": {"db"}, "id_max": {"99"}}
		if f.Encode() != want.Encode() {
			t.Errorf("form = %s, want %s", f.Encode(), want.Encode())
		}
		writeXML(w, 200, `<AUTH_MYSQL_LIST_OUTPUT><RESPONSE><DATETIME>2024-01-01T00:00:00Z</DATETIME></RESPONSE></AUTH_MYSQL_LIST_OUTPUT>`)
	})
	recs, err := env.client.ListRecords(context.Background(), MySQL, ListOptions{IDs: []int64{12, 1, 5, 9, 10, 11}, Title: "db", IDMax: 99})
	if err != nil || len(recs) != 0 {
		t.Fatalf("ListRecords = %v, %v", recs, err)
	}
	st := env.client.Stats()
	if st.Calls["POST /api/2.0/fo/auth/mysql/ list"] != 1 {
		t.Errorf("Stats.Calls = %v", st.Calls)
	}
}

func TestInvalidRecordTypeSendsNothing(t *testing.T) {
	env := setup(t)
	env.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { t.Errorf("unexpected call %s", r.URL) })
	for _, ty := range []RecordType{"", "../vault", "Unix", "unix/x"} {
		if _, err := env.client.ListRecords(context.Background(), ty, ListOptions{}); err == nil {
			t.Errorf("ListRecords(%q): want an error", ty)
		}
	}
	if err := env.client.DeleteRecords(context.Background(), Unix, nil); err == nil {
		t.Error("DeleteRecords with no ids: want an error")
	}
	if err := env.client.UpdateRecords(context.Background(), Unix, []int64{3, -1}, nil); err == nil {
		t.Error("UpdateRecords with a negative id: want an error")
	}
}

func TestInvalidListFiltersSendNothing(t *testing.T) {
	env := setup(t)
	env.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { t.Errorf("unexpected call %s", r.URL) })
	if _, err := env.client.ListRecords(context.Background(), Unix, ListOptions{IDs: []int64{0}}); err == nil {
		t.Error("id 0 accepted")
	}
	if _, err := env.client.ListAll(context.Background(), ListOptions{IDMin: 9, IDMax: 3}); err == nil {
		t.Error("id_min > id_max accepted")
	}
}

// TestConcurrencyStormWait: a 1960 (concurrency) refusal is not waited out as a rate limit: a
// ToWait of 15 minutes, SECONDS_TO_WAIT or the backoff after many attempts are all capped.
func TestConcurrencyStormWait(t *testing.T) {
	h := http.Header{}
	h.Set("X-RateLimit-ToWait-Sec", "900")
	for attempt := range 12 {
		if d := throttleWait(h, &simpleReturn{Code: 1960}, attempt); d > concurrencyWaitCap || d <= 0 {
			t.Fatalf("attempt %d: wait %s, want at most %s", attempt, d, concurrencyWaitCap)
		}
	}
	if d := throttleWait(h, &simpleReturn{Code: 1960, Items: map[string]string{"SECONDS_TO_WAIT": "600"}}, 0); d != concurrencyWaitCap {
		t.Errorf("SECONDS_TO_WAIT 600: wait %s", d)
	}
	if d := throttleWait(h, &simpleReturn{Code: 1965}, 0); d != 900*time.Second {
		t.Errorf("1965 keeps the announced wait: %s", d)
	}
}

// TestClientUsesTheOutboundPolicy: the Qualys client's HTTP goes through outbound.New, with the
// default transport and with a caller's http.Client.
func TestClientUsesTheOutboundPolicy(t *testing.T) {
	for _, hc := range []*http.Client{nil, {}} {
		c, err := New(Config{BaseURL: "https://qualysapi.qualys.com", HTTPClient: hc})
		if err != nil {
			t.Fatal(err)
		}
		if !outbound.Enforced(c.hc) {
			t.Errorf("HTTPClient %v: the client does not use the outbound policy", hc)
		}
	}
}

// TestReadBody: an answer is read whole whatever its length says or does not say, and an
// endpoint's largest answer sizes the buffer of its next one.
func TestReadBody(t *testing.T) {
	c := &Client{bodySizes: map[string]int{}}
	for _, tc := range []struct {
		path   string
		body   string
		length int64 // Content-Length, -1 when unknown
		hint   int   // bodySizes[path] afterwards
	}{
		{"/a/", "", -1, 0},
		{"/a/", strings.Repeat("x", 5000), -1, 5000},
		{"/a/", strings.Repeat("y", 70000), -1, 70000}, // past the hint: grows
		{"/a/", "short", -1, 70000},
		{"/b/", strings.Repeat("z", 3000), 3000, 3000},
		{"/b/", "abc", 3, 3000},
	} {
		hr := &http.Response{ContentLength: tc.length, Body: io.NopCloser(strings.NewReader(tc.body))}
		if tc.length < 0 && c.bodySizes[tc.path] > 0 {
			// The buffer is sized before reading: check it on a fresh buffer.
			bodyPool = sync.Pool{}
		}
		buf, err := c.readBody(tc.path, hr)
		if err != nil || buf.String() != tc.body {
			t.Fatalf("%s: read %d bytes, error %v; want %d", tc.path, buf.Len(), err, len(tc.body))
		}
		if tc.length < 0 && len(tc.body) <= c.bodySizes[tc.path] && buf.Cap() < c.bodySizes[tc.path] {
			t.Errorf("%s: buffer of %d bytes for an endpoint whose answers reach %d", tc.path, buf.Cap(), c.bodySizes[tc.path])
		}
		if got := c.bodySizes[tc.path]; got != tc.hint {
			t.Errorf("%s: size hint %d after a %d-byte answer, want %d", tc.path, got, len(tc.body), tc.hint)
		}
		putBodyBuffer(buf)
	}
}
