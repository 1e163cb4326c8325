package qualysclient

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func TestCreateRecordSendsParamsAndReturnsID(t *testing.T) {
	env := setup(t)
	env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", func(w http.ResponseWriter, r *http.Request) {
		f := formOf(t, r)
		want := url.Values{"action": {"create"}, "echo_request": {"0"}, "title": {"NewMySQLRecord"}, "ips": {"10.10.10.181"}, "port": {"22"}}
		if f.Encode() != want.Encode() {
			t.Errorf("form = %s, want %s (caller's action/ids/echo_request must be replaced)", f.Encode(), want.Encode())
		}
		writeXML(w, 200, readSample(t, "auth_mysql_create_vault_batch_return.xml"))
	})
	params := url.Values{"title": {"NewMySQLRecord"}, "ips": {"10.10.10.181"}, "port": {"22"},
		"action": {"delete"}, "ids": {"1"}, "echo_request": {"1"}}
	id, err := env.client.CreateRecord(context.Background(), MySQL, params)
	if err != nil || id != 272380 {
		t.Fatalf("CreateRecord = %d, %v", id, err)
	}
	if params.Get("action") != "delete" {
		t.Error("the caller's params were modified")
	}
}

func TestUpdateAndDeleteSendCompressedIDs(t *testing.T) {
	env := setup(t)
	var got []url.Values
	env.mux.HandleFunc("/api/2.0/fo/auth/unix/", func(w http.ResponseWriter, r *http.Request) {
		f := formOf(t, r)
		got = append(got, f)
		text := "Successfully Updated"
		if f.Get("action") == "delete" {
			text = "Successfully Deleted"
		}
		writeXML(w, 200, batchReturn(`<BATCH><TEXT>`+text+`</TEXT><ID_SET><ID>1</ID><ID>5</ID><ID_RANGE>9-12</ID_RANGE></ID_SET></BATCH>`))
	})
	ids := []int64{12, 9, 1, 5, 10, 11, 5}
	if err := env.client.UpdateRecords(context.Background(), Unix, ids, url.Values{"password": {"pw-1"}}); err != nil {
		t.Fatal(err)
	}
	if err := env.client.DeleteRecords(context.Background(), Unix, ids); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Get("ids") != "1,5,9-12" || got[0].Get("action") != "update" || got[0].Get("password") != "pw-1" ||
		got[1].Get("ids") != "1,5,9-12" || got[1].Get("action") != "delete" {
		t.Errorf("forms = %v", got)
	}
}

func TestDroppedConnectionOnCreateIsNotRetried(t *testing.T) {
	env := setup(t)
	var creates atomic.Int32
	env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", func(w http.ResponseWriter, r *http.Request) {
		creates.Add(1)
		formOf(t, r) // the server has read the whole request: it may have acted on it
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Fatal(err)
		}
		conn.Close()
	})
	_, err := env.client.CreateRecord(context.Background(), MySQL, url.Values{"title": {"x"}})
	var ou *OutcomeUnknownError
	if !errors.As(err, &ou) || !errors.Is(err, ErrOutcomeUnknown) || ou.Op != "create mysql record" {
		t.Fatalf("err = %#v, want *OutcomeUnknownError", err)
	}
	if !strings.Contains(err.Error(), "outcome unknown") || !strings.Contains(err.Error(), "re-read") {
		t.Errorf("message %q must say the outcome is unknown", err)
	}
	if n := creates.Load(); n != 1 {
		t.Errorf("server saw %d creates, want exactly 1", n)
	}
}

