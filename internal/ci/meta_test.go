package ci

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStamp: the stamp names the pull request's head commit (not the merge commit GitHub checks
// out), the merge request's source commit in a merged results pipeline (not the merge commit
// GitLab made), and the plan's digest; outside a request it refuses.
func TestStamp(t *testing.T) {
	dir := t.TempDir()
	planPath := filepath.Join(dir, PlanFile)
	if err := os.WriteFile(planPath, []byte(`{"format_version": 2}`), 0o644); err != nil {
		t.Fatal(err)
	}
	event := filepath.Join(dir, "event.json")
	if err := os.WriteFile(event, []byte(`{"pull_request": {"number": 5, "head": {"sha": "head2"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want Meta
	}{
		{"github", map[string]string{"GITHUB_REPOSITORY": "acme/cfg", "GITHUB_EVENT_PATH": event, "GITHUB_SHA": "prmerge"},
			Meta{Platform: "GitHub", Request: 5, HeadSHA: "head2"}},
		{"gitlab_merged_results", map[string]string{"CI_PROJECT_ID": "42", "CI_MERGE_REQUEST_IID": "5", "CI_COMMIT_SHA": "mrc", "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": "head2"},
			Meta{Platform: "GitLab", Request: 5, HeadSHA: "head2"}},
		{"gitlab_detached", map[string]string{"CI_PROJECT_ID": "42", "CI_MERGE_REQUEST_IID": "5", "CI_COMMIT_SHA": "head2"},
			Meta{Platform: "GitLab", Request: 5, HeadSHA: "head2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Stamp(envOf(tc.env), "./config", planPath)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(dir, MetaFile))
			if err != nil {
				t.Fatal(err)
			}
			back, err := parseMeta(b)
			if err != nil || back != m {
				t.Fatalf("read back %+v, %v; wrote %+v", back, err, m)
			}
			sum := sha256.Sum256([]byte(`{"format_version": 2}`))
			if m.Platform != tc.want.Platform || m.Request != tc.want.Request || m.HeadSHA != tc.want.HeadSHA || m.Config != "./config" ||
				m.PlanSHA256 != hex.EncodeToString(sum[:]) {
				t.Fatalf("stamp %+v", m)
			}
		})
	}
	for _, env := range []map[string]string{
		{"GITHUB_REPOSITORY": "acme/cfg", "GITHUB_EVENT_NAME": "push"},
		{"CI_PROJECT_ID": "42", "CI_COMMIT_SHA": "main1"},
		{},
	} {
		if _, err := Stamp(envOf(env), "config", planPath); err == nil || !strings.Contains(err.Error(), "stamp the plan") {
			t.Errorf("%v: err %v, want a refusal", env, err)
		}
	}
}
