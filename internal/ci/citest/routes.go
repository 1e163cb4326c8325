package citest

import (
	"net/http"
	"strings"
)

// route is one endpoint of a fake: a method ("" for any) and a path pattern relative to the
// repository or project, of "/"-separated segments where "*" matches any one segment and a final
// "**" one or more. handle answers the request and reports whether it did; when it did not, the
// fake's embedded prcommenttest server answers instead.
type route struct {
	method  string
	pattern string
	handle  func(w http.ResponseWriter, r *http.Request, rest []string) bool
}

// serveRoutes calls the first of routes matching r's method and the path segments rest, and
// reports whether it answered; false when none matches.
func serveRoutes(routes []route, w http.ResponseWriter, r *http.Request, rest []string) bool {
	for _, rt := range routes {
		if (rt.method == "" || rt.method == r.Method) && matchPath(rt.pattern, rest) {
			return rt.handle(w, r, rest)
		}
	}
	return false
}

// matchPath reports whether the path segments rest match pattern.
func matchPath(pattern string, rest []string) bool {
	segs := strings.Split(pattern, "/")
	for i, s := range segs {
		if s == "**" {
			return i == len(segs)-1 && len(rest) > i
		}
		if i >= len(rest) || (s != "*" && s != rest[i]) {
			return false
		}
	}
	return len(rest) == len(segs)
}
