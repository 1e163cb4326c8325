package live

import (
	"testing"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// TestConvertRecordOpaqueKindsAndLoginTypes: a record of a slug-only kind, and one using a login
// type qsync cannot declare (vmware's vcenter), are opaque with their IPs kept.
func TestConvertRecordOpaqueKindsAndLoginTypes(t *testing.T) {
	for _, tc := range []struct {
		kind   spec.Kind
		rec    qualysclient.Record
		reason string
	}{
		{spec.KindJBoss, qualysclient.Record{ID: 1, Title: "j", IPs: []string{"10.0.0.1"}}, spec.OpaqueUndocumented},
		{spec.KindVMware, qualysclient.Record{ID: 2, Title: "v", IPs: []string{"10.0.0.2"}, LoginType: "vcenter",
			Fields: map[string]string{"USERNAME": "root"}}, `login type "vcenter" is not supported`},
	} {
		o := ConvertRecord(tc.kind, tc.rec, nil)
		if o.Opaque != tc.reason || o.IPs.IsZero() || o.Attrs != nil {
			t.Errorf("%s: opaque %q, ips %v, attrs %v; want opaque %q with IPs", tc.kind, o.Opaque, o.IPs, o.Attrs, tc.reason)
		}
	}
}
