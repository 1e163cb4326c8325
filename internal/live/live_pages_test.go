package live

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// pagedReader is a fakeReader that also hands out records a page at a time, as the client does.
type pagedReader struct {
	fakeReader
	pageSize  int
	pagesSent map[qualysclient.RecordType]int
	vaultErr  error
}

func (p *pagedReader) ListVaults(ctx context.Context) ([]qualysclient.Vault, error) {
	if p.vaultErr != nil {
		return nil, p.vaultErr
	}
	return p.fakeReader.ListVaults(ctx)
}

func (p *pagedReader) ListRecordPages(_ context.Context, t qualysclient.RecordType, _ qualysclient.ListOptions, fn func([]qualysclient.Record) error) error {
	recs := p.records[t]
	for len(recs) > 0 {
		n := min(p.pageSize, len(recs))
		p.pagesSent[t]++
		if err := fn(recs[:n]); err != nil {
			return err
		}
		recs = recs[n:]
	}
	return p.listErr[t]
}

func newPagedReader(recs []qualysclient.Record) *pagedReader {
	return &pagedReader{
		fakeReader: fakeReader{
			vaults:  []qualysclient.Vault{{ID: 166638, Title: "Secret Server (renamed)", Type: "Thycotic Secret Server"}},
			records: map[qualysclient.RecordType][]qualysclient.Record{qualysclient.MySQL: recs},
		},
		pageSize:  2,
		pagesSent: map[qualysclient.RecordType]int{},
	}
}

func mysqlRecords(n int) []qualysclient.Record {
	var recs []qualysclient.Record
	for i := range n {
		r := sampleMySQL()
		r.ID = int64(i + 1)
		r.Title = "r" + string(rune('a'+i))
		recs = append(recs, r)
	}
	return recs
}

func TestReadConvertsPageByPage(t *testing.T) {
	p := newPagedReader(mysqlRecords(5))
	doc, err := Read(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.pagesSent[qualysclient.MySQL] != 3 {
		t.Errorf("pages sent = %d, want 3", p.pagesSent[qualysclient.MySQL])
	}
	got := 0
	for _, o := range doc.Objects {
		if o.Kind == spec.KindMySQL {
			got++
			if o.Login == nil || o.Login.Vault != "Secret Server (renamed)" {
				t.Errorf("%s: login %+v, want the listed vault title", o.Title, o.Login)
			}
		}
	}
	if got != 5 {
		t.Errorf("got %d mysql objects, want 5", got)
	}
}

// TestReadKeepsReadingAfterUnconvertibleRecord: a record qsync cannot convert is opaque; the rest
// of its kind is still read, every page of it.
func TestReadKeepsReadingAfterUnconvertibleRecord(t *testing.T) {
	recs := mysqlRecords(6)
	recs[1].IPs = []string{"10.0.0.999"}
	p := newPagedReader(recs)
	doc, err := Read(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.pagesSent[qualysclient.MySQL] != 3 {
		t.Errorf("pages sent = %d, want all 3", p.pagesSent[qualysclient.MySQL])
	}
	n, opaque := 0, 0
	for _, o := range doc.Objects {
		if o.Kind == spec.KindMySQL {
			n++
			if o.Opaque != "" {
				opaque++
			}
		}
	}
	if n != 6 || opaque != 1 {
		t.Errorf("%d mysql objects, %d opaque; want 6 and 1", n, opaque)
	}
}

func TestReadReportsVaultListFailureFirst(t *testing.T) {
	p := newPagedReader(mysqlRecords(3))
	p.vaultErr = errors.New("vault list down")
	p.listErr = map[qualysclient.RecordType]error{qualysclient.Unix: errors.New("unix down")}
	_, err := Read(context.Background(), p, Options{})
	if err == nil || !strings.Contains(err.Error(), "read vaults: vault list down") {
		t.Fatalf("err = %v, want the vault list error", err)
	}
	if p.pagesSent[qualysclient.MySQL] > 1 {
		t.Errorf("pages sent = %d, want the list stopped at its first page", p.pagesSent[qualysclient.MySQL])
	}
}
