package load

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

// loadOne writes content as c.yaml in a temporary directory, loads it from there and returns its
// diagnostics, one per line, with the file name as c.yaml.
func loadOne(t *testing.T, content string) (*spec.Document, string) {
	t.Helper()
	dir := writeFiles(t, map[string]string{"c.yaml": content})
	doc, ds := Files(Options{}, filepath.Join(dir, "c.yaml"))
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
		{"CIDR with host bits", strings.Replace(mysqlDoc("    port: 3306\n"), "[10.0.0.1]", "[10.0.0.1, 10.0.0.5/24]", 1),
			`c.yaml:6:21: records/0/ips/1: "10.0.0.5/24" has host bits set: write 10.0.0.0/24 for the network or 10.0.0.5 for the address`},
		{"a /0 range", strings.Replace(mysqlDoc("    port: 3306\n"), "[10.0.0.1]", "[0.0.0.0/0]", 1),
			`c.yaml:6:11: records/0/ips/0: "0.0.0.0/0": a /0 prefix covers every address`},
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
	live := strings.TrimSpace(spec.JoinComments(doc.Objects[0].Comments, &spec.Marker{Owner: "secops"}))
	if text, m := spec.SplitComments(live); text != want || m == nil {
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

// TestSecretReferencesCannotNameCredentials: qsync's own and the CI platform's credentials are
// refused where the reference is written; export's QSYNC_<KIND>_ names and ordinary names pass.
func TestSecretReferencesCannotNameCredentials(t *testing.T) {
	for _, c := range []struct {
		env  string
		deny string // the matching pattern; "" when allowed
	}{
		{"QUALYS_PASSWORD", "QUALYS_PASSWORD"},
		{"QUALYS_USERNAME", "QUALYS_USERNAME"},
		{"QSYNC_SECRET_KEY", "QSYNC_*"},
		{"qsync_secret_key", "QSYNC_*"},
		{"GITHUB_TOKEN", "GITHUB_*"},
		{"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_*"},
		{"CI_JOB_TOKEN", "CI_JOB_TOKEN"},
		{"CI_REGISTRY_PASSWORD", "CI_*PASSWORD*"},
		{"CI_DEPLOY_TOKEN_X", "CI_*TOKEN*"},
		{"AWS_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY"},
		{"QSYNC_MYSQL_DB_PASSWORD", ""},
		{"QSYNC_VAULT_CA_PAM_PROD_APIKEY", ""},
		{"DB_PW", ""},
	} {
		t.Run(c.env, func(t *testing.T) {
			_, got := loadOne(t, strings.Replace(mysqlDoc("    port: 3306\n"), "{env: PW}", "{env: "+c.env+"}", 1))
			if c.deny == "" {
				if got != "" {
					t.Errorf("refused:\n%s", got)
				}
				return
			}
			want := "c.yaml:8:21: records/0/password/env: " + c.env + " is qsync's own or the CI platform's credential or setting (matches " + c.deny + ")"
			if !strings.Contains(got, want) {
				t.Errorf("diagnostics:\n%s\nwant a line containing:\n%s", got, want)
			}
		})
	}
}

// TestSecretEnvPrefix: QSYNC_SECRET_ENV_PREFIX (or Options.SecretEnvPrefix) restricts references
// to one prefix, at load and at resolve time.
func TestSecretEnvPrefix(t *testing.T) {
	t.Setenv(spec.EnvSecretEnvPrefix, "QUALYS_SECRET_")
	_, got := loadOne(t, mysqlDoc("    port: 3306\n"))
	want := `c.yaml:8:21: records/0/password/env: PW does not start with "QUALYS_SECRET_": QSYNC_SECRET_ENV_PREFIX restricts`
	if !strings.Contains(got, want) {
		t.Errorf("diagnostics:\n%s\nwant a line containing:\n%s", got, want)
	}
	if _, got := loadOne(t, strings.Replace(mysqlDoc("    port: 3306\n"), "{env: PW}", "{env: QUALYS_SECRET_DB}", 1)); got != "" {
		t.Errorf("prefixed name refused:\n%s", got)
	}
	t.Setenv("PW", "canary-Secret-4711")
	if _, err := spec.Resolve(spec.SecretRef{Env: "PW"}); err == nil || !strings.Contains(err.Error(), "does not start with") {
		t.Errorf("Resolve outside the prefix: %v", err)
	}
}

// TestSecretFilesStayInTheRepository: {file: ...} resolves only inside the configuration's git
// repository (or QSYNC_SECRET_DIR); a path or a symbolic link leading out is refused.
func TestSecretFilesStayInTheRepository(t *testing.T) {
	repo := t.TempDir()
	outside := t.TempDir()
	mkdir := func(p string) {
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, content string) {
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	mkdir(filepath.Join(repo, ".git"))
	mkdir(filepath.Join(repo, "config"))
	mkdir(filepath.Join(repo, "secrets"))
	write(filepath.Join(repo, "secrets", "db"), "canary-Secret-4711\n\n")
	write(filepath.Join(outside, "stolen"), "canary-Secret-4711\n")
	if err := os.Symlink(filepath.Join(outside, "stolen"), filepath.Join(repo, "secrets", "link")); err != nil {
		t.Skip("no symbolic links:", err)
	}
	cfg := filepath.Join(repo, "config", "c.yaml")
	load := func(ref string) (*spec.Document, string) {
		write(cfg, strings.Replace(mysqlDoc("    port: 3306\n"), "{env: PW}", ref, 1))
		doc, ds := Files(Options{}, cfg)
		return doc, ds.Error()
	}

	doc, got := load("{file: ../secrets/db}")
	if got != "" {
		t.Fatalf("a file in the repository refused:\n%s", got)
	}
	v, err := spec.Resolve(doc.Objects[0].Secrets["password"])
	if err != nil || v != "canary-Secret-4711\n" {
		t.Errorf("Resolve = %q, %v; want exactly one trailing newline trimmed", v, err)
	}

	for _, c := range []struct{ name, ref, want string }{
		{"relative path out", "{file: ../../" + filepath.Base(outside) + "/stolen}", "is outside " + repo},
		{"absolute path out", "{file: /etc/passwd}", "secret file /etc/passwd is outside " + repo},
		{"symbolic link out", "{file: ../secrets/link}", "is a symbolic link to " + filepath.Join(outside, "stolen")},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, got := load(c.ref)
			if !strings.Contains(got, "config/c.yaml:8:22: records/0/password/file: secret file ") || !strings.Contains(got, c.want) {
				t.Errorf("diagnostics:\n%s\nwant records/0/password/file: ... %s", got, c.want)
			}
			if strings.Contains(got, "canary") {
				t.Errorf("diagnostics echo the secret:\n%s", got)
			}
		})
	}

	// A link created after validation is refused when the value is read.
	ref := spec.SecretRef{File: filepath.Join(repo, "secrets", "link"), Root: repo}
	if _, err := spec.Resolve(ref); err == nil || !strings.Contains(err.Error(), "outside") {
		t.Errorf("Resolve through an escaping link: %v", err)
	}

	t.Run("QSYNC_SECRET_DIR", func(t *testing.T) {
		t.Setenv(spec.EnvSecretDir, outside)
		doc, got := load("{file: " + filepath.Join(outside, "stolen") + "}")
		if got != "" {
			t.Fatalf("file in QSYNC_SECRET_DIR refused:\n%s", got)
		}
		if r := doc.Objects[0].Secrets["password"].Root; r != outside {
			t.Errorf("root %q, want %q", r, outside)
		}
	})
}

// TestShortSecretsRefused: a secret too short to be masked safely is refused when resolved, naming
// the reference and never the value.
func TestShortSecretsRefused(t *testing.T) {
	t.Setenv("TEST_SHORT", "ab1")
	_, err := spec.Resolve(spec.SecretRef{Env: "TEST_SHORT"})
	if err == nil || !strings.Contains(err.Error(), "secret env:TEST_SHORT has 3 characters, fewer than 4") || strings.Contains(err.Error(), "ab1") {
		t.Errorf("err = %v", err)
	}
	t.Setenv("TEST_SHORT", "abc1")
	if v, err := spec.Resolve(spec.SecretRef{Env: "TEST_SHORT"}); err != nil || v != "abc1" {
		t.Errorf("4 characters: %q, %v", v, err)
	}
}

// TestLoaderCapsProblemsPerFile: a file of thousands of empty records gives MaxFileProblems
// problems and one diagnostic saying more were left out, the same ones on every run.
func TestLoaderCapsProblemsPerFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\nowner: x\nrecords:\n")
	for range 5000 {
		b.WriteString("  - {}\n")
	}
	_, first := loadOne(t, b.String())
	lines := strings.Split(first, "\n")
	if len(lines) != MaxFileProblems+1 {
		t.Fatalf("%d diagnostics, want %d", len(lines), MaxFileProblems+1)
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "more problems not shown") {
		t.Errorf("last diagnostic %q", last)
	}
	if lines[0] != `c.yaml:4:5: records/0: missing required key "title"` {
		t.Errorf("first diagnostic %q", lines[0])
	}
	for range 3 {
		if _, again := loadOne(t, b.String()); again != first {
			t.Fatalf("diagnostics differ between runs")
		}
	}
}

