package prcomment

import (
	"net/http"
	"testing"
)

// PolicyClientsForTest returns the HTTP clients of a GitHub and a GitLab platform, each built
// with and without a caller's http.Client.
func PolicyClientsForTest(t testing.TB) []*http.Client {
	var out []*http.Client
	for _, hc := range []*http.Client{nil, {}} {
		gh, err := NewGitHub(GitHubConfig{APIURL: "https://api.github.com", Repo: "a/b", Number: 1, Token: "t", HTTP: hc})
		if err != nil {
			t.Fatal(err)
		}
		gl, err := NewGitLab(GitLabConfig{APIURL: "https://gitlab.com/api/v4", Project: "1", IID: 1, Token: "t", HTTP: hc})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, gh.c.HTTP, gl.c.HTTP)
	}
	return out
}
