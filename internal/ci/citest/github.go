// Package citest provides in-memory fakes of the GitHub and GitLab APIs that package ci (and
// qsync comment, through the prcommenttest fakes they embed) calls, as http.Handlers for httptest
// servers: pull and merge requests with their head commits, workflow runs and pipelines with
// their plan artifacts, artifact downloads redirected to object storage on another origin, and
// issues.
package citest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/qsync/qsync/internal/prcomment/prcommenttest"
)

// Issue is a stored issue.
type Issue struct {
	Number int
	Title  string
	Body   string
	Labels []string
	Open   bool
	Author string // GitHub login, or GitLab user ID in decimal
	// Notes are the comments (GitLab notes) added to the issue, oldest first.
	Notes []string
}

// Pull is a pull request (GitHub) or merge request (GitLab).
type Pull struct {
	HeadSHA string
	// MergeCommitSHA is the commit that merged it ("" while open).
	MergeCommitSHA string
}

// Run is a GitHub Actions workflow run.
type Run struct {
	ID         int64
	HeadSHA    string
	Event      string // pull_request, merge_group, push, ...
	Conclusion string // success, failure, ...
}

// Artifact is a GitHub Actions artifact: files of one run.
type Artifact struct {
	ID      int64
	Name    string
	RunID   int64
	Expired bool
	Files   map[string][]byte
}

// Blob serves artifact archives on another origin, as GitHub's and GitLab's object storage do
// behind a signed URL; it records whether a request carried a credential.
type Blob struct {
	mu        sync.Mutex
	files     map[string][]byte
	leaked    []string
	downloads int
}

func (b *Blob) put(key string, data []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.files == nil {
		b.files = map[string][]byte{}
	}
	b.files[key] = data
}

// ServeHTTP serves GET /blob/KEY?sig=... .
func (b *Blob) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, h := range []string{"Authorization", "Private-Token", "Job-Token", "Cookie"} {
		if r.Header.Get(h) != "" {
			b.leaked = append(b.leaked, h)
		}
	}
	data, ok := b.files[strings.TrimPrefix(r.URL.Path, "/blob/")]
	if !ok || r.URL.Query().Get("sig") != "signed" {
		http.Error(w, "AuthenticationFailed", http.StatusForbidden)
		return
	}
	b.downloads++
	_, _ = w.Write(data)
}

// Leaked returns the credential headers the object storage received (none, if the client is right).
func (b *Blob) Leaked() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.leaked...)
}

// Downloads counts the archives served.
func (b *Blob) Downloads() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.downloads
}

// GitHub fakes api.github.com for one repository: the pull request comments of
// prcommenttest.GitHub, plus pull requests, workflow runs, artifacts and issues.
type GitHub struct {
	*prcommenttest.GitHub
	// BlobURL is the origin of the object storage artifact downloads redirect to (a Blob's
	// server); "" serves archives directly.
	BlobURL string
	Blob    *Blob

	mu        sync.Mutex
	pulls     map[int]Pull
	runs      []Run
	artifacts []Artifact
	issues    issues
}

// NewGitHub returns a fake of repository repo ("owner/name") accepting token.
func NewGitHub(repo, token string) *GitHub {
	return &GitHub{GitHub: &prcommenttest.GitHub{Repo: repo, Token: token}, Blob: &Blob{}, pulls: map[int]Pull{},
		issues: issues{first: 500}}
}

// SetPull stores pull request n.
func (g *GitHub) SetPull(n int, p Pull) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pulls[n] = p
}

// AddRun stores a workflow run and its artifacts (name → files).
func (g *GitHub) AddRun(r Run, artifacts ...Artifact) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.runs = append(g.runs, r)
	for _, a := range artifacts {
		a.RunID = r.ID
		if a.ID == 0 {
			a.ID = int64(len(g.artifacts) + 1000)
		}
		g.artifacts = append(g.artifacts, a)
	}
}

// AddIssue stores an issue and returns its number (issue numbers start at 500, apart from the
// pull requests' numbers).
func (g *GitHub) AddIssue(is Issue) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.issues.add(&is).Number
}

// Issues returns the stored issues with their comments.
func (g *GitHub) Issues() []Issue {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []Issue
	for _, is := range g.issues.list {
		c := *is
		c.Notes = nil
		for _, cm := range g.GitHub.Comments(is.Number) {
			c.Notes = append(c.Notes, cm.Body)
		}
		out = append(out, c)
	}
	return out
}

func zipFiles(files map[string][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		w, _ := zw.Create(n)
		_, _ = w.Write(files[n])
	}
	_ = zw.Close()
	return buf.Bytes()
}

// ServeHTTP implements the GitHub REST endpoints package ci calls, and delegates the rest to
// prcommenttest.GitHub (comments, the token's user).
func (g *GitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 4 || parts[0] != "repos" || parts[1]+"/"+parts[2] != g.Repo || r.Header.Get("Authorization") != "Bearer "+g.Token {
		g.GitHub.ServeHTTP(w, r)
		return
	}
	rest := parts[3:]
	g.mu.Lock()
	handled := g.serve(w, r, rest)
	g.mu.Unlock()
	if !handled {
		g.GitHub.ServeHTTP(w, r)
	}
}

