package qualysclient

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qsync/qsync/internal/outbound"
	"github.com/qsync/qsync/internal/qualysclient/masking"
	"github.com/qsync/qsync/internal/qualysclient/unixbody"
	"github.com/qsync/qsync/internal/qualysclient/xmltree"
)

// Config configures a Client. Only BaseURL is required.
type Config struct {
	BaseURL            string        // API server, e.g. https://qualysapi.qualys.com (no /api/... suffix); required
	Username, Password string        // Qualys account, sent with HTTP Basic auth
	UserAgent          string        // default "qsync/dev"
	HTTPClient         *http.Client  // optional; default has Timeout and TLS from CABundle
	CABundle           string        // optional PEM file path added to the system roots
	Timeout            time.Duration // per request, default 60s
	MaxConcurrency     int           // calls in flight at most, default 2
	Stderr             io.Writer     // wait notices; default io.Discard
	Debug              io.Writer     // redacted HTTP trace; nil = off
	// Sleep waits for d or until ctx ends; injectable for tests. The default
	// is a real timer honouring ctx.
	Sleep      func(ctx context.Context, d time.Duration) error
	MaxRetries int // retries of a call refused with 409 code 1960/1965, default 10
	// SecretParams names the request parameters whose values are secrets
	// (case-insensitively), e.g. every secret field of every record kind and
	// vault type the caller knows. They are masked in the Debug trace and in
	// error messages, in addition to the parameters the client's own
	// heuristics treat as secret (a second net for names not listed).
	SecretParams []string
	// MaxWait caps any single wait for a rate or concurrency limit: a call
	// Qualys asks to wait longer fails at once with a *RateLimitError naming
	// the wait and the code, instead of sleeping. 0 means DefaultMaxWait; a
	// negative value means no cap.
	MaxWait time.Duration
}

// DefaultMaxWait is the longest single wait for a Qualys rate or
// concurrency limit when Config.MaxWait is 0: long enough to ride out a
// concurrency refusal or a short rate window, short enough that a CI job
// asked to wait hours fails in seconds instead.
const DefaultMaxWait = 5 * time.Minute

// Client talks to one Qualys API server. It is safe for concurrent use.
type Client struct {
	cfg     Config
	base    string // scheme://host[:port][/prefix], no trailing slash
	secrets masking.SecretNames
	hc      *http.Client
	lim     *limiter

	mu        sync.Mutex
	stats     Stats
	notBefore map[string]time.Time // per endpoint path: earliest next call (X-RateLimit-ToWait-Sec on a 2xx)
	// bodySizes is the largest answer read so far per endpoint path, the room a body buffer is
	// given when an answer does not say its length (see readBody).
	bodySizes map[string]int
	// unauthorized is the first 401 answer: once Qualys has refused the
	// credentials, no further request is sent (repeated failed logins can
	// lock the account).
	unauthorized *APIError
	observed     Observations
	// Until Qualys has answered one request with anything but 401, requests go one at a time:
	// whoever holds the probe token is the only request in flight, so wrong credentials cost
	// exactly one failed login even when callers start many calls at once. credsOK is set by
	// the first answer that is not a 401; from then on calls run in parallel.
	probe   chan struct{}
	credsOK atomic.Bool

	traceMu sync.Mutex
}

// Stats counts what a Client has done so far.
type Stats struct {
	// Calls counts HTTP requests sent, retries included, keyed by
	// "POST /api/2.0/fo/auth/mysql/ update".
	Calls map[string]int
	// RateLimit, RateRemaining and RateWindowSec are the last
	// X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Window-Sec seen.
	RateLimit, RateRemaining, RateWindowSec int
	// Waited is the total time spent waiting out rate and concurrency limits
	// and backing off between read retries.
	Waited time.Duration
}

const (
	defaultUserAgent   = "qsync/dev"
	defaultTimeout     = 60 * time.Second
	defaultConcurrency = 2
	defaultMaxRetries  = 10
	readRetries        = 2 // extra attempts of a list/view after a transport error or 5xx
	maxBodyBytes       = 256 << 20
	maxTraceBody       = 64 << 10
	noticeThreshold    = 5 * time.Second
	backoffBase        = 2 * time.Second
	backoffCap         = 2 * time.Minute
	// concurrencyWaitCap caps one wait after a concurrency refusal (1960): a call
	// in flight finishes in seconds, so a long wait only delays the run.
	concurrencyWaitCap = 30 * time.Second
)

