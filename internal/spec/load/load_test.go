package load

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/textdiff"
)

var update = flag.Bool("update", false, "rewrite golden files (testdata/invalid/*.golden); generated files are rewritten by go generate ./...")

// TestInvalidGolden loads each testdata/invalid/<mistake>.yaml on its own and compares the sorted
// diagnostics with <mistake>.golden.
func TestInvalidGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, in := range files {
		name := strings.TrimSuffix(filepath.Base(in), ".yaml")
		t.Run(name, func(t *testing.T) {
			doc, ds := Files(Options{}, in)
			if !ds.HasErrors() {
				t.Errorf("Files(%s) reported no error", in)
			}
			ds = append(ds, UndeclaredVaultWarnings(doc)...) // as qsync validate prints them
			ds.Sort()
			got := ds.Error() + "\n"
			golden := strings.TrimSuffix(in, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/spec/load -run TestInvalidGolden -update to create it)", err)
			}
			if d := textdiff.Unified(golden, "got", string(want), got); d != "" {
				t.Errorf("diagnostics of %s differ from %s (go test ./internal/spec/load -run TestInvalidGolden -update rewrites it):\n%s",
					in, golden, d)
			}
		})
	}
}

// TestInvalidNeverEchoesSecrets: a plaintext secret is reported without its value.
func TestInvalidNeverEchoesSecrets(t *testing.T) {
	_, ds := Files(Options{}, "testdata/invalid/plaintext_secret.yaml")
	if !ds.HasErrors() {
		t.Fatal("plaintext secrets accepted")
	}
	if out := ds.Error(); strings.Contains(out, "CANARY") || strings.Contains(out, "12345") {
		t.Errorf("diagnostics echo a secret:\n%s", out)
	}
}

// TestExamplesValidate: every example validates as a whole configuration, each file also validates
// against the schema on its own, and each starts with the yaml-language-server modeline.
func TestExamplesValidate(t *testing.T) {
	const dir = "../../../examples"
	doc, ds := Files(Options{}, dir)
	if len(ds) > 0 {
		t.Fatalf("examples do not validate:\n%s", ds.Error())
	}
	if doc.Owner != "secops" {
		t.Errorf("owner = %q, want secops", doc.Owner)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) < 4 {
		t.Fatalf("want at least 4 example files, got %v", files)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(data), "# yaml-language-server: $schema="+spec.SchemaID+"\n") {
			t.Errorf("%s: does not start with the yaml-language-server modeline", f)
		}
		yf, pds := parseYAML(f, dir, data)
		if len(pds) > 0 {
			t.Errorf("%s: %v", f, pds)
			continue
		}
		if sds := validateSchema(yf); len(sds) > 0 {
			t.Errorf("%s: schema:\n%s", f, sds.Error())
		}
	}
	kinds := map[string]bool{}
	for _, o := range doc.Objects {
		kinds[string(o.Kind)+"/"+o.Type] = true
	}
	vaults, err := os.ReadFile(filepath.Join(dir, "vaults.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range spec.Kinds() {
		switch {
		case d.Unwritable != "":
			// qsync does not create these: the examples say why instead of declaring one.
			if !strings.Contains(string(vaults), d.QualysType) || kinds[string(d.Kind)+"/"+d.Type] {
				t.Errorf("examples/vaults.yaml should name %s in its comment and not declare one", d.QualysType)
			}
		case d.Opaque == "" && !kinds[string(d.Kind)+"/"+d.Type]:
			t.Errorf("no example of %s %s", d.Kind, d.Type)
		}
	}
}

// TestLoadPositions: objects carry the position of their mapping and of each field.
func TestLoadPositions(t *testing.T) {
	doc, ds := Files(Options{}, "../../../examples/vaults.yaml", "../../../examples/windows.yaml")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	o := doc.Find(spec.Key{Kind: spec.KindWindows, Title: "corp-ad"})
	if o == nil {
		t.Fatal("corp-ad not loaded")
	}
	want := map[string]spec.Pos{
		"":                     {File: "../../../examples/windows.yaml", Line: 8, Col: 5},
		"title":                {File: "../../../examples/windows.yaml", Line: 9, Col: 12},
		"ips":                  {File: "../../../examples/windows.yaml", Line: 11, Col: 10},
		"login.vault":          {File: "../../../examples/windows.yaml", Line: 18, Col: 20},
		"login.vault_app_name": {File: "../../../examples/windows.yaml", Line: 18, Col: 49},
	}
	for k, w := range want {
		got := o.Pos
		if k != "" {
			got = o.FieldPos.At(k)
		}
		if got != w {
			t.Errorf("position of %q = %v, want %v", k, got, w)
		}
	}
	if o.SourceIdx != 0 {
		t.Errorf("SourceIdx = %d", o.SourceIdx)
	}
	if o.Login == nil || o.Login.Vault != "CA PAM prod" || o.Login.Params["vault_device_name"] != "${nbhost}" {
		t.Errorf("login = %+v", o.Login)
	}
	if o.Attrs["minimum_smb_version"] != "3.0" || o.Attrs["kerberos"] != "true" {
		t.Errorf("attrs = %v", o.Attrs)
	}
	// Omitted means unmanaged: neither windows_domain nor ntlm (no documented default) is filled.
	for _, unset := range []string{"windows_domain", "ntlm", "use_agentless_tracking", "network_id"} {
		if _, ok := o.Attrs[unset]; ok {
			t.Errorf("attrs hold the unset field %s: %v", unset, o.Attrs)
		}
	}
	if o.Secrets != nil {
		t.Errorf("vault login record has secrets %v", o.Secrets)
	}
}

