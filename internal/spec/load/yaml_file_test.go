package load

import (
	"testing"

	"github.com/qsync/qsync/internal/spec/yamltree"
)

// TestVPathMatchesPath: a value found from its container's node (vpath) has the position, raw
// text and presence the same path finds from the root: members and items present and missing,
// numbers, containers refused as aliases, and files whose empty keys make paths ambiguous.
func TestVPathMatchesPath(t *testing.T) {
	for _, c := range []struct{ name, yaml string }{
		{"members and items", "records:\n  - title: a\n    port: 03306\n    ips: [\"10.0.0.1\", 2, \"x\"]\n    login: {vault: v, k: 1}\n  - 7\n"},
		{"escaped keys", "records:\n  - \"a/b\": 1\n    \"c~d\": [1]\n"},
		{"aliases", "x: &x {a: 1}\nrecords:\n  - *x\n  - b: *x\n"},
		{"recursive alias", "records: &r\n  - a: *r\n"},
		{"empty key", "records:\n  - \"\": {title: a}\n    title: b\n\"\": {records: 1}\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tree, _ := yamltree.Parse([]byte(c.yaml), 1<<20)
			f := &yamlFile{tree: tree, name: "x.yaml"}
			parents := []string{"", "records", "records/0", "records/1", "records/0/ips", "records/0/login", "records/1/b", "records/0/c~0d", "missing", "records/9"}
			keys := []string{"", "title", "port", "ips", "login", "vault", "k", "a", "b", "a/b", "c~d", "records", "missing"}
			for _, parent := range parents {
				for _, node := range []yamltree.Node{tree.Find(parent), -1} {
					var ps []vpath
					for _, k := range keys {
						if parent == "" && k == "" {
							continue // the path "" is the root's, not its member ""'s: the loader's values have a parent
						}
						ps = append(ps, memberPath(parent, node, k))
					}
					for i := range 4 {
						ps = append(ps, vpath{parent: parent, node: node, index: i})
					}
					for _, p := range ps {
						s := p.String()
						if got, want := f.atPath(p), f.at(s); got != want {
							t.Errorf("atPath(%s) = %v, at = %v", s, got, want)
						}
						if got, want := f.rawPath(p), f.raw(s); got != want {
							t.Errorf("rawPath(%s) = %q, raw = %q", s, got, want)
						}
						if got, want := f.writtenPath(p), f.written(s); got != want {
							t.Errorf("writtenPath(%s) = %v, written = %v", s, got, want)
						}
					}
				}
			}
		})
	}
}
