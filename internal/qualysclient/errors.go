package qualysclient

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrOutcomeUnknown is matched (errors.Is) by every error returned when a
// create, update or delete may or may not have been applied by Qualys. The
// caller must re-read the affected objects before deciding what to do next.
var ErrOutcomeUnknown = errors.New("outcome unknown: the change may or may not have been applied; re-read before retrying")

// APIError is an error answer from Qualys: a SIMPLE_RETURN carrying a CODE
// (whatever the HTTP status, 200 included), or a non-2xx HTTP status.
type APIError struct {
	Op     string            // what the client was doing, e.g. "create mysql record"
	Status int               // HTTP status code
	Code   int               // Qualys error CODE; 0 when the body carried none
	Text   string            // Qualys TEXT, trimmed; or a description of the unexpected body
	Items  map[string]string // ITEM_LIST KEY -> VALUE (e.g. SECONDS_TO_WAIT), nil when absent
}

func (e *APIError) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	if e.Code != 0 {
		fmt.Fprintf(&b, "qualys error %d (HTTP %d)", e.Code, e.Status)
	} else {
		fmt.Fprintf(&b, "qualys HTTP %d", e.Status)
	}
	if e.Text != "" {
		b.WriteString(": ")
		b.WriteString(oneLine(e.Text))
	}
	return b.String()
}

// oneLine joins the lines of a Qualys text with "; ", so an error stays one line: code 1920
// lists one "IP : <ip> is used by <title>" line per address (EVIDENCE.md fact 7).
func oneLine(text string) string {
	if !strings.Contains(text, "\n") {
		return text
	}
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "; ")
}

// RateLimitError is returned when a call was refused by the Qualys rate or
// concurrency limit (409 with code 1965 or 1960) and the client gave up
// waiting: retries exhausted, or the wait would outlast the context deadline.
// The call did not run.
// A wait longer than Config.MaxWait ends the call at once (MaxWait is then
// set); Err is nil when the wait was announced by a 2xx answer's headers
// rather than by a 409.
type RateLimitError struct {
	Op      string
	Wait    time.Duration // the wait that was needed before the next attempt
	Retries int           // how many times the call was retried
	Reason  string        // why the client stopped waiting
	MaxWait time.Duration // the cap the wait exceeded; 0 when the cap was not the reason
	Err     *APIError     // the last 409 answer; nil when none
}

func (e *RateLimitError) Error() string {
	what := "Qualys rate limit reached"
	if e.Err != nil {
		what = strings.TrimPrefix(e.Err.Error(), e.Op+": ")
	}
	if e.MaxWait > 0 {
		return fmt.Sprintf("%s: %s; Qualys asks to wait %s, not waiting (%s)", e.Op, what, e.Wait, e.Reason)
	}
	return fmt.Sprintf("%s: %s; not retried (%s, next wait %s)", e.Op, what, e.Reason, e.Wait)
}

// Code returns the Qualys code of the refusal (1960 or 1965), 0 when none.
func (e *RateLimitError) Code() int {
	if e.Err == nil {
		return 0
	}
	return e.Err.Code
}

// Unwrap returns the underlying *APIError.
func (e *RateLimitError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return e.Err
}

// NotSentError is returned for a call the client did not send because
// Qualys had already refused the credentials (HTTP 401) on an earlier call:
// a wrong password is learnt from one request, never repeated.
type NotSentError struct {
	Op  string
	Err *APIError // the first 401 answer
}

func (e *NotSentError) Error() string {
	return fmt.Sprintf("%s: not sent: Qualys refused the credentials on an earlier call (%s)", e.Op, e.Err.Error())
}

// Unwrap returns the 401 answer.
func (e *NotSentError) Unwrap() error { return e.Err }

