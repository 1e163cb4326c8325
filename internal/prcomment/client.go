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

	"github.com/qsync/qsync/internal/outbound"
)

// APIError is a refused or failed call to the GitHub or GitLab API. Its message names the
// platform, the method, the path (never the query, never the token), the HTTP status and the
// platform's own message.
type APIError struct {
	Platform string // "GitHub" or "GitLab"
	Method   string
	Path     string
	Status   int
	Message  string
	Hint     string // what to check, for statuses with a usual cause
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("%s API %s %s: HTTP %d", e.Platform, e.Method, e.Path, e.Status)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

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
			Message: c.redact(errorMessage(data)), Hint: c.hints[resp.StatusCode]}
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return nil, fmt.Errorf("%s API %s %s: decode answer: %w", c.platform, method, u.Path, err)
		}
	}
	return resp.Header, nil
}

// redact removes the token from a message, in case a server echoes it.
func (c *client) redact(s string) string {
	tok := c.authValue
	if i := strings.LastIndexByte(tok, ' '); i >= 0 {
		tok = tok[i+1:]
	}
	if tok == "" {
		return s
	}
	return strings.ReplaceAll(s, tok, "[redacted]")
}

// errorMessage takes the message out of a GitHub or GitLab error answer.
func errorMessage(data []byte) string {
	var e struct {
		Message any    `json:"message"`
		Error   string `json:"error"`
		Errors  []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(data, &e) != nil {
		s := strings.TrimSpace(string(data))
		if len(s) > 200 {
			s = s[:200] + "..."
		}
		return s
	}
	var parts []string
	switch m := e.Message.(type) {
	case string:
		parts = append(parts, m)
	case nil:
	default:
		b, _ := json.Marshal(m)
		parts = append(parts, string(b))
	}
	if e.Error != "" {
		parts = append(parts, e.Error)
	}
	for _, x := range e.Errors {
		if x.Message != "" {
			parts = append(parts, x.Message)
		}
	}
	return strings.Join(parts, "; ")
}

// nextLink returns the rel="next" URL of an RFC 8288 Link header, or "".
func nextLink(h http.Header) string {
	for _, v := range h.Values("Link") {
		for _, part := range strings.Split(v, ",") {
			target, params, ok := strings.Cut(part, ";")
			if !ok {
				continue
			}
			for _, p := range strings.Split(params, ";") {
				k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.EqualFold(k, "rel") && strings.Trim(val, `"`) == "next" {
					return strings.Trim(strings.TrimSpace(target), "<>")
				}
			}
		}
	}
	return ""
}

// maxPages bounds pagination, so a server that always answers "next" cannot loop forever.
const maxPages = 1000
