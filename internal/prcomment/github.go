package prcomment

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/forgeapi"
)

// GitHubActionsBot is the login of comments written with a workflow's GITHUB_TOKEN.
const GitHubActionsBot = forgeapi.GitHubActionsBot

// GitHub is one pull request on GitHub (or GitHub Enterprise Server), through the REST API.
type GitHub struct {
	c      *client
	repo   string // owner/name
	number int
	// Author, when set, is the login whose comments may be updated. Otherwise it is the token's
	// user (GET /user), or GitHubActionsBot when the token cannot read /user (a workflow's
	// GITHUB_TOKEN or an app installation token).
	Author string
}

// GitHubConfig configures NewGitHub.
type GitHubConfig struct {
	APIURL    string // GITHUB_API_URL, e.g. https://api.github.com
	Repo      string // GITHUB_REPOSITORY, owner/name
	Number    int    // pull request number
	Token     string // GITHUB_TOKEN
	UserAgent string
	HTTP      *http.Client // nil: a default transport; either way wrapped by the outbound policy
}

var githubHints = map[int]string{
	401: "the token is not valid: check GITHUB_TOKEN",
	403: "the token may not write pull request comments: give the job permissions: pull-requests: write",
	404: "no such repository or pull request, or the token cannot see it",
	422: "GitHub refused the comment",
}

// NewGitHub returns pull request cfg.Number of cfg.Repo.
func NewGitHub(cfg GitHubConfig) (*GitHub, error) {
	base, err := checkBaseURL("GitHub", cfg.APIURL)
	if err != nil {
		return nil, err
	}
	if cfg.Token == "" {
		return nil, errors.New("no GitHub token: set GITHUB_TOKEN (in a workflow: env: GITHUB_TOKEN: ${{ github.token }})")
	}
	if !strings.Contains(cfg.Repo, "/") {
		return nil, fmt.Errorf("GitHub repository %q is not owner/name", cfg.Repo)
	}
	c, err := newClient("GitHub", base, cfg.HTTP, "Authorization", "Bearer "+cfg.Token, cfg.UserAgent, githubHints)
	if err != nil {
		return nil, err
	}
	return &GitHub{c: c, repo: cfg.Repo, number: cfg.Number}, nil
}

// Name implements Platform.
func (g *GitHub) Name() string { return "GitHub" }

// Request implements Platform.
func (g *GitHub) Request() string { return fmt.Sprintf("pull request #%d", g.number) }

// Limit implements Platform.
func (g *GitHub) Limit() int { return GitHubLimit }

func (g *GitHub) repoPath() string {
	owner, name, _ := strings.Cut(g.repo, "/")
	return "/repos/" + url.PathEscape(owner) + "/" + url.PathEscape(name)
}

// Self implements Platform: GET /user.
func (g *GitHub) Self(ctx context.Context) (string, error) {
	if g.Author != "" {
		return g.Author, nil
	}
	return g.c.GitHubLogin(ctx)
}

type githubComment struct {
	ID      int64  `json:"id"`
	Body    string `json:"body"`
	HTMLURL string `json:"html_url"`
	User    struct {
		Login string `json:"login"`
	} `json:"user"`
}

func (c githubComment) comment() Comment {
	return Comment{ID: c.ID, Author: c.User.Login, Body: c.Body, URL: c.HTMLURL}
}

// Comments implements Platform: GET /repos/{owner}/{repo}/issues/{number}/comments, following
// the Link header's rel="next".
func (g *GitHub) Comments(ctx context.Context) ([]Comment, error) {
	next := g.c.URL(fmt.Sprintf("%s/issues/%d/comments", g.repoPath(), g.number), url.Values{"per_page": {"100"}})
	var all []Comment
	for page := 0; next != ""; page++ {
		if page == maxPages {
			return nil, fmt.Errorf("GitHub API: more than %d pages of comments", maxPages)
		}
		var cs []githubComment
		h, err := g.c.Do(ctx, http.MethodGet, next, nil, &cs)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			all = append(all, c.comment())
		}
		next = forgeapi.NextLink(h)
	}
	return all, nil
}

// Create implements Platform: POST /repos/{owner}/{repo}/issues/{number}/comments.
func (g *GitHub) Create(ctx context.Context, body string) (Comment, error) {
	var c githubComment
	_, err := g.c.Do(ctx, http.MethodPost, g.c.URL(fmt.Sprintf("%s/issues/%d/comments", g.repoPath(), g.number), nil),
		map[string]string{"body": body}, &c)
	return c.comment(), err
}

// Update implements Platform: PATCH /repos/{owner}/{repo}/issues/comments/{id}.
func (g *GitHub) Update(ctx context.Context, id int64, body string) (Comment, error) {
	var c githubComment
	_, err := g.c.Do(ctx, http.MethodPatch, g.c.URL(g.repoPath()+"/issues/comments/"+strconv.FormatInt(id, 10), nil),
		map[string]string{"body": body}, &c)
	return c.comment(), err
}

// GitHubPullForCommit returns the number of the pull request commit sha belongs to (for a merge
// commit on the default branch: the pull request it merged): GET /repos/{owner}/{repo}/commits/{sha}/pulls.
func GitHubPullForCommit(ctx context.Context, cfg GitHubConfig, sha string) (int, error) {
	g, err := NewGitHub(cfg)
	if err != nil {
		return 0, err
	}
	var prs []struct {
		Number int `json:"number"`
	}
	if _, err := g.c.Do(ctx, http.MethodGet, g.c.URL(g.repoPath()+"/commits/"+url.PathEscape(sha)+"/pulls", nil), nil, &prs); err != nil {
		return 0, fmt.Errorf("find the pull request of commit %s: %w", sha, err)
	}
	if len(prs) == 0 {
		return 0, fmt.Errorf("commit %s belongs to no pull request", sha)
	}
	return prs[0].Number, nil
}
