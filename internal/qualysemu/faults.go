package qualysemu

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
	"github.com/qsync/qsync/internal/qualysemu/wire"
)

// FaultKind is what a fault does to the calls it hits.
type FaultKind string

// The fault kinds. See ParseFault for their textual form.
const (
	// FaultStatus answers with Status and a SIMPLE_RETURN (Code, Text); the
	// call has no effect.
	FaultStatus FaultKind = "status"
	// FaultRateLimit answers 409 with SIMPLE_RETURN 1965 and
	// X-RateLimit-ToWait-Sec = Wait; the call has no effect.
	FaultRateLimit FaultKind = "409=1965"
	// FaultConcurrency answers 409 with SIMPLE_RETURN 1960 (CALLS_TO_FINISH
	// 1) and X-RateLimit-ToWait-Sec = Wait; the call has no effect.
	FaultConcurrency FaultKind = "409=1960"
	// FaultErrorBody answers HTTP 200 whose body is a SIMPLE_RETURN error
	// (Code, Text); the call has no effect.
	FaultErrorBody FaultKind = "error-body"
	// FaultDropBefore closes the connection without an answer; the call has
	// no effect.
	FaultDropBefore FaultKind = "drop-before"
	// FaultDropAfter runs the call (a write takes effect and is saved), then
	// closes the connection without an answer.
	FaultDropAfter FaultKind = "drop-after"
	// FaultSlow waits Delay (holding a concurrency slot), then runs the call
	// normally.
	FaultSlow FaultKind = "slow"
)

// Fault makes chosen calls fail. A fault counts the calls that match it from
// the moment it is added; calls number Nth .. Nth+Count-1 are hit, then the
// fault is used up. When several queued faults are due on one call, the
// first added wins and the others stay due for the next matching call.
type Fault struct {
	// Match selects calls: "any" (every API call except session
	// login/logout), "write" (create, update, delete), an action ("list",
	// "create", "update", "delete", "view", "login", "logout"), an endpoint
	// ("auth" for list-all, a record type such as "mysql" or "unix", "vault",
	// "session"),
	// or "endpoint/action" ("mysql/create", "vault/write").
	Match string
	// Nth is the first matching call hit (1 = the next one).
	Nth int
	// Count is how many consecutive matching calls are hit (default 1).
	Count int
	Kind  FaultKind
	// Status is the HTTP status of FaultStatus.
	Status int
	// Code and Text fill the SIMPLE_RETURN of FaultStatus and
	// FaultErrorBody (defaults: 999 and a text for the status).
	Code int
	Text string
	// Wait is X-RateLimit-ToWait-Sec (and SECONDS_TO_WAIT) of the 409 kinds.
	Wait int
	// Delay is the wait of FaultSlow.
	Delay time.Duration

	seen int // matching calls counted so far
	hits int // calls hit so far
}

// isFaultEndpoint reports whether a fault may match the endpoint name: "auth"
// (list-all), a record type of recordTypes, "vault" or "session".
func isFaultEndpoint(name string) bool {
	switch name {
	case "auth", "vault", "session":
		return true
	}
	return kinds.RecordTypeByName(name) != nil
}

var faultActions = map[string]bool{"any": true, "write": true, "list": true, "create": true, "update": true,
	"delete": true, "view": true, "login": true, "logout": true}

