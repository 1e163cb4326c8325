package limits

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/qsync/qsync/internal/qualysemu/wire"
)

// unlimitedHeaderValue is what the limit headers carry when a limit is
// switched off: a number no client will ever run down.
const unlimitedHeaderValue = 1000000

// Limiter implements the Qualys rate and concurrency limits (REFERENCE.md
// §7.2): both are counted per user and per API path, the rate over a rolling
// window, and concurrency is checked first.
type Limiter struct {
	mu          sync.Mutex
	rate        int // 0 = unlimited
	window      time.Duration
	concurrency int // <0 = unlimited
	hint        string
	now         func() time.Time
	calls       map[string][]time.Time // key: user + " " + api, ascending
	running     map[string]int
}

// Info is what the six headers report for one call.
type Info struct {
	RateLimit, Remaining, ToWait int
	WindowSec                    int
	ConcLimit, Running           int
	Blocked                      *wire.Error // 1960 or 1965
}

// New returns a limiter of rate calls per window (0: unlimited) and concurrency calls in
// flight (below 1: unlimited) per user and API path; hint is appended to a 1965 text, now is the
// clock.
func New(rate int, window time.Duration, concurrency int, hint string, now func() time.Time) *Limiter {
	return &Limiter{rate: rate, window: window, concurrency: concurrency, hint: hint,
		now: now, calls: map[string][]time.Time{}, running: map[string]int{}}
}

func limitKey(user, api string) string { return user + " " + api }

// prune drops calls that left the window. Caller holds l.mu.
func (l *Limiter) prune(key string, now time.Time) []time.Time {
	calls := l.calls[key]
	i := 0
	for i < len(calls) && !calls[i].After(now.Add(-l.window)) {
		i++
	}
	calls = calls[i:]
	if len(calls) == 0 {
		delete(l.calls, key)
	} else {
		l.calls[key] = calls
	}
	return calls
}

func (l *Limiter) base(key string, now time.Time) Info {
	info := Info{WindowSec: int(l.window / time.Second), Running: l.running[key]}
	if l.rate > 0 {
		info.RateLimit = l.rate
		info.Remaining = max(0, l.rate-len(l.prune(key, now)))
	} else {
		info.RateLimit, info.Remaining = unlimitedHeaderValue, unlimitedHeaderValue
	}
	if l.concurrency > 0 {
		info.ConcLimit = l.concurrency
	} else {
		info.ConcLimit = unlimitedHeaderValue
	}
	return info
}

// Peek reports the headers for a call that is answered without running
// (for example a missing X-Requested-With header).
func (l *Limiter) Peek(user, api string) Info {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.base(limitKey(user, api), l.now())
}

// Acquire admits a call or blocks it. When admitted the call is counted in
// the window and as running until release is called.
func (l *Limiter) Acquire(user, api string) (info Info, release func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := limitKey(user, api)
	now := l.now()
	info = l.base(key, now)
	if l.concurrency > 0 && info.Running >= l.concurrency {
		info.Blocked = ConcurrencyError(info.Running - l.concurrency + 1)
		return info, func() {}
	}
	if l.rate > 0 && info.Remaining == 0 {
		oldest := l.calls[key][0]
		wait := int(math.Ceil(oldest.Add(l.window).Sub(now).Seconds()))
		info.ToWait = max(wait, 1)
		info.Blocked = RateError(info.ToWait)
		if l.hint != "" {
			info.Blocked.Text += " " + l.hint
		}
		return info, func() {}
	}
	l.calls[key] = append(l.calls[key], now)
	l.running[key]++
	info.Running = l.running[key]
	if l.rate > 0 {
		info.Remaining--
	}
	var once sync.Once
	return info, func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.running[key]--; l.running[key] <= 0 {
				delete(l.running, key)
			}
		})
	}
}

// SetHeaders writes the six limit headers of info to h.
func (info Info) SetHeaders(h http.Header) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(info.RateLimit))
	h.Set("X-RateLimit-Window-Sec", strconv.Itoa(info.WindowSec))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(info.Remaining))
	h.Set("X-RateLimit-ToWait-Sec", strconv.Itoa(info.ToWait))
	h.Set("X-Concurrency-Limit-Limit", strconv.Itoa(info.ConcLimit))
	h.Set("X-Concurrency-Limit-Running", strconv.Itoa(info.Running))
}

// ConcurrencyError is the 409 / 1960 answer.
func ConcurrencyError(toFinish int) *wire.Error {
	toFinish = max(toFinish, 1)
	text := fmt.Sprintf("This API cannot be run again until %d currently running API instance has finished.", toFinish)
	if toFinish > 1 {
		text = fmt.Sprintf("This API cannot be run again until %d currently running API instances have finished.", toFinish)
	}
	return &wire.Error{Status: http.StatusConflict, Code: 1960, Text: text,
		Items: [][2]string{{"CALLS_TO_FINISH", strconv.Itoa(toFinish)}}}
}

// Running returns how many calls of user to api are in flight.
func (l *Limiter) Running(user, api string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.running[limitKey(user, api)]
}

// Reset forgets every call counted so far: the rate windows start empty (calls in flight stay
// counted for the concurrency limit).
func (l *Limiter) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = map[string][]time.Time{}
}

// RateError is the 409 / 1965 answer.
func RateError(seconds int) *wire.Error {
	h, m, s := seconds/3600, seconds%3600/60, seconds%60
	text := fmt.Sprintf("This API cannot be run again for another %d hours, %d minutes and %d seconds.", h, m, s)
	return &wire.Error{Status: http.StatusConflict, Code: 1965, Text: text,
		Items: [][2]string{{"SECONDS_TO_WAIT", strconv.Itoa(seconds)}}}
}
