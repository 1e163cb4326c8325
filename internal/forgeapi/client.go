package forgeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/outbound"
)

// Client makes the JSON calls of one platform's REST API with its token: the one place ci and
// prcomment talk HTTP to GitHub or GitLab. Its HTTP client comes from the caller, built from the
// outbound policy.
type Client struct {
	Platform  string   // "GitHub" or "GitLab", for messages
	Base      *url.URL // the API base URL, without query, fragment or user information
	HTTP      *http.Client
	AuthName  string // the header carrying the token
	AuthValue string
	UserAgent string
	// Hints says what to check for statuses with a usual cause (Error.Hint).
	Hints map[int]string
	// MaxAnswer bounds the bytes read of one answer.
	MaxAnswer int64
}

// URL returns the URL of path (its segments already escaped, e.g. with url.PathEscape) under the
// base URL, with query q.
func (c *Client) URL(path string, q url.Values) string {
	s := strings.TrimRight(c.Base.String(), "/") + path
	if len(q) > 0 {
		s += "?" + q.Encode()
	}
	return s
}

// Send makes one request with the token and in as its JSON body (if not nil) to rawURL, which must
// be on the base URL's origin (a pagination link to another origin must not receive the token).
// It returns the answer and rawURL's path, for messages.
func (c *Client) Send(ctx context.Context, method, rawURL string, in any) (*http.Response, string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, "", fmt.Errorf("%s API: bad URL: %w", c.Platform, err)
	}
	if outbound.Origin(u) != outbound.Origin(c.Base) {
		return nil, u.Path, fmt.Errorf("%s API %s %s: refusing to send the token to another origin (%s)", c.Platform, method, u.Path, outbound.Origin(u))
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, u.Path, fmt.Errorf("%s API %s %s: encode request: %w", c.Platform, method, u.Path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, u.Path, fmt.Errorf("%s API %s %s: %w", c.Platform, method, u.Path, err)
	}
	req.Header.Set(c.AuthName, c.AuthValue)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.UserAgent)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		// The token travels in a header, so the error should not hold it; should a transport
		// echo it anyway, the message is redacted and the chain given up.
		if msg := err.Error(); RedactToken(msg, c.AuthValue) != msg {
			return nil, u.Path, fmt.Errorf("%s API %s %s: %s", c.Platform, method, u.Path, RedactToken(msg, c.AuthValue))
		}
		return nil, u.Path, fmt.Errorf("%s API %s %s: %w", c.Platform, method, u.Path, err)
	}
	return resp, u.Path, nil
}

// Do sends one JSON request (Send), decodes a 2xx answer into out (if not nil) and returns the
// answer's headers; any other status is an *Error.
func (c *Client) Do(ctx context.Context, method, rawURL string, in, out any) (http.Header, error) {
	resp, path, err := c.Send(ctx, method, rawURL, in)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.MaxAnswer))
	if err != nil {
		return nil, fmt.Errorf("%s API %s %s: read answer: %w", c.Platform, method, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.Fail(method, path, resp.StatusCode, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return nil, fmt.Errorf("%s API %s %s: decode answer: %w", c.Platform, method, path, err)
		}
	}
	return resp.Header, nil
}

// Fail is the *Error of an answer with status and body data to method path: the platform's
// message, with the token redacted, and the hint for the status.
func (c *Client) Fail(method, path string, status int, data []byte) *Error {
	return &Error{Platform: c.Platform, Method: method, Path: path, Status: status,
		Message: RedactToken(Message(data), c.AuthValue), Hint: c.Hints[status]}
}

// GitHubActionsBot is the login of what a workflow's GITHUB_TOKEN writes (comments, issues).
const GitHubActionsBot = "github-actions[bot]"

// GitHubLogin returns the login of the GitHub token c calls with: GET /user. An installation
// token (a workflow's GITHUB_TOKEN), which may not read /user (403), writes as GitHubActionsBot.
func (c *Client) GitHubLogin(ctx context.Context) (string, error) {
	var u struct {
		Login string `json:"login"`
	}
	_, err := c.Do(ctx, http.MethodGet, c.URL("/user", nil), nil, &u)
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusForbidden {
		return GitHubActionsBot, nil
	}
	if err != nil {
		return "", err
	}
	return u.Login, nil
}

// GitLabUserID returns the user ID, in decimal, of the GitLab token c calls with: GET /user (for
// a project access token, its bot user).
func (c *Client) GitLabUserID(ctx context.Context) (string, error) {
	var u struct {
		ID int64 `json:"id"`
	}
	if _, err := c.Do(ctx, http.MethodGet, c.URL("/user", nil), nil, &u); err != nil {
		return "", err
	}
	return strconv.FormatInt(u.ID, 10), nil
}