func TestWriteFailuresOfUnknownOutcomeAreNotRetried(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler func(w http.ResponseWriter)
		want    string
	}{
		{"502", func(w http.ResponseWriter) { writeXML(w, 502, "<html><body>Bad Gateway</body></html>") }, "HTTP 502"},
		{"500 with SIMPLE_RETURN", func(w http.ResponseWriter) { writeXML(w, 500, simpleReturnXML(999, "Internal error")) }, "qualys error 999 (HTTP 500)"},
		{"200 HTML", func(w http.ResponseWriter) {
			writeXML(w, 200, "<!DOCTYPE html><html><head><title>Maintenance</title></head></html>")
		}, "HTML page"},
		{"200 truncated", func(w http.ResponseWriter) { writeXML(w, 200, batchReturn()[:60]) }, "truncated XML"},
		{"200 plain text", func(w http.ResponseWriter) { writeXML(w, 200, "OK") }, `not XML; body starts "OK"`},
		{"200 empty", func(w http.ResponseWriter) { writeXML(w, 200, "") }, "empty response body"},
		{"200 unexpected root", func(w http.ResponseWriter) { writeXML(w, 200, "<FOO/>") }, "expected BATCH_RETURN"},
		{"200 no ID", func(w http.ResponseWriter) {
			writeXML(w, 200, batchReturn(`<BATCH><TEXT>Successfully Updated</TEXT></BATCH>`))
		}, ""},
		{"200 no BATCH", func(w http.ResponseWriter) { writeXML(w, 200, batchReturn()) }, "holds no BATCH"},
		{"slow answer", nil, "deadline exceeded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				env := setupInBubble(t, func(c *Config) {
					if tc.handler == nil {
						c.Timeout = 100 * time.Millisecond
					}
				})
				start := time.Now()
				var calls atomic.Int32
				env.mux.HandleFunc("/api/2.0/fo/auth/windows/", func(w http.ResponseWriter, r *http.Request) {
					calls.Add(1)
					if tc.handler == nil { // slower than the client's timeout
						select {
						case <-r.Context().Done():
						case <-time.After(5 * time.Second):
						}
						return
					}
					tc.handler(w)
				})
				err := env.client.UpdateRecords(context.Background(), Windows, []int64{3}, url.Values{"comments": {"c"}})
				if tc.name == "200 no ID" {
					// An update answer without an ID_SET is accepted as success.
					if err != nil {
						t.Fatalf("err = %v", err)
					}
					return
				}
				if !errors.Is(err, ErrOutcomeUnknown) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want outcome unknown mentioning %q", err, tc.want)
				}
				if calls.Load() != 1 {
					t.Errorf("server saw %d updates, want exactly 1", calls.Load())
				}
				if d := time.Since(start); tc.handler == nil && d != 100*time.Millisecond {
					t.Errorf("a slow answer was given up after %v, want the 100ms timeout", d)
				}
			})
		})
	}
}

func TestCreateWithoutIDIsOutcomeUnknown(t *testing.T) {
	env := setup(t)
	env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", func(w http.ResponseWriter, r *http.Request) {
		writeXML(w, 200, batchReturn(`<BATCH><TEXT>Successfully Created</TEXT></BATCH>`))
	})
	_, err := env.client.CreateRecord(context.Background(), MySQL, nil)
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v", err)
	}
}

func TestReadsAreRetriedOnTransientFailures(t *testing.T) {
	env := setup(t)
	var calls atomic.Int32
	env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			writeXML(w, 503, "Service Unavailable")
		case 2:
			conn, _, _ := http.NewResponseController(w).Hijack()
			conn.Close()
		default:
			writeXML(w, 200, emptyMySQLList)
		}
	})
	if _, err := env.client.ListRecords(context.Background(), MySQL, ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 3 || len(env.sleep.all()) != 2 {
		t.Errorf("calls = %d, waits = %v", calls.Load(), env.sleep.all())
	}
}

func TestReadRetriesAreBounded(t *testing.T) {
	env := setup(t)
	var calls atomic.Int32
	env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeXML(w, 500, "oops")
	})
	_, err := env.client.ListRecords(context.Background(), MySQL, ListOptions{})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 500 || errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != 1+readRetries {
		t.Errorf("calls = %d, want %d", calls.Load(), 1+readRetries)
	}
}

func TestErrorAnswers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   string
		code   int
	}{
		{"400 SIMPLE_RETURN", 400, simpleReturnXML(1905, "parameter title has invalid value: db (title already exists)"),
			"create mysql record: qualys error 1905 (HTTP 400): parameter title has invalid value: db (title already exists)", 1905},
		{"200 with error body", 200, simpleReturnXML(1903, "Missing required parameter(s): ips"),
			"create mysql record: qualys error 1903 (HTTP 200): Missing required parameter(s): ips", 1903},
		{"401 bad login, no declaration", 401, `<!DOCTYPE SIMPLE_RETURN SYSTEM "https://qualysapi.qualys.com/api/2.0/simple_return.dtd">
<SIMPLE_RETURN><RESPONSE><DATETIME>2020-01-01T00:00:00Z</DATETIME><CODE>2000</CODE><TEXT>Bad Login/Password</TEXT></RESPONSE></SIMPLE_RETURN>`,
			"create mysql record: qualys error 2000 (HTTP 401): Bad Login/Password", 2000},
		{"409 other code", 409, simpleReturnXML(2011, "  SecureID authentication is required for this account, so API access is blocked"),
			"create mysql record: qualys error 2011 (HTTP 409): SecureID authentication is required for this account, so API access is blocked", 2011},
		{"403 HTML from a proxy", 403, "<html><body>Forbidden password=hunter2-account-pw</body></html>",
			`create mysql record: qualys HTTP 403: got an HTML page instead of Qualys XML; body starts "<html><body>Forbidden password=********</body></html>"`, 0},
		{"404 text", 404, "not found", `create mysql record: qualys HTTP 404: response is not XML; body starts "not found"`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := setup(t)
			var calls atomic.Int32
			env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				writeXML(w, tc.status, tc.body)
			})
			_, err := env.client.CreateRecord(context.Background(), MySQL, url.Values{"title": {"db"}})
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %#v, want *APIError", err)
			}
			if err.Error() != tc.want {
				t.Errorf("message =\n%s\nwant\n%s", err, tc.want)
			}
			if apiErr.Code != tc.code || apiErr.Status != tc.status || apiErr.Op != "create mysql record" {
				t.Errorf("APIError = %+v", apiErr)
			}
			if errors.Is(err, ErrOutcomeUnknown) {
				t.Error("a definite refusal is not an unknown outcome")
			}
			if calls.Load() != 1 {
				t.Errorf("calls = %d", calls.Load())
			}
		})
	}
}

