package ci

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/qsync/qsync/internal/outbound"
)

// newHTTPClient returns the HTTP client of one origin (scheme://host:port of rawURL), from the one
// outbound policy (internal/outbound): https, or plain http to a loopback address only; a
// credential header only to that origin. It follows no redirect: the caller sees the 3xx answer
// (an error for api.do; api.download follows it itself, without credentials to another origin,
// through a client of that origin).
func newHTTPClient(rawURL string) (*http.Client, error) {
	return outbound.New(outbound.Policy{Origin: rawURL})
}

// origin is u's scheme://host:port, lower-cased, with the default port made explicit.
func origin(u *url.URL) string { return outbound.Origin(u) }

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
