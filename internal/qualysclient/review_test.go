package qualysclient

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// A WARNING whose id_min falls back below the id_min the caller asked for
// does not advance either: following it would fetch records outside the
// filter and loop over pages already seen (REFERENCE.md §5.3, §8.8).
func TestListRecordsWarningBelowRequestedIDMin(t *testing.T) {
	env := setup(t)
	var calls atomic.Int32
	env.mux.HandleFunc("/api/2.0/fo/auth/unix/", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeXML(w, 200, recordPage(Unix, []int64{500, 501}, "https://h/?id_min=100"))
	})
	recs, err := env.client.ListRecords(context.Background(), Unix, ListOptions{IDMin: 500})
	if err == nil || !strings.Contains(err.Error(), "does not advance") {
		t.Fatalf("err = %v, want a non-advancing WARNING error", err)
	}
	if recs != nil || calls.Load() != 1 {
		t.Errorf("got %d records after %d calls", len(recs), calls.Load())
	}
}
