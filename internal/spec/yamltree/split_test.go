package yamltree

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// splitCases are files decoded both whole and in pieces. split says whether parseSplit must take
// them in pieces (otherwise it may decline, and Parse decodes the whole).
var splitCases = []struct {
	name  string
	yaml  string
	split bool
}{
	{"records indented", "version: 1\nowner: x\nrecords:\n  - type: unix\n    title: a\n    ips: [\"10.0.0.1\"]\n  - type: mysql\n    title: b\n    port: 4000\n", true},
	{"records not indented", "records:\n- type: unix\n  title: a\n- type: mysql\n  title: b\n", true},
	{"one item", "records:\n  - a\n", true},
	{"scalar items", "records:\n  - a\n  - 1\n  - true\n  - 2.5\n  - null\n  - \"q\"\n", true},
	{"empty values at the end of items", "records:\n  - a: 1\n    b:\n  - c:\n  - d: {}\n    e:\n", true},
	{"explicit keys without values", "records:\n  - ? a\n  - ? b\n    : c\n  - ? d\n  - e: 1\n    ? f\n", true},
	{"empty items", "records:\n  -\n  - a\n  -\n  -\n", true},
	{"comments and blank lines", "# head\nrecords: # the list\n\n  # first\n  - a: 1 # one\n\n# between\n  - b: 2\n   # odd comment\n\n", true},
	{"CRLF", "owner: x\r\nrecords:\r\n  - a: 1\r\n    b: 2\r\n  - c: 3\r\n", true},
	{"no newline at the end", "records:\n  - a: 1\n  - b: 2", true},
	{"nested lists", "records:\n  - a:\n    - 1\n    - 2\n  - - x\n    - y\n  - b:\n      - c: [1,\n          2]\n", true},
	{"block scalars", "records:\n  - c: |\n      line\n\n      more\n  - d: >-\n      folded\n      text\n  - e: |+\n      kept\n\n", true},
	{"vaults before records", "vaults:\n  - type: x\n    title: v\nrecords:\n  - type: y\n", true},
	{"records before vaults", "records:\n  - type: y\nvaults:\n  - type: x\n", true},
	{"duplicate list key", "records:\n  - a\nrecords:\n  - b\n  - c\n", false},
	{"tagged items", "records:\n  - !!map {a: 1}\n  - !!str 12\n  - !!binary aGk=\n  - !custom x\n", true},
	{"bad keys in items", "records:\n  - 1: a\n    [x]: b\n  - a: 1\n    a: 2\n", true},
	{"merge keys in items", "records:\n  - <<: {a: 1}\n    b: 2\n", true},
	{"octal and floats", "records:\n  - port: 03306\n    n: 0x10\n    f: 1e3\n    g: .inf\n", true},
	{"unicode", "records:\n  - title: \"café ✓\"\n  - title: 日本\n", true},
	{"byte order mark", "\ufeffrecords:\n  - a: 1\n  - b: 2\n", false},
	{"anchors", "records:\n  - &a {x: 1}\n  - *a\n", false},
	{"anchor in the head", "defaults: &d {x: 1}\nrecords:\n  - <<: *d\n", false},
	{"empty key", "records:\n  - \"\": 1\n    a: 2\n", false},
	{"document marker", "---\nrecords:\n  - a\n", false},
	{"second document", "records:\n  - a\n---\nb: 1\n", false},
	{"document end", "records:\n  - a\n...\n", false},
	{"directive", "%YAML 1.2\n---\nrecords:\n  - a\n", false},
	{"quoted scalar across item lines", "records:\n  - t: \"a\n  - b\"\n  - c\n", false},
	{"flow list across item lines", "records:\n  - t: [a,\n  - b]\n  - c\n", false},
	{"flow list as the value", "records: [a, b]\n", false},
	{"tagged list", "records: !!seq\n  - a\n", false},
	{"quoted key", "\"records\":\n  - a\n", false},
	{"key with a value", "records: x\n  - a\n", false},
	{"syntax error in an item", "records:\n  - a: 1\n  - b: [\n  - c: 2\n", false},
	{"bad indentation in an item", "records:\n  - a: 1\n   b: 2\n  - c: 3\n", false},
	{"tab after the dash", "records:\n  -\ta\n  - b\n", false},
	{"mapping after the list", "records:\n  - a\n  x: 1\n", false},
	{"less indented item", "records:\n    - a\n  - b\n", false},
	{"empty file", "", false},
	{"only the key", "records:\n", false},
	{"key in a quoted head value", "a: \"x\nrecords:\n  - b\"\n", false},
}

