package live

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// allReader is a fakeReader that also answers list-all, and records which kinds were listed.
type allReader struct {
	fakeReader
	all    map[qualysclient.RecordType][]int64
	allErr error

	mu     sync.Mutex
	listed []string
}

func (a *allReader) ListAll(context.Context, qualysclient.ListOptions) (map[qualysclient.RecordType][]int64, error) {
	return a.all, a.allErr
}

func (a *allReader) ListRecords(ctx context.Context, t qualysclient.RecordType, opt qualysclient.ListOptions) ([]qualysclient.Record, error) {
	a.mu.Lock()
	a.listed = append(a.listed, string(t))
	a.mu.Unlock()
	return a.fakeReader.ListRecords(ctx, t, opt)
}

func (a *allReader) listedKinds() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := slices.Clone(a.listed)
	slices.Sort(out)
	return out
}

func mysqlOnly() *allReader {
	return &allReader{
		fakeReader: fakeReader{records: map[qualysclient.RecordType][]qualysclient.Record{
			qualysclient.MySQL: {{ID: 7, Title: "billing-db", IPs: []string{"10.0.0.1"}}},
		}},
		all: map[qualysclient.RecordType][]int64{qualysclient.MySQL: {7}},
	}
}

func TestReadListsOnlyKindsListAllNames(t *testing.T) {
	r := mysqlOnly()
	doc, rep, err := ReadReport(context.Background(), r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.listedKinds(); !slices.Equal(got, []string{"mysql"}) {
		t.Errorf("listed %v, want only mysql", got)
	}
	if !doc.Complete || len(doc.Objects) != 1 {
		t.Errorf("Complete %v, %d objects; want a complete estate of one record", doc.Complete, len(doc.Objects))
	}
	u := rep.ListAll
	if u == nil || u.Fallback != "" || u.Skipped != len(spec.RecordEndpoints())-1 || len(u.Differs) != 0 || len(rep.Notices) != 0 {
		t.Errorf("report = %+v, notices %v", u, rep.Notices)
	}
}

// TestReadListsDeclaredKinds: a kind the configuration declares is listed although list-all
// names none of its records (its ID set name is inferred), so a record list-all does not name is
// still seen, and never created again.
func TestReadListsDeclaredKinds(t *testing.T) {
	r := mysqlOnly()
	r.records[qualysclient.RecordType("oracle")] = []qualysclient.Record{{ID: 9, Title: "erp", IPs: []string{"10.0.0.2"}}}
	doc, _, err := ReadReport(context.Background(), r, Options{Declared: []spec.Kind{spec.KindOracle}})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.listedKinds(); !slices.Equal(got, []string{"mysql", "oracle"}) {
		t.Errorf("listed %v, want mysql (named) and oracle (declared)", got)
	}
	if doc.Find(spec.Key{Kind: spec.KindOracle, Title: "erp"}) == nil {
		t.Errorf("the declared kind's record was not read: %v", doc.Objects)
	}
}

// TestReadListAllNamesAnEmptyKind: an AUTH_<TYPE>_RECORDS element with no IDs still gets its kind
// listed (its presence is what list-all says; the count is not trusted to mean "none").
func TestReadListAllNamesAnEmptyKind(t *testing.T) {
	r := mysqlOnly()
	r.all[qualysclient.Windows] = nil
	if _, err := Read(context.Background(), r, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := r.listedKinds(); !slices.Equal(got, []string{"mysql", "windows"}) {
		t.Errorf("listed %v, want mysql and windows", got)
	}
}

// TestReadListAllStateChanged: a kind whose list has other records than list-all announced (the
// estate changed between the calls) is read as listed, and the report names it.
func TestReadListAllStateChanged(t *testing.T) {
	r := mysqlOnly()
	r.all[qualysclient.MySQL] = []int64{7, 8}
	doc, rep, err := ReadReport(context.Background(), r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !doc.Complete || len(doc.Objects) != 1 {
		t.Errorf("Complete %v, %d objects", doc.Complete, len(doc.Objects))
	}
	if !slices.Equal(rep.ListAll.Differs, []string{"mysql"}) {
		t.Errorf("Differs = %v", rep.ListAll.Differs)
	}
}

func TestReadListAllFallback(t *testing.T) {
	every := len(spec.RecordEndpoints())
	for name, err := range map[string]error{
		"unexpected answer": &qualysclient.UnexpectedAnswerError{Op: "list auth records", Err: errors.New("AUTH_RECORDS holds <AUTH_RECORD>")},
		"404":               &qualysclient.APIError{Op: "list auth records", Status: http.StatusNotFound, Text: "Not Found"},
		"unrecognized":      &qualysclient.APIError{Op: "list auth records", Status: 400, Code: 1901, Text: "Unrecognized parameter(s): action"},
		"5xx":               &qualysclient.APIError{Op: "list auth records", Status: 503, Text: "Service Unavailable"},
		"broken page":       errors.New("list auth records (page 2, id_min 42): truncation WARNING does not advance"),
	} {
		t.Run(name, func(t *testing.T) {
			r := mysqlOnly()
			r.all, r.allErr = nil, err
			doc, rep, rerr := ReadReport(context.Background(), r, Options{})
			if rerr != nil {
				t.Fatal(rerr)
			}
			if got := r.listedKinds(); len(got) != every {
				t.Errorf("listed %d kinds, want every one (%d)", len(got), every)
			}
			if !doc.Complete || len(doc.Objects) != 1 {
				t.Errorf("Complete %v, %d objects", doc.Complete, len(doc.Objects))
			}
			if rep.ListAll == nil || rep.ListAll.Fallback == "" || len(rep.Notices) != 1 || !strings.Contains(rep.Notices[0], "every record kind was listed") {
				t.Errorf("report = %+v, notices %q", rep.ListAll, rep.Notices)
			}
		})
	}
}

// TestReadListAllRefusedFailsTheRead: credentials and rate limits refuse every other call too,
// so the read fails at once rather than spending one call per kind.
func TestReadListAllRefusedFailsTheRead(t *testing.T) {
	for name, err := range map[string]error{
		"401":        &qualysclient.APIError{Op: "list auth records", Status: 401, Code: 2000, Text: "Bad Login/Password"},
		"rate limit": &qualysclient.RateLimitError{Op: "list auth records", Reason: "retries exhausted"},
		"not sent":   &qualysclient.NotSentError{Op: "list auth records", Err: &qualysclient.APIError{Status: 401}},
		"blocked":    &qualysclient.APIError{Op: "list auth records", Status: 409, Code: 2011, Text: "SecureID authentication is required"},
	} {
		t.Run(name, func(t *testing.T) {
			r := mysqlOnly()
			r.all, r.allErr = nil, err
			if _, rerr := Read(context.Background(), r, Options{}); !errors.Is(rerr, err) {
				t.Fatalf("Read = %v, want %v", rerr, err)
			}
			if got := r.listedKinds(); len(got) != 0 {
				t.Errorf("listed %v after a refused list-all", got)
			}
		})
	}
}

// TestReadListAllUnknownType: a type qsync does not know is reported with its count, and every
// kind is listed, since a known kind could be what list-all names that way.
func TestReadListAllUnknownType(t *testing.T) {
	r := mysqlOnly()
	r.all["future_db"] = []int64{90, 91}
	doc, rep, err := ReadReport(context.Background(), r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.listedKinds(); len(got) != len(spec.RecordEndpoints()) {
		t.Errorf("listed %d kinds, want every one", len(got))
	}
	if !doc.Complete || len(doc.Objects) != 1 {
		t.Errorf("Complete %v, %d objects", doc.Complete, len(doc.Objects))
	}
	if rep.ListAll.Unknown["future_db"] != 2 || len(rep.Notices) != 1 || !strings.Contains(rep.Notices[0], "FUTURE_DB with 2 ID(s)") {
		t.Errorf("report = %+v, notices %q", rep.ListAll, rep.Notices)
	}
}

// TestReadListAllNotForOneKind: reading one kind costs one call either way, so list-all is not
// asked; a partial read stays incomplete.
func TestReadListAllNotForOneKind(t *testing.T) {
	r := mysqlOnly()
	r.allErr = errors.New("list-all must not be called")
	doc, rep, err := ReadReport(context.Background(), r, Options{Kinds: []spec.Kind{spec.KindMySQL}})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Complete || rep.ListAll != nil {
		t.Errorf("Complete %v, list-all use %+v", doc.Complete, rep.ListAll)
	}
}
