package qualysclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/qsync/qsync/internal/qualysclient/masking"
	"github.com/qsync/qsync/internal/qualysclient/xmltree"
)

// classify turns one HTTP answer into the error it carries, the way go-github's CheckResponse
// does; nil means a well-formed 2xx document without a Qualys CODE, which r.decode then reads.
// root and perr are the parsed body and why it could not be parsed (HTML, not XML, truncated).
//
//   - a Qualys CODE, whatever the HTTP status (1960/1965 included, see throttled): *APIError
//   - HTTP 401, 5xx or any other non-2xx status: *APIError
//   - a 2xx answer that is not a Qualys document: *OutcomeUnknownError for a write (it may have
//     run), *UnexpectedAnswerError for a read
//
// Every text taken from the answer is masked by red.
func classify(r *request, resp *response, root *xmltree.Node, perr error, red *masking.Redactor) error {
	var sr *simpleReturn
	if perr == nil {
		sr = responseError(root)
	}
	switch {
	case sr != nil:
		return &APIError{Op: r.op, Status: resp.status, Code: sr.Code, Text: red.Text(sr.Text), Items: sr.Items}
	case resp.status < 200 || resp.status > 299:
		return statusError(r, resp, sr, perr, red)
	case perr != nil:
		err := fmt.Errorf("undecodable answer (HTTP %d): %s", resp.status, red.Text(perr.Error()))
		if r.write {
			return &OutcomeUnknownError{Op: r.op, Err: err}
		}
		return &UnexpectedAnswerError{Op: r.op, Err: err}
	}
	return nil
}

// classifyDecoded types the error r.decode returned for a well-formed answer: a BATCH_RETURN's
// failed batches (*BatchError) and an error document (*APIError) keep their type with Qualys's
// texts masked; anything else is an answer the client did not understand (*OutcomeUnknownError
// for a write, *UnexpectedAnswerError for a read).
func classifyDecoded(r *request, resp *response, err error, red *masking.Redactor) error {
	if err == nil {
		return nil
	}
	var apiErr *APIError
	var batchErr *BatchError
	switch {
	case errors.As(err, &batchErr):
		// Qualys quotes invalid values in its texts: mask secrets as in a SIMPLE_RETURN.
		for i := range batchErr.Failed {
			batchErr.Failed[i].Text = red.Text(batchErr.Failed[i].Text)
		}
		return err
	case errors.As(err, &apiErr):
		apiErr.Text = red.Text(apiErr.Text)
		return err
	case r.write:
		return &OutcomeUnknownError{Op: r.op, Err: fmt.Errorf("unexpected answer: %s; body starts %s", red.Text(err.Error()), quoteSnippet(resp.body, red.Text))}
	}
	return &UnexpectedAnswerError{Op: r.op, Err: err}
}

// statusError describes a non-2xx answer without a Qualys CODE.
func statusError(r *request, resp *response, sr *simpleReturn, perr error, red *masking.Redactor) *APIError {
	e := &APIError{Op: r.op, Status: resp.status}
	switch {
	case sr != nil:
		e.Code, e.Text, e.Items = sr.Code, red.Text(sr.Text), sr.Items
	case resp.status >= 300 && resp.status < 400:
		e.Text = "unexpected redirect to " + red.Text(resp.header.Get("Location")) + " (not followed)"
	case perr != nil:
		e.Text = red.Text(perr.Error())
	default:
		e.Text = http.StatusText(resp.status) + "; body starts " + quoteSnippet(resp.body, red.Text)
	}
	return e
}

// throttled reports whether e is Qualys refusing to run the call for its concurrency (1960) or
// rate (1965) limit.
func (e *APIError) throttled() bool { return e.Code == 1960 || e.Code == 1965 }

// sendError is a request that got no HTTP answer: a connection refused or reset, a timeout.
type sendError struct{ err error }

func (e *sendError) Error() string { return e.err.Error() }
func (e *sendError) Unwrap() error { return e.err }

// retryKind is what do does after a failed attempt.
type retryKind int

