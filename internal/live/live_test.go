package live

import (
	"context"
	"errors"
	"strings"
	"sync"
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

	mu     sync.Mutex // views run at once
	viewed []int64
}

func (f *fakeReader) ListRecords(_ context.Context, t qualysclient.RecordType, _ qualysclient.ListOptions) ([]qualysclient.Record, error) {
	if err := f.listErr[t]; err != nil {
		return nil, err
	}
	return f.records[t], nil
}

func (f *fakeReader) ListVaults(context.Context) ([]qualysclient.Vault, error) { return f.vaults, nil }

func (f *fakeReader) ViewVault(_ context.Context, id int64) (qualysclient.Vault, error) {
	f.mu.Lock()
	f.viewed = append(f.viewed, id)
	f.mu.Unlock()
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
	o := ConvertRecord(spec.KindMySQL, sampleMySQL(), map[int64]string{166638: "Secret Server (renamed)"})
	if o.Opaque != "" {
		t.Fatal(o.Opaque)
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
	o := ConvertRecord(spec.KindUnix, rec, nil)
	if o.Type != "cisco" || o.Comments != "Core switches" || o.Marker == nil || o.Marker.Owner != "secops" ||
		o.Marker.Fingerprints["password"] != "0123456789ab" {
		t.Errorf("got type %q comments %q marker %+v", o.Type, o.Comments, o.Marker)
	}
	if o.IPs.String() != "10.1.0.1-10.1.0.41" {
		t.Errorf("IPs = %q, want the merged range", o.IPs)
	}
}

// TestConvertRecordOpaqueWhatItCannotRead: a record qsync cannot read is opaque with a reason
// that names the element and never quotes the value.
func TestConvertRecordOpaqueWhatItCannotRead(t *testing.T) {
	for name, tc := range map[string]struct {
		kind   spec.Kind
		rec    qualysclient.Record
		reason string
	}{
		"bad IP":                        {spec.KindUnix, qualysclient.Record{IPs: []string{"10.0.0.999"}}, "IP_SET holds an entry qsync cannot parse"},
		"bad IP, unknown sub_type":      {spec.KindUnix, qualysclient.Record{IPs: []string{"10.0.0.999"}, Fields: map[string]string{"SUB_TYPE": "juniper"}}, "IP_SET holds an entry qsync cannot parse"},
		"vault login, no vault":         {spec.KindUnix, qualysclient.Record{LoginType: "vault"}, "LOGIN_TYPE is vault but the record lists no DIGITAL_VAULT"},
		"vault login, no vault, opaque": {spec.KindUnix, qualysclient.Record{LoginType: "vault", Fields: map[string]string{"SUB_TYPE": "juniper"}}, "LOGIN_TYPE is vault but the record lists no DIGITAL_VAULT"},
		"bad boolean":                   {spec.KindUnix, qualysclient.Record{Fields: map[string]string{"CLEARTEXT_PASSWORD": "maybe"}}, "CLEARTEXT_PASSWORD holds a value that is not a boolean"},
		"port out of range":             {spec.KindUnix, qualysclient.Record{Fields: map[string]string{"PORT": "70000"}}, "PORT holds a value that is not an integer from 0 to 65535"},
		"unknown TARGET_TYPE":           {spec.KindUnix, qualysclient.Record{Fields: map[string]string{"SUB_TYPE": "cisco", "TARGET_TYPE": "JUNOS_SRX"}}, "TARGET_TYPE holds a value outside qsync's list"},
		"unknown MINIMUM_SMB_VERSION":   {spec.KindWindows, qualysclient.Record{Fields: map[string]string{"MINIMUM_SMB_VERSION": "SMB4"}}, "MINIMUM_SMB_VERSION holds a value outside qsync's list"},
	} {
		rec := tc.rec
		rec.ID, rec.Title = 5, "x"
		o := ConvertRecord(tc.kind, rec, nil)
		if !strings.HasPrefix(o.Opaque, tc.reason) || o.Attrs != nil || o.Type != "" || o.ID != 5 {
			t.Errorf("%s: opaque %q (attrs %v), want reason %q", name, o.Opaque, o.Attrs, tc.reason)
		}
		for _, v := range rec.Fields {
			if v != "cisco" && strings.Contains(o.Opaque, v) {
				t.Errorf("%s: reason %q quotes the value %q", name, o.Opaque, v)
			}
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
		o := ConvertRecord(tc.kind, rec, map[int64]string{9: "Keeper prod"})
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
		v := ConvertVault(qualysclient.Vault{ID: 7, Title: "Keeper prod", Type: "Keeper", Comments: comments,
			Fields: map[string]string{"URL": "https://keeper", "SSL_VERIFY": "maybe"}}, viewed)
		if v.Opaque != `unknown vault type "Keeper"` || v.Kind != spec.KindVault || v.Type != "" || v.Attrs != nil || v.ID != 7 ||
			v.Comments != "Hand-made" || v.Marker == nil || v.Def() != nil {
			t.Errorf("viewed=%v: got %+v", viewed, v)
		}
	}
	// A known vault type with a value qsync cannot read is opaque too, with the element named.
	if v := ConvertVault(qualysclient.Vault{Title: "x", Type: "CA PAM", Fields: map[string]string{"SSL_VERIFY": "maybe"}}, true); v.Opaque != "SSL_VERIFY holds a value that is not a boolean" || v.Attrs != nil {
		t.Errorf("bad boolean in a known vault: %+v", v)
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
	// An unreadable value makes that record opaque, not the read fail.
	f.records[qualysclient.MySQL][0].Fields["PORT"] = "22, 23"
	doc, err = Read(context.Background(), f, Options{ViewAll: true})
	if err != nil {
		t.Fatal(err)
	}
	if m := doc.Find(spec.Key{Kind: spec.KindMySQL, Title: sampleMySQL().Title}); m == nil || m.Opaque != "multiple ports in PORT (qsync models one port)" ||
		m.Login == nil || m.Login.Vault != "3_Secret Server" {
		t.Fatalf("mysql record = %+v", m)
	}
}

// unexpectedViewReader answers every vault view with an answer the client could not interpret.
type unexpectedViewReader struct{ fakeReader }

func (u *unexpectedViewReader) ViewVault(_ context.Context, id int64) (qualysclient.Vault, error) {
	return qualysclient.Vault{}, &qualysclient.UnexpectedAnswerError{Op: "view vault", Err: errors.New("no vault element")}
}

// TestReadUnexpectedVaultViewIsOpaque: a vault view the client cannot interpret makes that vault
// opaque (marker unknown, so never changed or deleted); other view errors still fail the read.
func TestReadUnexpectedVaultViewIsOpaque(t *testing.T) {
	u := &unexpectedViewReader{fakeReader{vaults: []qualysclient.Vault{{ID: 1, Title: "capam", Type: "CA PAM"}},
		records: map[qualysclient.RecordType][]qualysclient.Record{qualysclient.MySQL: {sampleMySQL()}}}}
	doc, err := Read(context.Background(), u, Options{ViewAll: true})
	if err != nil {
		t.Fatal(err)
	}
	v := doc.Find(spec.Key{Kind: spec.KindVault, Title: "capam"})
	if v == nil || v.Opaque == "" || v.ID != 1 || v.Marker != nil {
		t.Fatalf("vault = %+v", v)
	}
	f := &fakeReader{vaults: []qualysclient.Vault{{ID: 1, Title: "capam", Type: "CA PAM"}}}
	if _, err := Read(context.Background(), f, Options{ViewAll: true}); err == nil {
		t.Fatal("a failed view must still fail the read")
	}
}

// TestReadReport: the report names unexpected elements and counts the modelled ones, per type.
func TestReadReport(t *testing.T) {
	rec := sampleMySQL()
	rec.Fields["BRAND_NEW"] = "x"
	rec.Unparsed = []string{"ROOT_TOOL_INFO_LIST"}
	f := &fakeReader{
		vaults: []qualysclient.Vault{{ID: 1, Title: "capam", Type: "CA PAM"}},
		views: map[int64]qualysclient.Vault{1: {ID: 1, Title: "capam", Type: "CA PAM",
			Fields: map[string]string{"URL": "https://capam", "SSL_VERIFY": "false", "SURPRISE": "1"}}},
		records: map[qualysclient.RecordType][]qualysclient.Record{qualysclient.MySQL: {rec}},
	}
	_, rep, err := ReadReport(context.Background(), f, Options{ViewAll: true})
	if err != nil {
		t.Fatal(err)
	}
	m := reportGroup(rep, "mysql")
	if m == nil || m.Objects != 1 || m.Examined != 1 || m.Elements["PORT"] != 1 || m.Elements["CLIENT_CERT"] != 0 ||
		m.Unexpected["BRAND_NEW"] != 1 || m.Unexpected["ROOT_TOOL_INFO_LIST"] != 1 || m.Unexpected["NETWORK_ID"] != 0 {
		t.Errorf("mysql group = %+v", m)
	}
	if _, ok := m.Elements["CLIENT_CERT"]; !ok {
		t.Errorf("a modelled element never seen must be listed with 0: %v", m.Elements)
	}
	v := reportGroup(rep, "vault/ca_pam")
	if v == nil || v.Examined != 1 || v.Elements["URL"] != 1 || v.Unexpected["SURPRISE"] != 1 {
		t.Errorf("vault group = %+v", v)
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
}

// TestReadDuplicateTitlesOpaque: two live objects with one key (e.g. "a" and "a ", read alike) are both
// opaque with the reason, and the read succeeds: one bad pair does not block every owner.
func TestReadDuplicateTitlesOpaque(t *testing.T) {
	dup := &fakeReader{records: map[qualysclient.RecordType][]qualysclient.Record{
		qualysclient.MySQL: {{ID: 1, Title: "a", Fields: map[string]string{"PORT": "1"}}, {ID: 2, Title: "a"}, {ID: 3, Title: "b"}}}}
	doc, err := Read(context.Background(), dup, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, o := range doc.Objects {
		if o.Title == "a" {
			n++
			if !strings.Contains(o.Opaque, "same as that of id") || o.Attrs != nil {
				t.Errorf("id %d: opaque %q, attrs %v", o.ID, o.Opaque, o.Attrs)
			}
		}
		if o.Title == "b" && strings.Contains(o.Opaque, "same as that of id") {
			t.Errorf("b is opaque: %q", o.Opaque)
		}
	}
	if n != 2 {
		t.Errorf("%d objects titled a, want 2", n)
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

// reportGroup returns the named group of r, or nil.
func reportGroup(r *Report, name string) *Group {
	for i := range r.Groups {
		if r.Groups[i].Name == name {
			return &r.Groups[i]
		}
	}
	return nil
}

// TestReadThreeTitlesAlike: each of three objects with one key names the other two, in the order
// they were read.
func TestReadThreeTitlesAlike(t *testing.T) {
	dup := &fakeReader{records: map[qualysclient.RecordType][]qualysclient.Record{
		qualysclient.MySQL: {{ID: 1, Title: "a"}, {ID: 2, Title: "b"}, {ID: 3, Title: "a"}, {ID: 4, Title: "a"}}}}
	doc, err := Read(context.Background(), dup, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]string{1: "id 3, 4 once", 3: "id 1, 4 once", 4: "id 1, 3 once", 2: ""}
	for _, o := range doc.Objects {
		w, ok := want[o.ID]
		if !ok {
			continue
		}
		if (w == "") != (o.Opaque == "") || !strings.Contains(o.Opaque, w) {
			t.Errorf("id %d: opaque %q, want it to name %q", o.ID, o.Opaque, w)
		}
	}
}
