package qualysclient

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestMaxWaitRefusesLongWaitAtOnce: a 1965 without X-RateLimit-ToWait-Sec
// whose body asks for 68928 s (Qualys's own message format, 19 hours) fails
// on the first answer, naming the wait and the code, and sleeps not at all.
func TestMaxWaitRefusesLongWaitAtOnce(t *testing.T) {
	for _, tc := range []struct {
		name    string
		maxWait time.Duration
		header  string
	}{
		{"body SECONDS_TO_WAIT, default cap", 0, ""},
		{"header ToWait, explicit cap", time.Minute, "68928"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := setup(t, func(c *Config) { c.MaxWait = tc.maxWait })
			var calls atomic.Int32
			env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				if tc.header != "" {
					w.Header().Set("X-RateLimit-ToWait-Sec", tc.header)
				}
				writeXML(w, 409, simpleReturnXML(1965, "This API cannot be run again for another 19 hours, 8 minutes and 48 seconds.",
					"SECONDS_TO_WAIT", "68928"))
			})
			_, err := env.client.ListRecords(context.Background(), MySQL, ListOptions{})
			var rl *RateLimitError
			if !errors.As(err, &rl) || rl.Wait != 68928*time.Second || rl.Code() != 1965 || rl.MaxWait == 0 {
				t.Fatalf("err = %#v (%v), want a RateLimitError with the 19 h wait and code 1965", err, err)
			}
			for _, want := range []string{"1965", "19h8m48s", "--max-wait", "QSYNC_MAX_WAIT"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("message %q lacks %q", err, want)
				}
			}
			if got := env.sleep.all(); len(got) != 0 {
				t.Errorf("slept %v; a wait over the cap must fail at once", got)
			}
			if calls.Load() != 1 {
				t.Errorf("%d calls, want 1", calls.Load())
			}
		})
	}
}

// TestMaxWaitAllowsShortWait: a wait under the cap is still waited out.
func TestMaxWaitAllowsShortWait(t *testing.T) {
	env := setup(t, func(c *Config) { c.MaxWait = time.Minute })
	var calls atomic.Int32
	env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("X-RateLimit-ToWait-Sec", "30")
			writeXML(w, 409, simpleReturnXML(1965, "later"))
			return
		}
		writeXML(w, 200, emptyMySQLList)
	})
	if _, err := env.client.ListRecords(context.Background(), MySQL, ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := env.sleep.all(); len(got) != 1 || got[0] != 30*time.Second {
		t.Errorf("waits = %v, want [30s]", got)
	}
}

// TestUnauthorizedSendsNothingElse: after a 401 no request is sent, neither
// by calls started at the same time nor by later ones.
func TestUnauthorizedSendsNothingElse(t *testing.T) {
	env := setup(t, func(c *Config) { c.MaxConcurrency = 4 })
	var calls atomic.Int32
	handler := func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeXML(w, 401, simpleReturnXML(2000, "Bad Login/Password"))
	}
	env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", handler)
	env.mux.HandleFunc("/api/2.0/fo/auth/unix/", handler)
	env.mux.HandleFunc("/api/2.0/fo/vault/", handler)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch i % 3 {
			case 0:
				_, errs[i] = env.client.ListRecords(context.Background(), MySQL, ListOptions{})
			case 1:
				_, errs[i] = env.client.ListRecords(context.Background(), Unix, ListOptions{})
			default:
				_, errs[i] = env.client.ListVaults(context.Background())
			}
		}()
	}
	wg.Wait()
	if calls.Load() != 1 {
		t.Fatalf("%d requests sent with a wrong password, want 1", calls.Load())
	}
	for i, err := range errs {
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Status != 401 {
			t.Errorf("call %d: err = %v, want the 401", i, err)
		}
	}
	if _, err := env.client.ViewVault(context.Background(), 9); err == nil || calls.Load() != 1 {
		t.Errorf("a later call: err = %v, %d requests", err, calls.Load())
	}
}

// TestViewVaultLenient: vault view answers of other shapes are decoded when
// a vault-like element can be found, and are an ErrUnexpectedAnswer
// otherwise; an answer about another vault is refused.
func TestViewVaultLenient(t *testing.T) {
	for _, tc := range []struct {
		name, body, shape, title string
		unexpected               bool
	}{
		{"VAULT without ID", `<AUTH_VAULT_VIEW_OUTPUT><RESPONSE><DATETIME>x</DATETIME><VAULT><TITLE>v</TITLE><VAULT_TYPE>CA PAM</VAULT_TYPE><URL>https://x</URL></VAULT></RESPONSE></AUTH_VAULT_VIEW_OUTPUT>`,
			"AUTH_VAULT_VIEW_OUTPUT/RESPONSE/VAULT", "v", false},
		{"nested", `<VAULT_OUTPUT><RESPONSE><VAULT_LIST><AUTH_VAULT><ID>7</ID><TITLE>n</TITLE></AUTH_VAULT></VAULT_LIST></RESPONSE></VAULT_OUTPUT>`,
			"VAULT_OUTPUT/RESPONSE/VAULT_LIST/AUTH_VAULT", "n", false},
		{"no vault element", `<AUTH_VAULT_VIEW_OUTPUT><RESPONSE><DATETIME>x</DATETIME><VAULT_DETAILS><PROPERTY><NAME>URL</NAME></PROPERTY></VAULT_DETAILS></RESPONSE></AUTH_VAULT_VIEW_OUTPUT>`,
			"unrecognised <AUTH_VAULT_VIEW_OUTPUT>", "", true},
		{"another vault", `<AUTH_VAULT_VIEW_OUTPUT><RESPONSE><AUTH_VAULT><ID>8</ID><TITLE>o</TITLE></AUTH_VAULT></RESPONSE></AUTH_VAULT_VIEW_OUTPUT>`,
			"unrecognised <AUTH_VAULT_VIEW_OUTPUT>", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := setup(t)
			env.mux.HandleFunc("/api/2.0/fo/vault/", func(w http.ResponseWriter, r *http.Request) { writeXML(w, 200, tc.body) })
			v, err := env.client.ViewVault(context.Background(), 7)
			if tc.unexpected {
				if !errors.Is(err, ErrUnexpectedAnswer) {
					t.Fatalf("err = %v, want ErrUnexpectedAnswer", err)
				}
			} else if err != nil || v.ID != 7 || v.Title != tc.title || v.Shape != tc.shape {
				t.Fatalf("vault %+v, err %v", v, err)
			}
			if got := env.client.Observed().VaultViewShapes; got[tc.shape] != 1 {
				t.Errorf("observed shapes %v, want %q", got, tc.shape)
			}
		})
	}
}