// New returns a Client for cfg, filling in defaults. It refuses plain http
// except to a loopback address (an emulator), since Basic credentials would
// travel in clear text.
func New(cfg Config) (*Client, error) {
	base, err := normalizeBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = defaultUserAgent
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.MaxConcurrency <= 0 {
		cfg.MaxConcurrency = defaultConcurrency
	}
	if cfg.MaxRetries <= 0 {
		cfg.MaxRetries = defaultMaxRetries
	}
	if cfg.Stderr == nil {
		cfg.Stderr = io.Discard
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleepCtx
	}
	if cfg.MaxWait == 0 {
		cfg.MaxWait = DefaultMaxWait
	}
	// The one outbound policy (internal/outbound): only base's origin, credentials to it alone,
	// plain http only to loopback. No redirect is followed, not even within the origin: a POST
	// must not be replayed elsewhere, and do reports the 3xx as an error.
	pol := outbound.Policy{Origin: base, Base: cfg.HTTPClient}
	if cfg.HTTPClient != nil {
		if cfg.CABundle != "" {
			return nil, errors.New("qualys client: CABundle cannot be combined with a custom HTTPClient; configure its TLS instead")
		}
	} else {
		pol.Timeout = cfg.Timeout
		if cfg.CABundle != "" {
			pool, err := loadCABundle(cfg.CABundle)
			if err != nil {
				return nil, err
			}
			pol.RootCAs = pool
		}
	}
	hc, err := outbound.New(pol)
	if err != nil {
		return nil, fmt.Errorf("qualys client: %w", err)
	}
	c := &Client{
		cfg:       cfg,
		base:      base,
		secrets:   masking.NewSecretNames(cfg.SecretParams),
		hc:        hc,
		lim:       newLimiter(cfg.MaxConcurrency),
		stats:     Stats{Calls: map[string]int{}},
		notBefore: map[string]time.Time{},
		bodySizes: map[string]int{},
		probe:     make(chan struct{}, 1),
	}
	c.probe <- struct{}{}
	return c, nil
}

func normalizeBaseURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errors.New("qualys client: BaseURL is required (see --api-url or --platform)")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("qualys client: BaseURL %q is not an http(s) URL", masking.URL(raw))
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("qualys client: BaseURL %q must not carry credentials, a query or a fragment", masking.URL(raw))
	}
	if u.Scheme == "http" && !outbound.IsLoopback(u.Hostname()) {
		return "", fmt.Errorf("qualys client: refusing plain http to %s: credentials would travel in clear text; use https", u.Host)
	}
	p := strings.TrimRight(u.Path, "/")
	if i := strings.Index(p, "/api/"); i >= 0 {
		p = p[:i] // tolerate ".../api/2.0/fo/" suffixes
	} else {
		p = strings.TrimSuffix(p, "/api")
	}
	return u.Scheme + "://" + u.Host + p, nil
}

func loadCABundle(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("qualys client: read CA bundle: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("qualys client: CA bundle %s holds no PEM certificate", path)
	}
	return pool, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Stats returns a copy of the client's counters.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Calls = make(map[string]int, len(c.stats.Calls))
	for k, v := range c.stats.Calls {
		s.Calls[k] = v
	}
	return s
}

// request is one logical Qualys call. do may send it several times, but
// only when Qualys said it did not run (409 with 1960/1965), or for reads.
type request struct {
	op     string // for errors: "create mysql record"
	path   string // "/api/2.0/fo/auth/mysql/"
	action string
	params url.Values // Qualys parameters, without action and echo_request
	write  bool       // create/update/delete: never re-sent after an unknown outcome
	// decode interprets a well-formed answer without a Qualys error CODE.
	// Returning *APIError or *BatchError reports a definite failure; any
	// other error means the answer was not understood.
	decode func(root *xmltree.Node) error
	// sink, when set, takes the records of a record list page while the
	// page is parsed (see recordSink); decode then finds them there.
	sink *recordSink
	// body is the XML body of a unix write with private keys or root tools (see package unixbody);
	// set by do, nil otherwise. The form parameters then go in the query string.
	body []byte
}

