package ci

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/forgeapi"
)

// APIError is a refused or failed call to the GitHub or GitLab API (forgeapi.Error, shared with
// the other client of these APIs).
type APIError = forgeapi.Error

// maxAnswer bounds a JSON answer; maxArtifact a downloaded artifact.
const (
	maxAnswer   = 16 << 20
	maxArtifact = 64 << 20
	maxPages    = 100
)

// api is the one place that talks HTTP to a platform.
type api struct {
	platform  string
	base      *url.URL
	hc        *http.Client
	authName  string
	authValue string
	userAgent string
	hints     map[int]string
	// blobClient builds the credential-less client of another origin an artifact download is
	// redirected to (object storage); newHTTPClient by default.
	blobClient func(rawURL string) (*http.Client, error)
}

func newAPI(platform, baseURL, authName, authValue, ua string, hints map[int]string) (*api, error) {
	base, err := url.Parse(strings.TrimRight(strings.TrimSpace(baseURL), "/"))
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("%s API URL %q is not an absolute URL", platform, redactURL(baseURL))
	}
	hc, err := newHTTPClient(base.String())
	if err != nil {
		return nil, fmt.Errorf("%s API: %w", platform, err)
	}
	base.RawQuery, base.Fragment, base.User = "", "", nil
	if ua == "" {
		ua = "qsync"
	}
	return &api{platform: platform, base: base, hc: hc, authName: authName, authValue: authValue, userAgent: ua,
		hints: hints, blobClient: newHTTPClient}, nil
}

// url returns the URL of path (its segments already escaped) under the base URL, with query q.
func (a *api) url(path string, q url.Values) string {
	s := strings.TrimRight(a.base.String(), "/") + path
	if len(q) > 0 {
		s += "?" + q.Encode()
	}
	return s
}

// send makes one request with the token to rawURL, which must be on the base URL's origin.
func (a *api) send(ctx context.Context, method, rawURL string, in any) (*http.Response, string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, "", fmt.Errorf("%s API: bad URL: %w", a.platform, err)
	}
	if origin(u) != origin(a.base) {
		return nil, u.Path, fmt.Errorf("%s API %s %s: refusing to send the token to another origin (%s)", a.platform, method, u.Path, origin(u))
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, u.Path, fmt.Errorf("%s API %s %s: encode request: %w", a.platform, method, u.Path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, u.Path, fmt.Errorf("%s API %s %s: %w", a.platform, method, u.Path, err)
	}
	req.Header.Set(a.authName, a.authValue)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", a.userAgent)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return nil, u.Path, fmt.Errorf("%s API %s %s: %s", a.platform, method, u.Path, forgeapi.RedactToken(err.Error(), a.authValue))
	}
	return resp, u.Path, nil
}

// do sends one JSON request, decodes a 2xx answer into out (if not nil) and returns the
// answer's headers.
func (a *api) do(ctx context.Context, method, rawURL string, in, out any) (http.Header, error) {
	resp, path, err := a.send(ctx, method, rawURL, in)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, fmt.Errorf("%s API %s %s: read answer: %w", a.platform, method, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, a.apiError(method, path, resp.StatusCode, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return nil, fmt.Errorf("%s API %s %s: decode answer: %w", a.platform, method, path, err)
		}
	}
	return resp.Header, nil
}

func (a *api) apiError(method, path string, status int, data []byte) *APIError {
	return &APIError{Platform: a.platform, Method: method, Path: path, Status: status,
		Message: forgeapi.RedactToken(forgeapi.Message(data), a.authValue), Hint: a.hints[status]}
}

// list GETs every page of a JSON array at path (following the Link header's rel="next" or
// GitLab's X-Next-Page), calling each for every element.
func (a *api) list(ctx context.Context, path string, q url.Values, each func(json.RawMessage) error) error {
	q.Set("per_page", "100")
	next := a.url(path, q)
	for page := 0; next != ""; page++ {
		if page == maxPages {
			return fmt.Errorf("%s API GET %s: more than %d pages", a.platform, path, maxPages)
		}
		var items []json.RawMessage
		h, err := a.do(ctx, http.MethodGet, next, nil, &items)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := each(it); err != nil {
				return err
			}
		}
		switch np := h.Get("X-Next-Page"); {
		case np != "":
			if _, err := strconv.Atoi(np); err != nil {
				return fmt.Errorf("%s API GET %s: X-Next-Page %q is not a page number", a.platform, path, np)
			}
			q.Set("page", np)
			next = a.url(path, q)
		default:
			next = forgeapi.NextLink(h)
		}
	}
	return nil
}

// listObject is list for endpoints that wrap their array in an object ({"total_count": N, key:
// [...]}, GitHub's actions endpoints), following the Link header.
func (a *api) listObject(ctx context.Context, path string, q url.Values, key string, each func(json.RawMessage) error) error {
	q.Set("per_page", "100")
	next := a.url(path, q)
	for page := 0; next != ""; page++ {
		if page == maxPages {
			return fmt.Errorf("%s API GET %s: more than %d pages", a.platform, path, maxPages)
		}
		var obj map[string]json.RawMessage
		h, err := a.do(ctx, http.MethodGet, next, nil, &obj)
		if err != nil {
			return err
		}
		var items []json.RawMessage
		if raw, ok := obj[key]; ok {
			if err := json.Unmarshal(raw, &items); err != nil {
				return fmt.Errorf("%s API GET %s: decode %s: %w", a.platform, path, key, err)
			}
		}
		for _, it := range items {
			if err := each(it); err != nil {
				return err
			}
		}
		next = forgeapi.NextLink(h)
	}
	return nil
}

// download GETs a file (an artifact) of at most maxArtifact bytes. A redirect within the API's
// origin is followed with the token; a redirect to another origin (the platform's object
// storage, with a signed URL) is followed without any credential, by a client of that origin.
func (a *api) download(ctx context.Context, rawURL string) ([]byte, error) {
	resp, path, err := a.send(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	for hops := 0; resp.StatusCode >= 300 && resp.StatusCode <= 399; hops++ {
		loc, err := resp.Location()
		resp.Body.Close()
		if err != nil || hops == 5 {
			return nil, fmt.Errorf("%s API GET %s: redirect without a usable Location, or too many", a.platform, path)
		}
		if origin(loc) == origin(a.base) {
			if resp, path, err = a.send(ctx, http.MethodGet, loc.String(), nil); err != nil {
				return nil, err
			}
			continue
		}
		hc, err := a.blobClient(loc.String())
		if err != nil {
			return nil, fmt.Errorf("%s API GET %s: redirected to %s: %w", a.platform, path, redactURL(loc.String()), err)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
		if err != nil {
			return nil, fmt.Errorf("%s API GET %s: %w", a.platform, path, err)
		}
		req.Header.Set("User-Agent", a.userAgent)
		if resp, err = hc.Do(req); err != nil {
			return nil, fmt.Errorf("%s artifact storage GET %s: %s", a.platform, redactURL(loc.String()), redactURL(err.Error()))
		}
		path = redactURL(loc.String())
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxArtifact+1))
	if err != nil {
		return nil, fmt.Errorf("%s API GET %s: read: %w", a.platform, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, a.apiError(http.MethodGet, path, resp.StatusCode, data)
	}
	if len(data) > maxArtifact {
		return nil, fmt.Errorf("%s API GET %s: larger than %d MiB", a.platform, path, maxArtifact>>20)
	}
	return data, nil
}
