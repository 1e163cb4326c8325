package plantest

import (
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

// Owner is the owner of every fixture document and marker.
const Owner = "secops"

// Canary is the value every test secret resolves to; it must never appear in any output.
const Canary = "CANARY-s3cr3t-7f3a"

// ResolveCanary resolves every secret parameter to the canary (plan.Options.Resolve).
func ResolveCanary(o *spec.Object, param string) (string, error) {
	return Canary + "-" + param, nil
}

// IPs parses entries into an IP set, failing the test on a bad entry.
func IPs(t testing.TB, entries ...string) spec.IPSet {
	t.Helper()
	s, err := spec.ParseIPSet(entries...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Marker is Owner's ownership marker with the given fingerprints (name, value pairs).
func Marker(fps ...string) *spec.Marker {
	m := &spec.Marker{Owner: Owner}
	for i := 0; i+1 < len(fps); i += 2 {
		if m.Fingerprints == nil {
			m.Fingerprints = map[string]string{}
		}
		m.Fingerprints[fps[i]] = fps[i+1]
	}
	return m
}

// WithDefaults fills the documented defaults of o's kind into its Attrs, as the loader does.
func WithDefaults(o *spec.Object) *spec.Object {
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

// MySQL is a managed live MySQL record (id != 0, with Owner's marker) or a desired one (id 0,
// with a password reference).
func MySQL(t testing.TB, title string, id int64, ipList ...string) *spec.Object {
	o := &spec.Object{Kind: spec.KindMySQL, Title: title, ID: id, IPs: IPs(t, ipList...),
		Attrs: map[string]string{"username": "scanner", "database": "mysql", "port": "3306"}}
	if id != 0 {
		o.Marker = Marker()
	} else {
		o.Secrets = map[string]spec.SecretRef{"password": {Env: "MYSQL_PW"}}
	}
	return WithDefaults(o)
}

// Unix is a managed live unix record (id != 0) or a desired one (id 0, with a password reference).
func Unix(t testing.TB, title string, id int64, ipList ...string) *spec.Object {
	o := &spec.Object{Kind: spec.KindUnix, Title: title, ID: id, IPs: IPs(t, ipList...),
		Attrs: map[string]string{"username": "root"}}
	if id != 0 {
		o.Marker = Marker()
	} else {
		o.Secrets = map[string]spec.SecretRef{"password": {Env: "UNIX_PW"}}
	}
	return WithDefaults(o)
}

// Vault is a managed live CA PAM vault (id != 0) or a desired one (id 0, with an API key
// reference).
func Vault(title string, id int64) *spec.Object {
	o := &spec.Object{Kind: spec.KindVault, Type: "ca_pam", Title: title, ID: id,
		Attrs: map[string]string{"url": "https://capam.example.com:8443", "apikey_name": "qualys-scanner"}}
	if id != 0 {
		o.Marker = Marker()
	} else {
		o.Secrets = map[string]spec.SecretRef{"apikey": {Env: "CAPAM_APIKEY"}}
	}
	return WithDefaults(o)
}

// Doc is a complete, sorted document of Owner holding objs (as live.Read marks a full read).
func Doc(objs ...*spec.Object) *spec.Document {
	d := &spec.Document{Owner: Owner, Objects: objs, Complete: true}
	d.Sort()
	return d
}

// NoSecrets drops o's secret references and returns o.
func NoSecrets(o *spec.Object) *spec.Object { o.Secrets = nil; return o }
