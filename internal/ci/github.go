package ci

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/forgeapi"
)

// GitHubActionsBot is the login of what a workflow's GITHUB_TOKEN writes.
const GitHubActionsBot = forgeapi.GitHubActionsBot

// GitHub is one repository on GitHub (or GitHub Enterprise Server), through the REST API.
type GitHub struct {
	a    *api
	repo string // owner/name
	env  Env
}

var githubHints = map[int]string{
	401: "the token is not valid: check GITHUB_TOKEN",
	403: "the token lacks a permission: give the job permissions: actions: read (plans), pull-requests: read, issues: write (drift)",
	404: "no such repository, pull request, run or artifact, or the token cannot see it",
}

// NewGitHub returns the repository of a GitHub Actions job: GITHUB_REPOSITORY through
// GITHUB_API_URL (default https://api.github.com) with GITHUB_TOKEN.
func NewGitHub(e Env) (*GitHub, error) {
	repo := e.Getenv("GITHUB_REPOSITORY")
	if !strings.Contains(repo, "/") {
		return nil, fmt.Errorf("GitHub repository %q is not owner/name", repo)
	}
	tok := e.Getenv("GITHUB_TOKEN")
	if tok == "" {
		return nil, errors.New("no GitHub token: set GITHUB_TOKEN (in a workflow: env: GITHUB_TOKEN: ${{ github.token }})")
	}
	base := e.Getenv("GITHUB_API_URL")
	if base == "" {
		base = "https://api.github.com"
	}
	a, err := newAPI("GitHub", base, "Authorization", "Bearer "+tok, e.UserAgent, githubHints)
	if err != nil {
		return nil, err
	}
	return &GitHub{a: a, repo: repo, env: e}, nil
}

// Name implements Forge.
func (g *GitHub) Name() string { return "GitHub" }

func (g *GitHub) repoPath() string {
	owner, name, _ := strings.Cut(g.repo, "/")
	return "/repos/" + url.PathEscape(owner) + "/" + url.PathEscape(name)
}

func readGitHubEvent(e Env) (forgeapi.GitHubEvent, error) {
	return forgeapi.ReadGitHubEvent(e.Getenv, e.readFile)
}

// queueRef is the branch of a merge queue's merge group: gh-readonly-queue/BASE/pr-N-BASESHA.
var queueRef = regexp.MustCompile(`(?:^|/)gh-readonly-queue/.+/pr-([0-9]+)-[0-9a-f]+$`)

type githubPull struct {
	Number         int    `json:"number"`
	State          string `json:"state"`
	MergeCommitSHA string `json:"merge_commit_sha"`
	MergedAt       string `json:"merged_at"`
	Head           struct {
		SHA string `json:"sha"`
	} `json:"head"`
}

// Request implements Forge: pull request number; else the pull request of the event
// (pull_request), of the merge queue's group (merge_group: the pull request its branch names), or
// the one the run's commit was merged from (a push of the merge commit: GET
// /repos/{owner}/{repo}/commits/{sha}/pulls). The head commit is the one GET
// /repos/{owner}/{repo}/pulls/{number} reports.
func (g *GitHub) Request(ctx context.Context, number int) (Request, error) {
	if number == 0 {
		ev, err := readGitHubEvent(g.env)
		if err != nil {
			return Request{}, err
		}
		switch {
		case ev.PullRequest.Number != 0:
			number = ev.PullRequest.Number
		case ev.MergeGroup.HeadRef != "":
			m := queueRef.FindStringSubmatch(ev.MergeGroup.HeadRef)
			if m == nil {
				return Request{}, fmt.Errorf("merge group branch %q does not name a pull request (gh-readonly-queue/BASE/pr-N-SHA)", ev.MergeGroup.HeadRef)
			}
			number, _ = strconv.Atoi(m[1])
		default:
			sha := g.env.Getenv("GITHUB_SHA")
			if sha == "" {
				return Request{}, errors.New("no pull request: the event has none and GITHUB_SHA is not set")
			}
			n, err := g.pullOfCommit(ctx, sha)
			if err != nil {
				return Request{}, err
			}
			number = n
		}
	}
	var pr githubPull
	if _, err := g.a.Do(ctx, http.MethodGet, g.a.URL(fmt.Sprintf("%s/pulls/%d", g.repoPath(), number), nil), nil, &pr); err != nil {
		return Request{}, fmt.Errorf("read pull request #%d: %w", number, err)
	}
	if pr.Head.SHA == "" {
		return Request{}, fmt.Errorf("pull request #%d: GitHub reports no head commit", number)
	}
	return Request{Number: number, HeadSHA: pr.Head.SHA, Noun: fmt.Sprintf("pull request #%d", number)}, nil
}

