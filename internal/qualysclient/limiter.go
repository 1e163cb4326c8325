package qualysclient

import (
	"context"
	"sync"
)

// limiter keeps the number of calls in flight at or under the Qualys
// concurrency limit. It starts at the configured maximum and follows
// X-Concurrency-Limit-Limit downwards (never above the configured maximum).
// Until the first answer has arrived, only one call is let through, so that
// the server's real limit is learnt before a burst could trip it.
type limiter struct {
	mu       sync.Mutex
	max      int
	limit    int
	known    bool // an answer has arrived; until then the effective limit is 1
	inflight int
	wake     chan struct{} // closed and replaced whenever capacity may have grown
}

func newLimiter(max int) *limiter {
	return &limiter{max: max, limit: max, wake: make(chan struct{})}
}

func (l *limiter) effective() int {
	if !l.known {
		return 1
	}
	return l.limit
}

// acquire waits for a free slot or for ctx to end.
func (l *limiter) acquire(ctx context.Context) error {
	for {
		l.mu.Lock()
		if l.inflight < l.effective() {
			l.inflight++
			l.mu.Unlock()
			return nil
		}
		ch := l.wake
		l.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// release frees a slot. answered reports whether a response (any status)
// arrived, which ends the single-call probe phase.
func (l *limiter) release(answered bool) {
	l.mu.Lock()
	l.inflight--
	if answered {
		l.known = true
	}
	l.broadcast()
	l.mu.Unlock()
}

// setLimit applies a limit announced by the server, capped at the
// configured maximum.
func (l *limiter) setLimit(n int) {
	if n < 1 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	n = min(n, l.max)
	if n != l.limit {
		l.limit = n
		l.broadcast()
	}
}

func (l *limiter) broadcast() {
	close(l.wake)
	l.wake = make(chan struct{})
}
