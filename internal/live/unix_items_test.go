package live

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/spec/load"
	"github.com/qsync/qsync/internal/spec/yamlwrite"
)

// TestUnixKeysAndToolsSample converts the official list sample with root tools and private keys
// (Qualys-API-Doc-Center "Unix Authentication API samples/") into the model and writes it as YAML:
// types and vault references, no key material, basic secrets as placeholders.
func TestUnixKeysAndToolsSample(t *testing.T) {
	body, err := os.ReadFile("testdata/auth_unix_list_keys_tools.xml")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	defer srv.Close()
	c, err := qualysclient.New(qualysclient.Config{BaseURL: srv.URL, Username: "u", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := c.ListRecords(context.Background(), qualysclient.Unix, qualysclient.ListOptions{})
	if err != nil || len(recs) != 1 {
		t.Fatalf("ListRecords: %v, %d records", err, len(recs))
	}
	o := ConvertRecord(spec.KindUnix, recs[0], map[int64]string{25026922: "CyberArk"})
	if o.Opaque != "" && !strings.Contains(o.Opaque, "PORT") {
		t.Fatalf("opaque: %s", o.Opaque)
	}
	keys := spec.ItemTexts(spec.Lookup(spec.KindUnix, "").Field("private_keys"), o.Items["private_keys"])
	want := []string{`key=vault "CyberArk" {file=gggg, folder=fff} certificate_type=x.509`, `type=rsa key=basic certificate_type=openssh`}
	if strings.Join(keys, "|") != strings.Join(want, "|") {
		t.Errorf("private keys:\n%q\nwant\n%q", keys, want)
	}
	tools := spec.ItemTexts(spec.Lookup(spec.KindUnix, "").Field("root_tools"), o.Items["root_tools"])
	// Root tools are tried in order: kept as listed (the sample lists the vault one first).
	wantTools := []string{`tool=pbrun password=vault "CyberArk" {file=bbb, folder=aaa, username=aaa}`, `tool=pbrun`}
	if strings.Join(tools, "|") != strings.Join(wantTools, "|") {
		t.Errorf("root tools:\n%q\nwant\n%q", tools, wantTools)
	}
	if o.Opaque != "" {
		return
	}
	var out bytes.Buffer
	if err := yamlwrite.Write(&out, &spec.Document{Owner: "secops", Objects: []*spec.Object{o}}, yamlwrite.Options{SecretRefs: true}); err != nil {
		t.Fatal(err)
	}
	y := out.String()
	if strings.Contains(y, "BEGIN") {
		t.Errorf("export holds key material:\n%s", y)
	}
	path := t.TempDir() + "/export.yaml"
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	doc, diags := load.Files(load.Options{}, path)
	if diags.HasErrors() {
		t.Fatalf("exported YAML does not load: %v\n%s", diags, y)
	}
	d := doc.Objects[0]
	for _, name := range []string{"private_keys", "root_tools"} {
		fd := spec.Lookup(spec.KindUnix, "").Field(name)
		if a, b := spec.ItemTexts(fd, d.Items[name]), spec.ItemTexts(fd, o.Items[name]); strings.Join(a, "|") != strings.Join(b, "|") {
			t.Errorf("%s after export and load: %q, live %q", name, a, b)
		}
	}
	for _, s := range []string{"private_keys:", "root_tools:", "tool: pbrun", "QSYNC_UNIX_SSH2_RECORD_PRIVATE_KEYS_1_KEY"} {
		if !strings.Contains(y, s) {
			t.Errorf("export lacks %q:\n%s", s, y)
		}
	}
}