// checkSplit decodes data in pieces of batch items and whole, and fails when the pieces were
// taken and give another File or other problems. It reports whether the pieces were taken.
func checkSplit(t *testing.T, data []byte, batch int) bool {
	t.Helper()
	got, gotDs, ok := parseSplit(data, batch)
	if !ok {
		return false
	}
	want, wantDs := parseWhole(data)
	if !reflect.DeepEqual(gotDs, wantDs) {
		t.Errorf("batch %d: problems\n%v\nwant (whole)\n%v", batch, gotDs, wantDs)
	}
	if !reflect.DeepEqual(got.Value, want.Value) {
		t.Errorf("batch %d: value\n%#v\nwant (whole)\n%#v", batch, got.Value, want.Value)
	}
	if !reflect.DeepEqual(got.nodes, want.nodes) || !reflect.DeepEqual(got.kids, want.kids) || !reflect.DeepEqual(got.byPath, want.byPath) {
		t.Errorf("batch %d: positions\n%+v %v\nwant (whole)\n%+v %v", batch, got.nodes, got.kids, want.nodes, want.kids)
	}
	return true
}

// TestSplitDecodesAsWhole: a file decoded in pieces gives the File and problems of the whole
// document, with batches of every size (one item, items split across batches, one batch), and
// files the pieces could read otherwise are decoded whole.
func TestSplitDecodesAsWhole(t *testing.T) {
	for _, c := range splitCases {
		t.Run(c.name, func(t *testing.T) {
			for _, batch := range []int{1, 2, 3, splitBatch} {
				if took := checkSplit(t, []byte(c.yaml), batch); took != c.split {
					t.Errorf("batch %d: decoded in pieces = %v, want %v", batch, took, c.split)
				}
			}
		})
	}
}

// TestSplitLargeFile: many items of every shape above in one list, across many batches, decode
// as the whole does; Parse gives the same as parseWhole.
func TestSplitLargeFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\nowner: me\nrecords:\n")
	for i := range 700 {
		switch i % 7 {
		case 0:
			fmt.Fprintf(&b, "  - type: unix\n    title: \"r-%d\"\n    ips: [\"10.0.%d.%d\"]\n    password: {env: PW}\n", i, i/256, i%256)
		case 1:
			fmt.Fprintf(&b, "  - type: mysql\n    title: r-%d\n    port: %d\n    login:\n      vault: v\n      secret_name: s\n", i, 4000+i)
		case 2:
			fmt.Fprintf(&b, "  - title: r-%d\n    comments: |\n      line %d\n\n      end\n    empty:\n", i, i)
		case 3:
			fmt.Fprintf(&b, "  # record %d\n  - title: r-%d\n    list:\n      - a\n      -\n", i, i)
		case 4:
			fmt.Fprintf(&b, "  -\n")
		case 5:
			fmt.Fprintf(&b, "  - title: r-%d\n    dup: 1\n    dup: 2\n    port: 0%d\n", i, i)
		case 6:
			fmt.Fprintf(&b, "  - r-%d\n\n", i)
		}
	}
	data := []byte(b.String())
	for _, batch := range []int{1, 5, 64, splitBatch} {
		if !checkSplit(t, data, batch) {
			t.Fatalf("batch %d: not decoded in pieces", batch)
		}
	}
	got, gotDs := Parse(data, 16<<20)
	want, wantDs := parseWhole(data)
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotDs, wantDs) {
		t.Errorf("Parse differs from parseWhole")
	}
}

// FuzzSplitDecodesAsWhole: whenever parseSplit takes a file in pieces, it gives what the whole
// document gives.
func FuzzSplitDecodesAsWhole(f *testing.F) {
	for _, c := range splitCases {
		f.Add([]byte(c.yaml))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 || !utf8.Valid(data) {
			return
		}
		checkSplit(t, data, 2)
	})
}

// TestRaw: the text as written is kept for scalars not read as strings, and only for them.
func TestRaw(t *testing.T) {
	f, ds := Parse([]byte("a: 03306\nb: 0x10\nc: 1e3\nd: True\ne: ~\nf: \"12\"\ng: text\nh: [1, x]\ni:\n"), 1<<20)
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	for path, want := range map[string]string{"a": "03306", "b": "0x10", "c": "1e3", "d": "True", "e": "~",
		"f": "", "g": "", "h": "", "h/0": "1", "h/1": "", "i": "", "missing": ""} {
		if got := f.Raw(path); got != want {
			t.Errorf("Raw(%q) = %q, want %q", path, got, want)
		}
	}
}
