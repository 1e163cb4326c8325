package load

import (
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

// TestOneOfRule: a kind's OneOf group needs exactly one field set (no record kind uses one yet, so
// the rule is exercised on a synthetic descriptor).
func TestOneOfRule(t *testing.T) {
	def := &spec.KindDef{Kind: spec.KindVault, Type: "synthetic", OneOf: [][]string{{"a", "b"}}}
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
			l.objectRules(&spec.Object{Kind: spec.KindVault}, def, &objExtra{file: f, path: "vaults/0", set: c.set})
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