// pullOfCommit returns the pull request commit sha was merged from: the one whose merge commit
// it is, else the only merged one, else the only one.
func (g *GitHub) pullOfCommit(ctx context.Context, sha string) (int, error) {
	var prs []githubPull
	if _, err := g.a.Do(ctx, http.MethodGet, g.a.URL(g.repoPath()+"/commits/"+url.PathEscape(sha)+"/pulls", nil), nil, &prs); err != nil {
		return 0, fmt.Errorf("find the pull request of commit %s: %w", sha, err)
	}
	var merged []int
	for _, pr := range prs {
		if pr.MergeCommitSHA == sha && pr.MergedAt != "" {
			return pr.Number, nil
		}
		if pr.MergedAt != "" {
			merged = append(merged, pr.Number)
		}
	}
	switch {
	case len(merged) == 1:
		return merged[0], nil
	case len(prs) == 1:
		return prs[0].Number, nil
	case len(prs) == 0:
		return 0, fmt.Errorf("commit %s was not merged from a pull request: there is no reviewed plan to apply", sha)
	}
	return 0, fmt.Errorf("commit %s belongs to %d pull requests and merged none of them: name one with --number", sha, len(prs))
}

type githubArtifact struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Expired     bool   `json:"expired"`
	DownloadURL string `json:"archive_download_url"`
	WorkflowRun struct {
		ID      int64  `json:"id"`
		HeadSHA string `json:"head_sha"`
	} `json:"workflow_run"`
}

