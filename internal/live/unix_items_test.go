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
	wantTools := []string{`tool=pbrun`, `tool=pbrun password=vault "CyberArk" {file=bbb, folder=aaa, username=aaa}`}
	if strings.Join(tools, "|") != strings.Join(wantTools, "|") {
		t.Errorf("root tools:\n%q\nwant\n%q", tools, wantTools)
	}
	if o.Opaque != "" {
		return
	}
	var out bytes.Buffer
	if err := spec.Write(&out, &spec.Document{Objects: []*spec.Object{o}}, spec.WriteOptions{SecretRefs: true}); err != nil {
		t.Fatal(err)
	}
	y := out.String()
	for _, s := range []string{"private_keys:", "root_tools:", "tool: pbrun", "QSYNC_UNIX_SSH2_RECORD_PRIVATE_KEYS_1_KEY"} {
		if !strings.Contains(y, s) {
			t.Errorf("export lacks %q:\n%s", s, y)
		}
	}
}
