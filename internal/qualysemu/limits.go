package qualysemu

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/qsync/qsync/internal/qualysemu/wire"
)

// limiter implements the Qualys rate and concurrency limits (REFERENCE.md
// §7.2): both are counted per user and per API path, the rate over a rolling
// window, and concurrency is checked first.
type limiter struct {
	mu          sync.Mutex
	rate        int // 0 = unlimited
	window      time.Duration
	concurrency int // <0 = unlimited
	hint        string
	now         func() time.Time
	calls       map[string][]time.Time // key: user + " " + api, ascending
	running     map[string]int
}

// limitInfo is what the six headers report for one call.
type limitInfo struct {
	rateLimit, remaining, toWait int
	windowSec                    int
	concLimit, running           int
	blocked                      *wire.Error // 1960 or 1965
}

func newLimiter(cfg Config) *limiter {
	return &limiter{rate: cfg.RateLimit, window: cfg.RateWindow, concurrency: cfg.Concurrency, hint: cfg.RateHint,
		now: cfg.Now, calls: map[string][]time.Time{}, running: map[string]int{}}
}

func limitKey(user, api string) string { return user + " " + api }

// prune drops calls that left the window. Caller holds l.mu.
func (l *limiter) prune(key string, now time.Time) []time.Time {
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

func (l *limiter) base(key string, now time.Time) limitInfo {
	info := limitInfo{windowSec: int(l.window / time.Second), running: l.running[key]}
	if l.rate > 0 {
		info.rateLimit = l.rate
		info.remaining = max(0, l.rate-len(l.prune(key, now)))
	} else {
		info.rateLimit, info.remaining = unlimitedHeaderValue, unlimitedHeaderValue
	}
	if l.concurrency > 0 {
		info.concLimit = l.concurrency
	} else {
		info.concLimit = unlimitedHeaderValue
	}
	return info
}

// peek reports the headers for a call that is answered without running
// (for example a missing X-Requested-With header).
func (l *limiter) peek(user, api string) limitInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.base(limitKey(user, api), l.now())
}

// acquire admits a call or blocks it. When admitted the call is counted in
// the window and as running until release is called.
func (l *limiter) acquire(user, api string) (info limitInfo, release func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := limitKey(user, api)
	now := l.now()
	info = l.base(key, now)
	if l.concurrency > 0 && info.running >= l.concurrency {
		info.blocked = concurrencyError(info.running - l.concurrency + 1)
		return info, func() {}
	}
	if l.rate > 0 && info.remaining == 0 {
		oldest := l.calls[key][0]
		wait := int(math.Ceil(oldest.Add(l.window).Sub(now).Seconds()))
		info.toWait = max(wait, 1)
		info.blocked = rateError(info.toWait)
		if l.hint != "" {
			info.blocked.Text += " " + l.hint
		}
		return info, func() {}
	}
	l.calls[key] = append(l.calls[key], now)
	l.running[key]++
	info.running = l.running[key]
	if l.rate > 0 {
		info.remaining--
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

func (info limitInfo) setHeaders(h http.Header) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(info.rateLimit))
	h.Set("X-RateLimit-Window-Sec", strconv.Itoa(info.windowSec))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(info.remaining))
	h.Set("X-RateLimit-ToWait-Sec", strconv.Itoa(info.toWait))
	h.Set("X-Concurrency-Limit-Limit", strconv.Itoa(info.concLimit))
	h.Set("X-Concurrency-Limit-Running", strconv.Itoa(info.running))
}

// concurrencyError is the 409 / 1960 answer.
func concurrencyError(toFinish int) *wire.Error {
	toFinish = max(toFinish, 1)
	text := fmt.Sprintf("This API cannot be run again until %d currently running API instance has finished.", toFinish)
	if toFinish > 1 {
		text = fmt.Sprintf("This API cannot be run again until %d currently running API instances have finished.", toFinish)
	}
	return &wire.Error{Status: http.StatusConflict, Code: 1960, Text: text,
		Items: [][2]string{{"CALLS_TO_FINISH", strconv.Itoa(toFinish)}}}
}

// reset forgets every call counted so far: the rate windows start empty (calls in flight stay
// counted for the concurrency limit).
func (l *limiter) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = map[string][]time.Time{}
}

// rateError is the 409 / 1965 answer.
func rateError(seconds int) *wire.Error {
	h, m, s := seconds/3600, seconds%3600/60, seconds%60
	text := fmt.Sprintf("This API cannot be run again for another %d hours, %d minutes and %d seconds.", h, m, s)
	return &wire.Error{Status: http.StatusConflict, Code: 1965, Text: text,
		Items: [][2]string{{"SECONDS_TO_WAIT", strconv.Itoa(seconds)}}}
}