// response is one HTTP answer, body fully read.
type response struct {
	status int
	header http.Header
	body   []byte
	buf    *bytes.Buffer // holds body; back to bodyPool once nothing refers to body
}

// bodyPool recycles answer buffers: a list page is about a megabyte, and
// reading each into a fresh, repeatedly grown slice cost more than parsing
// it. The body is read whole before it is parsed, rather than parsed from
// the connection, so that parsing never holds one of the few Qualys
// concurrency slots.
var bodyPool sync.Pool

const maxPooledBody = 32 << 20

func getBodyBuffer() *bytes.Buffer {
	if b, ok := bodyPool.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

func putBodyBuffer(b *bytes.Buffer) {
	if b == nil || b.Cap() > maxPooledBody {
		return
	}
	b.Reset()
	bodyPool.Put(b)
}

// do is the single choke point for Qualys I/O: it applies the concurrency
// limit, sends the request, traces it, learns the limits from the headers,
// types the answer (classify, classifyDecoded), and sends it again only when
// retryPolicy says so: after 1960/1965 refusals, and for reads after
// transient failures; a write whose outcome is unknown is never re-sent.
func (c *Client) do(ctx context.Context, r *request) error {
	form := url.Values{}
	for k, v := range r.params {
		form[k] = append([]string(nil), v...)
	}
	form.Set("action", r.action)
	form.Set("echo_request", "0")
	var bodySecrets []string
	if r.write {
		var err error
		if form, r.body, bodySecrets, err = unixbody.Split(form); err != nil {
			return fmt.Errorf("%s (nothing was sent): %w", r.op, err)
		}
	}
	red := masking.NewRedactor(c.secrets, form, append(bodySecrets, c.cfg.Password)...)

	// pooled is the buffer of the last answer, returned to bodyPool when
	// the next attempt starts or do returns. Errors quote bodies eagerly,
	// except a *bodyError, whose buffer is left to the garbage collector.
	var pooled *bytes.Buffer
	defer func() { putBodyBuffer(pooled) }()
	var t tries
	for {
		var header http.Header
		final, err := c.attempt(ctx, r, form, red, t, &pooled, &header)
		if err == nil || final {
			return err
		}
		next, err := c.retryPolicy(ctx, r, err, header, t)
		switch next.kind {
		case giveUp:
			return err
		case backOff:
			t.retried++
			if err := c.backoff(ctx, r, t.retried); err != nil {
				return err
			}
		case waitThrottled:
			t.throttled++
			if err := c.wait(ctx, r, next.wait, next.code); err != nil {
				return err
			}
		}
	}
}

// attempt sends r once and returns what its answer says: nil when it was decoded, a *sendError
// when no answer came, or the answer's typed error (see classify), for retryPolicy to judge. A
// final error is do's to return as it is: the call was not sent (refused credentials, a wait
// longer than allowed, a cancelled context), Qualys refused the credentials (401), or the answer
// was decoded into a failure. header receives the answer's headers, pooled its body buffer.
func (c *Client) attempt(ctx context.Context, r *request, form url.Values, red *masking.Redactor, t tries, pooled **bytes.Buffer, header *http.Header) (final bool, err error) {
	if err := c.refused(r); err != nil {
		return true, err
	}
	if err := c.waitNotBefore(ctx, r); err != nil {
		return true, err
	}
	probing, err := c.awaitCredentials(ctx, r)
	if err != nil {
		return true, err
	}
	if err := c.lim.acquire(ctx); err != nil {
		c.endProbe(probing, nil)
		return true, fmt.Errorf("%s: %w", r.op, err)
	}
	if err := c.refused(r); err != nil {
		c.lim.release(false)
		c.endProbe(probing, nil)
		return true, err
	}
	resp, err := c.send(ctx, r, form, red, t.throttled+t.retried+1)
	if err != nil {
		c.endProbe(probing, nil)
		return false, &sendError{err}
	}
	if resp.status != http.StatusUnauthorized {
		c.endProbe(probing, resp)
	} // a 401 passes the probe on only once it is recorded (below), so no one else is sent
	*header = resp.header

	putBodyBuffer(*pooled)
	*pooled = resp.buf
	var sink xmltree.Sink // nil, not a nil *recordSink, when there is none
	if r.sink != nil {
		r.sink.Reset()
		sink = r.sink
	}
	root, perr := xmltree.Parse(resp.body, sink)
	var be *xmltree.BodyError
	if errors.As(perr, &be) {
		be.Quote = func(body []byte) string { return quoteSnippet(body, red.Text) }
		*pooled = nil
	}
	err = classify(r, resp, root, perr, red)
	if apiErr, ok := err.(*APIError); ok && resp.status == http.StatusUnauthorized && !apiErr.throttled() {
		c.mu.Lock()
		if c.unauthorized == nil {
			c.unauthorized = apiErr
		}
		c.mu.Unlock()
		c.endProbe(probing, resp)
		return true, apiErr
	}
	if err != nil || r.decode == nil {
		return false, err
	}
	return true, classifyDecoded(r, resp, r.decode(root), red)
}

// refused returns an error, without sending anything, once Qualys has
// answered 401 to any call of this client: the credentials are wrong, and
// every further attempt would count as another failed login.
func (c *Client) refused(r *request) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.unauthorized == nil {
		return nil
	}
	return &NotSentError{Op: r.op, Err: c.unauthorized}
}

