package citest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/qsync/qsync/internal/prcomment/prcommenttest"
)

// Job is a GitLab CI job with its artifact files.
type Job struct {
	ID     int64
	Name   string
	Status string // success, failed, ...
	Files  map[string][]byte
}

// Pipeline is a GitLab pipeline of a merge request.
type Pipeline struct {
	ID  int64
	SHA string // the commit it ran on: for merged results and merge train pipelines, a merge commit GitLab made
	Ref string // refs/merge-requests/N/head, .../merge or .../train
	// Jobs run in it.
	Jobs []Job
}

// GitLab fakes a GitLab instance's API v4 (under /api/v4) for one project: the merge request notes
// of prcommenttest.GitLab, plus merge requests, their pipelines and jobs with artifacts, and
// issues.
type GitLab struct {
	*prcommenttest.GitLab
	// BlobURL, when set, makes artifact downloads redirect to a Blob's server (object storage).
	BlobURL string
	Blob    *Blob

	mu        sync.Mutex
	mrs       map[int]Pull
	pipelines map[int][]Pipeline // per merge request IID, oldest first
	issues    issues
}

// NewGitLab returns a fake of project (its numeric ID) accepting token, whose user is userID.
func NewGitLab(project, token string, userID int64) *GitLab {
	return &GitLab{GitLab: &prcommenttest.GitLab{Project: project, Token: token, UserID: userID}, Blob: &Blob{},
		mrs: map[int]Pull{}, pipelines: map[int][]Pipeline{}, issues: issues{first: 1}}
}

// SetMergeRequest stores merge request iid.
func (g *GitLab) SetMergeRequest(iid int, p Pull) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.mrs[iid] = p
}

// AddPipeline stores a pipeline of merge request iid (the newest so far).
func (g *GitLab) AddPipeline(iid int, p Pipeline) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pipelines[iid] = append(g.pipelines[iid], p)
}

// AddIssue stores an issue and returns its IID.
func (g *GitLab) AddIssue(is Issue) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.issues.add(&is).Number
}

// Issues returns the stored issues.
func (g *GitLab) Issues() []Issue {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []Issue
	for _, is := range g.issues.list {
		c := *is
		c.Notes = slices.Clone(is.Notes)
		out = append(out, c)
	}
	return out
}

// ServeHTTP implements the GitLab endpoints package ci calls, and delegates the rest to
// prcommenttest.GitLab.
func (g *GitLab) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path, ok := strings.CutPrefix(r.URL.EscapedPath(), "/api/v4/projects/"+g.Project+"/")
	if !ok || r.Header.Get("PRIVATE-TOKEN") != g.Token {
		g.GitLab.ServeHTTP(w, r)
		return
	}
	var rest []string
	for _, p := range strings.Split(path, "/") {
		s, err := url.PathUnescape(p)
		if err != nil {
			writeJSON(w, 400, map[string]string{"error": "bad path"})
			return
		}
		rest = append(rest, s)
	}
	g.mu.Lock()
	handled := g.serve(w, r, rest)
	g.mu.Unlock()
	if !handled {
		g.GitLab.ServeHTTP(w, r)
	}
}

