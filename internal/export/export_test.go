package export

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/spec/load"
)

func TestExportSkipsOpaque(t *testing.T) {
	ips, err := spec.ParseIPSet("10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	liveDoc := &spec.Document{Objects: []*spec.Object{
		{Kind: spec.KindVault, Title: "Keeper prod", ID: 3, Opaque: `unknown vault type "Keeper"`},
		{Kind: spec.KindUnix, Title: "juniper", ID: 4, IPs: ips, Opaque: `unknown sub_type "juniper"`,
			Marker: &spec.Marker{Owner: "secops"}},
		{Kind: spec.KindMySQL, Title: "db", ID: 5, IPs: ips, Attrs: map[string]string{"username": "u", "database": "d", "port": "3306"}},
	}}
	opts := &Options{Owner: "secops"}
	objs, _, skipped, warnings := opts.classify(liveDoc)
	if len(objs) != 1 || objs[0].Title != "db" || len(skipped) != 0 {
		t.Fatalf("exported %v, skipped %v", objs, skipped)
	}
	want := `skipped 2 object(s) qsync cannot represent (left alone; upgrade qsync to manage them): vault "Keeper prod" (id 3: unknown vault type "Keeper"), unix "juniper" (id 4: unknown sub_type "juniper")`
	if len(warnings) != 1 || warnings[0] != want {
		t.Errorf("warnings = %q\nwant %q", warnings, want)
	}
	// Kinds that --kinds leaves out are not reported as opaque.
	opts.Kinds = []spec.Kind{spec.KindMySQL}
	_, _, _, warnings = opts.classify(liveDoc)
	if strings.Contains(strings.Join(warnings, "\n"), "cannot represent") {
		t.Errorf("warnings = %q", warnings)
	}
}

// TestExportUniqueSecretNames: titles that fold to one variable name (db-1, db_1, DB 1, two emoji
// titles, here "***" and "!!!", which fold to X alike) get distinct, stable variables, and the user is told.
func TestExportUniqueSecretNames(t *testing.T) {
	liveDoc := &spec.Document{Complete: true}
	for i, title := range []string{"db-1", "db_1", "DB 1", "***", "!!!", "other"} {
		ips, err := spec.ParseIPSet(fmt.Sprintf("10.0.0.%d", i+1))
		if err != nil {
			t.Fatal(err)
		}
		liveDoc.Objects = append(liveDoc.Objects, &spec.Object{Kind: spec.KindMySQL, Title: title, ID: int64(5 + i), IPs: ips,
			Attrs: map[string]string{"username": "u", "database": "d", "port": "3306"}, Marker: &spec.Marker{Owner: "secops"}})
	}
	var names []string
	for run := range 2 {
		dir := t.TempDir()
		var out bytes.Buffer
		if run == 1 { // another order: the same names
			slices.Reverse(liveDoc.Objects)
		}
		if err := Write(liveDoc, Options{Owner: "secops", Dir: dir, SplitBy: "none"}, &out); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		doc, diags := load.Files(load.Options{}, filepath.Join(dir, "qsync.yaml"))
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		seen := map[string]string{}
		var got []string
		for _, o := range doc.Objects {
			env := o.Secrets["password"].Env
			if prev, dup := seen[env]; dup {
				t.Errorf("%q and %q share %s", prev, o.Title, env)
			}
			seen[env] = o.Title
			got = append(got, o.Title+"="+env)
		}
		slices.Sort(got)
		if run == 0 {
			names = got
		} else if !slices.Equal(names, got) {
			t.Errorf("names depend on order:\n%q\n%q", names, got)
		}
		if !strings.Contains(out.String(), "3 secrets would share the variable QSYNC_MYSQL_DB_1_PASSWORD") ||
			!strings.Contains(out.String(), "2 secrets would share the variable QSYNC_MYSQL_X_PASSWORD") {
			t.Errorf("collisions not shown:\n%s", out.String())
		}
		if seen["QSYNC_MYSQL_OTHER_PASSWORD"] != "other" {
			t.Errorf("a title without collision keeps its plain name: %q", got)
		}
	}
}

// TestExportForceNoSymlink: --force replaces files but never writes through a symbolic link.
func TestExportForceNoSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(target, []byte("precious\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, "qsync.yaml")); err != nil {
		t.Skip(err)
	}
	liveDoc := &spec.Document{Complete: true}
	err := Write(liveDoc, Options{Owner: "secops", Dir: dir, SplitBy: "none", Force: true}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "precious\n" {
		t.Fatalf("the symlink's target was written: %q", b)
	}
	// A regular file is replaced.
	os.Remove(filepath.Join(dir, "qsync.yaml"))
	os.WriteFile(filepath.Join(dir, "qsync.yaml"), []byte("old"), 0o644)
	if err := Write(liveDoc, Options{Owner: "secops", Dir: dir, SplitBy: "none", Force: true}, io.Discard); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "qsync.yaml")); !strings.Contains(string(b), "owner: secops") {
		t.Errorf("not replaced: %q", b)
	}
}

