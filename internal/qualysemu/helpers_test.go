package qualysemu

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testUser = "quser"
	testPass = "qpass"
)

// fakeClock is an injectable clock for DATETIMEs and the rate window.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type emu struct {
	t       *testing.T
	s       *Server
	clock   *fakeClock
	noParse bool // benchmarks: skip parsing answers
}

// newEmu returns an emulator with a fake clock and limits high enough not to
// get in the way; mods adjust the configuration.
func newEmu(t *testing.T, mods ...func(*Config)) *emu {
	t.Helper()
	clock := newClock()
	cfg := Config{Username: testUser, Password: testPass, Now: clock.Now, RateLimit: 100000,
		BaseURL: "https://qualysapi.qualys.com"}
	for _, m := range mods {
		m(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &emu{t: t, s: s, clock: clock}
}

// reply is a recorded answer.
type reply struct {
	status int
	header http.Header
	body   string
	doc    *xnode
}

// req is one request to send.
type req struct {
	method string
	path   string
	query  string
	form   string
	xml    string // a text/xml body (the form goes in query)
	noAuth bool
	noXRW  bool
	cookie *http.Cookie
	user   string
	pass   string
}

func (e *emu) do(r req) *reply {
	e.t.Helper()
	if r.method == "" {
		r.method = http.MethodPost
	}
	target := r.path
	if r.query != "" {
		target += "?" + r.query
	}
	var body io.Reader
	if r.form != "" {
		body = strings.NewReader(r.form)
	}
	if r.xml != "" {
		body = strings.NewReader(r.xml)
	}
	hr := httptest.NewRequest(r.method, target, body)
	if r.form != "" {
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if r.xml != "" {
		hr.Header.Set("Content-Type", "text/xml")
	}
	if !r.noAuth {
		u, p := testUser, testPass
		if r.user != "" {
			u, p = r.user, r.pass
		}
		hr.SetBasicAuth(u, p)
	}
	if !r.noXRW {
		hr.Header.Set("X-Requested-With", "qsync-test")
	}
	if r.cookie != nil {
		hr.AddCookie(r.cookie)
	}
	w := httptest.NewRecorder()
	e.s.ServeHTTP(w, hr)
	out := &reply{status: w.Code, header: w.Header(), body: w.Body.String()}
	if !e.noParse && (strings.HasPrefix(w.Header().Get("Content-Type"), "text/xml") || strings.HasPrefix(w.Header().Get("Content-Type"), "application/xml")) {
		out.doc = parseXML(e.t, out.body)
	}
	return out
}

// post sends form to path with Basic auth and X-Requested-With.
func (e *emu) post(path, form string) *reply {
	e.t.Helper()
	return e.do(req{path: path, form: form})
}

// ok posts and fails the test unless the answer is 200 without CODE.
func (e *emu) ok(path, form string) *reply {
	e.t.Helper()
	r := e.post(path, form)
	if r.status != http.StatusOK || (r.doc != nil && r.doc.text("RESPONSE/CODE") != "") {
		e.t.Fatalf("POST %s %s: status %d\n%s", path, form, r.status, r.body)
	}
	return r
}

// wantError checks an error answer's status, code and text (text may be a
// prefix when it ends with "...").
func (r *reply) wantError(t *testing.T, status, code int, text string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d\n%s", r.status, status, r.body)
	}
	if r.doc == nil || r.doc.Name != "SIMPLE_RETURN" {
		t.Fatalf("want SIMPLE_RETURN body, got\n%s", r.body)
	}
	if got := r.doc.text("RESPONSE/CODE"); got != itoa(code) {
		t.Fatalf("CODE = %q, want %d\n%s", got, code, r.body)
	}
	got := r.doc.text("RESPONSE/TEXT")
	if p, ok := strings.CutSuffix(text, "..."); ok {
		if !strings.HasPrefix(got, p) {
			t.Fatalf("TEXT = %q, want prefix %q", got, p)
		}
	} else if got != text {
		t.Fatalf("TEXT = %q, want %q", got, text)
	}
}

// createdID returns the ID of a "Successfully Created" BATCH_RETURN.
func (r *reply) createdID(t *testing.T) string {
	t.Helper()
	if r.doc == nil || r.doc.text("RESPONSE/BATCH_LIST/BATCH/TEXT") != "Successfully Created" {
		t.Fatalf("not a create BATCH_RETURN:\n%s", r.body)
	}
	return r.doc.text("RESPONSE/BATCH_LIST/BATCH/ID_SET/ID")
}

func itoa(n int) string { return strconv.Itoa(n) }

// xnode is a parsed XML element: name, text (trimmed), children.
type xnode struct {
	Name string
	Text string
	Kids []*xnode
}

func parseXML(t testing.TB, body string) *xnode {
	t.Helper()
	n, err := parseXMLErr(body)
	if err != nil {
		t.Fatalf("bad XML: %v\n%s", err, body)
	}
	return n
}

func parseXMLErr(body string) (*xnode, error) {
	dec := xml.NewDecoder(strings.NewReader(body))
	dec.Strict = true
	var stack []*xnode
	var root *xnode
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			n := &xnode{Name: tk.Name.Local}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Kids = append(p.Kids, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			n := stack[len(stack)-1]
			n.Text = strings.TrimSpace(n.Text)
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(tk)
			}
		}
	}
	return root, nil
}

// find follows a slash-separated path of child names (first match each).
func (n *xnode) find(path string) *xnode {
	cur := n
	for _, part := range strings.Split(path, "/") {
		var next *xnode
		for _, k := range cur.Kids {
			if k.Name == part {
				next = k
				break
			}
		}
		if next == nil {
			return nil
		}
		cur = next
	}
	return cur
}

func (n *xnode) text(path string) string {
	if f := n.find(path); f != nil {
		return f.Text
	}
	return ""
}

// all returns every child named name under path.
func (n *xnode) all(path, name string) []*xnode {
	p := n
	if path != "" {
		p = n.find(path)
	}
	if p == nil {
		return nil
	}
	var out []*xnode
	for _, k := range p.Kids {
		if k.Name == name {
			out = append(out, k)
		}
	}
	return out
}

// names returns the child element names, in order.
func (n *xnode) names() []string {
	var out []string
	for _, k := range n.Kids {
		out = append(out, k.Name)
	}
	return out
}

const (
	mysqlPath   = "/api/2.0/fo/auth/mysql/"
	unixPath    = "/api/2.0/fo/auth/unix/"
	windowsPath = "/api/2.0/fo/auth/windows/"
	authPath    = "/api/2.0/fo/auth/"
	vaultPath   = "/api/2.0/fo/vault/"
	sessionPath = "/api/2.0/fo/session/"
)
