package doctor

import (
	"errors"
	"testing"

	"github.com/qsync/qsync/internal/live"
	"github.com/qsync/qsync/internal/qualysclient"
)

// TestDoctorVerdicts: each kind of answer gets its verdict, with the status and code only.
func TestDoctorVerdicts(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want Access
	}{
		{"answered", nil, Access{Verdict: Readable}},
		{"shape not understood", &qualysclient.UnexpectedAnswerError{Op: "view vault", Err: errors.New("root X")}, Access{Verdict: Readable, Detail: "answered in a shape qsync does not understand"}},
		{"403 without code", &qualysclient.APIError{Status: 403, Text: "secret-ish text"}, Access{Verdict: Forbidden, Status: 403}},
		{"409 2011 SecureID", &qualysclient.APIError{Status: 409, Code: 2011}, Access{Verdict: Forbidden, Status: 409, Code: 2011}},
		{"404 not served", &qualysclient.APIError{Status: 404}, Access{Verdict: Unavailable, Status: 404}},
		{"500", &qualysclient.APIError{Status: 500, Code: 999}, Access{Verdict: Failed, Status: 500, Code: 999}},
		{"after a 401", &qualysclient.NotSentError{Op: "list", Err: &qualysclient.APIError{Status: 401, Code: 2000}}, Access{Verdict: Failed, Detail: "not sent after a 401"}},
		{"transport", errors.New("connection reset"), Access{Verdict: Failed, Detail: "no answer"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := verdict(live.Access{Endpoint: "mysql", Err: tc.err})
			tc.want.Endpoint = "mysql"
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
