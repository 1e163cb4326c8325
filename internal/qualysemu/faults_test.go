package qualysemu

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestFaultStatusOnNthWrite(t *testing.T) {
	e := newEmu(t)
	e.s.AddFault(mustFault(t, "write:3:status=500"))
	e.ok(mysqlPath, mysqlBasic+"&title=a&ips=10.0.0.1")
	e.ok(mysqlPath, "action=list") // not a write
	e.ok(mysqlPath, "action=update&ids=100001&comments=x")
	r := e.post(mysqlPath, mysqlBasic+"&title=b&ips=10.0.0.2")
	r.wantError(t, 500, 999, "Internal error. Please contact customer support.")
	if r.header.Get("X-RateLimit-Limit") == "" {
		t.Errorf("fault answer without limit headers")
	}
	if n := len(e.s.Snapshot().Records); n != 1 {
		t.Fatalf("faulted create took effect: %d records", n)
	}
	e.ok(mysqlPath, mysqlBasic+"&title=b&ips=10.0.0.2")
	log := e.s.Requests()
	if f := log[3]; f.Fault != "write:3:status=500" || f.Status != 500 || f.Code != 999 || f.Write {
		t.Fatalf("log entry %+v", f)
	}
	if !log[4].Write || log[4].Fault != "" {
		t.Fatalf("log entry %+v", log[4])
	}
	if len(e.s.Faults()) != 0 {
		t.Fatalf("fault not used up")
	}
}

func TestFaultKinds(t *testing.T) {
	t.Run("error body", func(t *testing.T) {
		e := newEmu(t)
		e.s.AddFault(mustFault(t, "mysql/create:1:error-body:code=1905:text=parameter title has invalid value: x"))
		e.ok(unixPath, unixBasic+"&title=u&ips=10.0.0.1") // other endpoint: not counted
		r := e.post(mysqlPath, mysqlBasic+"&title=a&ips=10.0.0.1")
		r.wantError(t, 200, 1905, "parameter title has invalid value: x")
		if len(e.s.Snapshot().Records) != 1 {
			t.Fatalf("faulted create took effect")
		}
	})
	t.Run("409 storm", func(t *testing.T) {
		e := newEmu(t)
		e.s.AddFault(mustFault(t, "any:2:409=1965:count=3:wait=2"))
		e.ok(mysqlPath, "action=list")
		for range 3 {
			r := e.post(vaultPath, "action=list")
			r.wantError(t, 409, 1965, "This API cannot be run again for another 0 hours, 0 minutes and 2 seconds.")
			if h := headers(r); h["X-RateLimit-ToWait-Sec"] != "2" || h["X-RateLimit-Remaining"] != "0" {
				t.Fatalf("headers %v", h)
			}
		}
		e.ok(vaultPath, "action=list")
	})
	t.Run("concurrency storm", func(t *testing.T) {
		e := newEmu(t)
		e.s.AddFault(mustFault(t, "list:1:409=1960:count=2:wait=1"))
		for range 2 {
			r := e.post(authPath, "action=list")
			r.wantError(t, 409, 1960, "This API cannot be run again until 1 currently running API instance has finished.")
			if h := headers(r); h["X-RateLimit-ToWait-Sec"] != "1" || h["X-Concurrency-Limit-Running"] != "2" {
				t.Fatalf("headers %v", h)
			}
		}
		e.ok(authPath, "action=list")
	})
	t.Run("5xx", func(t *testing.T) {
		e := newEmu(t)
		e.ok(mysqlPath, mysqlBasic+"&title=a&ips=10.0.0.1")
		e.s.AddFault(mustFault(t, "delete:1:status=503"))
		e.post(mysqlPath, "action=delete&ids=100001").wantError(t, 503, 999, "...")
		if len(e.s.Snapshot().Records) != 1 {
			t.Fatalf("faulted delete took effect")
		}
	})
	t.Run("slow", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			e := newEmu(t)
			e.s.AddFault(mustFault(t, "list:1:slow=30s"))
			start := time.Now()
			e.ok(mysqlPath, "action=list")
			if d := time.Since(start); d != 30*time.Second {
				t.Fatalf("slow fault took %v, want 30s", d)
			}
			start = time.Now()
			e.ok(mysqlPath, "action=list")
			if d := time.Since(start); d != 0 {
				t.Fatalf("the call after a count=1 slow fault took %v", d)
			}
		})
	})
	t.Run("session", func(t *testing.T) {
		e := newEmu(t)
		e.s.AddFault(mustFault(t, "any:1:status=500"))
		e.s.AddFault(mustFault(t, "session/login:1:status=503"))
		e.do(req{path: sessionPath, form: "action=login&username=" + testUser + "&password=" + testPass, noAuth: true}).
			wantError(t, 503, 999, "...")
		e.post(mysqlPath, "action=list").wantError(t, 500, 999, "...") // "any" skipped the session call
	})
}

