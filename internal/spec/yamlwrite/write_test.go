package yamlwrite

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/spec/load"
)

// docJSON is the comparable form of a Document (positions are not part of it).
func docJSON(t *testing.T, d *spec.Document) string {
	t.Helper()
	d.Sort()
	b, err := json.MarshalIndent(struct {
		Owner   string
		Objects []*spec.Object
	}{d.Owner, d.Objects}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeAndLoad(t *testing.T, doc *spec.Document, opts Options) (*spec.Document, spec.Diagnostics, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, doc, opts); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "export.yaml")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// The examples' {file: ...} references point into the repository, outside the temporary
	// directory: allow the repository as the secret directory, as QSYNC_SECRET_DIR would.
	repo, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	got, ds := load.Files(load.Options{SecretDir: repo}, path)
	return got, ds, buf.String()
}

// TestWriteRoundTrip: load.Files(load.Options{}, Write(doc)) equals doc for every example.
func TestWriteRoundTrip(t *testing.T) {
	doc, ds := load.Files(load.Options{}, "../../../examples")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	got, ds, out := writeAndLoad(t, doc, Options{SchemaPath: "../schema/qsync.schema.json"})
	if len(ds) > 0 {
		t.Fatalf("written YAML does not load:\n%s\n%s", ds.Error(), out)
	}
	if a, b := docJSON(t, doc), docJSON(t, got); a != b {
		t.Errorf("round trip changed the document\nwritten:\n%s\nbefore:\n%s\nafter:\n%s", out, a, b)
	}
	for _, want := range []string{
		"# yaml-language-server: $schema=../schema/qsync.schema.json\nversion: 1\nowner: secops\nvaults:\n",
		"comments: |-\n      Standalone servers outside the domain.\n",
		`minimum_smb_version: "3.0"`,
		`ips: [10.10.10.181, 10.10.20.0-10.10.20.15, 10.10.30.1-10.10.30.9, '2001:db8:10::-2001:db8:10::3']`,
		"password: {env: CISCO_PW}",
		"- type: ms_sql\n    provider_name: azure\n    title: azure-sql-orders\n",
		`login: {vault: CA PAM prod, vault_app_name: qualys, vault_device_name: '${nbhost}'}`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("written YAML lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "vaults:") > strings.Index(out, "records:") {
		t.Error("records written before vaults")
	}
}

// TestWriteExportAddsSecretRefs: a live document (no secrets) exports to YAML that loads, with
// predictable environment variable names for the secrets it needs.
func TestWriteExportAddsSecretRefs(t *testing.T) {
	ips, _ := spec.ParseIPSet("10.1.0.1-10.1.0.40")
	live := &spec.Document{Owner: "secops", Objects: []*spec.Object{
		{Kind: spec.KindUnix, Type: "cisco", Title: "core-switches", IPs: ips, ID: 7,
			Attrs: map[string]string{"username": "qscan", "cleartext_password": "false", "network_id": "0", "use_agentless_tracking": "false"}},
		{Kind: spec.KindVault, Type: "ca_pam", Title: "CA PAM prod", ID: 9,
			Attrs: map[string]string{"url": "https://capam.example.com", "ssl_verify": "true", "apikey_name": "q"}},
		{Kind: spec.KindVault, Type: "hashicorp", Title: "HashiCorp", Attrs: map[string]string{"url": "https://v.example.com",
			"auth_type": "userpass", "username": "u", "api_version": "v1", "ssl_verify": "true"}},
		{Kind: spec.KindVault, Type: "beyondtrust", Title: "BT", Attrs: map[string]string{"url": "https://bt.example.com",
			"username": "u", "cert": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "ssl_verify": "true"}},
		{Kind: spec.KindWindows, Title: "corp", IPs: ips, Login: &spec.VaultLogin{Vault: "CA PAM prod",
			Params: map[string]string{"vault_app_name": "a", "vault_device_name": "${nbhost}"}},
			Attrs: map[string]string{"username": "svc"}},
	}}
	got, ds, out := writeAndLoad(t, live, Options{SecretRefs: true})
	if len(ds) > 0 {
		t.Fatalf("export does not load:\n%s\n%s", ds.Error(), out)
	}
	for _, want := range []string{"password: {env: QSYNC_UNIX_CORE_SWITCHES_PASSWORD}", "apikey: {env: QSYNC_VAULT_CA_PAM_PROD_APIKEY}",
		"password: {env: QSYNC_VAULT_HASHICORP_PASSWORD}", "private_key: {env: QSYNC_VAULT_BT_PRIVATE_KEY}",
		"appkey: {env: QSYNC_VAULT_BT_APPKEY}"} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "QSYNC_WINDOWS") {
		t.Errorf("export asks for a password of a vault-login record:\n%s", out)
	}
	if o := got.Find(spec.Key{Kind: spec.KindUnix, Title: "core-switches"}); o == nil || !o.IPs.Equal(ips) {
		t.Errorf("core-switches = %+v", o)
	}
}

func TestSecretEnvName(t *testing.T) {
	for _, c := range []struct {
		name               string
		kind               spec.Kind
		title, param, want string
	}{
		{"dash becomes underscore", spec.KindUnix, "core-switches", "password", "QSYNC_UNIX_CORE_SWITCHES_PASSWORD"},
		{"spaces and case", spec.KindVault, "CA PAM prod", "apikey", "QSYNC_VAULT_CA_PAM_PROD_APIKEY"},
		{"runs of punctuation collapse", spec.KindMySQL, "  billing -- db (EU)  ", "client_key", "QSYNC_MYSQL_BILLING_DB_EU_CLIENT_KEY"},
		{"non-ASCII title", spec.KindWindows, "Zürich", "password", "QSYNC_WINDOWS_Z_RICH_PASSWORD"},
		{"title without letters", spec.KindWindows, "---", "password", "QSYNC_WINDOWS_X_PASSWORD"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := spec.SecretEnvName(c.kind, c.title, c.param); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestEnvNamesUnique(t *testing.T) {
	var objs []*spec.Object
	for _, title := range []string{"db-1", "db_1", "DB 1", "🔥", "🚀", "plain"} {
		objs = append(objs, &spec.Object{Kind: spec.KindMySQL, Title: title})
	}
	n := NewEnvNames(objs)
	seen := map[string]string{}
	for _, o := range objs {
		name := n.Name(o.Kind, o.Title, "password")
		if prev, dup := seen[name]; dup {
			t.Errorf("%q and %q share %s", prev, o.Title, name)
		}
		seen[name] = o.Title
	}
	if got := n.Name(spec.KindMySQL, "plain", "password"); got != "QSYNC_MYSQL_PLAIN_PASSWORD" {
		t.Errorf("plain = %s", got)
	}
	if base, ok := n.Shared(n.Name(spec.KindMySQL, "🔥", "password")); !ok || base != "QSYNC_MYSQL_X_PASSWORD" {
		t.Errorf("shared = %q %v", base, ok)
	}
	// Stable: the same name whatever the order and whatever else is exported with it.
	if a, b := NewEnvNames(objs[:2]).Name(spec.KindMySQL, "db-1", "password"), n.Name(spec.KindMySQL, "db-1", "password"); a != b {
		t.Errorf("%s != %s", a, b)
	}
}
