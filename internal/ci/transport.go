package ci

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// newHTTPClient returns the HTTP client of one origin (scheme://host:port of rawURL): https, or
// plain http to a loopback address only. It follows no redirect: the caller sees the 3xx answer
// (an error for api.do; api.download follows it itself, without credentials to another origin).
func newHTTPClient(rawURL string) (*http.Client, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%q is not an absolute URL", redactURL(rawURL))
	}
	if err := checkScheme(u); err != nil {
		return nil, err
	}
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, nil
}

// checkScheme refuses anything but https, and plain http to anything but a loopback address.
func checkScheme(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("refusing plain http to %s: credentials and bodies would travel in clear text; use https", u.Host)
	}
	return fmt.Errorf("refusing %s: the scheme must be https", origin(u))
}

// origin is u's scheme://host:port, lower-cased, with the default port made explicit.
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[scheme]
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redactURL drops the query and user information of a URL for a message (an artifact's signed
// URL carries its signature in the query).
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.IndexAny(raw, "@?#"); i >= 0 {
			return raw[:i] + "..."
		}
		return raw
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}
