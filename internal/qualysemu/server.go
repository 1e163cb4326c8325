package qualysemu

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
	"github.com/qsync/qsync/internal/qualysemu/wire"
	"go4.org/netipx"
)

// Server is the emulator: an http.Handler serving the Qualys auth record,
// vault and session APIs from memory, plus the /_emulator/ admin endpoints.
type Server struct {
	cfg Config
	lim *limiter

	mu       sync.Mutex // guards st, ipCache, sessions
	st       *store
	ipCache  map[int64]ipCacheEntry
	sessions map[string]string // QualysSession cookie value -> user

	logMu       sync.Mutex // guards log, inFlight, maxInFlight
	log         []LoggedRequest
	inFlight    int
	maxInFlight int

	faultMu sync.Mutex
	faults  []*Fault

	variantMu sync.RWMutex
	variants  map[string]bool // see variants.go
}

type ipCacheEntry struct {
	stored string
	set    *netipx.IPSet
}

// LoggedRequest is one entry of the request log (Server.Requests and
// GET /_emulator/requests).
type LoggedRequest struct {
	Time   time.Time `json:"time"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Action string    `json:"action,omitempty"`
	User   string    `json:"user,omitempty"`
	// Params holds the request parameters (query and form; the last value
	// of a repeated name), secrets replaced by "********".
	Params url.Values `json:"params"`
	// Status is the HTTP status answered (or that would have been answered,
	// when the connection was dropped).
	Status int `json:"status"`
	// Code is the Qualys error code of the answer; 0 when none.
	Code int `json:"code,omitempty"`
	// Write is true for a create, update or delete that took effect.
	Write bool `json:"write"`
	// Fault is the injected fault that hit the call, in ParseFault form.
	Fault string `json:"fault,omitempty"`
	// Dropped is true when the connection was closed without an answer.
	Dropped bool `json:"dropped,omitempty"`
}

// New returns a Server. When cfg.StatePath names an existing file, the state
// is loaded from it.
func New(cfg Config) (*Server, error) {
	if err := cfg.Normalize(); err != nil {
		return nil, err
	}
	if err := checkVariants(cfg.Variants); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, lim: newLimiter(cfg), ipCache: map[int64]ipCacheEntry{}, sessions: map[string]string{},
		st: newStore(cfg.FirstRecordID, cfg.FirstVaultID)}
	_ = s.SetVariants(cfg.Variants...)
	if cfg.StatePath != "" {
		state, ok, err := loadStateFile(cfg.StatePath)
		if err != nil {
			return nil, err
		}
		if ok {
			st, err := storeFromState(state, cfg.FirstRecordID, cfg.FirstVaultID)
			if err != nil {
				return nil, fmt.Errorf("state file %s: %w", cfg.StatePath, err)
			}
			s.st = st
		}
	}
	return s, nil
}

// Snapshot returns a deep copy of the records and vaults, sorted by ID,
// stored secrets included.
func (s *Server) Snapshot() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.state()
}

// Requests returns every logged request in order.
func (s *Server) Requests() []LoggedRequest {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make([]LoggedRequest, len(s.log))
	copy(out, s.log)
	return out
}

// ResetRequests empties the request log and resets MaxInFlight.
func (s *Server) ResetRequests() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.log = nil
	s.maxInFlight = s.inFlight
}

// MaxInFlight returns the highest number of API calls in flight at once
// since the start or the last ResetRequests.
func (s *Server) MaxInFlight() int {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return s.maxInFlight
}

func (s *Server) enter() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
}

func (s *Server) leave() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.inFlight--
}

func (s *Server) logRequest(e LoggedRequest) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.log = append(s.log, e)
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.Logf != nil {
		s.cfg.Logf(format, args...)
	}
}

// endpoint kinds.
const (
	epAuthAll = iota
	epAuthType
	epVault
	epSession
)

// endpoint is a routed Qualys API path.
type endpoint struct {
	kind int
	rt   *kinds.RecordType
	api  string // canonical path: the unit of rate and concurrency limits
	name string // fault endpoint name
}

// route maps a path to an endpoint. "X/", "X", "X/index.php" and
// "X/index.php/" are the same endpoint (REFERENCE.md §1).
func route(path string) *endpoint {
	p := strings.TrimSuffix(path, "/")
	p = strings.TrimSuffix(p, "/index.php")
	switch {
	case p == "/api/2.0/fo/auth":
		return &endpoint{kind: epAuthAll, api: "/api/2.0/fo/auth/", name: "auth"}
	case strings.HasPrefix(p, "/api/2.0/fo/auth/"):
		rt := kinds.RecordTypeByName(strings.TrimPrefix(p, "/api/2.0/fo/auth/"))
		if rt == nil {
			return nil
		}
		return &endpoint{kind: epAuthType, rt: rt, api: "/api/2.0/fo/auth/" + rt.Name + "/", name: rt.Name}
	case p == "/api/2.0/fo/vault":
		return &endpoint{kind: epVault, api: "/api/2.0/fo/vault/", name: "vault"}
	case p == "/api/2.0/fo/session":
		return &endpoint{kind: epSession, api: "/api/2.0/fo/session/", name: "session"}
	}
	return nil
}

// response is a fully prepared answer; it is written only after logging, so
// a dropped connection can still be recorded.
type response struct {
	status      int
	body        []byte
	contentType string
	code        int  // Qualys error code in the body
	write       bool // a write took effect
	limits      *limitInfo
	cookies     []*http.Cookie
	drop        bool
	errText     string // "CODE TEXT" of an error answer
}

// reqCtx carries what every handler needs about one request.
type reqCtx struct {
	r    *http.Request
	p    *wire.Params
	user string
	base string // scheme://host used in DOCTYPE and WARNING URLs
	now  time.Time
	echo bool
	// pinID is the ID a seed entry asks for (0: the next in sequence).
	pinID int64
	// variants are the answer variants active for this request (see variants.go).
	variants map[string]bool
	// seed marks the synthetic request of a seed entry, which may create
	// records of a seedOnly type.
	seed bool
}

func (s *Server) newCtx(r *http.Request, p *wire.Params) *reqCtx {
	base := s.cfg.BaseURL
	if base == "" {
		base = "http://" + r.Host
		if r.TLS != nil {
			base = "https://" + r.Host
		}
	}
	return &reqCtx{r: r, p: p, base: base, now: s.cfg.Now(), variants: s.activeVariants()}
}

// requestNode is the REQUEST block of echo_request=1; secrets are masked.
func (c *reqCtx) requestNode() *wire.Node {
	if !c.echo {
		return nil
	}
	n := wire.El("REQUEST", wire.Txt("DATETIME", wire.QualysTime(c.now)), wire.CData("USER_LOGIN", c.user), wire.CData("RESOURCE", c.r.URL.Path))
	if len(c.p.List) > 0 {
		pl := wire.El("PARAM_LIST")
		for _, kv := range c.p.List {
			v := kv.Value
			if kinds.IsSecretParam(kv.Key) {
				v = wire.Mask
			}
			pl.Add(wire.El("PARAM", wire.CData("KEY", kv.Key), wire.CData("VALUE", v)))
		}
		n.Add(pl)
	}
	return n
}

// simpleReturn renders a SIMPLE_RETURN. Errors (code != 0) start with the
// DOCTYPE like the real 400 capture; successes carry an XML declaration.
func (c *reqCtx) simpleReturn(status, code int, text string, items [][2]string) *response {
	resp := wire.El("RESPONSE", wire.Txt("DATETIME", wire.QualysTime(c.now)))
	if code != 0 {
		resp.Add(wire.Txt("CODE", fmt.Sprint(code)))
	}
	resp.Add(wire.Txt("TEXT", text))
	if len(items) > 0 {
		il := wire.El("ITEM_LIST")
		for _, it := range items {
			il.Add(wire.El("ITEM", wire.Txt("KEY", it[0]), wire.Txt("VALUE", it[1])))
		}
		resp.Add(il)
	}
	root := wire.El("SIMPLE_RETURN", c.requestNode(), resp)
	return &response{status: status, code: code, body: wire.Doc(root, c.base+"/api/2.0/simple_return.dtd", code == 0)}
}

func (c *reqCtx) errorResp(e *wire.Error) *response {
	resp := c.simpleReturn(e.Status, e.Code, e.Text, e.Items)
	resp.errText = fmt.Sprintf("%d %s", e.Code, e.Text)
	return resp
}

// ok renders a success document.
func (c *reqCtx) ok(root *wire.Node, dtdPath string) *response {
	applyVariants(c.variants, root)
	return &response{status: http.StatusOK, body: wire.Doc(root, c.base+dtdPath, true)}
}

// action returns the action parameter, checking it is one of valid.
func (c *reqCtx) action(valid ...string) (string, *wire.Error) {
	a := c.p.Get("action")
	if a == "" {
		return "", wire.Missing("action")
	}
	if !slices.Contains(valid, a) {
		return "", wire.Invalid("action", a, "")
	}
	return a, nil
}

// checkMethod enforces POST for writes and GET or POST for reads
// (code 1908).
func (c *reqCtx) checkMethod(action string, write bool) *wire.Error {
	m := c.r.Method
	if m == http.MethodPost || (m == http.MethodGet && !write) {
		return nil
	}
	return wire.Method(action)
}

func checkEcho(p *wire.Params) *wire.Error {
	if v := p.Get("echo_request"); p.Has("echo_request") && v != "0" && v != "1" {
		return wire.Invalid("echo_request", v, "must be 0 or 1")
	}
	return nil
}

// ServeHTTP serves the Qualys API paths and the /_emulator/ admin paths.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/_emulator" || strings.HasPrefix(r.URL.Path, "/_emulator/") {
		s.serveAdmin(w, r)
		return
	}
	s.enter()
	defer s.leave()
	entry := LoggedRequest{Time: s.cfg.Now(), Method: r.Method, Path: r.URL.Path}
	resp, release := s.handle(r, &entry)
	defer release()
	entry.Status, entry.Code, entry.Write, entry.Dropped = resp.status, resp.code, resp.write, resp.drop
	s.logRequest(entry)
	if resp.contentType == "" && resp.status == http.StatusBadRequest {
		resp.contentType = s.cfg.ErrorContentType
	}
	writeResponse(w, resp)
}

func writeResponse(w http.ResponseWriter, resp *response) {
	if resp.drop {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	h := w.Header()
	if resp.limits != nil {
		resp.limits.setHeaders(h)
	}
	for _, c := range resp.cookies {
		http.SetCookie(w, c)
	}
	ct := resp.contentType
	if ct == "" {
		ct = "text/xml;charset=UTF-8"
	}
	h.Set("Content-Type", ct)
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

var noop = func() {}

// handle runs the checks every call goes through, in this order: route,
// parameters, authentication (401 2000, no limit headers), X-Requested-With,
// injected faults, concurrency (1960) then rate (1965), the endpoint.
func (s *Server) handle(r *http.Request, entry *LoggedRequest) (*response, func()) {
	ep := route(r.URL.Path)
	if ep == nil {
		return &response{status: http.StatusNotFound, contentType: "text/plain; charset=utf-8",
			body: []byte("404 page not found\n")}, noop
	}
	p, err := wire.ParseParams(r)
	if err != nil {
		p = &wire.Params{Last: map[string]string{}}
		c := s.newCtx(r, p)
		return c.errorResp(&wire.Error{Status: 400, Code: 1905, Text: "request body could not be read: " + err.Error()}), noop
	}
	c := s.newCtx(r, p)
	entry.Params = p.Masked()
	entry.Action = p.Get("action")

	if ep.kind == epSession {
		return s.handleSessionCall(c, ep, entry), noop
	}
	user, ok := s.authenticate(r)
	if !ok {
		return badLogin(c), noop
	}
	c.user, entry.User = user, user
	c.echo = p.Get("echo_request") == "1"

	if !s.cfg.AllowMissingRequestedWith && r.Header.Get("X-Requested-With") == "" {
		info := s.lim.peek(user, ep.api)
		resp := c.errorResp(&wire.Error{Status: 400, Code: s.cfg.MissingRequestedWithCode, Text: "Missing required header: X-Requested-With"})
		resp.limits = &info
		return resp, noop
	}

	if resp := c.variantRefusal(); resp != nil {
		return resp, noop
	}
	if resp := c.variantAbsent(ep); resp != nil {
		return resp, noop
	}
	if resp := c.variantForbidden(ep); resp != nil {
		return resp, noop
	}
	f := s.takeFault(ep.name, entry.Action)
	if f != nil {
		entry.Fault = f.String()
		if f.replaces() {
			return s.faultResponse(c, ep, f), noop
		}
	}

	info, release := s.lim.acquire(user, ep.api)
	if info.blocked != nil {
		resp := c.errorResp(info.blocked)
		resp.limits = &info
		return resp, noop
	}
	if f != nil && f.Kind == FaultSlow {
		sleepCtx(r.Context(), f.Delay)
	}
	if e := checkASCII(c); e != nil {
		resp := c.errorResp(e)
		resp.limits = &info
		return resp, release
	}
	var resp *response
	switch ep.kind {
	case epAuthAll:
		resp = s.handleAuthList(c)
	case epAuthType:
		resp = s.handleRecords(c, ep.rt)
	case epVault:
		resp = s.handleVaults(c)
	}
	resp.limits = &info
	if f != nil && f.Kind == FaultDropAfter {
		resp.drop = true
	}
	return resp, release
}

func (s *Server) faultResponse(c *reqCtx, ep *endpoint, f *Fault) *response {
	if f.Kind == FaultDropBefore {
		return &response{status: 0, drop: true}
	}
	resp := c.errorResp(f.answer())
	if ep.kind == epSession {
		return resp
	}
	info := s.lim.peek(c.user, ep.api)
	switch f.Kind {
	case FaultRateLimit:
		info.remaining, info.toWait = 0, f.Wait
	case FaultConcurrency:
		info.running, info.toWait = info.concLimit, f.Wait
	}
	resp.limits = &info
	return resp
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func badLogin(c *reqCtx) *response {
	return c.errorResp(&wire.Error{Status: http.StatusUnauthorized, Code: 2000, Text: "Bad Login/Password"})
}

// authenticate accepts Basic auth or a QualysSession cookie.
func (s *Server) authenticate(r *http.Request) (string, bool) {
	if r.Header.Get("Authorization") != "" {
		u, p, ok := r.BasicAuth()
		if !ok {
			return "", false
		}
		return u, s.credentialsOK(u, p)
	}
	if ck, err := r.Cookie("QualysSession"); err == nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		u, ok := s.sessions[ck.Value]
		return u, ok
	}
	return "", false
}

func (s *Server) credentialsOK(u, p string) bool {
	uok := subtle.ConstantTimeCompare([]byte(u), []byte(s.cfg.Username)) == 1
	pok := subtle.ConstantTimeCompare([]byte(p), []byte(s.cfg.Password)) == 1
	return uok && pok
}

// handleSessionCall serves /api/2.0/fo/session/ (login and logout). Session
// calls are exempt from the limits and carry no limit headers.
func (s *Server) handleSessionCall(c *reqCtx, ep *endpoint, entry *LoggedRequest) *response {
	c.echo = false
	if !s.cfg.AllowMissingRequestedWith && c.r.Header.Get("X-Requested-With") == "" {
		return c.errorResp(&wire.Error{Status: 400, Code: s.cfg.MissingRequestedWithCode, Text: "Missing required header: X-Requested-With"})
	}
	action, e := c.action("login", "logout")
	if e != nil {
		return c.errorResp(e)
	}
	if f := s.takeFault(ep.name, action); f != nil {
		entry.Fault = f.String()
		if f.replaces() {
			return s.faultResponse(c, ep, f)
		}
		if f.Kind == FaultSlow {
			sleepCtx(c.r.Context(), f.Delay)
		}
		if f.Kind == FaultDropAfter {
			resp := s.sessionAction(c, action, entry)
			resp.drop = true
			return resp
		}
	}
	return s.sessionAction(c, action, entry)
}

func (s *Server) sessionAction(c *reqCtx, action string, entry *LoggedRequest) *response {
	p := c.p
	if e := c.checkMethod(action, true); e != nil {
		return c.errorResp(e)
	}
	switch action {
	case "login":
		if unk := p.Unknown(map[string]bool{"action": true, "username": true, "password": true}); len(unk) > 0 {
			return c.errorResp(wire.Unrecognized(unk))
		}
		var missing []string
		for _, k := range []string{"username", "password"} {
			if !p.Given(k) {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			return c.errorResp(wire.Missing(missing...))
		}
		if !s.credentialsOK(p.Get("username"), p.Get("password")) {
			return badLogin(c)
		}
		token := newToken()
		s.mu.Lock()
		s.sessions[token] = p.Get("username")
		s.mu.Unlock()
		entry.User = p.Get("username")
		resp := c.simpleReturn(http.StatusOK, 0, "Logged in", nil)
		resp.cookies = []*http.Cookie{{Name: "QualysSession", Value: token, Path: "/api", HttpOnly: true, Secure: c.r.TLS != nil}}
		return resp
	default: // logout
		if unk := p.Unknown(map[string]bool{"action": true}); len(unk) > 0 {
			return c.errorResp(wire.Unrecognized(unk))
		}
		ck, err := c.r.Cookie("QualysSession")
		if err != nil {
			return badLogin(c)
		}
		s.mu.Lock()
		user, ok := s.sessions[ck.Value]
		delete(s.sessions, ck.Value)
		s.mu.Unlock()
		if !ok {
			return badLogin(c)
		}
		entry.User = user
		resp := c.simpleReturn(http.StatusOK, 0, "Logged out", nil)
		resp.cookies = []*http.Cookie{{Name: "QualysSession", Value: "", Path: "/api", MaxAge: -1, HttpOnly: true}}
		return resp
	}
}

func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// commit saves the state after a write. On failure the previous state is
// restored, so the call has no effect, and a 500 is answered.
func (s *Server) commit(prev *store) *wire.Error {
	if s.cfg.StatePath == "" {
		return nil
	}
	if err := saveStateFile(s.cfg.StatePath, s.st.state()); err != nil {
		s.st = prev
		s.logf("qualysemu: %v", err)
		return &wire.Error{Status: http.StatusInternalServerError, Code: 999, Text: "Internal error. Please contact customer support."}
	}
	return nil
}

// beginWrite returns what commit needs to roll back. Caller holds s.mu.
func (s *Server) beginWrite() *store {
	if s.cfg.StatePath == "" {
		return nil
	}
	return s.st.clone()
}

// SaveState writes the state file now (a no-op without StatePath).
func (s *Server) SaveState() error {
	if s.cfg.StatePath == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return saveStateFile(s.cfg.StatePath, s.st.state())
}

// readAllLimited reads at most maxBodyBytes of r.
func readAllLimited(r io.Reader) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, wire.MaxBodyBytes))
}
