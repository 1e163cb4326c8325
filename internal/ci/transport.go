package ci

import (
	"net/http"
	"net/url"

	"github.com/qsync/qsync/internal/outbound"
)

// newHTTPClient returns the HTTP client of one origin (rawURL's), built by the one outbound
// policy (internal/outbound): https, or plain http to a loopback address only; credentials only
// to that origin. It follows no redirect at all, which is stricter than the policy (that follows
// one within the origin and fails on any other): api.download follows an artifact's redirect to
// the platform's object storage itself, with a client of that origin carrying no credential.
func newHTTPClient(rawURL string) (*http.Client, error) {
	hc, err := outbound.New(outbound.Policy{Origin: rawURL})
	if err != nil {
		return nil, err
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return hc, nil
}

// origin is u's scheme://host:port (outbound.Origin).
func origin(u *url.URL) string { return outbound.Origin(u) }

// redactURL masks the query and user information of a URL for a message (an artifact's signed
// URL carries its signature in the query).
func redactURL(raw string) string { return outbound.Redact(raw) }