// TestLoaderCapsFileSize: a file over MaxFileBytes is refused with one clear diagnostic.
func TestLoaderCapsFileSize(t *testing.T) {
	big := "version: 1\nowner: x\n#" + strings.Repeat("x", MaxFileBytes) + "\n"
	_, got := loadOne(t, big)
	if !strings.HasPrefix(got, "c.yaml:1:1: file is ") || !strings.Contains(got, "more than the 16 MiB") {
		t.Errorf("diagnostics: %.300s", got)
	}
}

// TestVaultRulesFromTheTable: what the Qualys docs refuse is refused at load, from the kind table
// (FieldDef.Schemes, FieldDef.Pattern).
func TestVaultRulesFromTheTable(t *testing.T) {
	vault := func(typ, fields string) string {
		return "version: 1\nowner: secops\nvaults:\n  - type: " + typ + "\n    title: v\n" + fields
	}
	for _, c := range []struct{ name, yaml, want string }{
		{"ca_pam url not http(s)", vault("ca_pam", "    url: file:///etc/passwd\n    apikey_name: a\n    apikey: {env: K}\n"),
			`c.yaml:6:10: vaults/0/url: url "file:///etc/passwd" must be a http or https URL`},
		{"thycotic url ftp", vault("thycotic", "    url: ftp://tss.example.com\n    username: u\n    password: {env: K}\n    secret_name: s\n"),
			`c.yaml:6:10: vaults/0/url: url "ftp://tss.example.com" must be a http or https URL`},
		{"beyondtrust username with @", vault("beyondtrust", "    url: https://bt.example.com\n    username: me@corp\n    appkey: {env: K}\n"),
			`c.yaml:7:15: vaults/0/username: username "me@corp" does not match ^[^@]*$`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, got := loadOne(t, c.yaml)
			if !strings.Contains(got, c.want) {
				t.Errorf("diagnostics:\n%s\nwant a line containing:\n%s", got, c.want)
			}
		})
	}
	if _, got := loadOne(t, vault("ca_pam", "    url: HTTPS://capam.example.com:8443\n    apikey_name: a\n    apikey: {env: K}\n")); got != "" {
		t.Errorf("https URL refused:\n%s", got)
	}
}

// TestInvalidUTF8IsPositioned: a byte that is not UTF-8 is reported where it is, not at 1:1.
func TestInvalidUTF8IsPositioned(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(path, []byte("version: 1\nowner: x\nrecords:\n  - title: \"ab\xff\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, ds := Files(Options{}, path)
	if len(ds) != 1 || ds[0].Pos.Line != 4 || ds[0].Pos.Col != 15 || !strings.Contains(ds[0].Message, "invalid UTF-8 (byte 0xFF)") {
		t.Errorf("diagnostics = %v, want one at 4:15 naming byte 0xFF", ds)
	}
}
