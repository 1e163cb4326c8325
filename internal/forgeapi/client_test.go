package forgeapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func testClient(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	base, err := url.Parse(srv.URL + "/api/v4")
	if err != nil {
		t.Fatal(err)
	}
	return &Client{Platform: "GitLab", Base: base, HTTP: srv.Client(), AuthName: "PRIVATE-TOKEN", AuthValue: "glpat-Kx9",
		UserAgent: "qsync-test", Hints: map[int]string{401: "check the token"}, MaxAnswer: 1 << 20}
}

// TestDoSendsTokenAndDecodes: a call carries the token, the user agent and the JSON body, and a
// 2xx answer is decoded.
func TestDoSendsTokenAndDecodes(t *testing.T) {
	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("PRIVATE-TOKEN") != "glpat-Kx9" || r.Header.Get("User-Agent") != "qsync-test" ||
			r.Header.Get("Content-Type") != "application/json" || r.URL.Path != "/api/v4/issues" || r.URL.Query().Get("x") != "1" {
			t.Errorf("request: %s %s %v", r.Method, r.URL, r.Header)
		}
		w.Write([]byte(`{"iid":7}`))
	})
	var out struct{ IID int }
	if _, err := c.Do(context.Background(), http.MethodPost, c.URL("/issues", url.Values{"x": {"1"}}), map[string]string{"title": "t"}, &out); err != nil || out.IID != 7 {
		t.Fatalf("Do = %v, %+v", err, out)
	}
}

// TestDoErrorIsTypedAndRedacted: a refused call is an *Error with the platform's message (the
// echoed token redacted) and the status's hint.
func TestDoErrorIsTypedAndRedacted(t *testing.T) {
	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"message":"401 Unauthorized: glpat-Kx9"}`))
	})
	_, err := c.Do(context.Background(), http.MethodGet, c.URL("/user", nil), nil, nil)
	var e *Error
	if !errors.As(err, &e) || e.Status != 401 || e.Path != "/api/v4/user" {
		t.Fatalf("Do = %v, want an *Error for 401 /api/v4/user", err)
	}
	if strings.Contains(err.Error(), "glpat-Kx9") || !strings.Contains(err.Error(), "[redacted]") || e.Hint != "check the token" {
		t.Errorf("error = %q (hint %q)", err, e.Hint)
	}
}

// TestSendRefusesAnotherOrigin: a URL on another origin (a pagination link) never gets the token.
func TestSendRefusesAnotherOrigin(t *testing.T) {
	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the API was called: %s", r.URL)
	})
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the other origin was called with %v", r.Header)
	}))
	defer other.Close()
	_, _, err := c.Send(context.Background(), http.MethodGet, other.URL+"/api/v4/user", nil)
	if err == nil || !strings.Contains(err.Error(), "refusing to send the token to another origin") {
		t.Errorf("Send to another origin = %v", err)
	}
}

// TestWhoAmI: GitLab's user is its ID in decimal; a GitHub token that may not read /user (a
// workflow's GITHUB_TOKEN) writes as github-actions[bot], and any other refusal is an error.
func TestWhoAmI(t *testing.T) {
	status := http.StatusOK
	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v4/user" {
			t.Errorf("path %s", r.URL.Path)
		}
		w.WriteHeader(status)
		w.Write([]byte(`{"id":4711,"login":"octocat"}`))
	})
	ctx := context.Background()
	if id, err := c.GitLabUserID(ctx); err != nil || id != "4711" {
		t.Errorf("GitLabUserID = %q, %v", id, err)
	}
	if login, err := c.GitHubLogin(ctx); err != nil || login != "octocat" {
		t.Errorf("GitHubLogin = %q, %v", login, err)
	}
	status = http.StatusForbidden
	if login, err := c.GitHubLogin(ctx); err != nil || login != GitHubActionsBot {
		t.Errorf("GitHubLogin on 403 = %q, %v; want %s", login, err, GitHubActionsBot)
	}
	status = http.StatusUnauthorized
	if login, err := c.GitHubLogin(ctx); err == nil {
		t.Errorf("GitHubLogin on 401 = %q, want an error", login)
	}
}
