package qualysemu

import (
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func headers(r *reply) map[string]string {
	out := map[string]string{}
	for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Window-Sec", "X-RateLimit-Remaining",
		"X-RateLimit-ToWait-Sec", "X-Concurrency-Limit-Limit", "X-Concurrency-Limit-Running"} {
		out[h] = r.header.Get(h)
	}
	return out
}

func TestRateLimit(t *testing.T) {
	e := newEmu(t, func(c *Config) { c.RateLimit = 3; c.RateWindow = 10 * time.Second })
	for i, want := range []string{"2", "1", "0"} {
		r := e.ok(mysqlPath, "action=list")
		h := headers(r)
		if h["X-RateLimit-Remaining"] != want || h["X-RateLimit-Limit"] != "3" || h["X-RateLimit-Window-Sec"] != "10" ||
			h["X-RateLimit-ToWait-Sec"] != "0" || h["X-Concurrency-Limit-Limit"] != "2" || h["X-Concurrency-Limit-Running"] != "1" {
			t.Fatalf("call %d headers %v", i+1, h)
		}
		e.clock.Advance(2 * time.Second) // calls at t=0, 2, 4
	}
	// t=6: the window holds 3 calls; the oldest leaves at t=10.
	r := e.post(mysqlPath, "action=create&title=x&ips=10.0.0.1&username=u&password=p&database=d&port=1")
	r.wantError(t, 409, 1965, "This API cannot be run again for another 0 hours, 0 minutes and 4 seconds.")
	if h := headers(r); h["X-RateLimit-ToWait-Sec"] != "4" || h["X-RateLimit-Remaining"] != "0" {
		t.Fatalf("409 headers %v", h)
	}
	if r.doc.text("RESPONSE/ITEM_LIST/ITEM/KEY") != "SECONDS_TO_WAIT" || r.doc.text("RESPONSE/ITEM_LIST/ITEM/VALUE") != "4" {
		t.Fatalf("409 body:\n%s", r.body)
	}
	if len(e.s.Snapshot().Records) != 0 {
		t.Fatalf("a 409 call took effect")
	}
	// Other APIs have their own count; session calls are exempt.
	e.ok(unixPath, "action=list")
	login := e.do(req{path: sessionPath, form: "action=login&username=" + testUser + "&password=" + testPass, noAuth: true})
	if login.status != 200 || login.header.Get("X-RateLimit-Limit") != "" {
		t.Fatalf("session login: %d %v", login.status, headers(login))
	}
	// The refused call was not counted: at t=10 exactly one slot is free.
	e.clock.Advance(4 * time.Second)
	if h := headers(e.ok(mysqlPath, "action=list")); h["X-RateLimit-Remaining"] != "0" {
		t.Fatalf("after the window moved: %v", h)
	}
	e.post(mysqlPath, "action=list").wantError(t, 409, 1965, "...")
	e.clock.Advance(2 * time.Second)
	e.ok(mysqlPath, "action=list")

	// Vault paths share one count however they are spelled.
	v := newEmu(t, func(c *Config) { c.RateLimit = 2 })
	v.ok(vaultPath, "action=list")
	v.ok(vaultPath+"index.php/", "action=list")
	v.post("/api/2.0/fo/vault/index.php", "action=list").wantError(t, 409, 1965, "This API cannot be run again for another 1 hours, 0 minutes and 0 seconds.")
}

func TestRateLimitText(t *testing.T) {
	if got := rateError(86274).Text; got != "This API cannot be run again for another 23 hours, 57 minutes and 54 seconds." {
		t.Fatalf("%q", got)
	}
	if got := concurrencyError(2).Text; got != "This API cannot be run again until 2 currently running API instances have finished." {
		t.Fatalf("%q", got)
	}
}

func TestUnlimited(t *testing.T) {
	e := newEmu(t, func(c *Config) { c.RateLimit = 0; c.RateUnlimited = true; c.Concurrency = -1 })
	var r *reply
	for range 500 {
		r = e.ok(mysqlPath, "action=list")
	}
	if h := headers(r); h["X-RateLimit-Limit"] != "1000000" || h["X-Concurrency-Limit-Limit"] != "1000000" {
		t.Fatalf("headers %v", h)
	}
	d := newEmu(t, func(c *Config) { c.RateLimit = 0 })
	if h := headers(d.ok(mysqlPath, "action=list")); h["X-RateLimit-Limit"] != "300" || h["X-RateLimit-Window-Sec"] != "3600" {
		t.Fatalf("defaults %v", h)
	}
}

