package pipeline

import (
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

func TestParseOnly(t *testing.T) {
	for _, tc := range []struct {
		in      string
		match   []spec.Key
		nomatch []spec.Key
		err     string
	}{
		{in: "unix/linux-*", match: []spec.Key{{Kind: "unix", Title: "linux-web"}, {Kind: "unix", Title: "linux-"}},
			nomatch: []spec.Key{{Kind: "ms_sql", Title: "linux-sql"}, {Kind: "unix", Title: "build-farm"}, {Kind: "unix", Title: "linux-a/b"}}},
		{in: "mysql/billing-db", match: []spec.Key{{Kind: "mysql", Title: "billing-db"}}, nomatch: []spec.Key{{Kind: "mysql", Title: "billing-db2"}}},
		{in: "*/linux-*", match: []spec.Key{{Kind: "ms_sql", Title: "linux-sql"}, {Kind: "unix", Title: "linux-web"}}},
		{in: "vault/CA PAM prod", match: []spec.Key{{Kind: "vault", Title: "CA PAM prod"}}},
		{in: "unix/a/b", match: []spec.Key{{Kind: "unix", Title: "a/b"}}},
		{in: "m?sql/db-[0-9]", match: []spec.Key{{Kind: "mysql", Title: "db-7"}}, nomatch: []spec.Key{{Kind: "mysql", Title: "db-x"}}},
		{in: "no-slash", err: "want KIND/TITLE-GLOB"},
		{in: "unix/", err: "want KIND/TITLE-GLOB"},
		{in: "nosuch/x", err: "KIND one of vault, "},
		{in: "x*/y", err: "KIND one of"},
		{in: "unix/[", err: "title pattern: syntax error"},
		{in: "[/x", err: "kind pattern: syntax error"},
	} {
		p, err := ParseOnly(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseOnly(%q) = %v, want an error with %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("ParseOnly(%q): %v", tc.in, err)
		}
		for _, k := range tc.match {
			if !p.Match(k) {
				t.Errorf("%q does not match %s", tc.in, k)
			}
		}
		for _, k := range tc.nomatch {
			if p.Match(k) {
				t.Errorf("%q matches %s", tc.in, k)
			}
		}
	}
}

// TestExactMatchesOnlyItself: --secrets-only scopes by exact titles, which may hold glob characters.
func TestExactMatchesOnlyItself(t *testing.T) {
	keys := []spec.Key{{Kind: "mysql", Title: `db*[1]?\x`}, {Kind: "mysql", Title: `db-a[1]-x`}, {Kind: "mysql", Title: "db"}, {Kind: "unix", Title: "a/b"}}
	for _, k := range keys {
		p, err := ParseOnly(Exact(k))
		if err != nil {
			t.Fatalf("ParseOnly(Exact(%s)): %v", k, err)
		}
		for _, other := range keys {
			if got := p.Match(other); got != (other == k) {
				t.Errorf("Exact(%s) = %q matches %s: %v", k, Exact(k), other, got)
			}
		}
	}
}

// TestScopeRefusesRenameOutOfScope: a live object the pattern matches that the configuration
// renames to a title outside the scope would otherwise be deleted.
func TestScopeRefusesRenameOutOfScope(t *testing.T) {
	desired := &spec.Document{Owner: "secops", Objects: []*spec.Object{
		{Kind: "unix", Title: "db-hosts", PreviousTitles: []string{"linux-old"}},
	}}
	live := &spec.Document{Owner: "secops", Objects: []*spec.Object{
		{Kind: "unix", Title: "linux-old", Marker: &spec.Marker{Owner: "secops"}},
	}}
	_, _, _, err := scope(desired, live, []string{"unix/linux-*"}, true)
	if err == nil || !strings.Contains(err.Error(), `unix "linux-old" is renamed to "db-hosts" in this configuration, which --only does not match; add --only unix/db-hosts`) {
		t.Fatalf("scope: %v", err)
	}
	if _, _, _, err := scope(desired, live, []string{"unix/linux-*", "unix/db-hosts"}, true); err != nil {
		t.Fatalf("scope with the new title too: %v", err)
	}
	// The new title in scope brings the old one along (the rename); out of scope altogether,
	// the live object is hands-off: no marker (and the input is not modified).
	if _, l, _, err := scope(desired, live, []string{"unix/db-*"}, true); err != nil || l.Objects[0].Marker == nil {
		t.Fatalf("scope unix/db-*: %v, live marker %v", err, l.Objects[0].Marker)
	}
	_, l, out, err := scope(desired, live, []string{"mysql/*"}, false)
	if err != nil || l.Objects[0].Marker != nil || live.Objects[0].Marker == nil || !out[live.Objects[0].Key()] {
		t.Fatalf("scope mysql/*: %v, live marker %v, out of scope %v", err, l.Objects[0].Marker, out)
	}
}