func TestErrorItemsAreKept(t *testing.T) {
	env := setup(t)
	env.mux.HandleFunc("/api/2.0/fo/vault/", func(w http.ResponseWriter, r *http.Request) {
		writeXML(w, 409, simpleReturnXML(2003, "Registration must be completed", "SECONDS_TO_WAIT", "68928"))
	})
	err := env.client.DeleteVault(context.Background(), 12)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Items["SECONDS_TO_WAIT"] != "68928" || apiErr.Op != "delete vault 12" {
		t.Fatalf("err = %#v", err)
	}
}

func TestPartialBatchFailure(t *testing.T) {
	env := setup(t)
	env.mux.HandleFunc("/api/2.0/fo/auth/unix/", func(w http.ResponseWriter, r *http.Request) {
		writeXML(w, 200, batchReturn(
			`<BATCH><TEXT>Successfully Deleted</TEXT><ID_SET><ID>1</ID><ID_RANGE>2-3</ID_RANGE></ID_SET></BATCH>`,
			`<BATCH><CODE>1905</CODE><TEXT>Record(s) not found</TEXT><ID_SET><ID>9</ID></ID_SET></BATCH>`))
	})
	err := env.client.DeleteRecords(context.Background(), Unix, []int64{1, 2, 3, 9})
	var be *BatchError
	if !errors.As(err, &be) {
		t.Fatalf("err = %#v, want *BatchError", err)
	}
	if !reflect.DeepEqual(be.Succeeded, []int64{1, 2, 3}) || !reflect.DeepEqual(be.FailedIDs(), []int64{9}) || be.Failed[0].Code != 1905 {
		t.Errorf("BatchError = %+v", be)
	}
	want := "delete unix records 1-3,9: partial failure: qualys error 1905: Record(s) not found (ids 9); succeeded ids 1-3"
	if err.Error() != want {
		t.Errorf("message = %q, want %q", err, want)
	}
	if errors.Is(err, ErrOutcomeUnknown) {
		t.Error("a reported batch failure is a known outcome")
	}
}

func TestRedirectIsNotFollowed(t *testing.T) {
	env := setup(t)
	var elsewhere atomic.Int32
	env.mux.HandleFunc("/elsewhere/", func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) })
	env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://evil.example.com/elsewhere/", http.StatusFound)
	})
	_, err := env.client.ListRecords(context.Background(), MySQL, ListOptions{})
	if err == nil || !strings.Contains(err.Error(), "redirect") || elsewhere.Load() != 0 {
		t.Fatalf("err = %v", err)
	}
}

// Qualys quotes invalid values in its error texts ("parameter ips has invalid value: 10.40.0.10"),
// so a refused password comes back in the TEXT of a BATCH: it must be masked there too, as in a
// SIMPLE_RETURN, before it reaches an error message, a log line or apply's JSON result.
func TestBatchFailureTextIsRedacted(t *testing.T) {
	const secret = "canary-Secret-4711"
	env := setup(t)
	env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", func(w http.ResponseWriter, r *http.Request) {
		writeXML(w, 200, batchReturn(
			`<BATCH><CODE>1905</CODE><TEXT>parameter password has invalid value: `+secret+`</TEXT><ID_SET><ID>9</ID></ID_SET></BATCH>`))
	})
	err := env.client.UpdateRecords(context.Background(), MySQL, []int64{9}, url.Values{"password": {secret}})
	var be *BatchError
	if !errors.As(err, &be) {
		t.Fatalf("err = %#v, want *BatchError", err)
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(be.Failed[0].Text, secret) {
		t.Errorf("the secret is in the batch error: %q", err)
	}
	if !strings.Contains(be.Failed[0].Text, "parameter password has invalid value: ") {
		t.Errorf("the rest of the text was lost: %q", be.Failed[0].Text)
	}
}
