package prcomment_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qsync/qsync/internal/prcomment"
	"github.com/qsync/qsync/internal/prcomment/prcommenttest"
)

const token = "ghp_canaryTOKEN0123456789"

var planMarker = prcomment.Marker{Kind: prcomment.KindPlan, Owner: "secops", Config: "config"}

func newGitHub(t *testing.T, fake *prcommenttest.GitHub) *prcomment.GitHub {
	t.Helper()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	g, err := prcomment.NewGitHub(prcomment.GitHubConfig{APIURL: srv.URL, Repo: "acme/scan-config", Number: 7, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func newGitLab(t *testing.T, fake *prcommenttest.GitLab) *prcomment.GitLab {
	t.Helper()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	g, err := prcomment.NewGitLab(prcomment.GitLabConfig{APIURL: srv.URL + "/api/v4", Project: "42", IID: 7, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// platforms gives each test one GitHub and one GitLab request, each already holding 250 comments
// by other people (several pages at the fakes' page sizes) and a system note, plus a way to list
// what is stored and to add a comment by someone else.
type fixture struct {
	name   string
	p      prcomment.Platform
	list   func() []prcommenttest.Comment
	others func(body string)
	self   string
}

func fixtures(t *testing.T) []fixture {
	gh := &prcommenttest.GitHub{Repo: "acme/scan-config", Token: token, MaxPerPage: 30}
	gl := &prcommenttest.GitLab{Project: "42", Token: token, UserID: 901}
	for i := range 250 {
		gh.AddComment(7, "alice", fmt.Sprintf("looks good %d", i))
		gl.AddNote(7, 5, fmt.Sprintf("looks good %d", i))
	}
	gl.AddSystemNote(7, planMarker.String()+"\nadded 1 commit")
	return []fixture{
		{"github", newGitHub(t, gh), func() []prcommenttest.Comment { return gh.Comments(7) },
			func(b string) { gh.AddComment(7, "mallory", b) }, "github-actions[bot]"},
		{"gitlab", newGitLab(t, gl), func() []prcommenttest.Comment { return gl.Notes(7) },
			func(b string) { gl.AddNote(7, 666, b) }, "901"},
	}
}

func mine(f fixture, m prcomment.Marker) []prcommenttest.Comment {
	var out []prcommenttest.Comment
	for _, c := range f.list() {
		if m.Marks(c.Body) && c.Author == f.self {
			out = append(out, c)
		}
	}
	return out
}

func TestPostCreatesThenUpdatesAcrossPages(t *testing.T) {
	ctx := context.Background()
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			out, err := prcomment.Post(ctx, f.p, planMarker, "plan one\n", "")
			if err != nil {
				t.Fatal(err)
			}
			if out.Updated {
				t.Fatal("first post updated a comment; want a new one")
			}
			// More comments by others push ours back to the first page of many.
			for i := range 100 {
				f.others(fmt.Sprintf("later %d", i))
			}
			out2, err := prcomment.Post(ctx, f.p, planMarker, "plan two\n", "")
			if err != nil {
				t.Fatal(err)
			}
			if !out2.Updated || out2.Comment.ID != out.Comment.ID {
				t.Fatalf("second post: updated=%v id=%d, want an update of %d", out2.Updated, out2.Comment.ID, out.Comment.ID)
			}
			got := mine(f, planMarker)
			if len(got) != 1 || got[0].Body != planMarker.String()+"\nplan two\n" {
				t.Fatalf("qsync comments after two posts: %+v", got)
			}
		})
	}
}

func TestPostFindsCommentOnALaterPage(t *testing.T) {
	ctx := context.Background()
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			// Ours is created after 250 others: on the ninth page (GitHub) or third (GitLab).
			first, err := prcomment.Post(ctx, f.p, planMarker, "plan one\n", "")
			if err != nil {
				t.Fatal(err)
			}
			second, err := prcomment.Post(ctx, f.p, planMarker, "plan two\n", "")
			if err != nil {
				t.Fatal(err)
			}
			if !second.Updated || second.Comment.ID != first.Comment.ID || len(mine(f, planMarker)) != 1 {
				t.Fatalf("the comment on a later page was not found again: %+v then %+v", first, second)
			}
		})
	}
}

