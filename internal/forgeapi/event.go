package forgeapi

import (
	"encoding/json"
	"fmt"
)

// GitHubEvent is the part of a GitHub Actions event ($GITHUB_EVENT_PATH) qsync reads.
type GitHubEvent struct {
	// Number is the issue or pull request number of events that carry one at the top level
	// (issue_comment, pull_request_target, ...).
	Number      int `json:"number"`
	PullRequest struct {
		Number int `json:"number"`
		Head   struct {
			SHA string `json:"sha"`
		} `json:"head"`
	} `json:"pull_request"`
	// MergeGroup is set for a merge queue's run.
	MergeGroup struct {
		HeadRef string `json:"head_ref"`
		HeadSHA string `json:"head_sha"`
	} `json:"merge_group"`
}

// ReadGitHubEvent reads the event of the run from the file $GITHUB_EVENT_PATH names (getenv and
// readFile are the caller's, so tests pass their own); outside GitHub Actions it is the zero event.
func ReadGitHubEvent(getenv func(string) string, readFile func(string) ([]byte, error)) (GitHubEvent, error) {
	var ev GitHubEvent
	p := getenv("GITHUB_EVENT_PATH")
	if p == "" {
		return ev, nil
	}
	b, err := readFile(p)
	if err != nil {
		return ev, fmt.Errorf("read the GitHub event: %w", err)
	}
	if err := json.Unmarshal(b, &ev); err != nil {
		return GitHubEvent{}, fmt.Errorf("read the GitHub event %s: %w", p, err)
	}
	return ev, nil
}