// TestExportItemSecretPlaceholders: a unix record whose listed private key has a basic passphrase
// and a certificate (listed by its type only) and whose second root tool (items in live's
// canonical order) has a basic password exports each as an {env: ...} placeholder (not only the
// key), listed in secrets.env.example; a tool without a listed password gets none.
func TestExportItemSecretPlaceholders(t *testing.T) {
	ips, err := spec.ParseIPSet("10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	liveDoc := &spec.Document{Complete: true, Objects: []*spec.Object{{Kind: spec.KindUnix, Title: "web", ID: 7, IPs: ips,
		Attrs: map[string]string{"username": "scan"}, Marker: &spec.Marker{Owner: "secops"},
		Items: map[string][]spec.Item{
			"private_keys": {{Attrs: map[string]string{"type": "rsa", "key": spec.SourceBasic, "passphrase": spec.SourceBasic,
				"certificate_type": "openssh"}}},
			"root_tools": {{Attrs: map[string]string{"tool": "su"}}, {Attrs: map[string]string{"tool": "sudo", "password": spec.SourceBasic}}},
		}}}}
	dir := t.TempDir()
	var out bytes.Buffer
	if err := Write(liveDoc, Options{Owner: "secops", Dir: dir, SplitBy: "none"}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	doc, diags := load.Files(load.Options{}, filepath.Join(dir, "qsync.yaml"))
	if diags.HasErrors() || len(doc.Objects) != 1 {
		t.Fatalf("%v", diags)
	}
	o := doc.Objects[0]
	want := map[string]string{
		"private_keys.0.key":         "QSYNC_UNIX_WEB_PRIVATE_KEYS_0_KEY",
		"private_keys.0.passphrase":  "QSYNC_UNIX_WEB_PRIVATE_KEYS_0_PASSPHRASE",
		"private_keys.0.certificate": "QSYNC_UNIX_WEB_PRIVATE_KEYS_0_CERTIFICATE",
		"root_tools.1.password":      "QSYNC_UNIX_WEB_ROOT_TOOLS_1_PASSWORD",
	}
	got := map[string]string{}
	for field, items := range o.Items {
		for i, it := range items {
			for sub, ref := range it.Secrets {
				got[spec.ItemSecretName(field, sub, i)] = ref.Env
			}
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("item secrets = %v, want %v", got, want)
	}
	example, err := os.ReadFile(filepath.Join(dir, SecretsExample))
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range want {
		if !strings.Contains(string(example), "\n"+env+"=\n") {
			t.Errorf("%s lacks %s:\n%s", SecretsExample, env, example)
		}
	}
}

// TestExportUniqueItemSecretNames: the placeholders of unix keys, passphrases and root tool
// passwords go through the same collision-safe names as other secrets, so two records whose
// titles differ only in case or punctuation never share a key variable.
func TestExportUniqueItemSecretNames(t *testing.T) {
	liveDoc := &spec.Document{Complete: true}
	for i, title := range []string{"web-1", "WEB 1", "other"} {
		ips, err := spec.ParseIPSet(fmt.Sprintf("10.0.1.%d", i+1))
		if err != nil {
			t.Fatal(err)
		}
		liveDoc.Objects = append(liveDoc.Objects, &spec.Object{Kind: spec.KindUnix, Title: title, ID: int64(20 + i), IPs: ips,
			Attrs: map[string]string{"username": "u", "skip_password": "true"}, Marker: &spec.Marker{Owner: "secops"},
			Items: map[string][]spec.Item{
				"private_keys": {{ID: 7, Attrs: map[string]string{"type": "rsa", "key": spec.SourceBasic, "passphrase": spec.SourceBasic}}},
				"root_tools":   {{ID: 8, Attrs: map[string]string{"tool": "sudo", "password": spec.SourceBasic}}},
			}})
	}
	dir := t.TempDir()
	var out bytes.Buffer
	if err := Write(liveDoc, Options{Owner: "secops", Dir: dir, SplitBy: "none"}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	doc, diags := load.Files(load.Options{}, filepath.Join(dir, "qsync.yaml"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	seen := map[string]string{}
	for _, o := range doc.Objects {
		for field, items := range o.Items {
			for i, it := range items {
				for sub, ref := range it.Secrets {
					use := o.Title + " " + spec.ItemSecretName(field, sub, i)
					if prev, dup := seen[ref.Env]; dup {
						t.Errorf("%s and %s share %s", prev, use, ref.Env)
					}
					seen[ref.Env] = use
				}
			}
		}
	}
	if len(seen) != 9 {
		t.Errorf("want 9 item placeholders, got %d: %v", len(seen), seen)
	}
	if seen["QSYNC_UNIX_OTHER_PRIVATE_KEYS_0_KEY"] != "other private_keys.0.key" {
		t.Errorf("a title without collision keeps its plain name: %v", seen)
	}
	if !strings.Contains(out.String(), "2 secrets would share the variable QSYNC_UNIX_WEB_1_PRIVATE_KEYS_0_KEY") {
		t.Errorf("collision not shown:\n%s", out.String())
	}
	example, err := os.ReadFile(filepath.Join(dir, SecretsExample))
	if err != nil {
		t.Fatal(err)
	}
	for env := range seen {
		if !strings.Contains(string(example), env+"=") {
			t.Errorf("%s lacks %s", SecretsExample, env)
		}
	}
}
