package live

import (
	"context"
	"errors"
	"testing"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// TestReadEachGoesOnAfterAFailedList: a kind's list and a vault view refused make ReadEach report
// both (and only those) as failed Accesses while every other kind and vault is read, with the
// same calls a plan makes; the document is not complete. Read, given the same answers, fails.
func TestReadEachGoesOnAfterAFailedList(t *testing.T) {
	forbidden := &qualysclient.APIError{Op: "list windows records", Status: 403}
	f := &fakeReader{
		records: map[qualysclient.RecordType][]qualysclient.Record{qualysclient.MySQL: {sampleMySQL()}},
		listErr: map[qualysclient.RecordType]error{qualysclient.Windows: forbidden},
		vaults: []qualysclient.Vault{
			{ID: 1, Title: "good", Type: "CA PAM"},
			{ID: 2, Title: "refused", Type: "CA PAM"},
		},
		views: map[int64]qualysclient.Vault{1: {ID: 1, Title: "good", Type: "CA PAM"}},
	}
	doc, rep, acc, err := ReadEach(context.Background(), f, Options{ViewAll: true})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Complete {
		t.Error("a read with a failed list must not be complete")
	}
	byEndpoint := map[string][]error{}
	for _, a := range acc {
		byEndpoint[a.Endpoint] = append(byEndpoint[a.Endpoint], a.Err)
	}
	for _, k := range spec.RecordEndpoints() {
		errs := byEndpoint[string(k)]
		if len(errs) != 1 {
			t.Fatalf("%s: %d accesses, want 1 (every kind is tried once)", k, len(errs))
		}
		var apiErr *qualysclient.APIError
		if got := errors.As(errs[0], &apiErr) && apiErr.Status == 403; got != (k == spec.KindWindows) {
			t.Errorf("%s: err = %v", k, errs[0])
		}
	}
	if errs := byEndpoint[EndpointVaultList]; len(errs) != 1 || errs[0] != nil {
		t.Errorf("vault list accesses %v, want one that answered", errs)
	}
	if errs := byEndpoint[EndpointVaultView]; len(errs) != 2 || (errs[0] == nil) == (errs[1] == nil) {
		t.Errorf("vault view accesses %v, want one read and one failed", errs)
	}
	if len(f.viewed) != 2 {
		t.Errorf("viewed %v, want both vaults once", f.viewed)
	}
	var mysql, refused *spec.Object
	for _, o := range doc.Objects {
		switch {
		case o.Kind == spec.KindMySQL:
			mysql = o
		case o.Kind == spec.KindVault && o.Title == "refused":
			refused = o
		}
	}
	if mysql == nil || mysql.Opaque != "" {
		t.Errorf("the mysql record must be read: %+v", mysql)
	}
	if refused == nil || refused.Opaque != viewFailed {
		t.Errorf("the vault whose view failed must be opaque: %+v", refused)
	}
	if g := reportGroup(rep, "mysql"); g == nil || g.Objects != 1 {
		t.Errorf("report group mysql = %+v", g)
	}

	if _, err := Read(context.Background(), f, Options{ViewAll: true}); !errors.Is(err, forbidden) {
		t.Errorf("Read err = %v, want the failed windows list (plans fail closed)", err)
	}
}

// TestReadEachListAll: list-all's Access comes first and carries its call's error on fallback;
// one refused as every call would be (401) still stops the read.
func TestReadEachListAll(t *testing.T) {
	a := mysqlOnly()
	_, _, acc, err := ReadEach(context.Background(), a, Options{})
	if err != nil || len(acc) == 0 || acc[0].Endpoint != EndpointListAll || acc[0].Err != nil {
		t.Fatalf("acc %v, err %v; want list-all first, answered", acc, err)
	}
	absent := &qualysclient.APIError{Op: "list all auth records", Status: 404}
	a.allErr = absent
	_, _, acc, err = ReadEach(context.Background(), a, Options{})
	if err != nil || len(acc) == 0 || acc[0].Endpoint != EndpointListAll || !errors.Is(acc[0].Err, absent) {
		t.Fatalf("acc %v, err %v; want list-all's 404", acc, err)
	}
	a.allErr = &qualysclient.APIError{Status: 401, Code: 2000}
	if _, _, _, err := ReadEach(context.Background(), a, Options{}); err == nil {
		t.Error("a 401 on list-all must stop the read")
	}
}
