// Package prcommenttest provides in-memory fakes of the GitHub and GitLab comment APIs that
// prcomment uses, as http.Handlers for httptest servers: comments per pull or merge request,
// pagination, authors, the commit-to-request lookup and the platforms' body size limits.
package prcommenttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Comment is a stored comment.
type Comment struct {
	ID     int64
	Author string // GitHub login, or GitLab user ID in decimal
	Body   string
}

type store struct {
	mu       sync.Mutex
	comments map[int][]*Comment
	nextID   int64
	requests []string
}

func (s *store) add(n int, author, body string) int64 {
	if s.comments == nil {
		s.comments = map[int][]*Comment{}
	}
	s.nextID++
	s.comments[n] = append(s.comments[n], &Comment{ID: s.nextID, Author: author, Body: body})
	return s.nextID
}

func (s *store) find(id int64) *Comment {
	for _, cs := range s.comments {
		for _, c := range cs {
			if c.ID == id {
				return c
			}
		}
	}
	return nil
}

func (s *store) list(n int) []Comment {
	var out []Comment
	for _, c := range s.comments[n] {
		out = append(out, *c)
	}
	return out
}

func page(r *http.Request, total, defPer int) (from, to, pageNo, per int) {
	per, _ = strconv.Atoi(r.URL.Query().Get("per_page"))
	if per <= 0 {
		per = defPer
	}
	if per > 100 {
		per = 100
	}
	pageNo, _ = strconv.Atoi(r.URL.Query().Get("page"))
	if pageNo <= 0 {
		pageNo = 1
	}
	from = min((pageNo-1)*per, total)
	to = min(from+per, total)
	return
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func readBody(r *http.Request) (string, bool) {
	var in struct {
		Body *string `json:"body"`
	}
	if json.NewDecoder(r.Body).Decode(&in) != nil || in.Body == nil {
		return "", false
	}
	return *in.Body, true
}

// GitHub fakes api.github.com for one repository.
type GitHub struct {
	Repo  string // owner/name
	Token string
	// Login is the token's user; "" makes GET /user answer 403, as for a workflow's GITHUB_TOKEN,
	// whose comments are by "github-actions[bot]".
	Login string
	// PerPage is the page size when the client asks for none; MaxPerPage caps what it asks for
	// (GitHub: 100). 0 means 30 and 100.
	PerPage, MaxPerPage int
	// CommitPulls maps a commit SHA to the pull requests it belongs to.
	CommitPulls map[string][]int
	store
}

// AddComment stores a comment by author on pull request n and returns its ID.
func (g *GitHub) AddComment(n int, author, body string) int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.add(n, author, body)
}

// Comments returns the comments of pull request n, oldest first.
func (g *GitHub) Comments(n int) []Comment {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.list(n)
}

// Requests returns "METHOD path" of every request served.
func (g *GitHub) Requests() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.requests...)
}

func (g *GitHub) author() string {
	if g.Login == "" {
		return "github-actions[bot]"
	}
	return g.Login
}

func ghComment(c *Comment) map[string]any {
	return map[string]any{"id": c.ID, "body": c.Body, "user": map[string]any{"login": c.Author},
		"html_url": fmt.Sprintf("https://github.example/issuecomment-%d", c.ID)}
}

