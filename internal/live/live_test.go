package live

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// fakeReader serves canned list and view results and counts view calls.
type fakeReader struct {
	records map[qualysclient.RecordType][]qualysclient.Record
	vaults  []qualysclient.Vault
	views   map[int64]qualysclient.Vault
	listErr map[qualysclient.RecordType]error
	viewed  []int64
}

func (f *fakeReader) ListRecords(_ context.Context, t qualysclient.RecordType, _ qualysclient.ListOptions) ([]qualysclient.Record, error) {
	if err := f.listErr[t]; err != nil {
		return nil, err
	}
	return f.records[t], nil
}

func (f *fakeReader) ListVaults(context.Context) ([]qualysclient.Vault, error) { return f.vaults, nil }

func (f *fakeReader) ViewVault(_ context.Context, id int64) (qualysclient.Vault, error) {
	f.viewed = append(f.viewed, id)
	v, ok := f.views[id]
	if !ok {
		return qualysclient.Vault{}, errors.New("no such vault")
	}
	return v, nil
}

// sampleMySQL is the record of shared/qualys-api/samples/auth_mysql_list_output.xml as the client
// decodes it.
func sampleMySQL() qualysclient.Record {
	return qualysclient.Record{
		ID: 284212, Type: qualysclient.MySQL, Title: "api-Thycotic Secret Server_tss", Comments: "test comments",
		IPs: []string{"10.10.10.181"}, LoginType: "vault",
		Vault: &qualysclient.DigitalVault{ID: 166638, Type: "Thycotic Secret Server", Title: "3_Secret Server",
			Fields: map[string]string{"VAULT_SECRET_NAME": "secret"}},
		Fields: map[string]string{"USERNAME": "test_tss", "DATABASE": "mysql", "PORT": "22", "SSL_VERIFY": "true",
			"WINDOWS_CONF_FILE": `c:\mysql\myu.ini`, "UNIX_CONF_FILE": "", "NETWORK_ID": "0"},
		Lists: map[string][]string{"HOSTS": {"www.test.com"}},
	}
}

