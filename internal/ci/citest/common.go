package citest

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func decode(r *http.Request, v any) bool {
	return json.NewDecoder(r.Body).Decode(v) == nil
}

func sortedKeys[V any](m map[int]V) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// issues is the issue store both fakes keep; each numbers its issues from first (GitHub apart
// from its pull requests' numbers, GitLab's IIDs from 1).
type issues struct {
	first int
	list  []*Issue
}

// add stores is under the next number and returns it.
func (s *issues) add(is *Issue) *Issue {
	is.Number = s.first + len(s.list)
	s.list = append(s.list, is)
	return is
}

// find returns the issue numbered n, or nil.
func (s *issues) find(n int) *Issue {
	for _, is := range s.list {
		if is.Number == n {
			return is
		}
	}
	return nil
}

// matching returns the issues a list call asks for: only the open ones when open is set, only
// those labelled label when it is not "".
func (s *issues) matching(open bool, label string) []*Issue {
	var out []*Issue
	for _, is := range s.list {
		if open && !is.Open || label != "" && !slices.Contains(is.Labels, label) {
			continue
		}
		out = append(out, is)
	}
	return out
}

// edit applies an edit call: a new body when body is not nil, and closing.
func edit(is *Issue, body *string, close bool) {
	if body != nil {
		is.Body = *body
	}
	if close {
		is.Open = false
	}
}
