package pipeline

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
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

// TestSecretsOnlyLeavesOutAndSaysSo: with no secret to send but other changes pending (db's port,
// the managed vault to delete), --secrets-only plans nothing, lists no managed object as
// unmanaged, records its scope, and what it left out is counted, so it never claims that Qualys
// matches the configuration (issue 20, finding 6).
func TestSecretsOnlyLeavesOutAndSaysSo(t *testing.T) {
	c, path, pl, _ := setup(t)
	desired, err := pl.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := pl.PlanSecretsOnly(context.Background(), c, desired, plan.Flags{SecretsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Plan.Empty() || !r.Plan.Flags.SecretsOnly || !r.Plan.Scoped() {
		t.Fatalf("plan: %d change(s), flags %+v", len(r.Plan.Changes), r.Plan.Flags)
	}
	for _, k := range r.Plan.Unmanaged {
		if k.Title != "hand-db" {
			t.Errorf("%s is listed as unmanaged", k)
		}
	}
	if o := pl.Outside(r); o.Changes != 2 || o.Unchecked != "" || !o.LeftOut() {
		t.Errorf("outside = %+v, want the port update and the vault delete", o)
	}
	if got := Converged(r.Plan, pl.Outside(r), nil); !strings.Contains(got, "within the scope (--secrets-only) only: 2 change(s) outside it") {
		t.Errorf("converged line: %s", got)
	}
	// Unscoped, the same state leaves nothing out, and the line says Qualys matches.
	if got := Converged(&plan.Plan{}, Outside{}, nil); got != "Converged: Qualys matches the configuration." {
		t.Errorf("full: %s", got)
	}
}

// TestOutsideUnchecked: a full plan that cannot be made (a secret this job cannot read) leaves
// the rest unchecked, which is not convergence either.
func TestOutsideUnchecked(t *testing.T) {
	c, path, pl, _ := setup(t)
	desired, err := pl.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := pl.Plan(context.Background(), c, desired, plan.Flags{Targets: []string{"vault/pam-gone"}, SecretsUnchecked: true})
	if err != nil {
		t.Fatal(err)
	}
	// The verification runs where QSYNC_SECRET_KEY is set, but the value cannot be read.
	pl.Getenv = func(name string) string {
		return map[string]string{"QSYNC_SECRET_KEY": "scope-test-fingerprint-key"}[name]
	}
	pl.Resolve = func(ref spec.SecretRef) (string, error) { return "", os.ErrNotExist }
	o := pl.Outside(r)
	if o.Unchecked == "" || !o.LeftOut() {
		t.Fatalf("outside = %+v, want unchecked", o)
	}
	if got := Converged(r.Plan, o, nil); !strings.Contains(got, "Converged within the scope (vault/pam-gone; --without-secrets: secret drift not checked) only: whether anything outside it differs was not checked") {
		t.Errorf("converged line: %s", got)
	}
}
