package live

import (
	"fmt"
	"testing"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// BenchmarkConvertRecords measures converting one 1,000-record unix page as read does (one sharing
// converter per kind, and the read report), in the shapes of the 100,000-record benchmark estate:
// plain, through a CA PAM vault, cisco and checkpoint records, each with a marker.
func BenchmarkConvertRecords(b *testing.B) {
	fps := []string{"", " fp=password:37c9375e110b", " fp=enable_password:12a108e95cd4,password:37c9375e110b", " fp=expert_password:a94380661296,password:37c9375e110b"}
	recs := make([]qualysclient.Record, 1000)
	for i := range recs {
		r := qualysclient.Record{
			ID: int64(100000 + i), Type: qualysclient.Unix, Title: fmt.Sprintf("rec-%06d", i),
			Comments: "[managed by qsync: owner=bench" + fps[i%len(fps)] + "]",
			IPs:      []string{fmt.Sprintf("10.%d.%d.8", i>>8, i&255)},
			Fields:   map[string]string{"USERNAME": "scanner", "NETWORK_ID": "0", "LAST_MODIFIED_BY": "bench"},
		}
		if i%4 == 1 {
			r.LoginType = "vault"
			r.Vault = &qualysclient.DigitalVault{ID: int64(1000 + i%50), Type: "CA PAM", Title: fmt.Sprintf("capam-%02d", i%50),
				Fields: map[string]string{"VAULT_DEVICE_HOST": "${ip}", "VAULT_APP_NAME": fmt.Sprintf("acct-%d", i)}}
		}
		switch i % 4 {
		case 2:
			r.Fields["SUB_TYPE"] = "cisco"
		case 3:
			r.Fields["SUB_TYPE"] = "checkpoint_firewall"
		}
		recs[i] = r
	}
	titles := map[int64]string{}
	for i := range 50 {
		titles[int64(1000+i)] = fmt.Sprintf("capam-%02d", i)
	}
	b.ReportAllocs()
	for b.Loop() {
		conv := newSharingConverter(spec.KindUnix, titles)
		rep := newReportBuilder()
		objs := make([]*spec.Object, 0, len(recs))
		for j := range recs {
			objs = append(objs, conv.record(&recs[j]))
		}
		rep.records(spec.KindUnix, recs)
		if len(objs) != len(recs) || objs[0].Opaque != "" {
			b.Fatalf("%d objects, the first opaque: %q", len(objs), objs[0].Opaque)
		}
	}
}