func TestConvertRecordSampleMySQL(t *testing.T) {
	o, err := ConvertRecord(spec.KindMySQL, sampleMySQL(), map[int64]string{166638: "Secret Server (renamed)"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"username": "test_tss", "database": "mysql", "port": "22", "ssl_verify": "true",
		"windows_config_file": `c:\mysql\myu.ini`, "network_id": "0", "hosts": "www.test.com"}
	for k, v := range want {
		if o.Attrs[k] != v {
			t.Errorf("Attrs[%s] = %q, want %q", k, o.Attrs[k], v)
		}
	}
	if _, ok := o.Attrs["unix_config_file"]; ok {
		t.Errorf("an empty element must not become an attribute: %v", o.Attrs)
	}
	if o.Login == nil || o.Login.Vault != "Secret Server (renamed)" || o.Login.Params["secret_name"] != "secret" {
		t.Errorf("login = %+v, want the vault's current title and secret_name", o.Login)
	}
	if o.IPs.String() != "10.10.10.181" || o.ID != 284212 || o.Marker != nil {
		t.Errorf("ips %q id %d marker %v", o.IPs, o.ID, o.Marker)
	}
}

func TestConvertRecordMarkerAndSubType(t *testing.T) {
	rec := qualysclient.Record{ID: 7, Type: qualysclient.Unix, Title: "core",
		Comments: "Core switches\n[managed by qsync: owner=secops fp=password:0123456789ab]",
		IPs:      []string{"10.1.0.1-10.1.0.40", "10.1.0.41"},
		Fields:   map[string]string{"SUB_TYPE": "cisco", "USERNAME": "qscan"}}
	o, err := ConvertRecord(spec.KindUnix, rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.Type != "cisco" || o.Comments != "Core switches" || o.Marker == nil || o.Marker.Owner != "secops" ||
		o.Marker.Fingerprints["password"] != "0123456789ab" {
		t.Errorf("got type %q comments %q marker %+v", o.Type, o.Comments, o.Marker)
	}
	if o.IPs.String() != "10.1.0.1-10.1.0.41" {
		t.Errorf("IPs = %q, want the merged range", o.IPs)
	}
}

func TestConvertRecordRejectsWhatItCannotRead(t *testing.T) {
	for name, rec := range map[string]qualysclient.Record{
		"bad IP":                        {Title: "x", IPs: []string{"10.0.0.999"}},
		"bad IP, opaque":                {Title: "x", IPs: []string{"10.0.0.999"}, Fields: map[string]string{"SUB_TYPE": "juniper"}},
		"vault login, no vault":         {Title: "x", LoginType: "vault"},
		"vault login, no vault, opaque": {Title: "x", LoginType: "vault", Fields: map[string]string{"SUB_TYPE": "juniper"}},
		"bad boolean":                   {Title: "x", Fields: map[string]string{"CLEARTEXT_PASSWORD": "maybe"}},
	} {
		if _, err := ConvertRecord(spec.KindUnix, rec, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestConvertOpaque(t *testing.T) {
	const comments = "Hand-made\n[managed by qsync: owner=netops]"
	for name, tc := range map[string]struct {
		kind spec.Kind
		rec  qualysclient.Record
		want string
	}{
		"unknown sub_type": {spec.KindUnix, qualysclient.Record{Fields: map[string]string{"SUB_TYPE": "juniper", "CLEARTEXT_PASSWORD": "maybe"}},
			`unknown sub_type "juniper"`},
		"sub_type on mysql": {spec.KindMySQL, qualysclient.Record{Fields: map[string]string{"SUB_TYPE": "galera"}}, `unknown sub_type "galera"`},
		"unknown login vault type": {spec.KindMySQL, qualysclient.Record{LoginType: "vault", Fields: map[string]string{"USERNAME": "u"},
			Vault: &qualysclient.DigitalVault{ID: 9, Type: "Keeper", Title: "old title", Fields: map[string]string{"VAULT_X": "y"}}},
			`logs in through unknown vault type "Keeper"`},
	} {
		rec := tc.rec
		rec.ID, rec.Title, rec.Comments, rec.IPs = 42, "odd", comments, []string{"10.0.0.1-10.0.0.3", "10.0.0.4"}
		o, err := ConvertRecord(tc.kind, rec, map[int64]string{9: "Keeper prod"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if o.Opaque != tc.want || o.Kind != tc.kind || o.Title != "odd" || o.ID != 42 || o.Type != "" || o.Attrs != nil ||
			o.IPs.String() != "10.0.0.1-10.0.0.4" || o.Comments != "Hand-made" || o.Marker == nil || o.Marker.Owner != "netops" {
			t.Errorf("%s: got %+v", name, o)
		}
		if rec.Vault != nil && (o.Login == nil || o.Login.Vault != "Keeper prod" || o.Login.Params != nil) {
			t.Errorf("%s: login = %+v, want only the vault's title", name, o.Login)
		} else if rec.Vault == nil && o.Login != nil {
			t.Errorf("%s: login = %+v", name, o.Login)
		}
	}

	for _, viewed := range []bool{false, true} {
		v, err := ConvertVault(qualysclient.Vault{ID: 7, Title: "Keeper prod", Type: "Keeper", Comments: comments,
			Fields: map[string]string{"URL": "https://keeper", "SSL_VERIFY": "maybe"}}, viewed)
		if err != nil {
			t.Fatal(err)
		}
		if v.Opaque != `unknown vault type "Keeper"` || v.Kind != spec.KindVault || v.Type != "" || v.Attrs != nil || v.ID != 7 ||
			v.Comments != "Hand-made" || v.Marker == nil || v.Def() != nil {
			t.Errorf("viewed=%v: got %+v", viewed, v)
		}
	}
	// A known vault type keeps its errors.
	if _, err := ConvertVault(qualysclient.Vault{Title: "x", Type: "CA PAM", Fields: map[string]string{"SSL_VERIFY": "maybe"}}, true); err == nil {
		t.Error("bad boolean in a known vault: no error")
	}
}

func TestReadKeepsOpaqueObjects(t *testing.T) {
	f := &fakeReader{
		vaults: []qualysclient.Vault{{ID: 1, Title: "Keeper prod", Type: "Keeper"}},
		views:  map[int64]qualysclient.Vault{1: {ID: 1, Title: "Keeper prod", Type: "Keeper", Comments: "[managed by qsync: owner=secops]"}},
		records: map[qualysclient.RecordType][]qualysclient.Record{
			qualysclient.Unix:  {{ID: 2, Title: "juniper", IPs: []string{"10.0.0.1"}, Fields: map[string]string{"SUB_TYPE": "juniper"}}},
			qualysclient.MySQL: {sampleMySQL()},
		},
	}
	doc, err := Read(context.Background(), f, Options{ViewAll: true})
	if err != nil {
		t.Fatal(err)
	}
	k := doc.Find(spec.Key{Kind: spec.KindVault, Title: "Keeper prod"})
	j := doc.Find(spec.Key{Kind: spec.KindUnix, Title: "juniper"})
	m := doc.Find(spec.Key{Kind: spec.KindMySQL, Title: sampleMySQL().Title})
	if k == nil || k.Opaque == "" || k.Marker == nil || j == nil || j.Opaque == "" || m == nil || m.Opaque != "" {
		t.Fatalf("objects: %+v %+v %+v", k, j, m)
	}
	// Other problems still fail the read.
	f.records[qualysclient.Unix][0].IPs = []string{"10.0.0.999"}
	if _, err := Read(context.Background(), f, Options{ViewAll: true}); err == nil || !strings.Contains(err.Error(), "IP list") {
		t.Fatalf("err = %v, want an IP list error", err)
	}
}

func TestReadViewsOnlyNamedVaults(t *testing.T) {
	f := &fakeReader{
		vaults: []qualysclient.Vault{{ID: 1, Title: "named", Type: "CA PAM"}, {ID: 2, Title: "other", Type: "CA PAM"}},
		views: map[int64]qualysclient.Vault{1: {ID: 1, Title: "named", Type: "CA PAM",
			Fields: map[string]string{"URL": "https://capam", "SSL_VERIFY": "false", "APIKEY_NAME": "q"}}},
		records: map[qualysclient.RecordType][]qualysclient.Record{qualysclient.MySQL: {sampleMySQL()}},
	}
	doc, err := Read(context.Background(), f, Options{ViewVault: func(t string) bool { return t == "named" }})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.viewed) != 1 || f.viewed[0] != 1 {
		t.Errorf("viewed %v, want only vault 1", f.viewed)
	}
	named := doc.Find(spec.Key{Kind: spec.KindVault, Title: "named"})
	if named == nil || named.Attrs["url"] != "https://capam" || named.Attrs["ssl_verify"] != "false" {
		t.Errorf("named vault = %+v", named)
	}
	if other := doc.Find(spec.Key{Kind: spec.KindVault, Title: "other"}); other == nil || other.Attrs != nil {
		t.Errorf("unviewed vault must have no settings: %+v", other)
	}
	if doc.Objects[0].Kind != spec.KindVault || doc.Objects[len(doc.Objects)-1].Kind != spec.KindMySQL {
		t.Errorf("document not sorted vaults first")
	}
}

func TestReadFailsClosed(t *testing.T) {
	f := &fakeReader{listErr: map[qualysclient.RecordType]error{qualysclient.Unix: errors.New("page 2: connection reset")}}
	if _, err := Read(context.Background(), f, Options{}); err == nil || !strings.Contains(err.Error(), "unix") {
		t.Fatalf("err = %v, want a failed unix read", err)
	}
	dup := &fakeReader{records: map[qualysclient.RecordType][]qualysclient.Record{
		qualysclient.MySQL: {{ID: 1, Title: "a", Fields: map[string]string{"PORT": "1"}}, {ID: 2, Title: "a"}}}}
	if _, err := Read(context.Background(), dup, Options{}); err == nil || !strings.Contains(err.Error(), "two objects") {
		t.Fatalf("err = %v, want a duplicate-key error", err)
	}
}

func TestReadVaultsOnlyListsNoRecords(t *testing.T) {
	fail := errors.New("records must not be listed")
	f := &fakeReader{
		vaults:  []qualysclient.Vault{{ID: 1, Title: "v", Type: "CA PAM"}},
		listErr: map[qualysclient.RecordType]error{qualysclient.MySQL: fail, qualysclient.Unix: fail, qualysclient.Windows: fail},
	}
	doc, err := Read(context.Background(), f, Options{VaultsOnly: true, Kinds: []spec.Kind{spec.KindMySQL}})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Objects) != 1 || doc.Objects[0].Kind != spec.KindVault {
		t.Fatalf("objects = %+v, want the vault only", doc.Objects)
	}
}
