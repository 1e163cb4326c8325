package qualysclient

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestUpdateNothingToChange: an update answered with a text containing "nothing to change" is a
// success, whatever the answer's shape (EVIDENCE.md fact 6: Qualys's own Jenkins plugin reads it
// so); the same text on a create, or another text with a CODE, is still a failure.
func TestUpdateNothingToChange(t *testing.T) {
	for name, tc := range map[string]struct {
		status int
		body   string
		ok     bool
	}{
		"batch without code": {200, `<BATCH_RETURN><RESPONSE><BATCH_LIST><BATCH><TEXT>Record(s) not updated: nothing to change</TEXT><ID_SET><ID>5</ID></ID_SET></BATCH></BATCH_LIST></RESPONSE></BATCH_RETURN>`, true},
		"batch with code":    {200, `<BATCH_RETURN><RESPONSE><BATCH_LIST><BATCH><CODE>1905</CODE><TEXT>Nothing to change</TEXT><ID_SET><ID>5</ID></ID_SET></BATCH></BATCH_LIST></RESPONSE></BATCH_RETURN>`, true},
		"simple, no code":    {200, `<SIMPLE_RETURN><RESPONSE><TEXT>nothing to change</TEXT></RESPONSE></SIMPLE_RETURN>`, true},
		"simple, 400 code":   {400, `<SIMPLE_RETURN><RESPONSE><CODE>1905</CODE><TEXT>parameter ids has invalid value: 5 (nothing to change)</TEXT></RESPONSE></SIMPLE_RETURN>`, true},
		"other 1905":         {400, `<SIMPLE_RETURN><RESPONSE><CODE>1905</CODE><TEXT>parameter ids has invalid value: 5 (no such record)</TEXT></RESPONSE></SIMPLE_RETURN>`, false},
		"batch, one other":   {200, `<BATCH_RETURN><RESPONSE><BATCH_LIST><BATCH><CODE>1905</CODE><TEXT>nothing to change</TEXT><ID_SET><ID>5</ID></ID_SET></BATCH><BATCH><CODE>1905</CODE><TEXT>Record(s) not found</TEXT><ID_SET><ID>6</ID></ID_SET></BATCH></BATCH_LIST></RESPONSE></BATCH_RETURN>`, false},
	} {
		t.Run(name, func(t *testing.T) {
			env := setup(t)
			calls := 0
			env.mux.HandleFunc("/api/2.0/fo/auth/windows/", func(w http.ResponseWriter, r *http.Request) {
				calls++
				writeXML(w, tc.status, tc.body)
			})
			err := env.client.UpdateRecords(context.Background(), Windows, []int64{5, 6}, nil)
			if (err == nil) != tc.ok {
				t.Errorf("UpdateRecords = %v, want success %v", err, tc.ok)
			}
			if calls != 1 {
				t.Errorf("%d calls: an answer is never re-sent", calls)
			}
		})
	}
	// A create answered so is not a success: no record ID came back.
	env := setup(t)
	env.mux.HandleFunc("/api/2.0/fo/auth/windows/", func(w http.ResponseWriter, r *http.Request) {
		writeXML(w, 400, `<SIMPLE_RETURN><RESPONSE><CODE>1905</CODE><TEXT>nothing to change</TEXT></RESPONSE></SIMPLE_RETURN>`)
	})
	if _, err := env.client.CreateRecord(context.Background(), Windows, nil); err == nil {
		t.Error("a create answered \"nothing to change\" must fail")
	}
}

// TestIPConflict1920: code 1920 ("... is used by <title>", HTTP status unproven) is a clean
// failure like 1905: one call, not retried, not of unknown outcome, and the error names the other
// record on one line (EVIDENCE.md fact 7).
func TestIPConflict1920(t *testing.T) {
	for _, status := range []int{http.StatusConflict, http.StatusBadRequest, http.StatusOK} {
		env := setup(t)
		calls := 0
		env.mux.HandleFunc("/api/2.0/fo/auth/unix/", func(w http.ResponseWriter, r *http.Request) {
			calls++
			writeXML(w, status, "<SIMPLE_RETURN><RESPONSE><CODE>1920</CODE><TEXT>Some IP(s) are already used by other authentication records:\nIP : 10.0.0.3 is used by first\nIP : 10.0.0.4 is used by first</TEXT></RESPONSE></SIMPLE_RETURN>")
		})
		_, err := env.client.CreateRecord(context.Background(), Unix, nil)
		var ae *APIError
		if !errors.As(err, &ae) || ae.Code != 1920 || errors.Is(err, ErrOutcomeUnknown) {
			t.Fatalf("HTTP %d: CreateRecord = %v, want a 1920 APIError", status, err)
		}
		if calls != 1 {
			t.Errorf("HTTP %d: %d calls, want 1", status, calls)
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "IP : 10.0.0.3 is used by first; IP : 10.0.0.4 is used by first") {
			t.Errorf("HTTP %d: message %q", status, msg)
		}
	}
}