func (g *GitHub) serve(w http.ResponseWriter, r *http.Request, rest []string) bool {
	get := r.Method == http.MethodGet
	switch {
	case get && len(rest) == 2 && rest[0] == "pulls":
		n, _ := strconv.Atoi(rest[1])
		p, ok := g.pulls[n]
		if !ok {
			writeJSON(w, 404, map[string]string{"message": "Not Found"})
			return true
		}
		writeJSON(w, 200, g.pullJSON(n, p))
	case get && len(rest) == 3 && rest[0] == "commits" && rest[2] == "pulls":
		out := []map[string]any{}
		for _, n := range sortedKeys(g.pulls) {
			p := g.pulls[n]
			if p.HeadSHA == rest[1] || (p.MergeCommitSHA != "" && p.MergeCommitSHA == rest[1]) {
				out = append(out, g.pullJSON(n, p))
			}
		}
		writeJSON(w, 200, out)
	case get && len(rest) == 2 && rest[0] == "actions" && rest[1] == "artifacts":
		name := r.URL.Query().Get("name")
		out := []map[string]any{}
		for i := len(g.artifacts) - 1; i >= 0; i-- { // newest first
			a := g.artifacts[i]
			if name != "" && a.Name != name {
				continue
			}
			out = append(out, map[string]any{"id": a.ID, "name": a.Name, "expired": a.Expired,
				"archive_download_url": fmt.Sprintf("http://%s/repos/%s/actions/artifacts/%d/zip", r.Host, g.Repo, a.ID),
				"workflow_run":         map[string]any{"id": a.RunID, "head_sha": g.run(a.RunID).HeadSHA}})
		}
		writeJSON(w, 200, map[string]any{"total_count": len(out), "artifacts": out})
	case get && len(rest) == 3 && rest[0] == "actions" && rest[1] == "runs":
		id, _ := strconv.ParseInt(rest[2], 10, 64)
		run := g.run(id)
		if run.ID == 0 {
			writeJSON(w, 404, map[string]string{"message": "Not Found"})
			return true
		}
		writeJSON(w, 200, map[string]any{"id": run.ID, "head_sha": run.HeadSHA, "event": run.Event, "status": "completed", "conclusion": run.Conclusion})
	case get && len(rest) == 4 && rest[0] == "actions" && rest[1] == "artifacts" && rest[3] == "zip":
		id, _ := strconv.ParseInt(rest[2], 10, 64)
		for _, a := range g.artifacts {
			if a.ID != id {
				continue
			}
			if a.Expired {
				writeJSON(w, 410, map[string]string{"message": "Artifact has expired"})
				return true
			}
			data := zipFiles(a.Files)
			if g.BlobURL == "" {
				_, _ = w.Write(data)
				return true
			}
			key := fmt.Sprintf("artifact-%d.zip", a.ID)
			g.Blob.put(key, data)
			http.Redirect(w, r, g.BlobURL+"/blob/"+key+"?sig=signed", http.StatusFound)
			return true
		}
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
	case len(rest) == 1 && rest[0] == "issues":
		switch r.Method {
		case http.MethodGet:
			q := r.URL.Query()
			out := []map[string]any{}
			for _, is := range g.issues.matching(q.Get("state") == "open", q.Get("labels")) {
				out = append(out, g.issueJSON(is))
			}
			// A pull request is an issue too, in this listing.
			out = append(out, map[string]any{"number": 4, "body": "", "pull_request": map[string]any{"url": "x"}, "user": map[string]any{"login": "octocat"}})
			writeJSON(w, 200, out)
		case http.MethodPost:
			var in struct {
				Title, Body string
				Labels      []string
			}
			if !decode(r, &in) || in.Title == "" {
				writeJSON(w, 422, map[string]string{"message": "Validation Failed"})
				return true
			}
			is := g.issues.add(&Issue{Title: in.Title, Body: in.Body, Labels: in.Labels, Open: true, Author: g.author()})
			writeJSON(w, 201, g.issueJSON(is))
		default:
			return false
		}
	case r.Method == http.MethodPatch && len(rest) == 2 && rest[0] == "issues":
		n, _ := strconv.Atoi(rest[1])
		is := g.issues.find(n)
		if is == nil {
			writeJSON(w, 404, map[string]string{"message": "Not Found"})
			return true
		}
		if is.Author != g.author() {
			writeJSON(w, 403, map[string]string{"message": "Must have admin rights to Repository."})
			return true
		}
		var in struct {
			Body  *string `json:"body"`
			State string  `json:"state"`
		}
		if !decode(r, &in) {
			writeJSON(w, 422, map[string]string{"message": "Invalid request"})
			return true
		}
		edit(is, in.Body, in.State == "closed")
		writeJSON(w, 200, g.issueJSON(is))
	default:
		return false
	}
	return true
}

func (g *GitHub) author() string {
	if g.Login == "" {
		return "github-actions[bot]"
	}
	return g.Login
}

func (g *GitHub) run(id int64) Run {
	for _, r := range g.runs {
		if r.ID == id {
			return r
		}
	}
	return Run{}
}

func (g *GitHub) pullJSON(n int, p Pull) map[string]any {
	out := map[string]any{"number": n, "state": "open", "head": map[string]any{"sha": p.HeadSHA}, "merge_commit_sha": nil, "merged_at": nil}
	if p.MergeCommitSHA != "" {
		out["state"], out["merge_commit_sha"], out["merged_at"] = "closed", p.MergeCommitSHA, "2026-12-07T10:00:00Z"
	}
	return out
}

func (g *GitHub) issueJSON(is *Issue) map[string]any {
	state := "closed"
	if is.Open {
		state = "open"
	}
	return map[string]any{"number": is.Number, "title": is.Title, "body": is.Body, "state": state,
		"html_url": fmt.Sprintf("https://github.example/%s/issues/%d", g.Repo, is.Number), "user": map[string]any{"login": is.Author}}
}