func TestParseRateLimit(t *testing.T) {
	for in, want := range map[string]struct {
		n int
		w time.Duration
	}{
		"300/3600": {300, time.Hour}, "60/10s": {60, 10 * time.Second}, "1000/1h": {1000, time.Hour},
		"50": {50, time.Hour}, "0": {0, time.Hour}, "unlimited": {0, time.Hour}, " 5 / 30 ": {5, 30 * time.Second},
	} {
		n, w, err := ParseRateLimit(in)
		if err != nil || n != want.n || w != want.w {
			t.Errorf("ParseRateLimit(%q) = %d, %v, %v", in, n, w, err)
		}
	}
	for _, bad := range []string{"", "x/10", "-1/10", "10/0", "10/abc", "10/-5s"} {
		if _, _, err := ParseRateLimit(bad); err == nil {
			t.Errorf("ParseRateLimit(%q) accepted", bad)
		}
	}
}

// running reports how many calls to api are running for the test user.
func running(s *Server, api string) int {
	s.lim.mu.Lock()
	defer s.lim.mu.Unlock()
	return s.lim.running[limitKey(testUser, api)]
}

// TestConcurrencyLimit runs in a synctest bubble: the slow faults sleep on the fake clock, and
// synctest.Wait returns once they are all parked in that sleep, so the test needs no polling and
// takes no real time.
func TestConcurrencyLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEmu(t)
		e.s.AddFault(mustFault(t, "mysql/list:1:slow=300ms:count=2"))
		var wg sync.WaitGroup
		slow := make([]*reply, 2)
		for i := range slow {
			wg.Go(func() { slow[i] = e.post(mysqlPath, "action=list") })
		}
		synctest.Wait()
		if n := running(e.s, mysqlPath); n != 2 {
			t.Fatalf("%d calls running, want the 2 slow ones", n)
		}
		start := time.Now()
		r := e.post(mysqlPath, "action=create&title=x&ips=10.0.0.1&username=u&password=p&database=d&port=1")
		r.wantError(t, 409, 1960, "This API cannot be run again until 1 currently running API instance has finished.")
		if r.doc.text("RESPONSE/ITEM_LIST/ITEM/KEY") != "CALLS_TO_FINISH" || headers(r)["X-Concurrency-Limit-Running"] != "2" {
			t.Fatalf("1960:\n%s %v", r.body, headers(r))
		}
		e.ok(unixPath, "action=list") // another API is not blocked
		wg.Wait()
		if d := time.Since(start); d != 300*time.Millisecond {
			t.Fatalf("the slow calls ended after %v, want 300ms", d)
		}
		for _, s := range slow {
			if s.status != http.StatusOK {
				t.Fatalf("slow call: %d", s.status)
			}
		}
		if n := running(e.s, mysqlPath); n != 0 {
			t.Fatalf("%d calls still counted as running after they ended", n)
		}
		if len(e.s.Snapshot().Records) != 0 {
			t.Fatalf("a 409 call took effect")
		}
		if got := e.s.MaxInFlight(); got != 3 {
			t.Fatalf("MaxInFlight = %d, want 3 (two slow lists and the refused create)", got)
		}
		// Concurrency is checked before the rate: with both exhausted, 1960.
		c := newEmu(t, func(c *Config) { c.RateLimit = 1; c.Concurrency = 1 })
		c.s.AddFault(mustFault(t, "list:1:slow=200ms"))
		done := make(chan struct{})
		go func() { defer close(done); c.post(mysqlPath, "action=list") }()
		synctest.Wait()
		if n := running(c.s, mysqlPath); n != 1 {
			t.Fatalf("%d calls running, want the slow one", n)
		}
		c.post(mysqlPath, "action=list").wantError(t, 409, 1960, "...")
		<-done
		c.post(mysqlPath, "action=list").wantError(t, 409, 1965, "...")
		e.s.ResetRequests()
		if e.s.MaxInFlight() != 0 || len(e.s.Requests()) != 0 {
			t.Fatalf("ResetRequests")
		}
	})
}
