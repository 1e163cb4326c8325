package plan

import (
	"bytes"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

var update = flag.Bool("update", false, "rewrite golden files")

const owner = "secops"

var testKey = []byte("test-secret-key")

// canary is the value every test secret resolves to; it must never appear in any output.
const canary = "CANARY-s3cr3t-7f3a"

func resolveCanary(o *spec.Object, param string) (string, error) {
	return canary + "-" + param, nil
}

func ips(t testing.TB, entries ...string) spec.IPSet {
	t.Helper()
	s, err := spec.ParseIPSet(entries...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func marker(fps ...string) *spec.Marker {
	m := &spec.Marker{Owner: owner}
	for i := 0; i+1 < len(fps); i += 2 {
		if m.Fingerprints == nil {
			m.Fingerprints = map[string]string{}
		}
		m.Fingerprints[fps[i]] = fps[i+1]
	}
	return m
}

// withDefaults fills the documented defaults of o's kind into its Attrs, as the loader does.
func withDefaults(o *spec.Object) *spec.Object {
	def := o.Def()
	if o.Attrs == nil {
		o.Attrs = map[string]string{}
	}
	for _, f := range def.Fields {
		if f.Type == spec.TypeSecret || f.OmittedDefault() == "" {
			continue
		}
		if f.Basic && o.Login != nil {
			continue
		}
		if o.Attrs[f.Name] == "" {
			o.Attrs[f.Name] = f.Default
		}
	}
	return o
}

func mysql(t testing.TB, title string, id int64, ipList ...string) *spec.Object {
	o := &spec.Object{Kind: spec.KindMySQL, Title: title, ID: id, IPs: ips(t, ipList...),
		Attrs: map[string]string{"username": "scanner", "database": "mysql", "port": "3306"}}
	if id != 0 {
		o.Marker = marker()
	} else {
		o.Secrets = map[string]spec.SecretRef{"password": {Env: "MYSQL_PW"}}
	}
	return withDefaults(o)
}

func unix(t testing.TB, title string, id int64, ipList ...string) *spec.Object {
	o := &spec.Object{Kind: spec.KindUnix, Title: title, ID: id, IPs: ips(t, ipList...),
		Attrs: map[string]string{"username": "root"}}
	if id != 0 {
		o.Marker = marker()
	} else {
		o.Secrets = map[string]spec.SecretRef{"password": {Env: "UNIX_PW"}}
	}
	return withDefaults(o)
}

func vault(title string, id int64) *spec.Object {
	o := &spec.Object{Kind: spec.KindVault, Type: "ca_pam", Title: title, ID: id,
		Attrs: map[string]string{"url": "https://capam.example.com:8443", "apikey_name": "qualys-scanner"}}
	if id != 0 {
		o.Marker = marker()
	} else {
		o.Secrets = map[string]spec.SecretRef{"apikey": {Env: "CAPAM_APIKEY"}}
	}
	return withDefaults(o)
}

func doc(objs ...*spec.Object) *spec.Document {
	d := &spec.Document{Owner: owner, Objects: objs, Complete: true} // as live.Read marks a full read
	d.Sort()
	return d
}

func baseOpts() Options {
	return Options{Resolve: resolveCanary}
}

func mustBuild(t testing.TB, desired, live *spec.Document, opts Options) *Plan {
	t.Helper()
	p, err := Build(desired, live, opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return p
}

func renderAll(t testing.TB, p *Plan) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range []string{"text", "markdown", "json"} {
		var b bytes.Buffer
		if err := Render(&b, p, f, RenderOptions{}); err != nil {
			t.Fatalf("Render %s: %v", f, err)
		}
		out[f] = b.String()
	}
	var b bytes.Buffer
	if err := Render(&b, p, "text", RenderOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	out["color"] = b.String()
	return out
}

// golden compares got with testdata/golden/<file> and prints a unified diff on a mismatch; with
// -update it rewrites the file instead (review the refresh with git diff).
func golden(t *testing.T, file, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", file)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if d := unifiedDiff(path, "got", string(want), got); d != "" {
		t.Errorf("output differs from %s (go test -update accepts it):\n%s", path, d)
	}
}

// clone copies a map; unlike maps.Clone it never returns nil, so a copied object keeps a map
// where the original had none.
func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	maps.Copy(out, m)
	return out
}
