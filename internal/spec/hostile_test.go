package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadOne writes content as c.yaml in a temporary directory, loads it from there and returns its
// diagnostics, one per line, with the file name as c.yaml.
func loadOne(t *testing.T, content string) (*Document, string) {
	t.Helper()
	dir := writeFiles(t, map[string]string{"c.yaml": content})
	doc, ds := Load(filepath.Join(dir, "c.yaml"))
	return doc, strings.ReplaceAll(ds.Error(), dir+string(os.PathSeparator), "")
}

// mysqlDoc is a valid configuration with one mysql record; extra is appended to the record.
func mysqlDoc(extra string) string {
	return "version: 1\nowner: secops\nrecords:\n  - type: mysql\n    title: db\n    ips: [10.0.0.1]\n" +
		"    username: u\n    password: {env: PW}\n    database: mysql\n" + extra
}

// TestHostileInputIsRefused: each input written by someone who can open a pull request gives one
// positioned error.
func TestHostileInputIsRefused(t *testing.T) {
	for _, c := range []struct {
		name, yaml, want string
	}{
		{"marker line in comments", mysqlDoc("    port: 3306\n    comments: |\n      mine\n      [managed by qsync: owner=evil]\n"),
			`c.yaml:11:15: records/0/comments: comments line 2 looks like qsync's ownership marker ("[managed by qsync: owner=evil]")`},
		{"marker flattened in comments", mysqlDoc("    port: 3306\n    comments: \"x [managed by qsync: owner=evil]\"\n"),
			`c.yaml:11:15: records/0/comments: comments line 1 looks like qsync's ownership marker`},
		{"escape sequence in comments", mysqlDoc("    port: 3306\n    comments: \"ok\\e[1A\\e[2K\"\n"),
			`c.yaml:11:15: records/0/comments: comments: character 3 (U+001B) is an escape character`},
		{"C1 control in comments", mysqlDoc("    port: 3306\n    comments: \"a\\u009bb\"\n"),
			`c.yaml:11:15: records/0/comments: comments: character 2 (U+009B) is a control character`},
		{"bidi override in title", strings.Replace(mysqlDoc("    port: 3306\n"), "title: db", "title: \"db\\u202egnp\"", 1),
			`c.yaml:5:12: records/0/title: title: character 3 (U+202E) is a bidirectional text control`},
		{"control character in title", strings.Replace(mysqlDoc("    port: 3306\n"), "title: db", "title: \"d\\x01b\"", 1),
			`c.yaml:5:12: records/0/title: title: character 2 (U+0001) is a control character (XML 1.0 cannot carry it)`},
		{"control character in a string field", strings.Replace(mysqlDoc("    port: 3306\n"), "database: mysql", "database: \"my\\x00sql\"", 1),
			`c.yaml:9:15: records/0/database: database: character 3 (U+0000) is a control character`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, got := loadOne(t, c.yaml)
			if !strings.Contains(got, c.want) {
				t.Errorf("diagnostics:\n%s\nwant a line containing:\n%s", got, c.want)
			}
		})
	}
}

// TestCommentsCanonicalLikeTheClient: comments starting with a blank line, ending with white space
// or written with CRLF are compared as the client reads them back, so they converge.
func TestCommentsCanonicalLikeTheClient(t *testing.T) {
	doc, got := loadOne(t, mysqlDoc("    port: 3306\n    comments: \"\\n\\n  first\\r\\nsecond  \\n\"\n"))
	if got != "" {
		t.Fatalf("diagnostics:\n%s", got)
	}
	want := "first\nsecond"
	if c := doc.Objects[0].Comments; c != want {
		t.Errorf("desired comments %q, want %q", c, want)
	}
	// What the client reads back after sending them with the marker: trimmed XML text.
	live := strings.TrimSpace(JoinComments(doc.Objects[0].Comments, &Marker{Owner: "secops"}))
	if text, m := SplitComments(live); text != want || m == nil {
		t.Errorf("live comments split into %q %+v, want %q", text, m, want)
	}
}

// TestIntegersAreBase10: YAML reads 03306 and 010 as octal, 0x10 as hex, 3306.0 and 1e3 as
// floats; each is a positioned error, as is a port outside 1-65535.
func TestIntegersAreBase10(t *testing.T) {
	for _, c := range []struct{ port, want string }{
		{"03306", "c.yaml:10:11: records/0/port: port 03306 is not written in base 10 (YAML reads it as 1734)"},
		{"010", "c.yaml:10:11: records/0/port: port 010 is not written in base 10 (YAML reads it as 8)"},
		{"0o10", "c.yaml:10:11: records/0/port: port 0o10 is not written in base 10"},
		{"0x10", "c.yaml:10:11: records/0/port: port 0x10 is not written in base 10 (YAML reads it as 16)"},
		{"3306.0", "c.yaml:10:11: records/0/port: port 3306.0 is not an integer"},
		{"1e3", "c.yaml:10:11: records/0/port: port 1e3 is not an integer"},
		{"0", "c.yaml:10:11: records/0/port: must be >= 1 but found 0"},
		{"65536", "c.yaml:10:11: records/0/port: must be <= 65535 but found 65536"},
	} {
		t.Run(c.port, func(t *testing.T) {
			_, got := loadOne(t, mysqlDoc("    port: "+c.port+"\n"))
			if !strings.Contains(got, c.want) {
				t.Errorf("diagnostics:\n%s\nwant a line containing:\n%s", got, c.want)
			}
			if n := strings.Count(got, "\n") + 1; n != 1 {
				t.Errorf("%d diagnostics, want 1:\n%s", n, got)
			}
		})
	}
	doc, got := loadOne(t, mysqlDoc("    port: 3306\n"))
	if got != "" || doc.Objects[0].Attrs["port"] != "3306" {
		t.Errorf("port 3306: %q, diagnostics %s", doc.Objects[0].Attrs["port"], got)
	}
}