// TestLoadCanonicalObject: documented defaults are filled, secrets are references with absolute file paths,
// and IPs are one merged set.
func TestLoadCanonicalObject(t *testing.T) {
	doc, ds := Files(Options{}, "../../../examples")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	o := doc.Find(spec.Key{Kind: spec.KindMySQL, Title: "reporting-db"})
	if o == nil {
		t.Fatal("reporting-db not loaded")
	}
	abs, _ := filepath.Abs("../../../examples/secrets/reporting-db.password")
	if got := o.Secrets["password"]; got.File != abs {
		t.Errorf("password ref = %+v, want file %s", got, abs)
	}
	// ssl_verify's default is documented (unset: no verification); network_id is unmanaged.
	if _, netID := o.Attrs["network_id"]; o.Attrs["ssl_verify"] != "false" || netID || o.Attrs["port"] != "3307" {
		t.Errorf("attrs = %v", o.Attrs)
	}
	if o.IPs.String() != "10.10.40.10-10.10.40.12" {
		t.Errorf("ips = %v", o.IPs)
	}
	b := doc.Find(spec.Key{Kind: spec.KindMySQL, Title: "billing-db"})
	if got := b.IPs.String(); got != "10.10.10.181,10.10.20.0-10.10.20.15,10.10.30.1-10.10.30.9,2001:db8:10::-2001:db8:10::3" {
		t.Errorf("billing-db ips = %s", got)
	}
	if b.Attrs["hosts"] != "db1.example.com,db2.example.com" {
		t.Errorf("hosts = %q", b.Attrs["hosts"])
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const unixRecord = `
records:
  - type: unix
    title: web
    ips: [10.0.0.1]
    username: qscan
    login: {vault: Live vault, vault_app_name: a, vault_device_host: "${ip}"}
`

// TestOwnerInExactlyOneFile: a second owner is an error naming the first.
func TestOwnerInExactlyOneFile(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.yaml": "version: 1\nowner: secops\n",
		"b.yaml": "version: 1\nowner: secops\n",
	})
	_, ds := Files(Options{}, dir)
	want := filepath.Join(dir, "b.yaml") + ":2:8: owner: owner is already set at " + filepath.Join(dir, "a.yaml") + ":2:8: set it in exactly one file"
	if ds.Error() != want {
		t.Errorf("got %q\nwant %q", ds.Error(), want)
	}
}

// TestUndeclaredVaultAllowedThenCheckedLive: offline an undeclared vault is a warning; CheckVaultRefs accepts a
// vault that exists live and checks the login against its type.
func TestUndeclaredVaultAllowedThenCheckedLive(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": "version: 1\nowner: secops\n" + unixRecord})
	doc, ds := Files(Options{}, dir)
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	if ws := UndeclaredVaultWarnings(doc); len(ws) != 1 || ws.HasErrors() || !strings.Contains(ws.Error(), `vault "Live vault" is not declared`) {
		t.Errorf("offline, an undeclared vault is one warning: %v", ws)
	}
	if ds := CheckVaultRefs(doc, &spec.Document{}); !strings.Contains(ds.Error(), "neither declared under vaults nor found in Qualys") {
		t.Errorf("missing live vault: %v", ds)
	}
	live := &spec.Document{Objects: []*spec.Object{{Kind: spec.KindVault, Type: "ca_pam", Title: "Live vault"}}}
	if ds := CheckVaultRefs(doc, live); len(ds) > 0 {
		t.Errorf("live ca_pam vault: %v", ds)
	}
	live.Objects[0].Type = "thycotic"
	if ds := CheckVaultRefs(doc, live); !strings.Contains(ds.Error(), `unknown login parameter "vault_app_name"`) {
		t.Errorf("live thycotic vault: %v", ds)
	}
	live.Objects[0] = &spec.Object{Kind: spec.KindVault, Title: "Live vault", Opaque: `unknown vault type "Keeper"`}
	if ds := CheckVaultRefs(doc, live); !strings.Contains(ds.Error(), `qsync cannot represent it (unknown vault type "Keeper")`) {
		t.Errorf("live opaque vault: %v", ds)
	}
}

// TestLoadMissingPath: a missing file or an empty directory is a diagnostic, not a panic.
func TestLoadMissingPath(t *testing.T) {
	_, ds := Files(Options{}, "testdata/does-not-exist.yaml", t.TempDir())
	if len(ds) != 2 || !ds.HasErrors() {
		t.Errorf("got %v", ds)
	}
	if _, ds := Files(Options{}); !ds.HasErrors() {
		t.Error("Files(Options{}) with no paths reported nothing")
	}
}

// TestMergeKeysAndAliases: YAML anchors, aliases and merge keys work, positions stay in the file.
func TestMergeKeysAndAliases(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": `version: 1
owner: secops
records:
  - &linux
    type: unix
    title: web
    ips: [10.0.0.1]
    username: qscan
    password: {env: PW}
  - <<: *linux
    title: db
    ips: [10.0.0.2]
`})
	doc, ds := Files(Options{}, dir)
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	o := doc.Find(spec.Key{Kind: spec.KindUnix, Title: "db"})
	if o == nil || o.Attrs["username"] != "qscan" || o.Secrets["password"].Env != "PW" || o.IPs.String() != "10.0.0.2" {
		t.Errorf("merged record = %+v", o)
	}
}
