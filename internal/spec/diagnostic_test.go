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

// TestOneOfRule: a kind's OneOf group needs exactly one field set (no record kind uses one yet, so
// the rule is exercised on a synthetic descriptor).
func TestOneOfRule(t *testing.T) {
	def := &KindDef{Kind: KindVault, Type: "synthetic", OneOf: [][]string{{"a", "b"}}}
	for _, c := range []struct {
		name string
		set  map[string]bool
		want string
	}{
		{"none set", map[string]bool{}, "set exactly one of a, b (0 set)"},
		{"one set", map[string]bool{"b": true}, ""},
		{"both set", map[string]bool{"a": true, "b": true}, "set exactly one of a, b (2 set)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := &loader{}
			f := &yamlFile{name: "x.yaml"}
			l.objectRules(&Object{Kind: KindVault}, def, &objExtra{file: f, path: "vaults/0", set: c.set})
			got := ""
			if len(l.ds) > 0 {
				got = l.ds[0].Message
			}
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	keys := []string{"username", "password", "ssl_verify", "hosts"}
	for _, c := range []struct{ name, in, want string }{
		{"one letter missing", "usrname", "username"},
		{"transposed letters", "passwrod", "password"},
		{"case differs", "SSL_Verify", "ssl_verify"},
		{"too far", "comment", ""},
		{"short keys need a close match", "ip", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := suggest(c.in, keys); got != c.want {
				t.Errorf("suggest(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
