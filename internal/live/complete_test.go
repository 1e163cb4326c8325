package live

import (
	"context"
	"testing"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// TestReadMarksCompleteness: a read of every record kind and the vaults is Complete (plan may
// create and delete from it); a read that leaves kinds out is not.
func TestReadMarksCompleteness(t *testing.T) {
	f := &fakeReader{
		vaults:  []qualysclient.Vault{{ID: 1, Title: "v", Type: "CA PAM"}},
		records: map[qualysclient.RecordType][]qualysclient.Record{qualysclient.MySQL: {sampleMySQL()}},
	}
	for _, tc := range []struct {
		name string
		opts Options
		want bool
	}{
		{"every kind", Options{}, true},
		{"some kinds", Options{Kinds: []spec.Kind{spec.KindMySQL}}, false},
		{"vaults only", Options{VaultsOnly: true}, false},
	} {
		doc, err := Read(context.Background(), f, tc.opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if doc.Complete != tc.want {
			t.Errorf("%s: Complete = %v, want %v", tc.name, doc.Complete, tc.want)
		}
	}
}
