package forgeapi

import (
	"errors"
	"testing"
)

func TestReadGitHubEvent(t *testing.T) {
	files := map[string]string{
		"pr.json":    `{"pull_request":{"number":12,"head":{"sha":"abc"}}}`,
		"queue.json": `{"merge_group":{"head_ref":"refs/heads/gh-readonly-queue/main/pr-9-ff","head_sha":"def"}}`,
		"bad.json":   `{"pull_request":`,
	}
	read := func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, errors.New("no such file")
	}
	env := func(path string) func(string) string {
		return func(k string) string {
			if k == "GITHUB_EVENT_PATH" {
				return path
			}
			return ""
		}
	}
	if ev, err := ReadGitHubEvent(env(""), read); err != nil || ev != (GitHubEvent{}) {
		t.Errorf("outside Actions: %+v, %v; want the zero event", ev, err)
	}
	if ev, err := ReadGitHubEvent(env("pr.json"), read); err != nil || ev.PullRequest.Number != 12 || ev.PullRequest.Head.SHA != "abc" {
		t.Errorf("pull request event: %+v, %v", ev, err)
	}
	if ev, err := ReadGitHubEvent(env("queue.json"), read); err != nil || ev.MergeGroup.HeadSHA != "def" {
		t.Errorf("merge group event: %+v, %v", ev, err)
	}
	for _, p := range []string{"bad.json", "missing.json"} {
		if ev, err := ReadGitHubEvent(env(p), read); err == nil || ev != (GitHubEvent{}) {
			t.Errorf("%s: %+v, %v; want an error and the zero event", p, ev, err)
		}
	}
}
