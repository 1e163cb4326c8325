package forgeapi

import (
	"net/http"
	"testing"
)

func TestMessage(t *testing.T) {
	for _, tc := range []struct{ name, answer, want string }{
		{"github message and errors", `{"message":"Validation Failed","errors":[{"message":"body is too long"},{"code":"x"}]}`, "Validation Failed; body is too long"},
		{"gitlab field errors object", `{"message":{"note":["is too long"]}}`, `{"note":["is too long"]}`},
		{"gitlab error", `{"error":"insufficient_scope"}`, "insufficient_scope"},
		{"not json is cut", "  <html>" + string(make([]byte, 300)) + "x", "<html>" + string(make([]byte, 194)) + "..."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Message([]byte(tc.answer)); got != tc.want {
				t.Errorf("Message = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNextLink(t *testing.T) {
	h := http.Header{}
	h.Add("Link", `<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=3>; rel="next"`)
	if got, want := NextLink(h), "https://api.github.com/x?page=3"; got != want {
		t.Errorf("NextLink = %q, want %q", got, want)
	}
	h.Set("Link", `<https://api.github.com/x?page=1>; rel="first"`)
	if got := NextLink(h); got != "" {
		t.Errorf("NextLink without rel=next = %q, want \"\"", got)
	}
}

func TestRedactToken(t *testing.T) {
	if got, want := RedactToken("bad token glpat-123 given", "Bearer glpat-123"), "bad token [redacted] given"; got != want {
		t.Errorf("RedactToken = %q, want %q", got, want)
	}
	if got := RedactToken("no token", ""); got != "no token" {
		t.Errorf("RedactToken with no token = %q", got)
	}
}

func TestErrorNamesCallAndHint(t *testing.T) {
	e := &Error{Platform: "GitLab", Method: "GET", Path: "/projects/1", Status: 401, Message: "401 Unauthorized", Hint: "check the token"}
	if got, want := e.Error(), "GitLab API GET /projects/1: HTTP 401: 401 Unauthorized (check the token)"; got != want {
		t.Errorf("Error = %q, want %q", got, want)
	}
}
