package qualysemu

import (
	"strings"
	"testing"
)

// TestNothingToChange: an update that leaves the record as it is answers a text containing
// "nothing to change" (EVIDENCE.md fact 6), in each variant's shape, and writes nothing; an update
// that changes something answers as usual.
func TestNothingToChange(t *testing.T) {
	e := newEmu(t)
	id := e.ok(windowsPath, winBasic+"&title=w&ips=10.0.0.1&kerberos=0").createdID(t)
	before := e.s.Snapshot().Records[0].LastModified

	r := e.ok(windowsPath, "action=update&ids="+id+"&kerberos=0")
	if got := r.doc.text("RESPONSE/BATCH_LIST/BATCH/TEXT"); !strings.Contains(got, "nothing to change") || r.doc.find("RESPONSE/BATCH_LIST/BATCH/CODE") != nil {
		t.Errorf("default answer:\n%s", r.body)
	}
	if r.doc.text("RESPONSE/BATCH_LIST/BATCH/ID_SET/ID") != id {
		t.Errorf("the answer does not name the record:\n%s", r.body)
	}
	if err := e.s.SetVariants("nothing-to-change-simple"); err != nil {
		t.Fatal(err)
	}
	r = e.ok(windowsPath, "action=update&ids="+id+"&kerberos=0")
	if !strings.Contains(r.body, "<SIMPLE_RETURN>") || !strings.Contains(r.doc.text("RESPONSE/TEXT"), "nothing to change") {
		t.Errorf("nothing-to-change-simple:\n%s", r.body)
	}
	if err := e.s.SetVariants("nothing-to-change-coded"); err != nil {
		t.Fatal(err)
	}
	e.post(windowsPath, "action=update&ids="+id+"&kerberos=0").wantError(t, 400, 1905, "parameter ids has invalid value: "+id+" (nothing to change)")
	if e.s.Snapshot().Records[0].LastModified != before {
		t.Error("an update that changes nothing changed LAST_MODIFIED")
	}
	if got := e.ok(windowsPath, "action=update&ids="+id+"&kerberos=1").doc.text("RESPONSE/BATCH_LIST/BATCH/TEXT"); got != "Successfully Updated" {
		t.Errorf("a real change answers %q", got)
	}
}

// TestIPConflict1920: the variant answers an IP conflict like code run against live answers reads
// it (EVIDENCE.md fact 7), naming the other record's title; the default stays 400/1905.
func TestIPConflict1920(t *testing.T) {
	e := newEmu(t)
	e.ok(unixPath, unixBasic+"&title=first&ips=10.0.0.1-10.0.0.5")
	e.post(unixPath, unixBasic+"&title=second&ips=10.0.0.3").wantError(t, 400, 1905, "parameter ips has invalid value: 10.0.0.3 (already in record 100001)")
	if err := e.s.SetVariants("ip-conflict-1920"); err != nil {
		t.Fatal(err)
	}
	e.post(unixPath, unixBasic+"&title=second&ips=10.0.0.3").wantError(t, 409, 1920,
		"Some IP(s) are already used by other authentication records:\nIP : 10.0.0.3 is used by first")
	if n := len(e.s.Snapshot().Records); n != 1 {
		t.Errorf("%d records after a refused create", n)
	}
}