const (
	giveUp        retryKind = iota // return the error
	backOff                        // a read failed in transit or with a 5xx: back off, send again
	waitThrottled                  // Qualys did not run the call (1960/1965): wait as told, send again
)

// retry is the decision of retryPolicy: what to do, and for waitThrottled how long and why.
type retry struct {
	kind retryKind
	wait time.Duration
	code int // 1960 or 1965
}

// tries counts what one call has been through so far.
type tries struct {
	throttled int // answers 1960/1965
	retried   int // reads sent again after a transport error or a 5xx
}

// retryPolicy decides, from the error of an attempt (a *sendError, or what classify made of the
// answer, whose header is h), whether the call is sent again; t counts the tries so far. A call Qualys did not run
// (1960/1965) is, writes included, after the wait Qualys asks for, unless the retries are
// exhausted or the wait exceeds MaxWait or outlasts ctx's deadline (*RateLimitError). A read is
// sent again readRetries times after a transport error or a 5xx. A write that may have run (a
// transport error, a 5xx) is never sent again: its error says the outcome is unknown. When giving
// up, the error returned is what do returns.
func (c *Client) retryPolicy(ctx context.Context, r *request, err error, h http.Header, t tries) (retry, error) {
	se, sendFailed := err.(*sendError)
	apiErr, answered := err.(*APIError)
	switch {
	case sendFailed:
		cause := se.err
		if ctx.Err() != nil {
			cause = fmt.Errorf("%w (%v)", ctx.Err(), cause)
		}
		if r.write {
			return retry{}, &OutcomeUnknownError{Op: r.op, Err: cause}
		}
		if ctx.Err() == nil && t.retried < readRetries {
			return retry{kind: backOff}, nil
		}
		return retry{}, fmt.Errorf("%s: %w", r.op, cause)
	case !answered:
		return retry{}, err
	case apiErr.throttled():
		wait := throttleWait(h, &simpleReturn{HasCode: true, Code: apiErr.Code, Items: apiErr.Items}, t.throttled)
		switch {
		case t.throttled >= c.cfg.MaxRetries:
			return retry{}, &RateLimitError{Op: r.op, Wait: wait, Retries: t.throttled, Reason: "retries exhausted", Err: apiErr}
		case c.cfg.MaxWait > 0 && wait > c.cfg.MaxWait:
			return retry{}, &RateLimitError{Op: r.op, Wait: wait, Retries: t.throttled, MaxWait: c.cfg.MaxWait, Reason: c.maxWaitReason(), Err: apiErr}
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return retry{}, &RateLimitError{Op: r.op, Wait: wait, Retries: t.throttled, Reason: "the wait would outlast the context deadline", Err: apiErr}
		}
		return retry{kind: waitThrottled, wait: wait, code: apiErr.Code}, nil
	case apiErr.Status >= 500:
		if r.write {
			return retry{}, &OutcomeUnknownError{Op: r.op, Err: apiErr}
		}
		if t.retried < readRetries {
			return retry{kind: backOff}, nil
		}
	}
	return retry{}, err
}

const snippetLen = 120

// quoteSnippet quotes at most the first ~120 bytes of body for an error
// message. Secrets are masked before quoting (so escaping cannot hide them
// from the masking): the values redact knows, plus anything that looks like
// password=... or Basic credentials.
func quoteSnippet(body []byte, redact func(string) string) string {
	s := body
	more := ""
	if len(s) > snippetLen {
		s = s[:snippetLen]
		// Do not cut a UTF-8 sequence in half.
		for i := 0; i < utf8.UTFMax && len(s) > 0 && !utf8.Valid(s); i++ {
			s = s[:len(s)-1]
		}
		more = "..."
	}
	text := string(s)
	if redact != nil {
		// Mask on the whole body first, so that a secret cut by the
		// 120-byte limit is not left half visible.
		text = redact(string(body))
		if len(text) > len(s) {
			text = text[:len(s)]
		}
	}
	return fmt.Sprintf("%q", masking.Text(text)) + more
}
