package qualysclient

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

const emptyMySQLList = `<AUTH_MYSQL_LIST_OUTPUT><RESPONSE><DATETIME>2024-01-01T00:00:00Z</DATETIME></RESPONSE></AUTH_MYSQL_LIST_OUTPUT>`

const rateText = "This API cannot be run again for another 0 hours, 0 minutes and 42 seconds."

func TestRateLimit1965HonoursToWaitHeader(t *testing.T) {
	env := setup(t)
	var calls atomic.Int32
	env.mux.HandleFunc("/api/2.0/fo/auth/unix/", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("X-RateLimit-ToWait-Sec", "42")
			w.Header().Set("X-RateLimit-Remaining", "0")
			writeXML(w, 409, simpleReturnXML(1965, rateText, "SECONDS_TO_WAIT", "99"))
			return
		}
		w.Header().Set("X-RateLimit-Limit", "300")
		w.Header().Set("X-RateLimit-Remaining", "299")
		w.Header().Set("X-RateLimit-Window-Sec", "3600")
		w.Header().Set("X-RateLimit-ToWait-Sec", "0")
		writeXML(w, 200, batchReturn(`<BATCH><TEXT>Successfully Created</TEXT><ID_SET><ID>77</ID></ID_SET></BATCH>`))
	})
	id, err := env.client.CreateRecord(context.Background(), Unix, nil)
	if err != nil || id != 77 {
		t.Fatalf("CreateRecord = %d, %v", id, err)
	}
	if got := env.sleep.all(); len(got) != 1 || got[0] != 42*time.Second {
		t.Errorf("waits = %v, want [42s]", got)
	}
	want := "qsync: Qualys rate limit reached on /api/2.0/fo/auth/unix/; waiting 42s (code 1965)\n"
	if env.stderr.String() != want {
		t.Errorf("stderr = %q, want %q", env.stderr.String(), want)
	}
	st := env.client.Stats()
	if st.Calls["POST /api/2.0/fo/auth/unix/ create"] != 2 || st.Waited != 42*time.Second ||
		st.RateLimit != 300 || st.RateRemaining != 299 || st.RateWindowSec != 3600 {
		t.Errorf("stats = %+v", st)
	}
}

func TestRateLimit1965FallsBackToSecondsToWaitItem(t *testing.T) {
	env := setup(t)
	var calls atomic.Int32
	env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			// 400 instead of 409, as Appendix D misprints it: still a throttle.
			writeXML(w, 400, simpleReturnXML(1965, rateText, "SECONDS_TO_WAIT", "3"))
			return
		}
		writeXML(w, 200, emptyMySQLList)
	})
	if _, err := env.client.ListRecords(context.Background(), MySQL, ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := env.sleep.all(); len(got) != 1 || got[0] != 3*time.Second {
		t.Errorf("waits = %v, want [3s]", got)
	}
	if env.stderr.String() != "" {
		t.Errorf("short waits must be silent, stderr = %q", env.stderr.String())
	}
}

func TestConcurrency1960BacksOffWithJitter(t *testing.T) {
	env := setup(t)
	var calls atomic.Int32
	env.mux.HandleFunc("/api/2.0/fo/auth/windows/", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 3 {
			w.Header().Set("X-RateLimit-ToWait-Sec", "0")
			writeXML(w, 409, simpleReturnXML(1960, "This API cannot be run again until 1 currently running API instance has finished.", "CALLS_TO_FINISH", "1"))
			return
		}
		writeXML(w, 200, batchReturn(`<BATCH><TEXT>Successfully Deleted</TEXT><ID_SET><ID>5</ID></ID_SET></BATCH>`))
	})
	if err := env.client.DeleteRecords(context.Background(), Windows, []int64{5}); err != nil {
		t.Fatal(err)
	}
	got := env.sleep.all()
	if len(got) != 3 {
		t.Fatalf("waits = %v, want 3", got)
	}
	for i, d := range got {
		hi := backoffBase << i
		if d < hi/2 || d > hi {
			t.Errorf("wait %d = %v, want within [%v, %v]", i, d, hi/2, hi)
		}
	}
	if calls.Load() != 4 {
		t.Errorf("server saw %d deletes, want 4 (three refused, one run)", calls.Load())
	}
}

func TestRateLimitRetriesExhausted(t *testing.T) {
	env := setup(t, func(c *Config) { c.MaxRetries = 3 })
	var calls atomic.Int32
	env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("X-RateLimit-ToWait-Sec", "10")
		writeXML(w, 409, simpleReturnXML(1965, rateText))
	})
	_, err := env.client.ListRecords(context.Background(), MySQL, ListOptions{})
	var rl *RateLimitError
	var apiErr *APIError
	if !errors.As(err, &rl) || !errors.As(err, &apiErr) || apiErr.Code != 1965 || apiErr.Status != 409 {
		t.Fatalf("err = %#v", err)
	}
	if calls.Load() != 4 || rl.Retries != 3 || rl.Wait != 10*time.Second {
		t.Errorf("calls = %d, err = %+v", calls.Load(), rl)
	}
}