// ServeHTTP implements the GitHub REST endpoints prcomment calls.
func (g *GitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.requests = append(g.requests, r.Method+" "+r.URL.Path)
	if r.Header.Get("Authorization") != "Bearer "+g.Token {
		writeJSON(w, 401, map[string]string{"message": "Bad credentials"})
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) == 1 && parts[0] == "user" {
		if g.Login == "" {
			writeJSON(w, 403, map[string]string{"message": "Resource not accessible by integration"})
			return
		}
		writeJSON(w, 200, map[string]any{"login": g.Login})
		return
	}
	if len(parts) < 5 || parts[0] != "repos" || parts[1]+"/"+parts[2] != g.Repo {
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
		return
	}
	rest := parts[3:]
	switch {
	case len(rest) == 3 && rest[0] == "commits" && rest[2] == "pulls" && r.Method == http.MethodGet:
		out := []map[string]any{}
		for _, n := range g.CommitPulls[rest[1]] {
			out = append(out, map[string]any{"number": n})
		}
		writeJSON(w, 200, out)
	case len(rest) == 3 && rest[0] == "issues" && rest[2] == "comments":
		n, err := strconv.Atoi(rest[1])
		if err != nil {
			writeJSON(w, 404, map[string]string{"message": "Not Found"})
			return
		}
		switch r.Method {
		case http.MethodGet:
			cs := g.comments[n]
			def, maxPer := g.PerPage, g.MaxPerPage
			if def == 0 {
				def = 30
			}
			q := r.URL.Query()
			if maxPer > 0 {
				if p, _ := strconv.Atoi(q.Get("per_page")); p > maxPer {
					q.Set("per_page", strconv.Itoa(maxPer))
					r.URL.RawQuery = q.Encode()
				}
			}
			from, to, pageNo, per := page(r, len(cs), def)
			out := []map[string]any{}
			for _, c := range cs[from:to] {
				out = append(out, ghComment(c))
			}
			if to < len(cs) {
				next := fmt.Sprintf("http://%s%s?per_page=%d&page=%d", r.Host, r.URL.Path, per, pageNo+1)
				w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next", <http://%s%s?page=1>; rel="first"`, next, r.Host, r.URL.Path))
			}
			writeJSON(w, 200, out)
		case http.MethodPost:
			body, ok := readBody(r)
			if !ok {
				writeJSON(w, 422, map[string]string{"message": "Invalid request"})
				return
			}
			if utf8.RuneCountInString(body) > 65536 {
				writeJSON(w, 422, map[string]any{"message": "Validation Failed", "errors": []map[string]string{{"message": "body is too long (maximum is 65536 characters)"}}})
				return
			}
			id := g.add(n, g.author(), body)
			writeJSON(w, 201, ghComment(g.find(id)))
		default:
			writeJSON(w, 405, map[string]string{"message": "Method Not Allowed"})
		}
	case len(rest) == 3 && rest[0] == "issues" && rest[1] == "comments" && r.Method == http.MethodPatch:
		id, _ := strconv.ParseInt(rest[2], 10, 64)
		c := g.find(id)
		if c == nil {
			writeJSON(w, 404, map[string]string{"message": "Not Found"})
			return
		}
		body, ok := readBody(r)
		if !ok {
			writeJSON(w, 422, map[string]string{"message": "Invalid request"})
			return
		}
		if utf8.RuneCountInString(body) > 65536 {
			writeJSON(w, 422, map[string]any{"message": "Validation Failed", "errors": []map[string]string{{"message": "body is too long (maximum is 65536 characters)"}}})
			return
		}
		c.Body = body
		writeJSON(w, 200, ghComment(c))
	default:
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
	}
}

// GitLab fakes a GitLab instance's API v4 (served under /api/v4) for one project.
type GitLab struct {
	Project string // the project ID
	Token   string
	UserID  int64 // the token's (bot) user
	// PerPage is the page size when the client asks for none (GitLab: 20); requests are capped at 100.
	PerPage int
	// CommitMRs maps a commit SHA to the merge requests it belongs to.
	CommitMRs map[string][]int
	store
}

// AddNote stores a note by user author on merge request iid and returns its ID.
func (g *GitLab) AddNote(iid int, author int64, body string) int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.add(iid, strconv.FormatInt(author, 10), body)
}

// AddSystemNote stores a system note ("added 1 commit") on merge request iid.
func (g *GitLab) AddSystemNote(iid int, body string) int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.add(iid, "system", body)
}

// Notes returns the notes of merge request iid, oldest first.
func (g *GitLab) Notes(iid int) []Comment {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.list(iid)
}