// ParseFault parses the textual form of a fault, used by the CLI flag and by
// POST /_emulator/faults:
//
//	MATCH:N:KIND[:OPTION]...
//
// MATCH is described at Fault.Match; N is the first matching call hit
// (1 = the next). KIND is one of
//
//	status=HTTP          answer with that HTTP status and a SIMPLE_RETURN
//	409=1965 | 409=1960  a rate-limit or concurrency-limit refusal
//	error-body           HTTP 200 with a SIMPLE_RETURN error body
//	drop-before          close the connection; the call has no effect
//	drop-after           run the call, then close the connection unanswered
//	slow=DURATION        wait (Go duration, e.g. 2s, 150ms), then run normally
//
// OPTIONs: count=K (hit K consecutive matching calls, default 1), code=N and
// text=... (the Qualys code and text of status and error-body; text takes
// the rest of the spec, colons included, so it comes last), wait=SECONDS
// (the ToWait of the 409 kinds, default 60 for 1965 and 5 for 1960).
//
// Examples: "write:3:status=500", "write:2:drop-after",
// "any:1:409=1965:count=5:wait=2", "list:1:slow=2s",
// "mysql/create:1:error-body:code=1905:text=parameter x has invalid value: y".
func ParseFault(spec string) (Fault, error) {
	spec = strings.TrimSpace(spec)
	bad := func(format string, args ...any) (Fault, error) {
		return Fault{}, fmt.Errorf("fault %q: %s", spec, fmt.Sprintf(format, args...))
	}
	var parts []string
	rest := spec
	for rest != "" {
		if strings.HasPrefix(rest, "text=") {
			parts = append(parts, rest)
			break
		}
		p, r, _ := strings.Cut(rest, ":")
		parts = append(parts, p)
		rest = r
	}
	if len(parts) < 3 {
		return bad("want MATCH:N:KIND[:OPTION]...")
	}
	f := Fault{Match: parts[0], Count: 1}
	if err := validMatch(f.Match); err != nil {
		return bad("%v", err)
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 1 {
		return bad("N must be a positive integer, got %q", parts[1])
	}
	f.Nth = n
	kind, kval, _ := strings.Cut(parts[2], "=")
	switch kind {
	case "status":
		f.Kind = FaultStatus
		f.Status, err = strconv.Atoi(kval)
		if err != nil || f.Status < 200 || f.Status > 599 {
			return bad("status must be an HTTP status code, got %q", kval)
		}
	case "409":
		switch kval {
		case "1965":
			f.Kind, f.Wait = FaultRateLimit, 60
		case "1960":
			f.Kind, f.Wait = FaultConcurrency, 5
		default:
			return bad("409 must be 409=1965 or 409=1960")
		}
	case "error-body", "drop-before", "drop-after":
		if kval != "" {
			return bad("%s takes no value", kind)
		}
		f.Kind = FaultKind(kind)
	case "slow":
		f.Kind = FaultSlow
		f.Delay, err = time.ParseDuration(kval)
		if err != nil || f.Delay < 0 {
			return bad("slow needs a duration such as slow=2s, got %q", kval)
		}
	default:
		return bad("unknown kind %q", parts[2])
	}
	for _, opt := range parts[3:] {
		k, v, _ := strings.Cut(opt, "=")
		switch k {
		case "count":
			f.Count, err = strconv.Atoi(v)
			if err != nil || f.Count < 1 {
				return bad("count must be a positive integer, got %q", v)
			}
		case "code":
			f.Code, err = strconv.Atoi(v)
			if err != nil || f.Code < 0 {
				return bad("code must be a number, got %q", v)
			}
		case "text":
			f.Text = v
		case "wait":
			f.Wait, err = strconv.Atoi(v)
			if err != nil || f.Wait < 0 {
				return bad("wait must be whole seconds, got %q", v)
			}
		default:
			return bad("unknown option %q", opt)
		}
	}
	return f, nil
}

func validMatch(m string) error {
	ep, act, hasAct := strings.Cut(m, "/")
	if hasAct {
		if !isFaultEndpoint(ep) || !faultActions[act] {
			return fmt.Errorf("match %q: want ENDPOINT/ACTION", m)
		}
		return nil
	}
	if !isFaultEndpoint(m) && !faultActions[m] {
		return fmt.Errorf("match %q is neither an endpoint nor an action", m)
	}
	return nil
}

// String returns the textual form of f (see ParseFault).
func (f Fault) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:", f.Match, f.Nth)
	switch f.Kind {
	case FaultStatus:
		fmt.Fprintf(&b, "status=%d", f.Status)
	case FaultSlow:
		fmt.Fprintf(&b, "slow=%s", f.Delay)
	default:
		b.WriteString(string(f.Kind))
	}
	if f.Count > 1 {
		fmt.Fprintf(&b, ":count=%d", f.Count)
	}
	if f.Kind == FaultRateLimit || f.Kind == FaultConcurrency {
		fmt.Fprintf(&b, ":wait=%d", f.Wait)
	}
	if f.Code != 0 {
		fmt.Fprintf(&b, ":code=%d", f.Code)
	}
	if f.Text != "" {
		fmt.Fprintf(&b, ":text=%s", f.Text)
	}
	return b.String()
}

// matches reports whether a call to endpoint with action is selected.
func (f *Fault) matches(endpoint, action string) bool {
	actionMatch := func(a string) bool {
		switch a {
		case "any":
			return endpoint != "session"
		case "write":
			return action == "create" || action == "update" || action == "delete"
		default:
			return a == action
		}
	}
	if ep, act, ok := strings.Cut(f.Match, "/"); ok {
		return ep == endpoint && actionMatch(act)
	}
	if isFaultEndpoint(f.Match) {
		return f.Match == endpoint
	}
	return actionMatch(f.Match)
}

// replaces reports whether the fault answers instead of running the call.
func (f *Fault) replaces() bool {
	return f.Kind != FaultSlow && f.Kind != FaultDropAfter
}

// answer is the error a replacing fault answers with.
func (f *Fault) answer() *wire.Error {
	switch f.Kind {
	case FaultRateLimit:
		return rateError(f.Wait)
	case FaultConcurrency:
		return concurrencyError(1)
	}
	status := f.Status
	if f.Kind == FaultErrorBody {
		status = http.StatusOK
	}
	code, text := f.Code, f.Text
	if code == 0 {
		code = 999
	}
	if text == "" {
		if f.Kind == FaultErrorBody || status >= 500 {
			text = "Internal error. Please contact customer support."
		} else {
			text = http.StatusText(status)
		}
	}
	return &wire.Error{Status: status, Code: code, Text: text}
}

// AddFault queues a fault.
func (s *Server) AddFault(f Fault) {
	if f.Count < 1 {
		f.Count = 1
	}
	if f.Nth < 1 {
		f.Nth = 1
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = append(s.faults, &f)
}

// Faults returns the queued faults that are not used up yet.
func (s *Server) Faults() []Fault {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	out := make([]Fault, 0, len(s.faults))
	for _, f := range s.faults {
		out = append(out, *f)
	}
	return out
}

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = nil
}

// takeFault counts a call against every queued fault and returns the fault
// that hits it, if any.
func (s *Server) takeFault(endpoint, action string) *Fault {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	var hit *Fault
	for _, f := range s.faults {
		if !f.matches(endpoint, action) {
			continue
		}
		f.seen++
		if hit == nil && f.seen >= f.Nth {
			hit = f
		}
	}
	if hit == nil {
		return nil
	}
	hit.hits++
	out := *hit
	if hit.hits >= hit.Count {
		for i, f := range s.faults {
			if f == hit {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
				break
			}
		}
	}
	return &out
}
