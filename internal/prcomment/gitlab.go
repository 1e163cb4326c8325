package prcomment

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/qsync/qsync/internal/forgeapi"
)

// GitLab is one merge request on GitLab, through the REST API v4.
type GitLab struct {
	c       *client
	project string // project ID or URL-encoded path
	iid     int
}

// GitLabConfig configures NewGitLab.
type GitLabConfig struct {
	APIURL    string // CI_API_V4_URL, e.g. https://gitlab.com/api/v4
	Project   string // CI_PROJECT_ID
	IID       int    // merge request IID (CI_MERGE_REQUEST_IID)
	Token     string // QSYNC_GITLAB_TOKEN: a project access token with the api scope
	UserAgent string
	HTTP      *http.Client // nil: a default transport; either way wrapped by the outbound policy
}

var gitlabHints = map[int]string{
	401: "the token is not valid or has expired: check QSYNC_GITLAB_TOKEN",
	403: "the token may not write notes: use a project access token with the api scope and at least the Reporter role",
	404: "no such project or merge request, or the token cannot see it",
	413: "GitLab refused the note as too large",
}

// NewGitLab returns merge request cfg.IID of project cfg.Project.
func NewGitLab(cfg GitLabConfig) (*GitLab, error) {
	base, err := checkBaseURL("GitLab", cfg.APIURL)
	if err != nil {
		return nil, err
	}
	if cfg.Token == "" {
		return nil, errors.New("no GitLab token: set QSYNC_GITLAB_TOKEN to a project access token with the api scope (the job token cannot write notes)")
	}
	if cfg.Project == "" {
		return nil, errors.New("no GitLab project: CI_PROJECT_ID is not set")
	}
	c, err := newClient("GitLab", base, cfg.HTTP, "PRIVATE-TOKEN", cfg.Token, cfg.UserAgent, gitlabHints)
	if err != nil {
		return nil, err
	}
	return &GitLab{c: c, project: cfg.Project, iid: cfg.IID}, nil
}

// Name implements Platform.
func (g *GitLab) Name() string { return "GitLab" }

// Request implements Platform.
func (g *GitLab) Request() string { return fmt.Sprintf("merge request !%d", g.iid) }

// Limit implements Platform.
func (g *GitLab) Limit() int { return GitLabLimit }

func (g *GitLab) notesPath() string {
	return fmt.Sprintf("/projects/%s/merge_requests/%d/notes", url.PathEscape(g.project), g.iid)
}

// Self implements Platform: GET /user (a project access token's bot user).
func (g *GitLab) Self(ctx context.Context) (string, error) {
	return g.c.GitLabUserID(ctx)
}

type gitlabNote struct {
	ID     int64  `json:"id"`
	Body   string `json:"body"`
	System bool   `json:"system"`
	Author struct {
		ID int64 `json:"id"`
	} `json:"author"`
}

func (n gitlabNote) comment() Comment {
	return Comment{ID: n.ID, Author: strconv.FormatInt(n.Author.ID, 10), Body: n.Body}
}

// Comments implements Platform: GET /projects/:id/merge_requests/:iid/notes, following
// X-Next-Page (or the Link header). System notes ("added 1 commit") are left out.
func (g *GitLab) Comments(ctx context.Context) ([]Comment, error) {
	q := url.Values{"per_page": {"100"}, "sort": {"asc"}, "order_by": {"created_at"}}
	next := g.c.URL(g.notesPath(), q)
	var all []Comment
	for page := 0; next != ""; page++ {
		if page == maxPages {
			return nil, fmt.Errorf("GitLab API: more than %d pages of notes", maxPages)
		}
		var ns []gitlabNote
		h, err := g.c.Do(ctx, http.MethodGet, next, nil, &ns)
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			if !n.System {
				all = append(all, n.comment())
			}
		}
		switch np := h.Get("X-Next-Page"); {
		case np != "":
			if _, err := strconv.Atoi(np); err != nil {
				return nil, fmt.Errorf("GitLab API: X-Next-Page %q is not a page number", np)
			}
			q.Set("page", np)
			next = g.c.URL(g.notesPath(), q)
		default:
			next = forgeapi.NextLink(h)
		}
	}
	return all, nil
}

// Create implements Platform: POST /projects/:id/merge_requests/:iid/notes.
func (g *GitLab) Create(ctx context.Context, body string) (Comment, error) {
	var n gitlabNote
	_, err := g.c.Do(ctx, http.MethodPost, g.c.URL(g.notesPath(), nil), map[string]string{"body": body}, &n)
	return n.comment(), err
}

// Update implements Platform: PUT /projects/:id/merge_requests/:iid/notes/:note_id.
func (g *GitLab) Update(ctx context.Context, id int64, body string) (Comment, error) {
	var n gitlabNote
	_, err := g.c.Do(ctx, http.MethodPut, g.c.URL(g.notesPath()+"/"+strconv.FormatInt(id, 10), nil), map[string]string{"body": body}, &n)
	return n.comment(), err
}

// GitLabMergeRequestForCommit returns the IID of the merge request commit sha belongs to:
// GET /projects/:id/repository/commits/:sha/merge_requests.
func GitLabMergeRequestForCommit(ctx context.Context, cfg GitLabConfig, sha string) (int, error) {
	g, err := NewGitLab(cfg)
	if err != nil {
		return 0, err
	}
	var mrs []struct {
		IID int `json:"iid"`
	}
	path := fmt.Sprintf("/projects/%s/repository/commits/%s/merge_requests", url.PathEscape(g.project), url.PathEscape(sha))
	if _, err := g.c.Do(ctx, http.MethodGet, g.c.URL(path, nil), nil, &mrs); err != nil {
		return 0, fmt.Errorf("find the merge request of commit %s: %w", sha, err)
	}
	if len(mrs) == 0 {
		return 0, fmt.Errorf("commit %s belongs to no merge request", sha)
	}
	return mrs[0].IID, nil
}