// awaitCredentials makes r wait, before anything else is sent, until Qualys has accepted the
// credentials once. It reports whether r is the probe: the one request allowed in flight until
// then, which must call endProbe with its answer.
func (c *Client) awaitCredentials(ctx context.Context, r *request) (bool, error) {
	if c.credsOK.Load() {
		return false, nil
	}
	select {
	case <-c.probe:
	case <-ctx.Done():
		return false, fmt.Errorf("%s: %w", r.op, ctx.Err())
	}
	if c.credsOK.Load() {
		c.probe <- struct{}{}
		return false, nil
	}
	if err := c.refused(r); err != nil {
		c.probe <- struct{}{}
		return false, err
	}
	return true, nil
}

// endProbe passes the probe token on once the probe has its answer (resp is nil when none
// came): any answer but a 401 proves the credentials, and lets every call run in parallel.
func (c *Client) endProbe(probing bool, resp *response) {
	if !probing {
		return
	}
	if resp != nil && resp.status != http.StatusUnauthorized {
		c.credsOK.Store(true)
	}
	c.probe <- struct{}{}
}

// maxWaitReason explains a wait refused for being longer than MaxWait.
func (c *Client) maxWaitReason() string {
	return fmt.Sprintf("longer than the maximum wait %s; raise it with --max-wait or QSYNC_MAX_WAIT, or run later", c.cfg.MaxWait)
}

// send performs one HTTP exchange and releases the concurrency slot that
// the caller acquired.
func (c *Client) send(ctx context.Context, r *request, form url.Values, red *masking.Redactor, attempt int) (resp *response, err error) {
	answered := false
	defer func() { c.lim.release(answered) }()

	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	endpoint := c.base + r.path
	body, contentType := form.Encode(), "application/x-www-form-urlencoded"
	if r.body != nil {
		endpoint += "?" + body
		body, contentType = string(r.body), "text/xml"
	}
	req, err := http.NewRequestWithContext(actx, http.MethodPost, endpoint, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/xml, text/xml")
	req.Header.Set("X-Requested-With", "qsync")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if c.cfg.Username != "" || c.cfg.Password != "" {
		req.SetBasicAuth(c.cfg.Username, c.cfg.Password)
	}
	c.count(http.MethodPost + " " + r.path + " " + r.action)
	c.traceRequest(req, form, red, attempt)

	start := time.Now()
	hr, err := c.hc.Do(req)
	if err != nil {
		c.traceError(req, err, red, time.Since(start))
		return nil, errors.New(red.Text(err.Error()))
	}
	defer hr.Body.Close()
	answered = true
	c.learnLimits(r.path, hr.StatusCode, hr.Header)
	buf, err := c.readBody(r.path, hr)
	b := buf.Bytes()
	if err == nil && len(b) > maxBodyBytes {
		err = fmt.Errorf("answer larger than %d bytes", maxBodyBytes)
	}
	c.traceResponse(req, hr, b, err, red, time.Since(start))
	if err != nil {
		putBodyBuffer(buf)
		return nil, fmt.Errorf("reading answer (HTTP %d): %s", hr.StatusCode, red.Text(err.Error()))
	}
	return &response{status: hr.StatusCode, header: hr.Header, body: b, buf: buf}, nil
}

// readBody reads an answer's body into a pooled buffer given the room the answer needs: its
// Content-Length, or, for an answer that does not say (Qualys and the emulator send list pages
// chunked), a little more than the largest answer of the same endpoint so far. Growing by
// doubling instead allocated about twice each page of a list whose buffer the pool had lost to
// the garbage collector.
func (c *Client) readBody(path string, hr *http.Response) (*bytes.Buffer, error) {
	buf := getBodyBuffer()
	if n := hr.ContentLength; n > 0 && n <= maxBodyBytes {
		buf.Grow(int(n) + 1) // +1: room for the EOF read without growing
	} else if n < 0 {
		c.mu.Lock()
		size := c.bodySizes[path]
		c.mu.Unlock()
		if size > 0 {
			buf.Grow(size + size/8 + bytes.MinRead) // ReadFrom grows unless MinRead bytes are free
		}
	}
	_, err := buf.ReadFrom(io.LimitReader(hr.Body, maxBodyBytes+1))
	if n := buf.Len(); err == nil && n <= maxPooledBody {
		c.mu.Lock()
		c.bodySizes[path] = max(c.bodySizes[path], n)
		c.mu.Unlock()
	}
	return buf, err
}

func (c *Client) count(key string) {
	c.mu.Lock()
	c.stats.Calls[key]++
	c.mu.Unlock()
}

func headerInt(h http.Header, name string) (int, bool) {
	s := strings.TrimSpace(h.Get(name))
	if s == "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, false
	}
	return n, true
}

