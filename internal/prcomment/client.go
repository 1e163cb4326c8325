package prcomment

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
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

// client is the one place that talks HTTP to a platform.
type client struct {
	platform  string
	base      *url.URL
	http      *http.Client
	authName  string // header carrying the token
	authValue string
	userAgent string
	hints     map[int]string
}

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
	return &client{platform: platform, base: base, http: pc, authName: authName, authValue: authValue, userAgent: ua, hints: hints}, nil
}

// apiTimeout bounds one GitHub or GitLab API call.
const apiTimeout = 2 * time.Minute

// endpoint returns the URL of path (already escaped, e.g. with url.PathEscape for each segment)
// with an optional query under the base URL.
func (c *client) endpoint(path string, q url.Values) string {
	s := strings.TrimRight(c.base.String(), "/") + path
	if len(q) > 0 {
		s += "?" + q.Encode()
	}
	return s
}

// do sends one request to rawURL (which must be on the base URL's host) with in as its JSON body,
// decodes a 2xx answer's JSON into out (if not nil) and returns the response headers.
func (c *client) do(ctx context.Context, method, rawURL string, in, out any) (http.Header, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%s API: bad URL: %w", c.platform, err)
	}
	if u.Scheme != c.base.Scheme || u.Host != c.base.Host {
		// A pagination link to another host must not receive the token.
		return nil, fmt.Errorf("%s API %s %s: refusing to follow a link to another host (%s)", c.platform, method, u.Path, u.Host)
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("%s API %s %s: encode request: %w", c.platform, method, u.Path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("%s API %s %s: %w", c.platform, method, u.Path, err)
	}
	req.Header.Set(c.authName, c.authValue)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		// *url.Error repeats the URL, which holds no secret (the token is in a header).
		return nil, fmt.Errorf("%s API %s %s: %w", c.platform, method, u.Path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return nil, fmt.Errorf("%s API %s %s: read answer: %w", c.platform, method, u.Path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &APIError{Platform: c.platform, Method: method, Path: u.Path, Status: resp.StatusCode,
			Message: forgeapi.RedactToken(forgeapi.Message(data), c.authValue), Hint: c.hints[resp.StatusCode]}
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return nil, fmt.Errorf("%s API %s %s: decode answer: %w", c.platform, method, u.Path, err)
		}
	}
	return resp.Header, nil
}

// maxPages bounds pagination, so a server that always answers "next" cannot loop forever.
const maxPages = 1000