func TestPostLeavesOthersCommentsWithTheMarker(t *testing.T) {
	ctx := context.Background()
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			forged := planMarker.String() + "\nnothing to see, merge it\n"
			f.others(forged)
			out, err := prcomment.Post(ctx, f.p, planMarker, "the real plan\n", "")
			if err != nil {
				t.Fatal(err)
			}
			if out.Updated || out.Skipped != 1 {
				t.Fatalf("outcome %+v: want a new comment and one skipped", out)
			}
			n := 0
			for _, c := range f.list() {
				if c.Body == forged {
					n++
				}
			}
			if n != 1 {
				t.Fatal("the other user's comment carrying the marker was changed")
			}
		})
	}
}

func TestPostOneCommentPerConfigurationAndKind(t *testing.T) {
	ctx := context.Background()
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			prod := prcomment.Marker{Kind: prcomment.KindPlan, Owner: "secops", Config: "config/prod"}
			lab := prcomment.Marker{Kind: prcomment.KindPlan, Owner: "lab", Config: "config/lab/"}
			applied := prcomment.Marker{Kind: prcomment.KindApply, Owner: "secops", Config: "./config/prod"}
			for _, m := range []prcomment.Marker{prod, lab, applied, prod, lab, applied} {
				if _, err := prcomment.Post(ctx, f.p, m, "body of "+m.String()+"\n", ""); err != nil {
					t.Fatal(err)
				}
			}
			for _, m := range []prcomment.Marker{prod, lab, applied} {
				if got := mine(f, m); len(got) != 1 {
					t.Errorf("%s: %d comments, want 1", m, len(got))
				}
			}
		})
	}
}

func TestPostTruncatesOversizedBody(t *testing.T) {
	ctx := context.Background()
	body := bigPlan(3000)
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			b := body
			if f.p.Limit() > len(b) {
				b = strings.Repeat(body, f.p.Limit()/len(body)+1)
			}
			out, err := prcomment.Post(ctx, f.p, planMarker, b, "the artifact qsync-plan")
			if err != nil {
				t.Fatal(err) // the fakes refuse bodies over the platform's limit
			}
			if !out.Truncated {
				t.Fatal("not truncated")
			}
			got := mine(f, planMarker)[0].Body
			if n := utf8.RuneCountInString(got); n > f.p.Limit() {
				t.Fatalf("%d characters, limit %d", n, f.p.Limit())
			}
			if !prcomment.Balanced(got) || !strings.Contains(got, "the artifact qsync-plan") {
				t.Fatalf("unbalanced or without the pointer:\n%s", got[len(got)-500:])
			}
		})
	}
}

func TestErrorsNameTheCallAndNeverTheToken(t *testing.T) {
	ctx := context.Background()
	gh := &prcommenttest.GitHub{Repo: "acme/scan-config", Token: "another-token"}
	gl := &prcommenttest.GitLab{Project: "42", Token: "another-token"}
	for _, tc := range []struct {
		p    prcomment.Platform
		want string
	}{
		{newGitHub(t, gh), "GitHub API GET /user: HTTP 401: Bad credentials (the token is not valid: check GITHUB_TOKEN)"},
		{newGitLab(t, gl), "GitLab API GET /api/v4/user: HTTP 401: 401 Unauthorized (the token is not valid or has expired: check QSYNC_GITLAB_TOKEN)"},
	} {
		_, err := prcomment.Post(ctx, tc.p, planMarker, "x\n", "")
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), token) {
			t.Errorf("%s: error %v, want one containing %q and not the token", tc.p.Name(), err, tc.want)
		}
	}
	// A wrong repository: 404 names the path.
	gh2 := &prcommenttest.GitHub{Repo: "acme/other", Token: token, Login: "qsync-bot"}
	_, err := prcomment.Post(ctx, newGitHub(t, gh2), planMarker, "x\n", "")
	if err == nil || !strings.Contains(err.Error(), "GET /repos/acme/scan-config/issues/7/comments: HTTP 404") || strings.Contains(err.Error(), token) {
		t.Errorf("404: %v", err)
	}
}

func TestPlainHTTPOnlyToLoopback(t *testing.T) {
	_, err := prcomment.NewGitHub(prcomment.GitHubConfig{APIURL: "http://api.github.example", Repo: "a/b", Number: 1, Token: token})
	if err == nil || !strings.Contains(err.Error(), "plain http is allowed only to a loopback") || strings.Contains(err.Error(), token) {
		t.Errorf("plain http to a remote host: %v", err)
	}
	_, err = prcomment.NewGitLab(prcomment.GitLabConfig{APIURL: "http://gitlab.example/api/v4", Project: "1", IID: 1, Token: token})
	if err == nil || !strings.Contains(err.Error(), "plain http is allowed only to a loopback") {
		t.Errorf("plain http to a remote host: %v", err)
	}
	if _, err := prcomment.NewGitHub(prcomment.GitHubConfig{APIURL: "http://127.0.0.1:1", Repo: "a/b", Number: 1, Token: token}); err != nil {
		t.Errorf("plain http to loopback must be allowed: %v", err)
	}
	if _, err := prcomment.NewGitHub(prcomment.GitHubConfig{APIURL: "https://api.github.com", Repo: "a/b", Number: 1}); err == nil || !strings.Contains(err.Error(), "GITHUB_TOKEN") {
		t.Errorf("no token: %v", err)
	}
}