// learnLimits records the rate-limit headers and adjusts the concurrency
// limit. A 2xx answer announcing that no calls remain also sets the earliest
// time of the next call on that endpoint, so no call is wasted on a 409.
func (c *Client) learnLimits(path string, status int, h http.Header) {
	if n, ok := headerInt(h, "X-Concurrency-Limit-Limit"); ok {
		c.lim.setLimit(n)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.observeAnswer(status, limitHeaderNames(h))
	if n, ok := headerInt(h, "X-RateLimit-Limit"); ok {
		c.stats.RateLimit = n
	}
	if n, ok := headerInt(h, "X-RateLimit-Window-Sec"); ok {
		c.stats.RateWindowSec = n
	}
	if n, ok := headerInt(h, "X-RateLimit-Remaining"); ok {
		c.stats.RateRemaining = n
		if wait, ok := headerInt(h, "X-RateLimit-ToWait-Sec"); ok && n <= 0 && wait > 0 && status >= 200 && status <= 299 {
			c.notBefore[path] = time.Now().Add(time.Duration(wait) * time.Second)
		}
	}
}

// waitNotBefore waits until the endpoint's announced next-call time.
func (c *Client) waitNotBefore(ctx context.Context, r *request) error {
	c.mu.Lock()
	nb, ok := c.notBefore[r.path]
	if ok {
		delete(c.notBefore, r.path)
	}
	c.mu.Unlock()
	if !ok {
		return nil
	}
	d := time.Until(nb).Round(time.Second)
	if d <= 0 {
		return nil
	}
	if c.cfg.MaxWait > 0 && d > c.cfg.MaxWait {
		return &RateLimitError{Op: r.op, Wait: d, MaxWait: c.cfg.MaxWait, Reason: "X-RateLimit-Remaining 0: the announced wait is " + c.maxWaitReason()}
	}
	return c.wait(ctx, r, d, 0)
}

// throttleWait is how long to wait after a 409 1960/1965: the
// X-RateLimit-ToWait-Sec header, else the SECONDS_TO_WAIT item, else capped
// exponential backoff with jitter.
//
// A concurrency refusal (1960) is about calls in flight, which finish in
// seconds, not about the rate window: whatever is announced, its wait is at
// most concurrencyWaitCap (a storm of 1960s never backs off to minutes).
func throttleWait(h http.Header, sr *simpleReturn, attempt int) time.Duration {
	d := rateWait(h, sr, attempt)
	if sr.Code == 1960 {
		d = min(d, concurrencyWaitCap)
	}
	return d
}

func rateWait(h http.Header, sr *simpleReturn, attempt int) time.Duration {
	if n, ok := headerInt(h, "X-RateLimit-ToWait-Sec"); ok && n > 0 {
		return time.Duration(n) * time.Second
	}
	if n, err := strconv.Atoi(strings.TrimSpace(sr.Items["SECONDS_TO_WAIT"])); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return jitteredBackoff(attempt)
}

// jitteredBackoff returns a duration in [d/2, d] for d = base*2^attempt,
// capped.
func jitteredBackoff(attempt int) time.Duration {
	d := backoffBase
	for i := 0; i < attempt && d < backoffCap; i++ {
		d *= 2
	}
	d = min(d, backoffCap)
	return d/2 + rand.N(d/2+1)
}

// wait sleeps d on behalf of r, telling the user when the wait is long.
func (c *Client) wait(ctx context.Context, r *request, d time.Duration, code int) error {
	if d >= noticeThreshold {
		what := "rate limit"
		if code == 1960 {
			what = "concurrency limit"
		}
		suffix := ""
		if code != 0 {
			suffix = fmt.Sprintf(" (code %d)", code)
		}
		fmt.Fprintf(c.cfg.Stderr, "qsync: Qualys %s reached on %s; waiting %s%s\n", what, r.path, d.Round(time.Second), suffix)
	}
	if c.cfg.Debug != nil {
		c.writeTrace(fmt.Appendf(nil, "--- %s: waiting %s before the next call (code %d)\n", r.op, d, code))
	}
	c.mu.Lock()
	c.stats.Waited += d
	c.mu.Unlock()
	if err := c.cfg.Sleep(ctx, d); err != nil {
		what := "rate limit"
		if code == 1960 {
			what = "concurrency limit"
		}
		return fmt.Errorf("%s: waiting out the Qualys %s: %w", r.op, what, err)
	}
	return nil
}

// backoff waits before retrying a read.
func (c *Client) backoff(ctx context.Context, r *request, attempt int) error {
	d := time.Duration(attempt) * time.Second
	c.mu.Lock()
	c.stats.Waited += d
	c.mu.Unlock()
	if err := c.cfg.Sleep(ctx, d); err != nil {
		return fmt.Errorf("%s: %w", r.op, err)
	}
	return nil
}

// traceRequest writes the request to the debug trace, secrets masked.
func (c *Client) traceRequest(req *http.Request, form url.Values, red *masking.Redactor, attempt int) {
	if c.cfg.Debug == nil {
		return
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "--> %s %s (attempt %d)\n", req.Method, red.URL(req.URL), attempt)
	b.WriteString(red.Headers(req.Header))
	fmt.Fprintf(&b, "  body: %s\n", red.Params(form))
	if r := req.Header.Get("Content-Type"); r == "text/xml" && req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			x, _ := io.ReadAll(rc)
			fmt.Fprintf(&b, "  xml: %s\n", red.Text(string(x)))
		}
	}
	c.writeTrace(b.Bytes())
}

