package render

import (
	"strings"
	"testing"
)

// TestDisplayNotes: notes saying the same thing about several objects of one kind become one line
// per kind and message, in place of the first; a kind with one object keeps its notes; other
// notes are kept, in order.
func TestDisplayNotes(t *testing.T) {
	in := []string{
		"secret drift is not checked (set QSYNC_SECRET_KEY or use --push-secrets)",
		`mysql "a" (id 1): port: not reported by Qualys; not compared`,
		`windows "dc" (id 4): windows_domain: not reported by Qualys; not compared`,
		`mysql "b" (id 2): port: not reported by Qualys; not compared`,
		`mysql "b" (id 2): database: not reported by Qualys; not compared`,
		`mysql "c \"q\"" (id 3): port: not reported by Qualys; not compared`,
		`mysql "d" (id 7): port: not reported by Qualys; not compared`,
		`mysql "e" (id 8): ssl_verify: not reported by Qualys; not compared, sent as configured`,
		`windows "dc" (id 4): ntlm: not reported by Qualys; not compared`,
	}
	want := []string{
		"secret drift is not checked (set QSYNC_SECRET_KEY or use --push-secrets)",
		`mysql (4 records: "a", "b", "c \"q\"" and 1 more): port, database: not reported by Qualys; not compared`,
		`windows "dc" (id 4): windows_domain: not reported by Qualys; not compared`,
		`windows "dc" (id 4): ntlm: not reported by Qualys; not compared`,
		`mysql "e" (id 8): ssl_verify: not reported by Qualys; not compared, sent as configured`,
	}
	if got := displayNotes(in); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
