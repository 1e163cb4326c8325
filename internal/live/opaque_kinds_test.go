package live

import (
	"testing"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// TestConvertRecordOpaqueKindsAndLoginTypes: a record of a slug-only kind, and one using a login
// type qsync cannot declare (vmware's vcenter, mongodb's pkcert: with the table's reason), are
// opaque with their IPs kept.
func TestConvertRecordOpaqueKindsAndLoginTypes(t *testing.T) {
	for _, tc := range []struct {
		kind   spec.Kind
		rec    qualysclient.Record
		reason string
	}{
		{spec.KindJBoss, qualysclient.Record{ID: 1, Title: "j", IPs: []string{"10.0.0.1"}}, spec.OpaqueUndocumented},
		{spec.KindVMware, qualysclient.Record{ID: 2, Title: "v", IPs: []string{"10.0.0.2"}, LoginType: "vcenter",
			Fields: map[string]string{"USERNAME": "root"}}, `login type "vcenter" is not supported: ` +
			spec.Lookup(spec.KindVMware, "").OpaqueLoginTypes["vcenter"]},
		{spec.KindMongoDB, qualysclient.Record{ID: 3, Title: "m", IPs: []string{"10.0.0.3"}, LoginType: "pkcert",
			Fields: map[string]string{"USERNAME": "qualys"}}, `login type "pkcert" is not supported: ` +
			spec.Lookup(spec.KindMongoDB, "").OpaqueLoginTypes["pkcert"]},
		{spec.KindMongoDB, qualysclient.Record{ID: 4, Title: "f", IPs: []string{"10.0.0.4"}, LoginType: "future",
			Fields: map[string]string{"USERNAME": "qualys"}}, `login type "future" is not supported`},
	} {
		o := ConvertRecord(tc.kind, tc.rec, nil)
		if o.Opaque != tc.reason || o.IPs.IsZero() || o.Attrs != nil {
			t.Errorf("%s: opaque %q, ips %v, attrs %v; want opaque %q with IPs", tc.kind, o.Opaque, o.IPs, o.Attrs, tc.reason)
		}
	}
}