func (c *Client) traceError(req *http.Request, err error, red *masking.Redactor, d time.Duration) {
	if c.cfg.Debug == nil {
		return
	}
	c.writeTrace(fmt.Appendf(nil, "<-- %s %s: error after %s: %s\n", req.Method, red.URL(req.URL), d.Round(time.Millisecond), red.Text(err.Error())))
}

func (c *Client) traceResponse(req *http.Request, hr *http.Response, body []byte, readErr error, red *masking.Redactor, d time.Duration) {
	if c.cfg.Debug == nil {
		return
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "<-- %s %s %s (%s)\n", hr.Status, req.Method, red.URL(req.URL), d.Round(time.Millisecond))
	b.WriteString(red.Headers(hr.Header))
	shown := body
	if len(shown) > maxTraceBody {
		shown = shown[:maxTraceBody]
	}
	fmt.Fprintf(&b, "  body (%d bytes):\n%s\n", len(body), red.Text(string(shown)))
	if len(shown) < len(body) {
		fmt.Fprintf(&b, "  [trace truncated after %d bytes]\n", maxTraceBody)
	}
	if readErr != nil {
		fmt.Fprintf(&b, "  read error: %s\n", red.Text(readErr.Error()))
	}
	c.writeTrace(b.Bytes())
}

func (c *Client) writeTrace(p []byte) {
	c.traceMu.Lock()
	defer c.traceMu.Unlock()
	_, _ = c.cfg.Debug.Write(p)
}