// Requests returns "METHOD path" of every request served.
func (g *GitLab) Requests() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.requests...)
}

func glNote(c *Comment) map[string]any {
	id, _ := strconv.ParseInt(c.Author, 10, 64)
	return map[string]any{"id": c.ID, "body": c.Body, "system": c.Author == "system", "author": map[string]any{"id": id}}
}

// ServeHTTP implements the GitLab API v4 endpoints prcomment calls.
func (g *GitLab) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.requests = append(g.requests, r.Method+" "+r.URL.Path)
	if r.Header.Get("PRIVATE-TOKEN") != g.Token {
		writeJSON(w, 401, map[string]string{"message": "401 Unauthorized"})
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, "/api/v4/")
	if !ok {
		writeJSON(w, 404, map[string]string{"error": "404 Not Found"})
		return
	}
	parts := strings.Split(path, "/")
	if len(parts) == 1 && parts[0] == "user" {
		writeJSON(w, 200, map[string]any{"id": g.UserID, "username": "project_1_bot"})
		return
	}
	if len(parts) < 4 || parts[0] != "projects" || parts[1] != g.Project {
		writeJSON(w, 404, map[string]string{"message": "404 Project Not Found"})
		return
	}
	rest := parts[2:]
	switch {
	case len(rest) == 4 && rest[0] == "repository" && rest[1] == "commits" && rest[3] == "merge_requests":
		out := []map[string]any{}
		for _, n := range g.CommitMRs[rest[2]] {
			out = append(out, map[string]any{"iid": n})
		}
		writeJSON(w, 200, out)
	case len(rest) >= 3 && rest[0] == "merge_requests" && rest[2] == "notes":
		iid, err := strconv.Atoi(rest[1])
		if err != nil {
			writeJSON(w, 404, map[string]string{"message": "404 Not found"})
			return
		}
		switch {
		case len(rest) == 3 && r.Method == http.MethodGet:
			if r.URL.Query().Get("sort") != "asc" {
				writeJSON(w, 400, map[string]string{"error": "this fake only lists notes oldest first (sort=asc)"})
				return
			}
			cs := g.comments[iid]
			def := g.PerPage
			if def == 0 {
				def = 20
			}
			from, to, pageNo, _ := page(r, len(cs), def)
			out := []map[string]any{}
			for _, c := range cs[from:to] {
				out = append(out, glNote(c))
			}
			if to < len(cs) {
				w.Header().Set("X-Next-Page", strconv.Itoa(pageNo+1))
			}
			writeJSON(w, 200, out)
		case len(rest) == 3 && r.Method == http.MethodPost:
			body, ok := readBody(r)
			if !ok || utf8.RuneCountInString(body) > 1000000 {
				writeJSON(w, 400, map[string]any{"message": map[string][]string{"note": {"is too long (maximum is 1000000 characters)"}}})
				return
			}
			id := g.add(iid, strconv.FormatInt(g.UserID, 10), body)
			writeJSON(w, 201, glNote(g.find(id)))
		case len(rest) == 4 && r.Method == http.MethodPut:
			id, _ := strconv.ParseInt(rest[3], 10, 64)
			c := g.find(id)
			if c == nil {
				writeJSON(w, 404, map[string]string{"message": "404 Not found"})
				return
			}
			if c.Author != strconv.FormatInt(g.UserID, 10) {
				writeJSON(w, 403, map[string]string{"message": "403 Forbidden"})
				return
			}
			body, ok := readBody(r)
			if !ok || utf8.RuneCountInString(body) > 1000000 {
				writeJSON(w, 400, map[string]any{"message": map[string][]string{"note": {"is too long (maximum is 1000000 characters)"}}})
				return
			}
			c.Body = body
			writeJSON(w, 200, glNote(c))
		default:
			writeJSON(w, 405, map[string]string{"message": "405 Method Not Allowed"})
		}
	default:
		writeJSON(w, 404, map[string]string{"message": "404 Not found"})
	}
}
