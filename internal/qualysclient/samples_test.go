package qualysclient

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qsync/qsync/internal/qualysclient/xmltree"
)

// TestSamplesDecode decodes every committed copy of shared/qualys-api/samples
// (the same bytes as the emulator's copy: see qualysemu.TestSampleCopiesIdentical).
// A new sample without a case here fails the test, so none is skipped.
func TestSamplesDecode(t *testing.T) {
	cases := map[string]func(t *testing.T, root *xmltree.Node){
		"auth_mysql_create_vault_batch_return.xml":            wantWriteIDs("create", 272380),
		"auth_mysql_update_batch_return.xml":                  wantWriteIDs("update", 137296922),
		"auth_unix_create_ca_pam_batch_return.normalized.xml": wantWriteIDs("create", 2013435),
		"auth_mysql_list_output.xml": func(t *testing.T, root *xmltree.Node) {
			recs, w, err := decodeRecordList(root, MySQL)
			if err != nil || w != nil || len(recs) != 1 || recs[0].ID != 284212 || recs[0].Vault == nil {
				t.Errorf("records = %+v, %v, %v", recs, w, err)
			}
		},
		"vault_create_ca_pam_simple_return.normalized.xml": wantWriteIDs("create vault", 7004),
		"vault_update_ca_pam_simple_return.normalized.xml": wantWriteIDs("update vault", 910196),
		"vault_list_output_ca_pam.normalized.xml": func(t *testing.T, root *xmltree.Node) {
			vs, w, err := decodeVaultList(root)
			if err != nil || w != nil || len(vs) != 1 || vs[0].ID != 910196 || vs[0].Type != "CA PAM" || vs[0].ModifiedBy != "amp_at" {
				t.Errorf("vaults = %+v, %v", vs, err)
			}
		},
		"error_limit_fixtures_1960_1965_2003_2011.xml": func(t *testing.T, root *xmltree.Node) {
			want := []struct {
				code int
				text string
				key  string
			}{
				{1960, "This API cannot be run again until 1 currently running API instance has finished.", "CALLS_TO_FINISH"},
				{1965, "This API cannot be run again for another 23 hours, 57 minutes and 54 seconds.", "SECONDS_TO_WAIT"},
				{2003, "Registration must be completed before API requests will be served for this account", "SECONDS_TO_WAIT"},
				{2011, "SecureID authentication is required for this account, so API access is blocked", "SECONDS_TO_WAIT"},
			}
			if root.Name != "FIXTURES" || len(root.Kids) != len(want) {
				t.Fatalf("fixtures root = %s with %d documents", root.Name, len(root.Kids))
			}
			for i, doc := range root.Kids {
				sr := responseError(doc)
				if sr == nil || sr.Code != want[i].code || sr.Text != want[i].text || sr.Items[want[i].key] == "" {
					t.Errorf("fixture %d = %+v", i, sr)
				}
			}
		},
	}
	files, err := filepath.Glob(filepath.Join("testdata", "samples", "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			check, ok := cases[name]
			if !ok {
				t.Fatalf("no decoding case for sample %s", name)
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), "source:") {
				t.Errorf("sample copy lost its source comment")
			}
			root, err := parseXML(b)
			if err != nil {
				t.Fatal(err)
			}
			check(t, root)
		})
	}
}

// wantWriteIDs checks that a sample is the answer to a write of op reporting the one ID id.
func wantWriteIDs(op string, id int64) func(t *testing.T, root *xmltree.Node) {
	return func(t *testing.T, root *xmltree.Node) {
		ids, err := writeResult(op, root)
		if err != nil || len(ids) != 1 || ids[0] != id {
			t.Errorf("ids = %v, %v", ids, err)
		}
	}
}

// TestErrorFixturesThroughClient serves each 409 fixture body and checks the
// client's reaction: 1960/1965 are waited out and retried, 2003/2011 are
// errors.
func TestErrorFixturesThroughClient(t *testing.T) {
	raw := readSample(t, "error_limit_fixtures_1960_1965_2003_2011.xml")
	docs := regexp.MustCompile(`(?s)<SIMPLE_RETURN>.*?</SIMPLE_RETURN>`).FindAllString(raw, -1)
	if len(docs) != 4 {
		t.Fatalf("found %d fixture documents", len(docs))
	}
	for i, wantRetry := range []bool{true, true, false, false} {
		env := setup(t, func(c *Config) { c.MaxWait = -1 }) // the 19-hour wait is waited out here; see TestMaxWait
		var calls atomic.Int32
		env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				writeXML(w, 409, docs[i])
				return
			}
			writeXML(w, 200, emptyMySQLList)
		})
		_, err := env.client.ListRecords(context.Background(), MySQL, ListOptions{})
		if wantRetry {
			if err != nil || calls.Load() != 2 {
				t.Errorf("fixture %d: err = %v after %d calls", i, err, calls.Load())
			}
			if i == 1 && (len(env.sleep.all()) != 1 || env.sleep.all()[0] != 68928*time.Second) {
				t.Errorf("1965 fixture: waits = %v, want SECONDS_TO_WAIT 68928s", env.sleep.all())
			}
			continue
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Status != 409 || calls.Load() != 1 {
			t.Errorf("fixture %d: err = %v after %d calls", i, err, calls.Load())
		}
	}
}
