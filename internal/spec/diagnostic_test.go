package spec

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDiagnosticsFormatAndOrder(t *testing.T) {
	ds := Diagnostics{
		{Pos: Pos{File: "b.yaml", Line: 1, Col: 1}, Message: "second file"},
		{Pos: Pos{File: "a.yaml", Line: 10, Col: 2}, Path: "records/3/ips/1", Message: `"10.0.0.300" is not an IP address`},
		{Pos: Pos{File: "a.yaml", Line: 2, Col: 7}, Path: "owner", Message: "advice", Severity: SeverityWarning},
		{Pos: Pos{File: "a.yaml", Line: 10, Col: 1}, Path: "records/3", Message: "line before column"},
	}
	want := strings.Join([]string{
		"a.yaml:2:7: owner: warning: advice",
		"a.yaml:10:1: records/3: line before column",
		`a.yaml:10:2: records/3/ips/1: "10.0.0.300" is not an IP address`,
		"b.yaml:1:1: second file",
	}, "\n")
	if got := ds.Error(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if !ds.HasErrors() || ds.Err() == nil {
		t.Error("errors not seen")
	}
	if warn := ds[2:3]; warn.HasErrors() || warn.Err() != nil {
		t.Error("a warning counts as an error")
	}
	b, err := json.Marshal(ds[2])
	if err != nil || !strings.Contains(string(b), `"severity":"warning"`) {
		t.Errorf("JSON %s, %v", b, err)
	}
	var back Diagnostic
	if err := json.Unmarshal(b, &back); err != nil || back != ds[2] {
		t.Errorf("JSON round trip: %+v, %v", back, err)
	}
}
