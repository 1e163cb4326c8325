package build

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// TestDeleteGuardAcrossTheEstate: 6 of 12 managed objects of mixed kinds (no kind reaching the
// per-kind minimum of 10) is more than 30% of what the owner manages, and is refused.
func TestDeleteGuardAcrossTheEstate(t *testing.T) {
	var live, keep []*spec.Object
	for i := range 6 {
		live = append(live, mysql(t, fmt.Sprintf("db-%d", i), int64(i+1), fmt.Sprintf("10.0.0.%d", i+1)))
		live = append(live, unix(t, fmt.Sprintf("host-%d", i), int64(i+101), fmt.Sprintf("10.0.1.%d", i+1)))
	}
	for i := range 3 {
		keep = append(keep, noSecrets(mysql(t, fmt.Sprintf("db-%d", i), 0, fmt.Sprintf("10.0.0.%d", i+1))))
		keep = append(keep, noSecrets(unix(t, fmt.Sprintf("host-%d", i), 0, fmt.Sprintf("10.0.1.%d", i+1))))
	}
	_, err := Plan(doc(keep...), doc(live...), baseOpts())
	var re *plan.RefusedError
	if !errors.As(err, &re) || re.Kind != "" || re.Deletes != 6 || re.Managed != 12 {
		t.Fatalf("6 of 12 mixed: err = %v, want an estate-wide *RefusedError", err)
	}
	if !strings.Contains(err.Error(), `refusing to delete 6 of 12 objects managed by owner "secops"`) {
		t.Errorf("message = %q", err)
	}
	opts := baseOpts()
	opts.AllowDeletes = true
	if _, err := Plan(doc(keep...), doc(live...), opts); err != nil {
		t.Errorf("--allow-deletes: %v", err)
	}
	// 3 of 12 (25%) passes.
	keep = append(keep, noSecrets(mysql(t, "db-3", 0, "10.0.0.4")), noSecrets(unix(t, "host-3", 0, "10.0.1.4")),
		noSecrets(mysql(t, "db-4", 0, "10.0.0.5")))
	if _, err := Plan(doc(keep...), doc(live...), baseOpts()); err != nil {
		t.Errorf("3 of 12: %v", err)
	}
}

// TestDeleteGuardCountsReplacements: a replacement deletes the live object first, so 4
// replacements of 10 managed windows records are refused like 4 deletes.
func TestDeleteGuardCountsReplacements(t *testing.T) {
	var live, desired []*spec.Object
	for i := range 10 {
		title := fmt.Sprintf("win-%d", i)
		l := &spec.Object{Kind: spec.KindWindows, Title: title, ID: int64(i + 1), IPs: ips(t, fmt.Sprintf("10.0.2.%d", i+1)),
			Attrs: map[string]string{"username": "scan", "windows_domain": "CORP"}, Marker: marker()}
		d := &spec.Object{Kind: spec.KindWindows, Title: title, IPs: l.IPs, Attrs: map[string]string{"username": "scan", "windows_domain": "CORP"}}
		if i < 4 {
			d.Attrs["windows_domain"] = "OTHER" // immutable: a replacement
		}
		live, desired = append(live, l), append(desired, d)
	}
	opts := baseOpts()
	opts.AllowReplace = true // consented: the replacements are planned, and the guard counts them
	_, err := Plan(doc(desired...), doc(live...), opts)
	var re *plan.RefusedError
	if !errors.As(err, &re) || re.Kind != spec.KindWindows || re.Deletes != 4 {
		t.Fatalf("4 replacements of 10: err = %v, want *RefusedError for windows", err)
	}
}

// TestUnknownIsNotDifferent: a setting whose element the live answer did not report is not
// compared: a missing WINDOWS_DOMAIN does not replace a record (nor does a missing SUB_TYPE make
// a cisco record a plain one to replace), and the plan says so.
func TestUnknownIsNotDifferent(t *testing.T) {
	lw := &spec.Object{Kind: spec.KindWindows, Title: "dc", ID: 4, IPs: ips(t, "10.0.0.1"), Marker: marker(),
		Attrs: map[string]string{"username": "scan"}, Unknown: []string{"windows_domain", "ntlm"}}
	dw := &spec.Object{Kind: spec.KindWindows, Title: "dc", IPs: ips(t, "10.0.0.1"),
		Attrs: map[string]string{"username": "scan", "windows_domain": "CORP", "ntlm": "true"}}
	lc := &spec.Object{Kind: spec.KindUnix, Title: "sw", ID: 5, IPs: ips(t, "10.0.1.1"), Marker: marker(),
		Attrs: map[string]string{"username": "qscan", "target_type": "auto"}, Unknown: []string{"sub_type"}}
	dc := &spec.Object{Kind: spec.KindUnix, Type: "cisco", Title: "sw", IPs: ips(t, "10.0.1.1"),
		Attrs: map[string]string{"username": "qscan", "target_type": "auto"}}
	p := mustBuild(t, doc(dw, dc), doc(lw, lc), baseOpts())
	// No replacement (windows_domain, sub_type); the configured ntlm: true, which Qualys did not
	// report, is sent as an update of that one setting, so a setting added later reaches Qualys.
	if len(p.Steps) != 1 || p.Steps[0].Op != "update" || len(p.Steps[0].Params) != 1 || p.Steps[0].Params["ntlm"] != "1" {
		t.Fatalf("unknown settings: want one update sending ntlm only:\n%s", planText(p))
	}
	want := []string{
		`unix "sw" (id 5): sub_type: not reported by Qualys; not compared`,
		`windows "dc" (id 4): windows_domain: not reported by Qualys; not compared`,
		`windows "dc" (id 4): ntlm: not reported by Qualys; not compared, sent as configured`,
	}
	all := strings.Join(p.Notes, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("notes lack %q:\n%s", w, all)
		}
	}
	for _, f := range []string{"text", "markdown", "json"} {
		if out := renderAll(t, p)[f]; !strings.Contains(out, "not reported by Qualys; not compared") {
			t.Errorf("%s plan does not say what was not compared:\n%s", f, out)
		}
	}
}
