package ci

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/qsync/qsync/internal/planfile"
	"github.com/qsync/qsync/internal/safeio"
)

// Artifact file names: the saved plan, its markdown, and what Stamp records about them.
const (
	PlanFile     = "plan.json"
	PlanMarkdown = "plan.md"
	MetaFile     = "qsync-plan.meta.json"
)

// metaVersion is the version of the MetaFile format.
const metaVersion = 1

// Meta is what the plan job records next to a saved plan (MetaFile), so that FetchPlan can tell
// the plan of a request's head commit from any other.
type Meta struct {
	Version  int    `json:"qsync_plan_meta"`
	Platform string `json:"platform"` // GitHub or GitLab
	Request  int    `json:"request"`  // pull or merge request number
	HeadSHA  string `json:"head_sha"` // the request's head commit the plan was made for
	Config   string `json:"config"`   // the configuration path
	// PlanSHA256 is the SHA-256 of PlanFile as saved: the pair cannot be mixed up or altered.
	PlanSHA256 string `json:"plan_sha256"`
}

// StampMeta returns the Meta of a plan job from its CI environment: the request of the event
// (GitHub: the pull_request event; GitLab: CI_MERGE_REQUEST_IID) and its head commit (GitHub: the
// event's pull_request.head.sha, not the merge commit it checks out; GitLab:
// CI_MERGE_REQUEST_SOURCE_BRANCH_SHA in merged results pipelines, else CI_COMMIT_SHA).
func StampMeta(e Env, config string, plan []byte) (Meta, error) {
	sum := sha256.Sum256(plan)
	m := Meta{Version: metaVersion, Config: config, PlanSHA256: hex.EncodeToString(sum[:])}
	switch {
	case e.Getenv("GITHUB_REPOSITORY") != "":
		ev, err := readGitHubEvent(e)
		if err != nil {
			return Meta{}, err
		}
		m.Platform, m.Request, m.HeadSHA = "GitHub", ev.PullRequest.Number, ev.PullRequest.Head.SHA
		if m.Request == 0 || m.HeadSHA == "" {
			return Meta{}, fmt.Errorf("the %s event has no pull request: stamp a plan in a pull_request workflow", e.Getenv("GITHUB_EVENT_NAME"))
		}
	case e.Getenv("CI_PROJECT_ID") != "":
		iid, err := strconv.Atoi(e.Getenv("CI_MERGE_REQUEST_IID"))
		if err != nil || iid <= 0 {
			return Meta{}, errors.New("no merge request: CI_MERGE_REQUEST_IID is not set (stamp a plan in a merge request pipeline)")
		}
		m.Platform, m.Request, m.HeadSHA = "GitLab", iid, e.Getenv("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA")
		if m.HeadSHA == "" {
			m.HeadSHA = e.Getenv("CI_COMMIT_SHA")
		}
		if m.HeadSHA == "" {
			return Meta{}, errors.New("no commit: CI_COMMIT_SHA is not set")
		}
	default:
		return Meta{}, errors.New("not in GitHub Actions or GitLab CI: neither GITHUB_REPOSITORY nor CI_PROJECT_ID is set")
	}
	return m, nil
}

// Stamp writes MetaFile next to the saved plan at planPath and returns what it wrote.
func Stamp(e Env, config, planPath string) (Meta, error) {
	plan, err := safeio.ReadFile(planPath, planfile.MaxPlanBytes) // a regular file, its size checked first
	if err != nil {
		return Meta{}, fmt.Errorf("stamp the plan %s: %w", planPath, err)
	}
	m, err := StampMeta(e, config, plan)
	if err != nil {
		return Meta{}, fmt.Errorf("stamp the plan: %w", err)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Meta{}, fmt.Errorf("stamp the plan: %w", err)
	}
	path := filepath.Join(filepath.Dir(planPath), MetaFile)
	if err := safeio.WriteFile(path, append(b, '\n'), 0o644); err != nil { // never through a symbolic link
		return Meta{}, fmt.Errorf("stamp the plan: %w", err)
	}
	return m, nil
}

// parseMeta reads a MetaFile strictly.
func parseMeta(b []byte) (Meta, error) {
	var m Meta
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&m); err != nil {
		return Meta{}, fmt.Errorf("%s: %w", MetaFile, err)
	}
	if m.Version != metaVersion {
		return Meta{}, fmt.Errorf("%s: version %d, this qsync reads version %d", MetaFile, m.Version, metaVersion)
	}
	return m, nil
}