// TestFaultDrops runs over a real connection, since a dropped connection is
// the point.
func TestFaultDrops(t *testing.T) {
	e := newEmu(t)
	srv := httptest.NewServer(e.s)
	defer srv.Close()
	post := func(path, form string) (*http.Response, error) {
		r, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(form))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("X-Requested-With", "test")
		r.SetBasicAuth(testUser, testPass)
		return srv.Client().Do(r)
	}
	e.s.AddFault(mustFault(t, "mysql/create:1:drop-before"))
	e.s.AddFault(mustFault(t, "mysql/create:2:drop-after"))
	if resp, err := post(mysqlPath, mysqlBasic+"&title=a&ips=10.0.0.1"); err == nil {
		resp.Body.Close()
		t.Fatalf("drop-before answered %d", resp.StatusCode)
	}
	if n := len(e.s.Snapshot().Records); n != 0 {
		t.Fatalf("drop-before took effect")
	}
	if resp, err := post(mysqlPath, mysqlBasic+"&title=a&ips=10.0.0.1"); err == nil {
		resp.Body.Close()
		t.Fatalf("drop-after answered %d", resp.StatusCode)
	}
	if n := len(e.s.Snapshot().Records); n != 1 {
		t.Fatalf("drop-after did not take effect")
	}
	log := e.s.Requests()
	if !log[0].Dropped || log[0].Write || !log[1].Dropped || !log[1].Write || log[1].Status != 200 {
		t.Fatalf("log %+v", log)
	}
	// The same retry now sees the record exists.
	resp, err := post(mysqlPath, mysqlBasic+"&title=a&ips=10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("retry: %d", resp.StatusCode)
	}
	// Without a Hijacker the handler aborts the response instead.
	e.s.AddFault(mustFault(t, "list:1:drop-before"))
	func() {
		defer func() {
			if p := recover(); p != http.ErrAbortHandler {
				t.Fatalf("recover() = %v", p)
			}
		}()
		e.post(mysqlPath, "action=list")
	}()
}

func TestAdminFaults(t *testing.T) {
	e := newEmu(t)
	srv := httptest.NewServer(e.s)
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/_emulator/faults", "text/plain", strings.NewReader("# two faults\nwrite:1:status=500\n\nlist:2:409=1965:wait=7\n"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || len(e.s.Faults()) != 2 {
		t.Fatalf("POST faults: %d, %d queued", resp.StatusCode, len(e.s.Faults()))
	}
	resp, _ = http.Get(srv.URL + "/_emulator/faults")
	body := readBody(t, resp)
	if body != "write:1:status=500\nlist:2:409=1965:wait=7\n" {
		t.Fatalf("GET faults %q", body)
	}
	resp, _ = http.Post(srv.URL+"/_emulator/faults", "text/plain", strings.NewReader("write:1:status=500\nbogus\n"))
	if b := readBody(t, resp); resp.StatusCode != 400 || !strings.Contains(b, "line 2") || len(e.s.Faults()) != 2 {
		t.Fatalf("bad POST: %d %q", resp.StatusCode, b)
	}
	resp, _ = http.Post(srv.URL+"/_emulator/faults/reset", "", nil)
	resp.Body.Close()
	if len(e.s.Faults()) != 0 {
		t.Fatalf("reset")
	}
	_ = url.Values{}
}
