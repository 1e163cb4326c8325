package build

import (
	"slices"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

// TestDeclared covers declared's sort and its duplicate check: every later declaration of a key
// names the first one, in document order, and only the first is planned.
func TestDeclared(t *testing.T) {
	at := func(o *spec.Object, line int) *spec.Object {
		o.Pos = spec.Pos{File: "q.yaml", Line: line, Col: 3}
		return o
	}
	tests := []struct {
		name  string
		objs  []*spec.Object
		want  []string // keys planned, in order
		diags []string
	}{
		{name: "empty"},
		{name: "one", objs: []*spec.Object{at(mysql(t, "a", 0), 1)}, want: []string{`mysql "a"`}},
		{name: "sorted by key, vaults first", objs: []*spec.Object{at(mysql(t, "b", 0), 1), at(unix(t, "a", 0), 2),
			at(mysql(t, "a", 0), 3), at(vault("v", 0), 4)},
			want: []string{`vault "v"`, `mysql "a"`, `mysql "b"`, `unix "a"`}},
		{name: "twice", objs: []*spec.Object{at(mysql(t, "b", 0), 1), at(mysql(t, "a", 0), 2), at(mysql(t, "b", 0), 3)},
			want:  []string{`mysql "a"`, `mysql "b"`},
			diags: []string{`q.yaml:3:3: records/0: mysql "b": declared twice (also at q.yaml:1:3)`}},
		{name: "three times", objs: []*spec.Object{at(mysql(t, "b", 0), 5), at(mysql(t, "b", 0), 1), at(mysql(t, "b", 0), 3)},
			want: []string{`mysql "b"`},
			diags: []string{`q.yaml:1:3: records/0: mysql "b": declared twice (also at q.yaml:5:3)`,
				`q.yaml:3:3: records/0: mysql "b": declared twice (also at q.yaml:5:3)`}},
		{name: "unknown type", objs: []*spec.Object{at(&spec.Object{Kind: spec.KindUnix, Type: "nope", Title: "x"}, 7)},
			diags: []string{`q.yaml:7:3: records/0: unix "x": unknown kind or type "nope"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &builder{desired: doc(tt.objs...)}
			var got []string
			for _, d := range b.declared() {
				got = append(got, d.Key().String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("declared = %v, want %v", got, tt.want)
			}
			var diags []string
			if err := b.diags.err(); err != nil {
				diags = strings.Split(err.Error(), "\n")
			}
			if !slices.Equal(diags, tt.diags) {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(diags, "\n"), strings.Join(tt.diags, "\n"))
			}
		})
	}
}

// TestMergeSorted checks mergeSorted against a stable sort of the concatenation: empty halves,
// one element, many, duplicate keys within and across the halves.
func TestMergeSorted(t *testing.T) {
	type kv struct {
		k int
		v string
	}
	byK := func(x, y kv) int { return x.k - y.k }
	tests := []struct {
		name string
		a, b []kv
	}{
		{name: "both empty"},
		{name: "a empty", b: []kv{{1, "b1"}}},
		{name: "b empty", a: []kv{{1, "a1"}, {2, "a2"}}},
		{name: "one each", a: []kv{{2, "a"}}, b: []kv{{1, "b"}}},
		{name: "interleaved", a: []kv{{1, "a"}, {3, "a"}, {5, "a"}}, b: []kv{{0, "b"}, {2, "b"}, {4, "b"}, {6, "b"}}},
		{name: "ties across", a: []kv{{1, "a1"}, {2, "a2"}, {2, "a3"}}, b: []kv{{2, "b1"}, {2, "b2"}, {3, "b3"}}},
		{name: "b all before", a: []kv{{5, "a"}, {6, "a"}}, b: []kv{{1, "b"}, {1, "b2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := slices.Concat(tt.a, tt.b)
			slices.SortStableFunc(want, byK)
			got := mergeSorted(slices.Clone(tt.a), slices.Clone(tt.b), byK)
			if !slices.Equal(got, want) && (len(got) > 0 || len(want) > 0) {
				t.Errorf("mergeSorted = %v, want %v", got, want)
			}
		})
	}
}
