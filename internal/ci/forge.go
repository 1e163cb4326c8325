package ci

import (
	"context"
	"errors"
	"os"
)

// Request is a pull request (GitHub) or merge request (GitLab) and its head commit, as the
// platform's API reports them when asked.
type Request struct {
	Number  int
	HeadSHA string
	// Noun names it the platform's way: "pull request #5", "merge request !5".
	Noun string
}

// Candidate is one stored plan artifact a Forge offers FetchPlan: where it is, and its files.
type Candidate struct {
	Where string // e.g. "run 77, artifact qsync-plan" or "pipeline 12, job 40 (plan)"
	// File returns a file of the artifact by name; os.ErrNotExist when it has none.
	File func(ctx context.Context, name string) ([]byte, error)
}

// Issue is an open issue qsync may keep up to date.
type Issue struct {
	Number int
	Author string // GitHub login, or GitLab user ID in decimal
	Body   string
	URL    string
}

// Forge is what package ci needs of a code host: the request a run is about, the plan artifacts
// of a request, and issues.
type Forge interface {
	// Name is "GitHub" or "GitLab".
	Name() string
	// Request returns the request this run belongs to, or request number when it is not 0.
	Request(ctx context.Context, number int) (Request, error)
	// PlanCandidates calls visit with the stored plan artifacts called name that may belong to
	// req, newest first, until visit returns true or an error.
	PlanCandidates(ctx context.Context, req Request, name string, visit func(Candidate) (bool, error)) error
	// Self returns the token's user (as Issue.Author spells it).
	Self(ctx context.Context) (string, error)
	// OpenIssues returns the open issues with label.
	OpenIssues(ctx context.Context, label string) ([]Issue, error)
	CreateIssue(ctx context.Context, title, body, label string) (Issue, error)
	UpdateIssue(ctx context.Context, number int, body string) error
	// CloseIssue comments on the issue, then closes it.
	CloseIssue(ctx context.Context, number int, comment string) error
}

// Env is what a CI job's environment says.
type Env struct {
	Getenv   func(string) string
	ReadFile func(string) ([]byte, error) // nil: os.ReadFile
	// UserAgent is sent with every API call.
	UserAgent string
}

func (e Env) readFile(name string) ([]byte, error) {
	if e.ReadFile != nil {
		return e.ReadFile(name)
	}
	return os.ReadFile(name)
}

// Detect returns the forge of the CI system the job runs in: GitHub Actions (GITHUB_REPOSITORY)
// or GitLab CI (CI_PROJECT_ID).
func Detect(e Env) (Forge, error) {
	switch {
	case e.Getenv("GITHUB_REPOSITORY") != "":
		return NewGitHub(e)
	case e.Getenv("CI_PROJECT_ID") != "":
		return NewGitLab(e)
	}
	return nil, errors.New("not in GitHub Actions or GitLab CI: neither GITHUB_REPOSITORY nor CI_PROJECT_ID is set")
}
