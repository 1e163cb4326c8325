package qualysclient

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestListSecretMaskedPerEntry: a secret parameter whose value is a comma-separated list (SNMP's
// community_strings) is masked in the --debug-http trace and in errors also where Qualys quotes
// one entry of it, or the list in free text ("community_strings=a,b"), not only where it quotes
// the whole value as sent.
func TestListSecretMaskedPerEntry(t *testing.T) {
	const first, second = "Alpha-canary-Community", "Bravo-canary-Community"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `<SIMPLE_RETURN><RESPONSE><CODE>1905</CODE><TEXT>parameter community_strings has invalid value: `+
			second+` (sent community_strings=`+first+`, `+second+`)</TEXT></RESPONSE></SIMPLE_RETURN>`)
	}))
	defer srv.Close()
	var trace bytes.Buffer
	c, err := New(Config{BaseURL: srv.URL, Username: "u", Password: "account-Password-1", Debug: &trace,
		SecretParams: []string{"community_strings", "password"}})
	if err != nil {
		t.Fatal(err)
	}
	err = c.UpdateRecords(context.Background(), RecordType("snmp"), []int64{7},
		url.Values{"title": {"s"}, "community_strings": {first + ", " + second}})
	if err == nil {
		t.Fatal("a 400 answer was taken for success")
	}
	for _, out := range []struct{ what, text string }{{"trace", trace.String()}, {"error", err.Error()}} {
		for _, canary := range []string{"canary-Community"} {
			if strings.Contains(out.text, canary) {
				t.Errorf("the %s shows a community string:\n%s", out.what, out.text)
			}
		}
	}
	if !strings.Contains(trace.String(), "community_strings") {
		t.Errorf("the trace lacks the request:\n%s", trace.String())
	}
}
