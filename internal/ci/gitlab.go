package ci

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
)

// GitLab is one project on GitLab, through the REST API v4.
type GitLab struct {
	a       *api
	project string // project ID
	env     Env
}

var gitlabHints = map[int]string{
	401: "the token is not valid or has expired: check QSYNC_GITLAB_TOKEN",
	403: "the token may not do this: use a project access token with the api scope and at least the Reporter role",
	404: "no such project, merge request, pipeline, job or artifact file, or the token cannot see it",
}

// maxPipelines bounds how many of a merge request's pipelines FetchPlan looks at.
const maxPipelines = 50

// NewGitLab returns the project of a GitLab CI job: CI_PROJECT_ID through CI_API_V4_URL with
// QSYNC_GITLAB_TOKEN (a project access token with the api scope: the job token cannot read
// other pipelines' artifacts of a merge request or write issues).
func NewGitLab(e Env) (*GitLab, error) {
	project, base, tok := e.Getenv("CI_PROJECT_ID"), e.Getenv("CI_API_V4_URL"), e.Getenv("QSYNC_GITLAB_TOKEN")
	switch {
	case project == "":
		return nil, errors.New("no GitLab project: CI_PROJECT_ID is not set")
	case base == "":
		return nil, errors.New("no GitLab API: CI_API_V4_URL is not set")
	case tok == "":
		return nil, errors.New("no GitLab token: set QSYNC_GITLAB_TOKEN to a project access token with the api scope")
	}
	a, err := newAPI("GitLab", base, "PRIVATE-TOKEN", tok, e.UserAgent, gitlabHints)
	if err != nil {
		return nil, err
	}
	return &GitLab{a: a, project: project, env: e}, nil
}

// Name implements Forge.
func (g *GitLab) Name() string { return "GitLab" }

func (g *GitLab) path(format string, args ...any) string {
	return "/projects/" + url.PathEscape(g.project) + fmt.Sprintf(format, args...)
}

type gitlabMR struct {
	IID            int    `json:"iid"`
	State          string `json:"state"`
	SHA            string `json:"sha"`
	MergeCommitSHA string `json:"merge_commit_sha"`
	SquashSHA      string `json:"squash_commit_sha"`
}

// Request implements Forge: merge request number; else CI_MERGE_REQUEST_IID (merge request,
// merged results and merge train pipelines); else the merge request the pipeline's commit was
// merged from (a push to the default branch: GET
// /projects/:id/repository/commits/:sha/merge_requests). The head commit is the sha GET
// /projects/:id/merge_requests/:iid reports.
func (g *GitLab) Request(ctx context.Context, number int) (Request, error) {
	if number == 0 {
		if s := g.env.Getenv("CI_MERGE_REQUEST_IID"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				return Request{}, fmt.Errorf("CI_MERGE_REQUEST_IID %q is not a merge request number", s)
			}
			number = n
		}
	}
	if number == 0 {
		sha := g.env.Getenv("CI_COMMIT_SHA")
		if sha == "" {
			return Request{}, errors.New("no merge request: CI_MERGE_REQUEST_IID and CI_COMMIT_SHA are not set")
		}
		n, err := g.mrOfCommit(ctx, sha)
		if err != nil {
			return Request{}, err
		}
		number = n
	}
	var mr gitlabMR
	if _, err := g.a.Do(ctx, http.MethodGet, g.a.URL(g.path("/merge_requests/%d", number), nil), nil, &mr); err != nil {
		return Request{}, fmt.Errorf("read merge request !%d: %w", number, err)
	}
	if mr.SHA == "" {
		return Request{}, fmt.Errorf("merge request !%d: GitLab reports no head commit", number)
	}
	return Request{Number: number, HeadSHA: mr.SHA, Noun: fmt.Sprintf("merge request !%d", number)}, nil
}

// mrOfCommit returns the merge request commit sha was merged from: the one whose merge or
// squash commit it is, else the only merged one, else the only one.
func (g *GitLab) mrOfCommit(ctx context.Context, sha string) (int, error) {
	var mrs []gitlabMR
	if _, err := g.a.Do(ctx, http.MethodGet, g.a.URL(g.path("/repository/commits/%s/merge_requests", url.PathEscape(sha)), nil), nil, &mrs); err != nil {
		return 0, fmt.Errorf("find the merge request of commit %s: %w", sha, err)
	}
	var merged []int
	for _, mr := range mrs {
		if mr.State == "merged" && (mr.MergeCommitSHA == sha || mr.SquashSHA == sha) {
			return mr.IID, nil
		}
		if mr.State == "merged" {
			merged = append(merged, mr.IID)
		}
	}
	switch {
	case len(merged) == 1:
		return merged[0], nil
	case len(mrs) == 1:
		return mrs[0].IID, nil
	case len(mrs) == 0:
		return 0, fmt.Errorf("commit %s was not merged from a merge request: there is no reviewed plan to apply", sha)
	}
	return 0, fmt.Errorf("commit %s belongs to %d merge requests and merged none of them: name one with --number", sha, len(mrs))
}

