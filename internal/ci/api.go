package ci

import (
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

// api is the one place that talks HTTP to a platform: the shared forge API client, and what ci
// adds for artifact downloads.
type api struct {
	*forgeapi.Client
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
	return &api{Client: &forgeapi.Client{Platform: platform, Base: base, HTTP: hc, AuthName: authName, AuthValue: authValue,
		UserAgent: ua, Hints: hints, MaxAnswer: maxAnswer}, blobClient: newHTTPClient}, nil
}

// list GETs every page of a JSON array at path (following the Link header's rel="next" or
// GitLab's X-Next-Page), calling each for every element.
func (a *api) list(ctx context.Context, path string, q url.Values, each func(json.RawMessage) error) error {
	q.Set("per_page", "100")
	next := a.URL(path, q)
	for page := 0; next != ""; page++ {
		if page == maxPages {
			return fmt.Errorf("%s API GET %s: more than %d pages", a.Platform, path, maxPages)
		}
		var items []json.RawMessage
		h, err := a.Do(ctx, http.MethodGet, next, nil, &items)
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
				return fmt.Errorf("%s API GET %s: X-Next-Page %q is not a page number", a.Platform, path, np)
			}
			q.Set("page", np)
			next = a.URL(path, q)
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
	next := a.URL(path, q)
	for page := 0; next != ""; page++ {
		if page == maxPages {
			return fmt.Errorf("%s API GET %s: more than %d pages", a.Platform, path, maxPages)
		}
		var obj map[string]json.RawMessage
		h, err := a.Do(ctx, http.MethodGet, next, nil, &obj)
		if err != nil {
			return err
		}
		var items []json.RawMessage
		if raw, ok := obj[key]; ok {
			if err := json.Unmarshal(raw, &items); err != nil {
				return fmt.Errorf("%s API GET %s: decode %s: %w", a.Platform, path, key, err)
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
	resp, path, err := a.Send(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	for hops := 0; resp.StatusCode >= 300 && resp.StatusCode <= 399; hops++ {
		loc, err := resp.Location()
		resp.Body.Close()
		if err != nil || hops == 5 {
			return nil, fmt.Errorf("%s API GET %s: redirect without a usable Location, or too many", a.Platform, path)
		}
		if origin(loc) == origin(a.Base) {
			if resp, path, err = a.Send(ctx, http.MethodGet, loc.String(), nil); err != nil {
				return nil, err
			}
			continue
		}
		hc, err := a.blobClient(loc.String())
		if err != nil {
			return nil, fmt.Errorf("%s API GET %s: redirected to %s: %w", a.Platform, path, redactURL(loc.String()), err)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
		if err != nil {
			return nil, fmt.Errorf("%s API GET %s: %w", a.Platform, path, err)
		}
		req.Header.Set("User-Agent", a.UserAgent)
		if resp, err = hc.Do(req); err != nil {
			return nil, fmt.Errorf("%s artifact storage GET %s: %s", a.Platform, redactURL(loc.String()), redactURL(err.Error()))
		}
		path = redactURL(loc.String())
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxArtifact+1))
	if err != nil {
		return nil, fmt.Errorf("%s API GET %s: read: %w", a.Platform, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, a.Fail(http.MethodGet, path, resp.StatusCode, data)
	}
	if len(data) > maxArtifact {
		return nil, fmt.Errorf("%s API GET %s: larger than %d MiB", a.Platform, path, maxArtifact>>20)
	}
	return data, nil
}
