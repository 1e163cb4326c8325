// Package forgeapi owns what the GitHub and GitLab REST APIs have in common for qsync's two
// clients of them (ci, which fetches plans and artifacts, and prcomment, which posts the plan
// comment): the JSON call with the token (Client), the error a refused call becomes, the message
// taken out of an error answer, the rel="next" link of a paginated answer and the removal of an
// echoed token. Of qsync's other packages it uses only the outbound leaf; its callers pass in the
// HTTP client that policy builds.
package forgeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Error is a refused or failed call to the GitHub or GitLab API. Its message names the platform,
// the method, the path (never the query, never the token), the HTTP status and the platform's own
// message, and what to check for statuses with a usual cause.
type Error struct {
	Platform string // "GitHub" or "GitLab"
	Method   string
	Path     string
	Status   int
	Message  string
	Hint     string // what to check, for statuses with a usual cause
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s API %s %s: HTTP %d", e.Platform, e.Method, e.Path, e.Status)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// RedactToken removes the token of authValue (a header value such as "Bearer <token>"; the token
// is its last word) from s, in case a server echoes it.
func RedactToken(s, authValue string) string {
	tok := authValue
	if i := strings.LastIndexByte(tok, ' '); i >= 0 {
		tok = tok[i+1:]
	}
	if tok == "" {
		return s
	}
	return strings.ReplaceAll(s, tok, "[redacted]")
}

// Message takes the message out of a GitHub or GitLab error answer: "message" (a string, or
// GitLab's object of field errors as JSON), "error" and GitHub's "errors[].message", joined with
// "; ". An answer that is not JSON is returned trimmed, cut at 200 bytes.
func Message(data []byte) string {
	var e struct {
		Message any    `json:"message"`
		Error   string `json:"error"`
		Errors  []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(data, &e) != nil {
		s := strings.TrimSpace(string(data))
		if len(s) > 200 {
			s = s[:200] + "..."
		}
		return s
	}
	var parts []string
	switch m := e.Message.(type) {
	case string:
		parts = append(parts, m)
	case nil:
	default:
		b, _ := json.Marshal(m)
		parts = append(parts, string(b))
	}
	if e.Error != "" {
		parts = append(parts, e.Error)
	}
	for _, x := range e.Errors {
		if x.Message != "" {
			parts = append(parts, x.Message)
		}
	}
	return strings.Join(parts, "; ")
}

// NextLink returns the rel="next" URL of an RFC 8288 Link header, or "".
func NextLink(h http.Header) string {
	for _, v := range h.Values("Link") {
		for _, part := range strings.Split(v, ",") {
			target, params, ok := strings.Cut(part, ";")
			if !ok {
				continue
			}
			for _, p := range strings.Split(params, ";") {
				k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.EqualFold(k, "rel") && strings.Trim(val, `"`) == "next" {
					return strings.Trim(strings.TrimSpace(target), "<>")
				}
			}
		}
	}
	return ""
}