// ErrUnexpectedAnswer is matched (errors.Is) by every error of a read whose
// answer was well delivered but not understood: an undecodable body, or a
// document of a shape the client does not know. Callers that can do their
// job without that answer may treat the object as unreadable instead of
// failing (see internal/live).
var ErrUnexpectedAnswer = errors.New("unexpected answer")

// UnexpectedAnswerError is a read answer the client could not interpret.
type UnexpectedAnswerError struct {
	Op  string
	Err error
}

func (e *UnexpectedAnswerError) Error() string {
	return fmt.Sprintf("%s: unexpected answer: %v", e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *UnexpectedAnswerError) Unwrap() error { return e.Err }

// Is reports whether target is ErrUnexpectedAnswer.
func (e *UnexpectedAnswerError) Is(target error) bool { return target == ErrUnexpectedAnswer }

// OutcomeUnknownError reports a create, update or delete whose result is
// unknown: the request may have reached Qualys, but no decodable answer came
// back (timeout, connection reset, EOF, 5xx, undecodable body). The client
// never re-sends such a write; errors.Is(err, ErrOutcomeUnknown) is true.
type OutcomeUnknownError struct {
	Op  string
	Err error
}

func (e *OutcomeUnknownError) Error() string {
	return fmt.Sprintf("%s: outcome unknown, the change may or may not have been applied (re-read before retrying): %v", e.Op, e.Err)
}

// Unwrap returns the underlying cause.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// Is reports whether target is ErrOutcomeUnknown.
func (e *OutcomeUnknownError) Is(target error) bool { return target == ErrOutcomeUnknown }

// BatchFailure is one BATCH of a BATCH_RETURN that carried a CODE: the IDs it
// names were not changed.
type BatchFailure struct {
	Code int
	Text string
	IDs  []int64
}

// BatchError is a (partial) failure of a record create, update or delete:
// the BATCH_RETURN held at least one BATCH with a CODE. Succeeded lists the
// IDs Qualys reported as changed; Failed lists the failing batches.
type BatchError struct {
	Op        string
	Succeeded []int64
	Failed    []BatchFailure
}

func (e *BatchError) Error() string {
	var parts []string
	for _, f := range e.Failed {
		s := fmt.Sprintf("qualys error %d: %s", f.Code, f.Text)
		if len(f.IDs) > 0 {
			s += " (ids " + FormatIDs(f.IDs) + ")"
		}
		parts = append(parts, s)
	}
	kind := "partial failure"
	if len(e.Succeeded) == 0 {
		kind = "failed"
	}
	msg := fmt.Sprintf("%s: %s: %s", e.Op, kind, strings.Join(parts, "; "))
	if len(e.Succeeded) > 0 {
		msg += "; succeeded ids " + FormatIDs(e.Succeeded)
	}
	return msg
}

// FailedIDs returns every ID named by a failing batch, sorted.
func (e *BatchError) FailedIDs() []int64 {
	var ids []int64
	for _, f := range e.Failed {
		ids = append(ids, f.IDs...)
	}
	slices.Sort(ids)
	return ids
}

// nothingChanged reports whether err is Qualys saying that an update changed nothing: an answer
// (of any shape, with a CODE or not, but not a 5xx) whose every failing text contains "nothing to
// change". Qualys's own Jenkins plugin treats such an answer to an update as success
// (EVIDENCE.md fact 6); the record already holds what was sent.
func nothingChanged(err error) bool {
	if err == nil {
		return false
	}
	says := func(text string) bool { return strings.Contains(strings.ToLower(text), "nothing to change") }
	var be *BatchError
	if errors.As(err, &be) {
		for _, f := range be.Failed {
			if !says(f.Text) {
				return false
			}
		}
		return len(be.Failed) > 0
	}
	var ae *APIError
	var rl *RateLimitError
	var ou *OutcomeUnknownError
	if errors.As(err, &rl) || errors.As(err, &ou) {
		return false
	}
	return errors.As(err, &ae) && ae.Status < 500 && says(ae.Text)
}
