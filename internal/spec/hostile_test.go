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
