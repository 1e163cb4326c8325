// Package outbound owns the one HTTP policy every outbound client of qsync follows: the Qualys
// client, the GitHub and GitLab clients of qsync comment, and any client added later. A client
// gets its *http.Client from New and nowhere else, so a new client inherits the policy instead of
// re-deriving it:
//
//   - one origin: the client talks to the scheme, host and port of the URL it was configured
//     with. A redirect to another scheme, host or port is never followed: with FollowRedirects
//     it is an error naming both origins, without it no redirect is followed at all and the
//     caller sees the 3xx answer (and may, like a download from object storage, make a new
//     request without credentials through a client of that other origin).
//   - credentials only to that origin: a request carrying a credential (Authorization,
//     Proxy-Authorization, Cookie, PRIVATE-TOKEN, JOB-TOKEN, any header the Policy adds, or user
//     information in the URL) to any other origin is refused before it is sent, whoever built it.
//   - plain http only to loopback (an emulator or a test server); https everywhere else, with
//     TLS 1.2 at least and verification always on.
//
// Example, for a new client:
//
//	hc, err := outbound.New(outbound.Policy{Origin: apiURL, CredentialHeaders: []string{"X-Api-Key"}})
//	if err != nil { return err }
//	// use hc for every request of this client, and only to apiURL's origin
package outbound

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Policy configures the client New returns.
type Policy struct {
	// Origin is the URL of the one server the client talks to (only its scheme, host and port
	// count); required. It must be https, or http to a loopback address.
	Origin string
	// CredentialHeaders names headers that carry a credential, besides those every client
	// treats so (see DefaultCredentialHeaders).
	CredentialHeaders []string
	// FollowRedirects follows a redirect within the origin (at most 10); one to another origin
	// is then an error. Without it no redirect is followed: the caller sees the 3xx answer.
	FollowRedirects bool
	// Timeout bounds each request, answer included; 0 means none (the caller's context then
	// decides).
	Timeout time.Duration
	// RootCAs replaces the system roots when set (for a TLS-inspecting proxy's bundle).
	RootCAs *x509.CertPool
	// Base, when set, supplies the transport (a test server's, a recording one) and the cookie
	// jar; its CheckRedirect is replaced and its transport wrapped by the policy. It cannot be
	// combined with RootCAs: configure its TLS instead.
	Base *http.Client
}

// DefaultCredentialHeaders are the headers every client treats as credentials.
var DefaultCredentialHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Private-Token", "Job-Token"}

// PolicyError is a request or redirect the policy refused. Its message names the origins, never
// a credential, a query or user information.
type PolicyError struct {
	From, To string // origins (scheme://host:port); From is empty for a request that is no redirect
	Reason   string
}

func (e *PolicyError) Error() string {
	if e.From != "" {
		return fmt.Sprintf("refusing to follow a redirect from %s to %s: %s", e.From, e.To, e.Reason)
	}
	return fmt.Sprintf("refusing a request to %s: %s", e.To, e.Reason)
}

// New returns the http.Client of one outbound client, following Policy p (see the package
// comment).
func New(p Policy) (*http.Client, error) {
	origin, err := CheckURL(p.Origin)
	if err != nil {
		return nil, err
	}
	var hc http.Client
	switch {
	case p.Base != nil && p.RootCAs != nil:
		return nil, errors.New("outbound: a CA bundle cannot be combined with a custom HTTP client; configure its TLS instead")
	case p.Base != nil:
		hc = *p.Base
	}
	next := hc.Transport
	if next == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: p.RootCAs}
		next = tr
	}
	creds := map[string]bool{}
	for _, h := range slices.Concat(DefaultCredentialHeaders, p.CredentialHeaders) {
		creds[http.CanonicalHeaderKey(h)] = true
	}
	hc.Transport = &transport{origin: origin, creds: creds, next: next}
	if p.Timeout > 0 {
		hc.Timeout = p.Timeout
	}
	follow := p.FollowRedirects
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !follow {
			return http.ErrUseLastResponse // the caller sees the 3xx answer; nothing is sent
		}
		from := via[len(via)-1].URL
		if to := Origin(req.URL); to != Origin(from) || to != origin {
			return &PolicyError{From: Origin(from), To: to, Reason: "another scheme, host or port than " + origin}
		}
		if len(via) >= 10 {
			return &PolicyError{From: Origin(from), To: Origin(req.URL), Reason: "more than 10 redirects"}
		}
		return nil
	}
	return &hc, nil
}

// CheckURL parses raw as the URL of an API server and returns its origin: the scheme must be
// https, or http to a loopback address (localhost, 127.0.0.0/8, ::1), since anything else would
// send credentials in clear text. Errors never quote user information or a query.
func CheckURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute http(s) URL", Redact(raw))
	}
	if err := checkScheme(u); err != nil {
		return "", err
	}
	return Origin(u), nil
}

func checkScheme(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if IsLoopback(u.Hostname()) {
			return nil
		}
		return &PolicyError{To: Origin(u), Reason: "plain http is allowed only to a loopback address; credentials and bodies would travel in clear text: use https"}
	}
	return &PolicyError{To: Origin(u), Reason: "the scheme must be https (or http to a loopback address)"}
}

// Origin returns u's scheme://host:port, lower-cased, with the scheme's default port made
// explicit, so that two spellings of one origin compare equal.
func Origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// IsLoopback reports whether host names the local machine: "localhost" or a loopback IP.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Redact returns raw with any user information and query masked, for an error about a URL.
func Redact(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		if i := strings.IndexAny(raw, "@?#"); i >= 0 {
			return raw[:i] + "…"
		}
		return raw
	}
	if u.User != nil {
		u.User = url.User("********")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		u.RawQuery, u.Fragment, u.RawFragment = "********", "", ""
	}
	return u.String()
}

// transport enforces the policy on every request, a redirect's included: the scheme, and
// credentials only to the origin.
type transport struct {
	origin string
	creds  map[string]bool
	next   http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := checkScheme(req.URL); err != nil {
		closeBody(req)
		return nil, err
	}
	if to := Origin(req.URL); to != t.origin {
		if h := t.credential(req); h != "" {
			closeBody(req)
			return nil, &PolicyError{To: to, Reason: h + " is sent only to " + t.origin}
		}
	}
	return t.next.RoundTrip(req)
}

// credential names the first credential req carries, or "".
func (t *transport) credential(req *http.Request) string {
	if req.URL.User != nil {
		return "user information"
	}
	for _, k := range slices.Sorted(maps.Keys(req.Header)) {
		if t.creds[http.CanonicalHeaderKey(k)] && len(req.Header[k]) > 0 {
			return http.CanonicalHeaderKey(k)
		}
	}
	return ""
}

// closeBody closes a request's body, as a RoundTripper must even when it refuses the request.
func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// Enforced reports whether hc follows an outbound policy (was made by New), so that each client
// can prove in a test that it uses one.
func Enforced(hc *http.Client) bool {
	_, ok := hc.Transport.(*transport)
	return ok && hc.CheckRedirect != nil
}