// PlanCandidates implements Forge: the unexpired artifacts called name of the head commit's
// successful pull request runs (GET /repos/{owner}/{repo}/actions/artifacts?name=, then GET
// .../actions/runs/{id}), each downloaded as a zip archive.
func (g *GitHub) PlanCandidates(ctx context.Context, req Request, name string, visit func(Candidate) (bool, error)) error {
	var arts []githubArtifact
	err := g.a.listObject(ctx, g.repoPath()+"/actions/artifacts", url.Values{"name": {name}}, "artifacts", func(raw json.RawMessage) error {
		var a githubArtifact
		if err := json.Unmarshal(raw, &a); err != nil {
			return fmt.Errorf("GitHub API: decode an artifact: %w", err)
		}
		if a.Name == name && !a.Expired && a.WorkflowRun.HeadSHA == req.HeadSHA {
			arts = append(arts, a)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, art := range arts {
		var run struct {
			Conclusion string `json:"conclusion"`
			HeadSHA    string `json:"head_sha"`
			Event      string `json:"event"`
		}
		if _, err := g.a.Do(ctx, http.MethodGet, g.a.URL(fmt.Sprintf("%s/actions/runs/%d", g.repoPath(), art.WorkflowRun.ID), nil), nil, &run); err != nil {
			return err
		}
		where := fmt.Sprintf("run %d, artifact %s", art.WorkflowRun.ID, name)
		if run.Conclusion != "success" || run.HeadSHA != req.HeadSHA {
			continue
		}
		var files map[string][]byte
		c := Candidate{Where: where, File: func(ctx context.Context, file string) ([]byte, error) {
			if files == nil {
				zb, err := g.a.download(ctx, art.DownloadURL)
				if err != nil {
					return nil, err
				}
				if files, err = unzip(zb); err != nil {
					return nil, fmt.Errorf("%s: %w", where, err)
				}
			}
			b, ok := files[file]
			if !ok {
				return nil, os.ErrNotExist
			}
			return b, nil
		}}
		if done, err := visit(c); done || err != nil {
			return err
		}
	}
	return nil
}

// unzip returns the regular files at the top of a zip archive (an artifact), each bounded.
func unzip(b []byte) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("artifact archive: %w", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || strings.Contains(f.Name, "/") || f.UncompressedSize64 > maxArtifact {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("artifact archive: %s: %w", f.Name, err)
		}
		data, err := io.ReadAll(io.LimitReader(rc, maxArtifact))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("artifact archive: %s: %w", f.Name, err)
		}
		out[f.Name] = data
	}
	return out, nil
}

// Self implements Forge: GET /user; a workflow's token, which may not read it, writes as
// GitHubActionsBot.
func (g *GitHub) Self(ctx context.Context) (string, error) {
	return g.a.GitHubLogin(ctx)
}

type githubIssue struct {
	Number      int             `json:"number"`
	Body        string          `json:"body"`
	HTMLURL     string          `json:"html_url"`
	PullRequest json.RawMessage `json:"pull_request"`
	User        struct {
		Login string `json:"login"`
	} `json:"user"`
}

func (i githubIssue) issue() Issue {
	return Issue{Number: i.Number, Author: i.User.Login, Body: i.Body, URL: i.HTMLURL}
}

// OpenIssues implements Forge: GET /repos/{owner}/{repo}/issues?state=open&labels= (pull
// requests left out).
func (g *GitHub) OpenIssues(ctx context.Context, label string) ([]Issue, error) {
	var out []Issue
	err := g.a.list(ctx, g.repoPath()+"/issues", url.Values{"state": {"open"}, "labels": {label}}, func(raw json.RawMessage) error {
		var i githubIssue
		if err := json.Unmarshal(raw, &i); err != nil {
			return fmt.Errorf("GitHub API: decode an issue: %w", err)
		}
		if len(i.PullRequest) == 0 {
			out = append(out, i.issue())
		}
		return nil
	})
	return out, err
}

// CreateIssue implements Forge: POST /repos/{owner}/{repo}/issues.
func (g *GitHub) CreateIssue(ctx context.Context, title, body, label string) (Issue, error) {
	var i githubIssue
	_, err := g.a.Do(ctx, http.MethodPost, g.a.URL(g.repoPath()+"/issues", nil),
		map[string]any{"title": title, "body": body, "labels": []string{label}}, &i)
	return i.issue(), err
}

// UpdateIssue implements Forge: PATCH /repos/{owner}/{repo}/issues/{number}.
func (g *GitHub) UpdateIssue(ctx context.Context, number int, body string) error {
	_, err := g.a.Do(ctx, http.MethodPatch, g.a.URL(fmt.Sprintf("%s/issues/%d", g.repoPath(), number), nil), map[string]any{"body": body}, nil)
	return err
}

// CloseIssue implements Forge: POST .../issues/{number}/comments, then PATCH it closed.
func (g *GitHub) CloseIssue(ctx context.Context, number int, comment string) error {
	if _, err := g.a.Do(ctx, http.MethodPost, g.a.URL(fmt.Sprintf("%s/issues/%d/comments", g.repoPath(), number), nil), map[string]any{"body": comment}, nil); err != nil {
		return err
	}
	_, err := g.a.Do(ctx, http.MethodPatch, g.a.URL(fmt.Sprintf("%s/issues/%d", g.repoPath(), number), nil),
		map[string]any{"state": "closed", "state_reason": "completed"}, nil)
	return err
}
