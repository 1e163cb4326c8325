package prcomment

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/qsync/qsync/internal/forgeapi"
	"github.com/qsync/qsync/internal/outbound"
)

// APIError is a refused or failed call to the GitHub or GitLab API (forgeapi.Error, shared with
// the other client of these APIs).
type APIError = forgeapi.Error

// client is the one place that talks HTTP to a platform (the shared forge API client).
type client = forgeapi.Client

// checkBaseURL parses an API base URL and refuses plain http except to a loopback address, since
// the token would travel in clear text (outbound.CheckURL).
func checkBaseURL(platform, raw string) (*url.URL, error) {
	if _, err := outbound.CheckURL(raw); err != nil {
		return nil, fmt.Errorf("%s API URL: %w", platform, err)
	}
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(raw), "/"))
	if err != nil {
		return nil, fmt.Errorf("%s API URL %q is not an absolute URL", platform, outbound.Redact(raw))
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u, nil
}

// newClient returns the client of one platform. Its HTTP goes through the outbound policy (only
// base's origin, the token header to it alone, redirects followed within it only), with hc's
// transport when hc is set (tests).
func newClient(platform string, base *url.URL, hc *http.Client, authName, authValue, ua string, hints map[int]string) (*client, error) {
	pc, err := outbound.New(outbound.Policy{Origin: base.String(), Base: hc, CredentialHeaders: []string{authName},
		FollowRedirects: true, Timeout: apiTimeout})
	if err != nil {
		return nil, fmt.Errorf("%s API: %w", platform, err)
	}
	if ua == "" {
		ua = "qsync"
	}
	return &client{Platform: platform, Base: base, HTTP: pc, AuthName: authName, AuthValue: authValue, UserAgent: ua,
		Hints: hints, MaxAnswer: maxAnswer}, nil
}

// apiTimeout bounds one GitHub or GitLab API call.
const apiTimeout = 2 * time.Minute

// maxAnswer bounds the bytes read of one API answer.
const maxAnswer = 32 << 20

// maxPages bounds pagination, so a server that always answers "next" cannot loop forever.
const maxPages = 1000