func (g *GitLab) serve(w http.ResponseWriter, r *http.Request, rest []string) bool {
	get := r.Method == http.MethodGet
	self := strconv.FormatInt(g.UserID, 10)
	switch {
	case get && len(rest) == 2 && rest[0] == "merge_requests":
		iid, _ := strconv.Atoi(rest[1])
		p, ok := g.mrs[iid]
		if !ok {
			writeJSON(w, 404, map[string]string{"message": "404 Not found"})
			return true
		}
		writeJSON(w, 200, mrJSON(iid, p))
	case get && len(rest) == 4 && rest[0] == "repository" && rest[1] == "commits" && rest[3] == "merge_requests":
		out := []map[string]any{}
		for _, iid := range sortedKeys(g.mrs) {
			p := g.mrs[iid]
			if p.HeadSHA == rest[2] || p.MergeCommitSHA == rest[2] {
				out = append(out, mrJSON(iid, p))
			}
		}
		writeJSON(w, 200, out)
	case get && len(rest) == 3 && rest[0] == "merge_requests" && rest[2] == "pipelines":
		iid, _ := strconv.Atoi(rest[1])
		out := []map[string]any{}
		ps := g.pipelines[iid]
		for i := len(ps) - 1; i >= 0; i-- { // newest first
			out = append(out, map[string]any{"id": ps[i].ID, "sha": ps[i].SHA, "ref": ps[i].Ref, "status": pipelineStatus(ps[i])})
		}
		writeJSON(w, 200, out)
	case get && len(rest) == 3 && rest[0] == "pipelines" && rest[2] == "jobs":
		id, _ := strconv.ParseInt(rest[1], 10, 64)
		p := g.pipeline(id)
		if p == nil {
			writeJSON(w, 404, map[string]string{"message": "404 Not found"})
			return true
		}
		scope := r.URL.Query()["scope[]"]
		out := []map[string]any{}
		for _, j := range p.Jobs {
			if len(scope) == 0 || slices.Contains(scope, j.Status) {
				out = append(out, map[string]any{"id": j.ID, "name": j.Name, "status": j.Status})
			}
		}
		writeJSON(w, 200, out)
	case get && len(rest) >= 4 && rest[0] == "jobs" && rest[2] == "artifacts":
		id, _ := strconv.ParseInt(rest[1], 10, 64)
		file := strings.Join(rest[3:], "/")
		for _, ps := range g.pipelines {
			for _, p := range ps {
				for _, j := range p.Jobs {
					if j.ID != id {
						continue
					}
					data, ok := j.Files[file]
					if !ok {
						writeJSON(w, 404, map[string]string{"message": "404 File Not Found"})
						return true
					}
					if g.BlobURL != "" {
						key := fmt.Sprintf("job-%d-%s", id, file)
						g.Blob.put(key, data)
						http.Redirect(w, r, g.BlobURL+"/blob/"+key+"?sig=signed", http.StatusFound)
						return true
					}
					_, _ = w.Write(data)
					return true
				}
			}
		}
		writeJSON(w, 404, map[string]string{"message": "404 Not found"})
	case len(rest) == 1 && rest[0] == "issues":
		switch r.Method {
		case http.MethodGet:
			q := r.URL.Query()
			out := []map[string]any{}
			for _, is := range g.issues.matching(q.Get("state") == "opened", q.Get("labels")) {
				out = append(out, issueJSON(is))
			}
			writeJSON(w, 200, out)
		case http.MethodPost:
			var in struct{ Title, Description, Labels string }
			if !decode(r, &in) || in.Title == "" {
				writeJSON(w, 400, map[string]string{"error": "title is missing"})
				return true
			}
			is := g.issues.add(&Issue{Title: in.Title, Body: in.Description, Labels: strings.Split(in.Labels, ","), Open: true, Author: self})
			writeJSON(w, 201, issueJSON(is))
		default:
			return false
		}
	case len(rest) >= 2 && rest[0] == "issues":
		iid, _ := strconv.Atoi(rest[1])
		is := g.issues.find(iid)
		if is == nil {
			writeJSON(w, 404, map[string]string{"message": "404 Issue Not Found"})
			return true
		}
		switch {
		case len(rest) == 2 && r.Method == http.MethodPut:
			var in struct {
				Description *string `json:"description"`
				StateEvent  string  `json:"state_event"`
			}
			if !decode(r, &in) {
				writeJSON(w, 400, map[string]string{"error": "bad request"})
				return true
			}
			if is.Author != self {
				writeJSON(w, 403, map[string]string{"message": "403 Forbidden"})
				return true
			}
			edit(is, in.Description, in.StateEvent == "close")
			writeJSON(w, 200, issueJSON(is))
		case len(rest) == 3 && rest[2] == "notes" && r.Method == http.MethodPost:
			var in struct{ Body string }
			if !decode(r, &in) || in.Body == "" {
				writeJSON(w, 400, map[string]string{"error": "body is missing"})
				return true
			}
			is.Notes = append(is.Notes, in.Body)
			writeJSON(w, 201, map[string]any{"id": len(is.Notes), "body": in.Body})
		default:
			return false
		}
	default:
		return false
	}
	return true
}

func (g *GitLab) pipeline(id int64) *Pipeline {
	for _, ps := range g.pipelines {
		for i := range ps {
			if ps[i].ID == id {
				return &ps[i]
			}
		}
	}
	return nil
}

func pipelineStatus(p Pipeline) string {
	for _, j := range p.Jobs {
		if j.Status != "success" {
			return "failed"
		}
	}
	return "success"
}

func mrJSON(iid int, p Pull) map[string]any {
	out := map[string]any{"iid": iid, "state": "opened", "sha": p.HeadSHA, "merge_commit_sha": nil, "squash_commit_sha": nil}
	if p.MergeCommitSHA != "" {
		out["state"], out["merge_commit_sha"] = "merged", p.MergeCommitSHA
	}
	return out
}

func issueJSON(is *Issue) map[string]any {
	state := "closed"
	if is.Open {
		state = "opened"
	}
	id, _ := strconv.ParseInt(is.Author, 10, 64)
	return map[string]any{"iid": is.Number, "title": is.Title, "description": is.Body, "state": state, "labels": is.Labels,
		"web_url": fmt.Sprintf("https://gitlab.example/issues/%d", is.Number), "author": map[string]any{"id": id}}
}
