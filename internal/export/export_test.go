package export

import (
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

func TestExportSkipsOpaque(t *testing.T) {
	ips, err := spec.ParseIPSet("10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	liveDoc := &spec.Document{Objects: []*spec.Object{
		{Kind: spec.KindVault, Title: "Keeper prod", ID: 3, Opaque: `unknown vault type "Keeper"`},
		{Kind: spec.KindUnix, Title: "juniper", ID: 4, IPs: ips, Opaque: `unknown sub_type "juniper"`,
			Marker: &spec.Marker{Owner: "secops"}},
		{Kind: spec.KindMySQL, Title: "db", ID: 5, IPs: ips, Attrs: map[string]string{"username": "u", "database": "d", "port": "3306"}},
	}}
	opts := &Options{Owner: "secops"}
	objs, _, skipped, warnings := opts.classify(liveDoc)
	if len(objs) != 1 || objs[0].Title != "db" || len(skipped) != 0 {
		t.Fatalf("exported %v, skipped %v", objs, skipped)
	}
	want := `skipped 2 object(s) qsync cannot represent (left alone; upgrade qsync to manage them): vault "Keeper prod" (id 3: unknown vault type "Keeper"), unix "juniper" (id 4: unknown sub_type "juniper")`
	if len(warnings) != 1 || warnings[0] != want {
		t.Errorf("warnings = %q\nwant %q", warnings, want)
	}
	// Kinds that --kinds leaves out are not reported as opaque.
	opts.Kinds = []spec.Kind{spec.KindMySQL}
	_, _, _, warnings = opts.classify(liveDoc)
	if strings.Contains(strings.Join(warnings, "\n"), "cannot represent") {
		t.Errorf("warnings = %q", warnings)
	}
}
