package qualysclient

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qsync/qsync/internal/qualysclient/masking"
	"github.com/qsync/qsync/internal/qualysclient/xmltree"
)

const answerSecret = "s3cret-in-the-answer"

// answerFor parses body as do does and returns it with a response of the given status.
func answerFor(status int, header http.Header, body string) (*response, *xmltree.Node, error) {
	resp := &response{status: status, header: header, body: []byte(body)}
	root, perr := xmltree.Parse(resp.body, nil)
	return resp, root, perr
}

// TestClassify: each kind of answer becomes its typed error, Qualys's texts masked, and only a
// well-formed 2xx document without a CODE is left to the decoder.
func TestClassify(t *testing.T) {
	red := masking.NewRedactor(masking.NewSecretNames([]string{"password"}), url.Values{"password": {answerSecret}})
	simple := func(code int, text string) string {
		return `<?xml version="1.0"?><SIMPLE_RETURN><RESPONSE><DATETIME>2024-01-01T00:00:00Z</DATETIME>` +
			`<CODE>` + strconv.Itoa(code) + `</CODE><TEXT>` + text + `</TEXT></RESPONSE></SIMPLE_RETURN>`
	}
	for _, tc := range []struct {
		name   string
		write  bool
		status int
		header http.Header
		body   string
		check  func(t *testing.T, err error)
	}{
		{"a 200 document without CODE is for the decoder", false, 200, nil,
			`<BATCH_RETURN><RESPONSE><BATCH_LIST/></RESPONSE></BATCH_RETURN>`,
			func(t *testing.T, err error) {
				if err != nil {
					t.Errorf("classify = %v, want nil", err)
				}
			}},
		{"a 200 SIMPLE_RETURN with a CODE is an APIError, its text masked", true, 200, nil,
			simple(1905, "parameter password has invalid value "+answerSecret),
			func(t *testing.T, err error) {
				var e *APIError
				if !errors.As(err, &e) || e.Code != 1905 || e.Status != 200 || strings.Contains(e.Text, answerSecret) {
					t.Errorf("classify = %#v, want APIError 1905 (HTTP 200) with the secret masked", err)
				}
			}},
		{"a 409 1965 is a throttling APIError", true, 409, nil, simple(1965, "rate limit"),
			func(t *testing.T, err error) {
				var e *APIError
				if !errors.As(err, &e) || !e.throttled() || e.Status != 409 {
					t.Errorf("classify = %#v, want a throttled APIError", err)
				}
			}},
		{"a 401 HTML page is an APIError with the status", false, 401, nil, `<html><body>Unauthorized</body></html>`,
			func(t *testing.T, err error) {
				var e *APIError
				if !errors.As(err, &e) || e.Status != 401 || e.Code != 0 || !strings.Contains(e.Text, "HTML") {
					t.Errorf("classify = %#v, want APIError 401 naming the HTML page", err)
				}
			}},
		{"a 503 without a body is an APIError with the status text", false, 503, nil, "",
			func(t *testing.T, err error) {
				var e *APIError
				if !errors.As(err, &e) || e.Status != 503 {
					t.Errorf("classify = %#v, want APIError 503", err)
				}
			}},
		{"a redirect is not followed and names its target", false, 302, http.Header{"Location": {"https://evil.example/?p=" + answerSecret}}, "",
			func(t *testing.T, err error) {
				var e *APIError
				if !errors.As(err, &e) || !strings.Contains(e.Text, "unexpected redirect to https://evil.example/") || strings.Contains(e.Text, answerSecret) {
					t.Errorf("classify = %#v, want a masked redirect error", err)
				}
			}},
		{"a 200 HTML page answering a write leaves its outcome unknown", true, 200, nil, `<html><body>maintenance</body></html>`,
			func(t *testing.T, err error) {
				if !errors.Is(err, ErrOutcomeUnknown) {
					t.Errorf("classify = %v, want an unknown outcome", err)
				}
			}},
		{"a 200 HTML page answering a read is an unexpected answer", false, 200, nil, `<html><body>maintenance</body></html>`,
			func(t *testing.T, err error) {
				if !errors.Is(err, ErrUnexpectedAnswer) || errors.Is(err, ErrOutcomeUnknown) {
					t.Errorf("classify = %v, want an unexpected answer", err)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, root, perr := answerFor(tc.status, tc.header, tc.body)
			tc.check(t, classify(&request{op: "update mysql record", write: tc.write}, resp, root, perr, red))
		})
	}
}

// TestClassifyDecoded: a decoder's BATCH_RETURN failure keeps its type with texts masked; an
// error the decoder does not type means the answer was not understood.
func TestClassifyDecoded(t *testing.T) {
	red := masking.NewRedactor(masking.NewSecretNames([]string{"password"}), url.Values{"password": {answerSecret}})
	resp := &response{status: 200, body: []byte("<BATCH_RETURN/>")}
	batch := &BatchError{Op: "update", Failed: []BatchFailure{{Code: 1905, Text: "bad " + answerSecret, IDs: []int64{3}}}}
	err := classifyDecoded(&request{op: "update", write: true}, resp, batch, red)
	var be *BatchError
	if !errors.As(err, &be) || strings.Contains(be.Failed[0].Text, answerSecret) {
		t.Errorf("BatchError: got %v, want it typed with the secret masked", err)
	}
	odd := errors.New("no ID_SET in BATCH")
	if err := classifyDecoded(&request{op: "update", write: true}, resp, odd, red); !errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("write: got %v, want an unknown outcome", err)
	}
	if err := classifyDecoded(&request{op: "list", write: false}, resp, odd, red); !errors.Is(err, ErrUnexpectedAnswer) {
		t.Errorf("read: got %v, want an unexpected answer", err)
	}
	if err := classifyDecoded(&request{op: "list"}, resp, nil, red); err != nil {
		t.Errorf("no error: got %v", err)
	}
}