// PlanCandidates implements Forge: the successful jobs called name of the merge request's
// pipelines, newest first (GET /projects/:id/merge_requests/:iid/pipelines, then
// /pipelines/:pid/jobs?scope[]=success), except the running pipeline; files come from GET
// /projects/:id/jobs/:job_id/artifacts/:file. A merge train or merged results pipeline runs on a
// merge commit GitLab made, so a pipeline's sha says nothing about the head commit it planned:
// the stamp (MetaFile) does, and FetchPlan checks it.
func (g *GitLab) PlanCandidates(ctx context.Context, req Request, name string, visit func(Candidate) (bool, error)) error {
	type pipeline struct {
		ID int64 `json:"id"`
	}
	var pipes []pipeline
	if _, err := g.a.Do(ctx, http.MethodGet, g.a.URL(g.path("/merge_requests/%d/pipelines", req.Number), url.Values{"per_page": {strconv.Itoa(maxPipelines)}}), nil, &pipes); err != nil {
		return err
	}
	current := g.env.Getenv("CI_PIPELINE_ID")
	for _, p := range pipes {
		if strconv.FormatInt(p.ID, 10) == current {
			continue
		}
		var jobs []struct {
			ID     int64  `json:"id"`
			Name   string `json:"name"`
			Status string `json:"status"`
		}
		if _, err := g.a.Do(ctx, http.MethodGet, g.a.URL(g.path("/pipelines/%d/jobs", p.ID), url.Values{"scope[]": {"success"}, "per_page": {"100"}}), nil, &jobs); err != nil {
			return err
		}
		for _, j := range jobs {
			if j.Name != name || j.Status != "success" {
				continue
			}
			job := j.ID
			c := Candidate{Where: fmt.Sprintf("pipeline %d, job %d (%s)", p.ID, job, name), File: func(ctx context.Context, file string) ([]byte, error) {
				b, err := g.a.download(ctx, g.a.URL(g.path("/jobs/%d/artifacts/%s", job, url.PathEscape(file)), nil))
				var ae *APIError
				if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
					return nil, os.ErrNotExist
				}
				return b, err
			}}
			if done, err := visit(c); done || err != nil {
				return err
			}
		}
	}
	return nil
}

// Self implements Forge: GET /user (a project access token's bot user).
func (g *GitLab) Self(ctx context.Context) (string, error) {
	return g.a.GitLabUserID(ctx)
}

type gitlabIssue struct {
	IID         int    `json:"iid"`
	Description string `json:"description"`
	WebURL      string `json:"web_url"`
	Author      struct {
		ID int64 `json:"id"`
	} `json:"author"`
}

func (i gitlabIssue) issue() Issue {
	return Issue{Number: i.IID, Author: strconv.FormatInt(i.Author.ID, 10), Body: i.Description, URL: i.WebURL}
}

// OpenIssues implements Forge: GET /projects/:id/issues?state=opened&labels=.
func (g *GitLab) OpenIssues(ctx context.Context, label string) ([]Issue, error) {
	var out []Issue
	err := g.a.list(ctx, g.path("/issues"), url.Values{"state": {"opened"}, "labels": {label}}, func(raw json.RawMessage) error {
		var i gitlabIssue
		if err := json.Unmarshal(raw, &i); err != nil {
			return fmt.Errorf("GitLab API: decode an issue: %w", err)
		}
		out = append(out, i.issue())
		return nil
	})
	return out, err
}

// CreateIssue implements Forge: POST /projects/:id/issues.
func (g *GitLab) CreateIssue(ctx context.Context, title, body, label string) (Issue, error) {
	var i gitlabIssue
	_, err := g.a.Do(ctx, http.MethodPost, g.a.URL(g.path("/issues"), nil), map[string]any{"title": title, "description": body, "labels": label}, &i)
	return i.issue(), err
}

// UpdateIssue implements Forge: PUT /projects/:id/issues/:iid.
func (g *GitLab) UpdateIssue(ctx context.Context, number int, body string) error {
	_, err := g.a.Do(ctx, http.MethodPut, g.a.URL(g.path("/issues/%d", number), nil), map[string]any{"description": body}, nil)
	return err
}

// CloseIssue implements Forge: POST /projects/:id/issues/:iid/notes, then PUT state_event=close.
func (g *GitLab) CloseIssue(ctx context.Context, number int, comment string) error {
	if _, err := g.a.Do(ctx, http.MethodPost, g.a.URL(g.path("/issues/%d/notes", number), nil), map[string]any{"body": comment}, nil); err != nil {
		return err
	}
	_, err := g.a.Do(ctx, http.MethodPut, g.a.URL(g.path("/issues/%d", number), nil), map[string]any{"state_event": "close"}, nil)
	return err
}
