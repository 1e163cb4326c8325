package load

import (
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

// TestOneOfRule: a kind's OneOf group needs exactly one field set (no record kind uses one yet, so
// the rule is exercised on a synthetic descriptor).
func TestOneOfRule(t *testing.T) {
	def := &spec.KindDef{Kind: spec.KindVault, Type: "synthetic", OneOf: [][]string{{"a", "b"}},
		Fields: []spec.FieldDef{{Name: "a"}, {Name: "b"}}}
	for _, c := range []struct {
		name string
		set  []string
		want string
	}{
		{"none set", nil, "set exactly one of a, b (0 set)"},
		{"one set", []string{"b"}, ""},
		{"both set", []string{"a", "b"}, "set exactly one of a, b (2 set)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := &loader{}
			f := &yamlFile{name: "x.yaml"}
			set := newFieldSet(def)
			for _, k := range c.set {
				set.add(k)
			}
			l.objectRules(&spec.Object{Kind: spec.KindVault}, def, &objExtra{file: f, path: "vaults/0", set: set})
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

// TestFieldSet covers the set of a kind's fields: empty, one, many, a field added twice, names that
// are not fields of the kind, and the order of the kind's fields.
func TestFieldSet(t *testing.T) {
	def := &spec.KindDef{Fields: []spec.FieldDef{{Name: "a"}, {Name: "b"}, {Name: "c"}}}
	for _, c := range []struct {
		name  string
		add   []string
		has   []string
		hasnt []string
	}{
		{"empty", nil, nil, []string{"a", "b", "c", "", "z"}},
		{"one", []string{"b"}, []string{"b"}, []string{"a", "c"}},
		{"many, in any order", []string{"c", "a", "b"}, []string{"a", "b", "c"}, []string{"z"}},
		{"added twice", []string{"a", "a"}, []string{"a"}, []string{"b", "c"}},
		{"not a field", []string{"z", ""}, nil, []string{"z", "", "a", "b", "c"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newFieldSet(def)
			for _, k := range c.add {
				s.add(k)
			}
			for _, k := range c.has {
				if !s.has(k) {
					t.Errorf("has(%q) = false after adding %q", k, c.add)
				}
			}
			for _, k := range c.hasnt {
				if s.has(k) {
					t.Errorf("has(%q) = true after adding %q", k, c.add)
				}
			}
			if got, want := s.count([]string{"a", "b", "c", "z", "a"}), 2*btoi(s.has("a"))+btoi(s.has("b"))+btoi(s.has("c")); got != want {
				t.Errorf("count = %d, want %d", got, want)
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestFieldSetHoldsEveryKind: fieldSet has a bit for at most maxKindFields fields; every kind
// must fit.
func TestFieldSetHoldsEveryKind(t *testing.T) {
	for _, defs := range [][]spec.KindDef{spec.RecordKinds(), spec.VaultKinds()} {
		for i := range defs {
			if n := len(defs[i].Fields); n > maxKindFields {
				t.Errorf("%s has %d fields; fieldSet holds %d: widen fieldSet.bits", kindName(&defs[i]), n, maxKindFields)
			}
		}
	}
}