func TestRateLimitWaitBeyondDeadlineIsNotSlept(t *testing.T) {
	env := setup(t)
	env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-ToWait-Sec", "68928")
		writeXML(w, 409, simpleReturnXML(1965, "This API cannot be run again for another 19 hours."))
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := env.client.ListRecords(ctx, MySQL, ListOptions{})
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.Wait != 68928*time.Second {
		t.Fatalf("err = %v", err)
	}
	if len(env.sleep.all()) != 0 {
		t.Errorf("slept %v although the deadline was nearer", env.sleep.all())
	}
}

func TestContextCancelledDuringRateLimitWait(t *testing.T) {
	// Real Sleep on the bubble's fake clock: the hour's wait must end when the context does.
	synctest.Test(t, func(t *testing.T) {
		env := setupInBubble(t, func(c *Config) { c.Sleep, c.MaxWait = nil, -1 })
		var calls atomic.Int32
		env.mux.HandleFunc("/api/2.0/fo/vault/", func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.Header().Set("X-RateLimit-ToWait-Sec", "3600")
			writeXML(w, 409, simpleReturnXML(1965, rateText))
		})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err := env.client.CreateVault(ctx, nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if errors.Is(err, ErrOutcomeUnknown) {
			t.Errorf("a refused call did not run; its outcome is known: %v", err)
		}
		if d := time.Since(start); d != 50*time.Millisecond {
			t.Errorf("returned after %v, want when the context ended (50ms)", d)
		}
		if calls.Load() != 1 {
			t.Errorf("calls = %d", calls.Load())
		}
	})
}

func TestRealSleepWaitsOutTheRateLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env := setupInBubble(t, func(c *Config) { c.Sleep = nil })
		var calls atomic.Int32
		env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				w.Header().Set("X-RateLimit-ToWait-Sec", "42")
				writeXML(w, 409, simpleReturnXML(1965, rateText))
				return
			}
			writeXML(w, 200, emptyMySQLList)
		})
		start := time.Now()
		if _, err := env.client.ListRecords(context.Background(), MySQL, ListOptions{}); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 42*time.Second {
			t.Errorf("the retry came after %v, want 42s", d)
		}
		if st := env.client.Stats(); st.Waited != 42*time.Second || calls.Load() != 2 {
			t.Errorf("waited %v, calls %d", st.Waited, calls.Load())
		}
	})
}

// concurrencyServer measures the highest number of calls in flight.
type concurrencyServer struct {
	limit    string
	inflight atomic.Int32
	max      atomic.Int32
	over     atomic.Int32 // calls that arrived when the announced limit was already full
	announce int32
}

func (s *concurrencyServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := s.inflight.Add(1)
	defer s.inflight.Add(-1)
	for {
		m := s.max.Load()
		if n <= m || s.max.CompareAndSwap(m, n) {
			break
		}
	}
	if n > s.announce {
		s.over.Add(1)
	}
	time.Sleep(20 * time.Millisecond)
	w.Header().Set("X-Concurrency-Limit-Limit", s.limit)
	w.Header().Set("X-Concurrency-Limit-Running", "1")
	writeXML(w, 200, emptyMySQLList)
}

func TestConcurrencyNeverExceedsLimit(t *testing.T) {
	for _, tc := range []struct {
		name     string
		max      int
		header   string
		announce int32
	}{
		{"default 2, server says 2", 0, "2", 2},
		{"configured 5, server says 1", 5, "1", 1},
		{"configured 3, server says 10", 3, "10", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// In a bubble the handler's 20ms ends only once every other caller is blocked, so
			// each call in flight has given the others every chance to exceed the limit.
			synctest.Test(t, func(t *testing.T) {
				cs := &concurrencyServer{limit: tc.header, announce: tc.announce}
				env := setupInBubble(t, func(c *Config) { c.MaxConcurrency = tc.max })
				env.mux.Handle("/api/2.0/fo/auth/mysql/", cs)
				var wg sync.WaitGroup
				for range 12 {
					wg.Go(func() {
						if _, err := env.client.ListRecords(context.Background(), MySQL, ListOptions{}); err != nil {
							t.Error(err)
						}
					})
				}
				wg.Wait()
				if cs.max.Load() > tc.announce || cs.over.Load() > 0 {
					t.Errorf("max in flight = %d, want <= %d", cs.max.Load(), tc.announce)
				}
				if cs.max.Load() != tc.announce {
					t.Errorf("max in flight = %d, want %d: the allowed parallelism was not used", cs.max.Load(), tc.announce)
				}
			})
		})
	}
}

func TestRemainingZeroDelaysNextCall(t *testing.T) {
	env := setup(t)
	var calls atomic.Int32
	env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-ToWait-Sec", "30")
		}
		writeXML(w, 200, emptyMySQLList)
	})
	for range 2 {
		if _, err := env.client.ListRecords(context.Background(), MySQL, ListOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	got := env.sleep.all()
	if len(got) != 1 || got[0] < 28*time.Second || got[0] > 30*time.Second {
		t.Errorf("waits = %v, want about 30s before the second call", got)
	}
}
