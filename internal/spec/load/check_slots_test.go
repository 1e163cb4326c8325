package load

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

func slotRecord(t *testing.T, k spec.Kind, ips string, attrs map[string]string) *spec.Object {
	t.Helper()
	set, err := spec.ParseIPSet(ips)
	if err != nil {
		t.Fatal(err)
	}
	return &spec.Object{Kind: k, Title: ips, IPs: set, Attrs: attrs}
}

// slotsConflict reports whether any slot of a conflicts with a slot of b, errors only or warnings
// only.
func slotsConflict(a, b *spec.Object, warning bool) bool {
	for _, s := range spec.Slots(a) {
		for _, t := range spec.Slots(b) {
			if s.Warning == warning && t.Warning == warning && !s.Conflict(t).IsZero() {
				return true
			}
		}
	}
	return false
}

// TestSlotsAgreeWithRules: two records conflict on a slot exactly when the unique rules say they
// conflict, for random Oracle and DB2 records (ports, pc_only, databases, overlapping IPs), so
// the planner's ordering (which asks Slots) and the checks (which ask RuleConflict and the
// loader) can never disagree.
func TestSlotsAgreeWithRules(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(vs ...string) string { return vs[r.IntN(len(vs))] }
	ips := []string{"10.0.0.1", "10.0.0.2", "10.0.0.1-10.0.0.2"}
	gen := func(k spec.Kind) *spec.Object {
		attrs := map[string]string{}
		if p := pick("", "1521", "50000"); p != "" {
			attrs["port"] = p
		}
		if pick("", "true") != "" {
			attrs["pc_only"] = "true"
		}
		attrs["database"] = pick("A", "B")
		return slotRecord(t, k, pick(ips...), attrs)
	}
	for i := 0; i < 2000; i++ {
		k := spec.KindOracle
		if i%2 == 1 {
			k = spec.KindIBMDB2
		}
		a, b := gen(k), gen(k)
		rule, both := spec.RuleConflict(a, b)
		wantErr := rule != nil && !rule.Warning
		if got := slotsConflict(a, b, false); got != wantErr {
			t.Fatalf("%s %v on %s and %v on %s: slots conflict %v, rules say %v (%v)", k, a.Attrs, a.IPs, b.Attrs, b.IPs, got, wantErr, rule)
		}
		if rule != nil && !both.Equal(a.IPs.Intersect(b.IPs)) {
			t.Fatalf("conflict on %s, want %s", both, a.IPs.Intersect(b.IPs))
		}
		if !wantErr {
			warn := rule != nil && rule.Warning
			if got := slotsConflict(a, b, true); got != warn {
				t.Fatalf("%s %v and %v: warning slots conflict %v, rules say %v", k, a.Attrs, b.Attrs, got, warn)
			}
		}
	}
}

// TestSlotsOfGroupsAndUnknowns: an exclusivity group is a slot (SharePoint, windows); an opaque
// record holds only its group's slot; a field the live answer did not report counts as unset.
func TestSlotsOfGroupsAndUnknowns(t *testing.T) {
	sp := slotRecord(t, "microsoft_sharepoint", "10.0.0.1", nil)
	if s := spec.Slots(sp); len(s) != 1 || s[0].Key != "group microsoft_sharepoint" {
		t.Fatalf("sharepoint slots %+v", s)
	}
	o := slotRecord(t, spec.KindOracle, "10.0.0.1", map[string]string{})
	if s := spec.Slots(o); len(s) != 2 || s[0].Key != "oracle rule 1: port=" {
		t.Fatalf("oracle all-ports slots %+v", s)
	}
	o.Opaque = "unreadable"
	if s := spec.Slots(o); len(s) != 0 {
		t.Fatalf("opaque oracle record holds %+v", s)
	}
	u := slotRecord(t, spec.KindOracle, "10.0.0.1", map[string]string{})
	u.Unknown = []string{"port", "pc_only"} // listed without PORT: All Ports
	if r, _ := spec.RuleConflict(u, slotRecord(t, spec.KindOracle, "10.0.0.1", map[string]string{})); r == nil || r.Warning {
		t.Fatalf("two records listed without a port do not conflict: %v", r)
	}
}

// TestExclusiveFalseChoosesNothing: an exclusive group holds one chosen member; a flag written
// false chooses nothing, so an exported record (auto_discover_ports: false beside port) is valid.
func TestExclusiveFalseChoosesNothing(t *testing.T) {
	rec := func(extra string) string {
		return "version: 1\nowner: secops\nrecords:\n  - {type: ms_sql, title: s, ips: [10.0.0.1], username: sa, password: {env: PW}, port: 1433" + extra + "}\n"
	}
	for extra, want := range map[string]string{
		", auto_discover_ports: false": "",
		", auto_discover_ports: true":  "auto_discover_ports cannot be combined with port",
	} {
		dir := writeFiles(t, map[string]string{"x.yaml": rec(extra)})
		_, ds := Files(Options{}, dir)
		got := ""
		if ds.HasErrors() {
			got = ds.Error()
		}
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("%s: got %q, want %q", extra, got, want)
		}
	}
}
