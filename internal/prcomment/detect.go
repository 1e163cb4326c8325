package prcomment

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"

	"github.com/qsync/qsync/internal/forgeapi"
)

// CI is what the environment of a CI job says about the run.
type CI struct {
	Getenv   func(string) string
	ReadFile func(string) ([]byte, error) // nil: os.ReadFile
	HTTP     *http.Client                 // nil: a default transport; either way wrapped by the outbound policy
	// UserAgent is sent with every API call.
	UserAgent string
}

func (e CI) readFile(name string) ([]byte, error) {
	if e.ReadFile != nil {
		return e.ReadFile(name)
	}
	return os.ReadFile(name)
}

// githubEvent is the event of the run; an unreadable event is a push-like event: no pull request.
func (e CI) githubEvent() forgeapi.GitHubEvent {
	ev, _ := forgeapi.ReadGitHubEvent(e.Getenv, e.readFile)
	return ev
}

// Commit returns the commit a run is for: a pull request's head commit on GitHub (not the
// merge commit GitHub checks out), else GITHUB_SHA, else CI_COMMIT_SHA; "" outside CI.
func (e CI) Commit() string {
	if e.Getenv("GITHUB_ACTIONS") != "" || e.Getenv("GITHUB_REPOSITORY") != "" {
		if sha := e.githubEvent().PullRequest.Head.SHA; sha != "" {
			return sha
		}
		return e.Getenv("GITHUB_SHA")
	}
	return e.Getenv("CI_COMMIT_SHA")
}

// RunURL returns a link to the CI run (GitHub) or job (GitLab), where its artifacts are; "" when
// the environment does not say.
func (e CI) RunURL() string {
	if srv, repo, id := e.Getenv("GITHUB_SERVER_URL"), e.Getenv("GITHUB_REPOSITORY"), e.Getenv("GITHUB_RUN_ID"); srv != "" && repo != "" && id != "" {
		return srv + "/" + repo + "/actions/runs/" + id
	}
	return e.Getenv("CI_JOB_URL")
}

// Platform returns the pull request (GitHub Actions) or merge request (GitLab CI) the run is for.
// number, when not 0, names it; otherwise it is the one of the event (a pull_request workflow, a
// merge request pipeline), or else the one the run's commit was merged from (a push to main).
func (e CI) Platform(ctx context.Context, number int) (Platform, error) {
	switch {
	case e.Getenv("GITHUB_REPOSITORY") != "":
		cfg := GitHubConfig{APIURL: e.Getenv("GITHUB_API_URL"), Repo: e.Getenv("GITHUB_REPOSITORY"),
			Token: e.Getenv("GITHUB_TOKEN"), UserAgent: e.UserAgent, HTTP: e.HTTP}
		if cfg.APIURL == "" {
			cfg.APIURL = "https://api.github.com"
		}
		if number == 0 {
			ev := e.githubEvent()
			number = ev.PullRequest.Number
			if number == 0 {
				number = ev.Number
			}
		}
		if number == 0 {
			sha := e.Getenv("GITHUB_SHA")
			if sha == "" {
				return nil, errors.New("no pull request: the event has none and GITHUB_SHA is not set")
			}
			n, err := GitHubPullForCommit(ctx, cfg, sha)
			if err != nil {
				return nil, err
			}
			number = n
		}
		cfg.Number = number
		return NewGitHub(cfg)
	case e.Getenv("CI_PROJECT_ID") != "":
		cfg := GitLabConfig{APIURL: e.Getenv("CI_API_V4_URL"), Project: e.Getenv("CI_PROJECT_ID"),
			Token: e.Getenv("QSYNC_GITLAB_TOKEN"), UserAgent: e.UserAgent, HTTP: e.HTTP}
		if cfg.APIURL == "" {
			return nil, errors.New("no GitLab API: CI_API_V4_URL is not set")
		}
		if number == 0 {
			if s := e.Getenv("CI_MERGE_REQUEST_IID"); s != "" {
				n, err := strconv.Atoi(s)
				if err != nil || n <= 0 {
					return nil, fmt.Errorf("CI_MERGE_REQUEST_IID %q is not a merge request number", s)
				}
				number = n
			}
		}
		if number == 0 {
			sha := e.Getenv("CI_COMMIT_SHA")
			if sha == "" {
				return nil, errors.New("no merge request: CI_MERGE_REQUEST_IID and CI_COMMIT_SHA are not set")
			}
			n, err := GitLabMergeRequestForCommit(ctx, cfg, sha)
			if err != nil {
				return nil, err
			}
			number = n
		}
		cfg.IID = number
		return NewGitLab(cfg)
	}
	return nil, errors.New("not in GitHub Actions or GitLab CI: neither GITHUB_REPOSITORY nor CI_PROJECT_ID is set")
}
