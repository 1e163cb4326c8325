package outbound

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// counter is a test server that counts the requests it receives and records the last one's
// credential headers.
type counter struct {
	n    atomic.Int32
	auth atomic.Value // string: the Authorization, PRIVATE-TOKEN and X-Api-Key headers seen last
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.n.Add(1)
	c.auth.Store(r.Header.Get("Authorization") + r.Header.Get("PRIVATE-TOKEN") + r.Header.Get("X-Api-Key"))
	_, _ = io.WriteString(w, "ok")
}

func TestCheckURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://qualysapi.qualys.com":          "https://qualysapi.qualys.com:443",
		"https://API.example.com:8443/api/v4":   "https://api.example.com:8443",
		"http://127.0.0.1:8080":                 "http://127.0.0.1:8080",
		"http://localhost":                      "http://localhost:80",
		"http://[::1]:9000/x":                   "http://[::1]:9000",
		"http://gitlab.example.com/api/v4":      "",
		"http://10.0.0.1:8080":                  "",
		"ftp://files.example.com":               "",
		"file:///etc/passwd":                    "",
		"gitlab.example.com/api/v4":             "",
		"https://user:hunter2@x.example.com/?t": "https://x.example.com:443",
	} {
		got, err := CheckURL(raw)
		if want == "" {
			if err == nil {
				t.Errorf("CheckURL(%q) = %q, want an error", raw, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("CheckURL(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
	_, err := CheckURL("http://user:hunter2@remote.example.com/?token=abc")
	if err == nil || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "abc") {
		t.Errorf("plain http with credentials in the URL: %v (must be refused without quoting them)", err)
	}
}

// TestRedirectToAnotherOriginIsRefused: a redirect to another host, port or scheme is an error
// when redirects are followed, and returned as the 3xx answer when they are not; either way the
// other server receives nothing, the credential headers least of all.
func TestRedirectToAnotherOriginIsRefused(t *testing.T) {
	var other counter
	evil := httptest.NewServer(&other)
	defer evil.Close()
	evilTLS := httptest.NewTLSServer(&other)
	defer evilTLS.Close()
	for _, target := range []string{evil.URL + "/steal", evilTLS.URL + "/steal"} {
		for _, follow := range []bool{false, true} {
			home := httptest.NewServer(http.RedirectHandler(target, http.StatusTemporaryRedirect))
			hc, err := New(Policy{Origin: home.URL, FollowRedirects: follow, CredentialHeaders: []string{"X-Api-Key"}})
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest(http.MethodPost, home.URL+"/notes", strings.NewReader("the body"))
			req.Header.Set("PRIVATE-TOKEN", "glpat-canary")
			req.Header.Set("X-Api-Key", "key-canary")
			resp, err := hc.Do(req)
			var pe *PolicyError
			switch {
			case follow && !errors.As(err, &pe):
				t.Errorf("redirect to %s (following): err %v, want a *PolicyError", target, err)
			case !follow && (err != nil || resp.StatusCode != http.StatusTemporaryRedirect):
				t.Errorf("redirect to %s (not following): %v, %v; want the 307 answer", target, resp, err)
			}
			if resp != nil {
				resp.Body.Close()
			}
			home.Close()
		}
	}
	if n := other.n.Load(); n != 0 {
		t.Errorf("the other origin received %d request(s)", n)
	}
}

func TestRedirectWithinTheOrigin(t *testing.T) {
	var c counter
	mux := http.NewServeMux()
	mux.Handle("/old", http.RedirectHandler("/new", http.StatusMovedPermanently))
	mux.Handle("/new", &c)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	hc, err := New(Policy{Origin: srv.URL, FollowRedirects: true})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/old", nil)
	req.Header.Set("Authorization", "Bearer tok-canary")
	resp, err := hc.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("same-origin redirect, following: %v %v", resp, err)
	}
	resp.Body.Close()
	if c.n.Load() != 1 || c.auth.Load() != "Bearer tok-canary" {
		t.Errorf("the redirect target saw %d request(s), credentials %q", c.n.Load(), c.auth.Load())
	}

	hc, _ = New(Policy{Origin: srv.URL})
	resp, err = hc.Get(srv.URL + "/old")
	if err != nil || resp.StatusCode != http.StatusMovedPermanently {
		t.Fatalf("same-origin redirect, not following: %v %v; want the 301 itself", resp, err)
	}
	resp.Body.Close()
	if c.n.Load() != 1 {
		t.Errorf("a redirect was followed without FollowRedirects")
	}
}

// TestCredentialsOnlyToTheOrigin: a request built for another origin (a pagination link, a URL
// from an answer) is refused when it carries a credential, and sent when it does not.
func TestCredentialsOnlyToTheOrigin(t *testing.T) {
	var c counter
	other := httptest.NewServer(&c)
	defer other.Close()
	hc, err := New(Policy{Origin: "https://api.example.com", CredentialHeaders: []string{"X-Api-Key"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"Authorization", "PRIVATE-TOKEN", "Job-Token", "Cookie", "X-Api-Key"} {
		req, _ := http.NewRequest(http.MethodGet, other.URL+"/x", nil)
		req.Header.Set(h, "canary")
		if _, err := hc.Do(req); !errors.As(err, new(*PolicyError)) || strings.Contains(err.Error(), "canary") {
			t.Errorf("%s to another origin: %v, want a *PolicyError without the value", h, err)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, strings.Replace(other.URL, "http://", "http://u:p@", 1), nil)
	if _, err := hc.Do(req); !errors.As(err, new(*PolicyError)) {
		t.Errorf("user information to another origin: %v, want a *PolicyError", err)
	}
	if n := c.n.Load(); n != 0 {
		t.Fatalf("the other origin received %d request(s) with credentials", n)
	}
	resp, err := hc.Get(other.URL + "/public")
	if err != nil {
		t.Fatalf("a request without credentials to a loopback server: %v", err)
	}
	resp.Body.Close()
}

// TestPlainHTTPOnlyToLoopback: the transport refuses plain http to any other host before it
// dials, whatever URL the request names.
func TestPlainHTTPOnlyToLoopback(t *testing.T) {
	if _, err := New(Policy{Origin: "http://gitlab.example.com/api/v4"}); err == nil {
		t.Error("New with a plain http origin that is not loopback: want an error")
	}
	dialed := false
	base := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
		dialed = true
		return nil, errors.New("dialed")
	})}
	hc, err := New(Policy{Origin: "https://api.example.com", Base: base})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"http://api.example.com/x", "http://10.1.2.3/x", "gopher://api.example.com/x"} {
		if _, err := hc.Get(u); !errors.As(err, new(*PolicyError)) {
			t.Errorf("GET %s: %v, want a *PolicyError", u, err)
		}
	}
	if dialed {
		t.Error("a refused request reached the underlying transport")
	}
	if _, err := New(Policy{Origin: "https://x.example", Base: &http.Client{}, RootCAs: nil}); err != nil {
		t.Errorf("a base client without a CA bundle: %v", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