// TestRetryPolicy: what is sent again, after what wait, and what is given up with which error.
func TestRetryPolicy(t *testing.T) {
	c := &Client{cfg: Config{MaxRetries: 3, MaxWait: time.Minute}}
	read, write := &request{op: "list mysql records"}, &request{op: "create mysql record", write: true}
	throttled := func(code int) error { return &APIError{Op: "x", Status: 409, Code: code} }
	wait7 := http.Header{"X-Ratelimit-Towait-Sec": {"7"}}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	soon, cancelSoon := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancelSoon()
	for _, tc := range []struct {
		name  string
		ctx   context.Context
		r     *request
		err   error
		h     http.Header
		tries tries
		want  retryKind
		wait  time.Duration
		check func(error) bool
	}{
		{"a read that got no answer is sent again", nil, read, &sendError{errors.New("reset")}, nil, tries{}, backOff, 0, nil},
		{"a read that got no answer three times is given up", nil, read, &sendError{errors.New("reset")}, nil, tries{retried: readRetries}, giveUp, 0,
			func(err error) bool { return strings.HasPrefix(err.Error(), "list mysql records: reset") }},
		{"a read cancelled in flight is given up with the context's error", cancelled, read, &sendError{errors.New("reset")}, nil, tries{}, giveUp, 0,
			func(err error) bool { return errors.Is(err, context.Canceled) }},
		{"a write that got no answer is never sent again", nil, write, &sendError{errors.New("reset")}, nil, tries{}, giveUp, 0,
			func(err error) bool { return errors.Is(err, ErrOutcomeUnknown) }},
		{"a 503 read is sent again", nil, read, &APIError{Status: 503}, nil, tries{}, backOff, 0, nil},
		{"a 503 write may have run: never sent again", nil, write, &APIError{Status: 503}, nil, tries{}, giveUp, 0,
			func(err error) bool { return errors.Is(err, ErrOutcomeUnknown) }},
		{"a 1965 write did not run: sent again after the announced wait", nil, write, throttled(1965), wait7, tries{}, waitThrottled, 7 * time.Second, nil},
		{"a 1960 is waited for, capped", nil, read, throttled(1960), http.Header{"X-Ratelimit-Towait-Sec": {"45"}}, tries{}, waitThrottled, concurrencyWaitCap, nil},
		{"throttled MaxRetries times: given up", nil, write, throttled(1965), wait7, tries{throttled: 3}, giveUp, 0,
			func(err error) bool {
				var rl *RateLimitError
				return errors.As(err, &rl) && rl.Reason == "retries exhausted" && rl.Code() == 1965
			}},
		{"a wait over MaxWait is not waited", nil, read, throttled(1965), http.Header{"X-Ratelimit-Towait-Sec": {"600"}}, tries{}, giveUp, 0,
			func(err error) bool {
				var rl *RateLimitError
				return errors.As(err, &rl) && rl.MaxWait == time.Minute
			}},
		{"a wait past the deadline is not waited", soon, read, throttled(1965), wait7, tries{}, giveUp, 0,
			func(err error) bool {
				var rl *RateLimitError
				return errors.As(err, &rl) && strings.Contains(rl.Reason, "deadline")
			}},
		{"a Qualys error is final", nil, write, &APIError{Status: 400, Code: 1905}, nil, tries{}, giveUp, 0,
			func(err error) bool {
				var e *APIError
				return errors.As(err, &e) && e.Code == 1905
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			got, err := c.retryPolicy(ctx, tc.r, tc.err, tc.h, tc.tries)
			if got.kind != tc.want || (tc.want == waitThrottled && got.wait != tc.wait) {
				t.Fatalf("retryPolicy = %+v, %v; want kind %d wait %s", got, err, tc.want, tc.wait)
			}
			if tc.want != giveUp {
				if err != nil {
					t.Errorf("retrying, yet the error is %v", err)
				}
				return
			}
			if err == nil || !tc.check(err) {
				t.Errorf("giving up with %v: not the error wanted", err)
			}
		})
	}
}
