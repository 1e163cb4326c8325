package prcomment_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/qsync/qsync/internal/outbound"
	"github.com/qsync/qsync/internal/prcomment"
	"github.com/qsync/qsync/internal/prcomment/prcommenttest"
)

// thief records what reaches a host a redirect points at.
type thief struct {
	mu   sync.Mutex
	seen []string
}

func (th *thief) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	th.mu.Lock()
	th.seen = append(th.seen, r.Method+" "+r.URL.Path+" token="+r.Header.Get("PRIVATE-TOKEN")+r.Header.Get("Authorization")+" body="+string(b))
	th.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"id": 1, "login": "x"}`)
}

// redirecting serves fake, except that every request whose path contains redirectPath is sent
// (307: same method, same body) to target.
func redirecting(fake http.Handler, redirectPath, target string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, redirectPath) {
			http.Redirect(w, r, target+r.URL.Path, http.StatusTemporaryRedirect)
			return
		}
		fake.ServeHTTP(w, r)
	})
}

// TestRedirectToAnotherHostGetsNothing: a GitLab or GitHub server (or a proxy in front of it)
// that redirects the comment calls to another host must not get qsync to send the token
// (GitLab's PRIVATE-TOKEN is not among the headers Go drops on a redirect) or the body there.
func TestRedirectToAnotherHostGetsNothing(t *testing.T) {
	th := &thief{}
	evil := httptest.NewServer(th)
	defer evil.Close()
	ctx := context.Background()

	gl := &prcommenttest.GitLab{Project: "42", Token: token, UserID: 901}
	glSrv := httptest.NewServer(redirecting(gl, "/notes", evil.URL))
	defer glSrv.Close()
	g, err := prcomment.NewGitLab(prcomment.GitLabConfig{APIURL: glSrv.URL + "/api/v4", Project: "42", IID: 7, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := prcomment.Post(ctx, g, planMarker, "the plan body\n", ""); err == nil || !strings.Contains(err.Error(), "redirect") || strings.Contains(err.Error(), token) {
		t.Errorf("GitLab redirect to another host: %v, want a refused redirect (without the token)", err)
	}

	gh := &prcommenttest.GitHub{Repo: "acme/scan-config", Token: token}
	ghSrv := httptest.NewServer(redirecting(gh, "/comments", evil.URL))
	defer ghSrv.Close()
	h, err := prcomment.NewGitHub(prcomment.GitHubConfig{APIURL: ghSrv.URL, Repo: "acme/scan-config", Number: 7, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := prcomment.Post(ctx, h, planMarker, "the plan body\n", ""); err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Errorf("GitHub redirect to another host: %v, want a refused redirect", err)
	}
	th.mu.Lock()
	defer th.mu.Unlock()
	if len(th.seen) > 0 {
		t.Errorf("the other host received:\n%s", strings.Join(th.seen, "\n"))
	}
}

// TestRedirectWithinTheHostIsFollowed: a redirect on the API's own origin (a renamed repository)
// still works, token included.
func TestRedirectWithinTheHostIsFollowed(t *testing.T) {
	gh := &prcommenttest.GitHub{Repo: "acme/scan-config", Token: token}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := strings.CutPrefix(r.URL.Path, "/old"); ok {
			http.Redirect(w, r, p+"?"+r.URL.RawQuery, http.StatusTemporaryRedirect)
			return
		}
		gh.ServeHTTP(w, r)
	}))
	defer srv.Close()
	h, err := prcomment.NewGitHub(prcomment.GitHubConfig{APIURL: srv.URL + "/old", Repo: "acme/scan-config", Number: 7, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := prcomment.Post(context.Background(), h, planMarker, "the plan body\n", ""); err != nil {
		t.Fatalf("same-host redirect: %v", err)
	}
	if n := len(gh.Comments(7)); n != 1 {
		t.Errorf("%d comments after a redirected post, want 1", n)
	}
}

// TestClientsUseTheOutboundPolicy: both platforms' clients are built by outbound.New.
func TestClientsUseTheOutboundPolicy(t *testing.T) {
	for _, p := range prcomment.PolicyClientsForTest(t) {
		if !outbound.Enforced(p) {
			t.Errorf("a platform client does not use the outbound policy")
		}
	}
}
