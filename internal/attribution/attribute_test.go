package attribution

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/build"
	"github.com/qsync/qsync/internal/policy"
	"github.com/qsync/qsync/internal/spec"
)

const header = "version: 1\nowner: secops\nrecords:\n"

// rec is a mysql record in YAML; extra lines are appended as written.
func rec(title, ip string, port int, extra ...string) string {
	s := "  - type: mysql\n    title: " + title + "\n    ips: [" + ip + "]\n    port: " + strconv.Itoa(port) +
		"\n    database: mysql\n    username: scanner\n    password: {env: DB_PW}\n"
	for _, e := range extra {
		s += "    " + e + "\n"
	}
	return s
}

func load(t *testing.T, dir, name, text string) *spec.Document {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, diags := spec.LoadWithOptions(spec.Options{}, p)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return doc
}

// TestAttribute covers each label: the pull request's own change (a port changed in the
// configuration, a record added, a record removed, a rename), drift (a hand edit of a record
// whose configuration did not change, a managed record deleted by hand and so created again)
// and both (the configuration and Qualys changed the same record).
func TestAttribute(t *testing.T) {
	dir := t.TempDir()
	base := load(t, dir, "base.yaml", header+
		rec("pr-port", "10.0.0.1", 3306)+
		rec("hand-edit", "10.0.0.2", 3306)+
		rec("both", "10.0.0.3", 3306)+
		rec("removed", "10.0.0.4", 3306)+
		rec("old-name", "10.0.0.5", 3306)+
		rec("deleted-by-hand", "10.0.0.6", 3306)+
		rec("same", "10.0.0.7", 3306))
	now := load(t, dir, "now.yaml", header+
		rec("pr-port", "10.0.0.1", 3307)+
		rec("hand-edit", "10.0.0.2", 3306)+
		rec("both", "10.0.0.3", 3308)+
		rec("new-name", "10.0.0.5", 3306, "previous_titles: [old-name]")+
		rec("deleted-by-hand", "10.0.0.6", 3306)+
		rec("same", "10.0.0.7", 3306)+
		rec("added", "10.0.0.8", 3306))
	livePath := filepath.Join(dir, "live.yaml")
	if err := os.WriteFile(livePath, []byte(header+
		rec("pr-port", "10.0.0.1", 3306)+
		rec("hand-edit", "10.0.0.2", 4406)+
		rec("both", "10.0.0.3", 4406)+
		rec("removed", "10.0.0.4", 3306)+
		rec("old-name", "10.0.0.5", 3306)+
		rec("same", "10.0.0.7", 3306)), 0o644); err != nil {
		t.Fatal(err)
	}
	live, err := policy.LiveFromConfig(livePath, "secops")
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 11, 30, 9, 15, 0, 0, time.UTC)
	live.Find(spec.Key{Kind: "mysql", Title: "hand-edit"}).ModifiedAt = when
	live.Find(spec.Key{Kind: "mysql", Title: "hand-edit"}).ModifiedBy = "jdoe"
	opts := plan.Options{Owner: "secops", AllowDeletes: true}
	p, err := build.Plan(now, live, opts)
	if err != nil {
		t.Fatal(err)
	}
	Attribute(p, &Base{Ref: "main", Commit: "0123456789abcdef0123", Doc: base}, live, opts)
	got := map[string]string{}
	for _, c := range p.Changes {
		got[c.Key.Title+" "+string(c.Action)] = string(c.Attribution)
	}
	want := map[string]string{
		"pr-port update":         "change",
		"hand-edit update":       "drift",
		"both update":            "both",
		"removed delete":         "change",
		"new-name rename":        "change",
		"deleted-by-hand create": "drift",
		"added create":           "change",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: attribution %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("changes %v, want %v", got, want)
	}
	if p.Base != "main (commit 0123456789ab)" {
		t.Errorf("base %q", p.Base)
	}
	for _, c := range p.Changes {
		switch c.Key.Title {
		case "hand-edit":
			if r := c.Reverts(); r != "this plan reverts a change made in Qualys on 2026-11-30T09:15:00Z by jdoe" {
				t.Errorf("reverts: %q", r)
			}
		case "pr-port":
			if c.LiveModified != nil || c.Reverts() != "" {
				t.Errorf("the pull request's own change calls out a revert: %+v", c)
			}
		}
	}

	// A base where the configuration did not exist: everything is this change.
	p2, _ := build.Plan(now, live, opts)
	Attribute(p2, &Base{Ref: "v0", Commit: "abc"}, live, opts)
	for _, c := range p2.Changes {
		if c.Attribution != plan.AttributionChange {
			t.Errorf("no configuration at base: %s is %s", c.Key, c.Attribution)
		}
	}
}

func gitRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestLoadBase reads the configuration at a revision: a revision before it existed, a file moved
// since into the configured directory, and a revision that is not one.
func TestLoadBase(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	ctx := context.Background()
	repo := t.TempDir()
	gitRun(t, repo, "init", "-q", "-b", "main")
	if err := os.WriteFile(filepath.Join(repo, "README"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitRun(t, repo, "add", ".")
	gitRun(t, repo, "commit", "-qm", "empty")
	empty := gitRun(t, repo, "rev-parse", "HEAD")

	os.MkdirAll(filepath.Join(repo, "old"), 0o755)
	os.WriteFile(filepath.Join(repo, "old", "db.yaml"), []byte(header+rec("db", "10.0.0.1", 3306)), 0o644)
	gitRun(t, repo, "add", ".")
	gitRun(t, repo, "commit", "-qm", "config")
	gitRun(t, repo, "tag", "v1")

	// The configuration moves from old/ to qsync/ (git mv), and changes.
	os.MkdirAll(filepath.Join(repo, "qsync"), 0o755)
	gitRun(t, repo, "mv", "old/db.yaml", "qsync/db.yaml")
	cfg := filepath.Join(repo, "qsync")

	b, err := LoadBase(ctx, "v1", []string{cfg}, []string{filepath.Join(cfg, "db.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	if b.Doc == nil || b.Doc.Find(spec.Key{Kind: "mysql", Title: "db"}) == nil {
		t.Fatalf("moved file not read at v1: %+v", b)
	}
	if strings.Join(b.Files, ",") != "old/db.yaml" {
		t.Errorf("files %v", b.Files)
	}
	if !strings.HasPrefix(b.Label(), "v1 (commit ") {
		t.Errorf("label %q", b.Label())
	}

	b, err = LoadBase(ctx, empty, []string{cfg}, []string{filepath.Join(cfg, "db.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	if b.Doc != nil {
		t.Errorf("configuration found before it existed: %v", b.Files)
	}

	// A configuration at the revision that does not load is an error naming the revision and the
	// file as it was there.
	os.WriteFile(filepath.Join(repo, "qsync", "db.yaml"), []byte(header+"  - type: mysql\n    title: db\n"), 0o644)
	gitRun(t, repo, "add", ".")
	gitRun(t, repo, "commit", "-qm", "broken")
	gitRun(t, repo, "tag", "broken")
	os.WriteFile(filepath.Join(repo, "qsync", "db.yaml"), []byte(header+rec("db", "10.0.0.1", 3306)), 0o644)
	_, err = LoadBase(ctx, "broken", []string{cfg}, []string{filepath.Join(cfg, "db.yaml")})
	if err == nil || !strings.Contains(err.Error(), "--base broken: the configuration at broken does not load:\nbroken:qsync/db.yaml:4:5: records/0: ") {
		t.Errorf("broken configuration at the revision: %v", err)
	}

	if _, err := LoadBase(ctx, "no-such-ref", []string{cfg}, nil); err == nil || !strings.Contains(err.Error(), "--base no-such-ref: not a commit") {
		t.Errorf("bad ref: %v", err)
	}
	if _, err := LoadBase(ctx, "--output=/tmp/x", []string{cfg}, nil); err == nil {
		t.Error("an option taken as a revision")
	}
}
