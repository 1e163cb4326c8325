package ci

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/outbound"
)

// TestDownloadRedirects: a redirect within the API's origin keeps the token; one to another
// origin is followed without it; plain http to a non-loopback storage host is refused.
func TestDownloadRedirects(t *testing.T) {
	var storageAuth []string
	storage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		storageAuth = append(storageAuth, r.Header.Get("Authorization")+r.Header.Get("Private-Token"))
		_, _ = w.Write([]byte("artifact bytes"))
	}))
	defer storage.Close()
	var apiAuth []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		apiAuth = append(apiAuth, r.Header.Get("Authorization"))
		switch r.URL.Path {
		case "/a":
			http.Redirect(w, r, "/b", http.StatusFound)
		case "/b":
			http.Redirect(w, r, storage.URL+"/blob?sig=s", http.StatusFound)
		case "/plain":
			http.Redirect(w, r, "http://storage.example/blob?sig=s", http.StatusFound)
		}
	}))
	defer api.Close()
	g, err := NewGitHub(envOf(map[string]string{"GITHUB_REPOSITORY": "a/b", "GITHUB_TOKEN": testToken, "GITHUB_API_URL": api.URL}))
	if err != nil {
		t.Fatal(err)
	}
	b, err := g.a.download(context.Background(), api.URL+"/a")
	if err != nil || string(b) != "artifact bytes" {
		t.Fatalf("download: %q, %v", b, err)
	}
	if len(apiAuth) != 2 || apiAuth[1] != "Bearer "+testToken || len(storageAuth) != 1 || storageAuth[0] != "" {
		t.Fatalf("credentials: API %q, storage %q", apiAuth, storageAuth)
	}
	_, err = g.a.download(context.Background(), api.URL+"/plain")
	var pe *outbound.PolicyError
	if !errors.As(err, &pe) || strings.Contains(err.Error(), "sig=s") {
		t.Fatalf("plain http storage: %v", err)
	}
}
