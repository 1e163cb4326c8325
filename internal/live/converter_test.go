package live

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// TestConverterSharesRepeatedValues: a sharing converter gives objects with the same unknown
// settings or the same comments one value, reads distinct ones apart, and converts every record
// exactly as ConvertRecord does.
func TestConverterSharesRepeatedValues(t *testing.T) {
	c := newSharingConverter(spec.KindUnix, map[int64]string{7: "capam"})
	if got := c.sharedUnknown(nil); got != nil {
		t.Errorf("no unknown setting gave %v, want nil", got)
	}
	scratch := []string{"port", "sub_type"}
	a := c.sharedUnknown(scratch)
	scratch[0] = "changed" // the caller's scratch is reused: the shared list must not follow it
	b := c.sharedUnknown([]string{"port", "sub_type"})
	if !slices.Equal(a, []string{"port", "sub_type"}) || &a[0] != &b[0] {
		t.Errorf("the same names gave %v and %v, not one shared list", a, b)
	}
	if cap(a) != len(a) {
		t.Errorf("a shared list has room to append into (cap %d, len %d)", cap(a), len(a))
	}
	for _, other := range [][]string{{"sub_type", "port"}, {"port"}, {"portsub_type"}, {"port", "sub_type", "x"}} {
		if got := c.sharedUnknown(other); !slices.Equal(got, other) {
			t.Errorf("%v read as %v", other, got)
		}
	}

	if got := c.sharedAttrs(nil); got != nil {
		t.Errorf("no attribute gave %v, want nil", got)
	}
	pairs := []attr{{"username", "scanner"}, {"port", "22"}}
	a1 := c.sharedAttrs(pairs)
	pairs[0].value = "changed" // the caller's scratch is reused: the shared map must not follow it
	a2 := c.sharedAttrs([]attr{{"username", "scanner"}, {"port", "22"}})
	if !maps.Equal(a1, map[string]string{"username": "scanner", "port": "22"}) || reflect.ValueOf(a1).UnsafePointer() != reflect.ValueOf(a2).UnsafePointer() {
		t.Errorf("the same attributes gave %v and %v, not one shared map", a1, a2)
	}
	for _, other := range [][]attr{{{"username", "scanner"}}, {{"username", "scanner"}, {"port", "23"}}, {{"username", "scanner"}, {"port", "22"}, {"x", "y"}}, {{"usernam", "escanner"}, {"port", "22"}}} {
		want := map[string]string{}
		for _, p := range other {
			want[p.name] = p.value
		}
		if got := c.sharedAttrs(other); !maps.Equal(got, want) {
			t.Errorf("%v read as %v", other, got)
		}
	}
	// More distinct attributes than the cache has slots: each still reads as itself.
	for i := range 3 * attrSlots {
		v := fmt.Sprint(i % (2 * attrSlots))
		if got := c.sharedAttrs([]attr{{"port", v}}); len(got) != 1 || got["port"] != v {
			t.Fatalf("port %s read as %v", v, got)
		}
	}

	marker := "[managed by qsync: owner=bench fp=password:37c9375e110b]"
	t1, m1 := c.splitComments("note\n" + marker)
	t2, m2 := c.splitComments("note\n" + marker)
	if t1 != "note" || m1 == nil || m1 != m2 || t2 != t1 {
		t.Errorf("identical comments read as %q %p and %q %p, want one text and marker", t1, m1, t2, m2)
	}
	if text, m := c.splitComments(""); text != "" || m != nil {
		t.Errorf("empty comments read as %q %+v", text, m)
	}
	// More distinct comments than the cache has slots: each still reads as SplitComments reads it.
	for i := range 3 * commentSlots {
		raw := fmt.Sprintf("text %d\n[managed by qsync: owner=o%d]", i%(2*commentSlots), i%5)
		text, m := c.splitComments(raw)
		wantText, want := spec.SplitComments(raw)
		if text != wantText || !reflect.DeepEqual(m, want) {
			t.Fatalf("%q read as %q %+v, want %q %+v", raw, text, m, wantText, want)
		}
	}

	recs := []qualysclient.Record{
		{ID: 1, Title: "a", Comments: marker, IPs: []string{"10.0.0.1"}, Fields: map[string]string{"USERNAME": "scanner"}},
		{ID: 2, Title: "b", Comments: marker, IPs: []string{"10.0.0.2"}, Fields: map[string]string{"USERNAME": "scanner", "SUB_TYPE": "cisco"}},
		{ID: 3, Title: "c", Comments: "plain", IPs: []string{"10.0.0.3"}, LoginType: "vault",
			Vault: &qualysclient.DigitalVault{ID: 7, Type: "CA PAM", Fields: map[string]string{"VAULT_APP_NAME": "x"}}, Fields: map[string]string{"USERNAME": "scanner"}},
	}
	var objs []*spec.Object
	for i := range recs {
		got := c.record(&recs[i])
		if want := ConvertRecord(spec.KindUnix, recs[i], c.vaultTitles); !reflect.DeepEqual(got, want) {
			t.Errorf("record %d: sharing converter gave\n%+v\nConvertRecord gives\n%+v", i, got, want)
		}
		objs = append(objs, got)
	}
	if objs[0].Marker != objs[1].Marker || &objs[0].Unknown[0] != &objs[2].Unknown[0] ||
		reflect.ValueOf(objs[0].Attrs).UnsafePointer() != reflect.ValueOf(objs[2].Attrs).UnsafePointer() {
		t.Errorf("records with the same comments or unknown settings do not share them")
	}
}