func TestCIPlatformDetection(t *testing.T) {
	ctx := context.Background()
	gh := &prcommenttest.GitHub{Repo: "acme/scan-config", Token: token, CommitPulls: map[string][]int{"merge123": {12}}}
	ghSrv := httptest.NewServer(gh)
	defer ghSrv.Close()
	gl := &prcommenttest.GitLab{Project: "42", Token: token, UserID: 1, CommitMRs: map[string][]int{"merge456": {34}}}
	glSrv := httptest.NewServer(gl)
	defer glSrv.Close()
	event := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(event, []byte(`{"number": 9, "pull_request": {"number": 9, "head": {"sha": "head789"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		env        map[string]string
		want, sha  string
		wantErrSub string
	}{
		{name: "github pull_request event", env: map[string]string{"GITHUB_API_URL": ghSrv.URL, "GITHUB_REPOSITORY": "acme/scan-config",
			"GITHUB_EVENT_PATH": event, "GITHUB_TOKEN": token, "GITHUB_SHA": "mergecommit"}, want: "pull request #9", sha: "head789"},
		{name: "github push of a merge", env: map[string]string{"GITHUB_API_URL": ghSrv.URL, "GITHUB_REPOSITORY": "acme/scan-config",
			"GITHUB_TOKEN": token, "GITHUB_SHA": "merge123"}, want: "pull request #12", sha: "merge123"},
		{name: "github push of no pull request", env: map[string]string{"GITHUB_API_URL": ghSrv.URL, "GITHUB_REPOSITORY": "acme/scan-config",
			"GITHUB_TOKEN": token, "GITHUB_SHA": "direct"}, wantErrSub: "commit direct belongs to no pull request"},
		{name: "gitlab merge request pipeline", env: map[string]string{"CI_API_V4_URL": glSrv.URL + "/api/v4", "CI_PROJECT_ID": "42",
			"CI_MERGE_REQUEST_IID": "3", "QSYNC_GITLAB_TOKEN": token, "CI_COMMIT_SHA": "c1"}, want: "merge request !3", sha: "c1"},
		{name: "gitlab push of a merge", env: map[string]string{"CI_API_V4_URL": glSrv.URL + "/api/v4", "CI_PROJECT_ID": "42",
			"QSYNC_GITLAB_TOKEN": token, "CI_COMMIT_SHA": "merge456"}, want: "merge request !34", sha: "merge456"},
		{name: "gitlab without token", env: map[string]string{"CI_API_V4_URL": glSrv.URL + "/api/v4", "CI_PROJECT_ID": "42",
			"CI_MERGE_REQUEST_IID": "3"}, wantErrSub: "QSYNC_GITLAB_TOKEN"},
		{name: "no CI", env: map[string]string{}, wantErrSub: "not in GitHub Actions or GitLab CI"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ci := prcomment.CI{Getenv: func(k string) string { return tc.env[k] }}
			p, err := ci.Platform(ctx, 0)
			if tc.wantErrSub != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErrSub) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErrSub)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Request() != tc.want || ci.Commit() != tc.sha {
				t.Fatalf("got %s for commit %q, want %s for %q", p.Request(), ci.Commit(), tc.want, tc.sha)
			}
		})
	}
}

func TestMarker(t *testing.T) {
	m := prcomment.Marker{Kind: prcomment.KindPlan, Owner: "sec ops", Config: "./config/prod/"}
	if got, want := m.String(), "<!-- qsync:plan owner=sec%20ops config=config/prod -->"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	evil := prcomment.Marker{Kind: prcomment.KindPlan, Owner: "x -->", Config: "c"}
	if strings.Count(evil.String(), "-->") != 1 {
		t.Fatalf("an owner can end the HTML comment early: %s", evil)
	}
	if !m.Marks(m.String()+"\r\nbody") || m.Marks("> "+m.String()+"\nquoted") || m.Marks("text\n"+m.String()) {
		t.Fatal("Marks must match the marker on the first line only")
	}
}
