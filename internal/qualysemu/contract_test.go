package qualysemu

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/qualysemu/faults"
)

// The samples are the Qualys response bodies collected in
// shared/qualys-api/samples (outside this repository, so CI checkouts lack
// it) and committed verbatim, README included, in two copies:
// testdata/samples here and clientSamples for the client's decoding tests.
// The tests read only the committed copies; TestSampleCopiesIdentical proves
// the two are the same, and TestSampleCopiesMatchShared that they are the
// research folder's current files wherever that folder is present. Each
// sample's leading comment names the request that produced it; contractCases
// sends that same request (curl -d bodies, as printed in the seed documents)
// to the emulator.
const (
	emuSamples    = "testdata/samples"
	clientSamples = "../qualysclient/testdata/samples"
	// sharedSamples is the research folder beside the checkout (…/shared
	// next to the repository or worktree directory).
	sharedSamples = "../../../shared/qualys-api/samples"
)

// contractSeed is the live estate the printed requests assume: the vaults
// they name and the records they update or list.
const contractSeed = `
vaults:
  - id: 166638
    type: Thycotic Secret Server
    title: 3_Secret Server
    params: {url: "https://tss.example.com", username: svc, password: tss-pw}
  - id: 910196
    type: CA PAM
    title: CA PAM VAULT
    params: {url: "https://capam.example.com:8443", ssl_verify: 0, apikey_name: aaa, apikey: k1}
  - id: 1958818
    type: CA PAM
    title: CA PAM devices
    params: {url: "https://capam2.example.com", ssl_verify: 1, apikey_name: bbb, apikey: k2}
records:
  - id: 284212
    type: mysql
    vault: 3_Secret Server
    params:
      title: api-Thycotic Secret Server_tss
      username: test_tss
      database: mysql
      port: 22
      hosts: [www.test.com]
      ips: 10.10.10.181
      ssl_verify: true
      secret_name: secret
      windows_config_file: 'c:\mysql\myu.ini'
      comments: test comments
  - id: 137296922
    type: mysql
    params: {title: old-password, username: dbuser, password: OLDPASSWORD, database: mysql, port: 3306, ips: 10.10.10.200}
`

// The requests printed in seed 000 (MySQL record page) and seed 004 (CA PAM
// release notes), OCR-cleaned as in the sample comments.
const (
	seed000Create = `action=create&ips=10.10.10.181&username=USERNAME&title=NewMySQLRecord&ssl_verify=1&hosts=www.test.com&login_type=vault&vault_type=Thycotic Secret Server&vault_id=166638&secret_name=secret&comments=test comments&port=22&database=mysql&windows_config_file=c:\mysql\myu.ini`
	seed000Update = `action=update&ids=137296922&password=NEWPASSWORD`
	seed000List   = `action=list&ids=284212`

	seed004VaultCreate = `action=create&type=CA PAM&title=My CA PAM Vault&url=https://capam.example.com:8443&ssl_verify=0&apikey_name=aaa&apikey=12345&comments=Creating CA PAM Vault`
	seed004VaultUpdate = `action=update&id=910196&type=CA PAM&title=My CA PAM Vault&ssl_verify=1`
	seed004VaultList   = `action=list`
	seed004UnixCreate  = `action=create&title=API Unix Auth&username=root&ips=10.10.36.79&port=5857&login_type=vault&vault_id=1958818&vault_type=CA PAM&vault_app_name=Device1&vault_device_host=10.10.30.x`
	seed004WinCreate   = `action=create&title=API Windows Auth&username=root&ips=10.10.36.79&use_agentless_tracking=1&require_smb_signing=1&login_type=vault&vault_id=1958818&vault_type=CA PAM&vault_app_name=Device1&vault_device_host=10.10.30.x`
)

func seededEmu(t *testing.T, mods ...func(*Config)) *emu {
	t.Helper()
	e := newEmu(t, mods...)
	if err := e.s.LoadSeed(strings.NewReader(contractSeed)); err != nil {
		t.Fatal(err)
	}
	return e
}

// contractCases maps each sample file to the emulator's answer to the same
// request. Each case may return several documents for a wrapper sample.
var contractCases = map[string]func(t *testing.T) []*xnode{
	"auth_mysql_create_vault_batch_return.xml": func(t *testing.T) []*xnode {
		return []*xnode{seededEmu(t).ok(mysqlPath, seed000Create).doc}
	},
	"auth_mysql_update_batch_return.xml": func(t *testing.T) []*xnode {
		return []*xnode{seededEmu(t).ok(mysqlPath, seed000Update).doc}
	},
	"auth_mysql_list_output.xml": func(t *testing.T) []*xnode {
		return []*xnode{seededEmu(t).ok(mysqlPath, seed000List).doc}
	},
	"auth_unix_create_ca_pam_batch_return.normalized.xml": func(t *testing.T) []*xnode {
		return []*xnode{seededEmu(t).ok(unixPath, seed004UnixCreate).doc}
	},
	"vault_create_ca_pam_simple_return.normalized.xml": func(t *testing.T) []*xnode {
		return []*xnode{seededEmu(t).ok(vaultPath+"index.php/", seed004VaultCreate).doc}
	},
	"vault_update_ca_pam_simple_return.normalized.xml": func(t *testing.T) []*xnode {
		return []*xnode{seededEmu(t).ok(vaultPath+"index.php/", seed004VaultUpdate).doc}
	},
	"vault_list_output_ca_pam.normalized.xml": func(t *testing.T) []*xnode {
		e := newEmu(t)
		e.ok(vaultPath+"index.php/", seed004VaultCreate)
		return []*xnode{e.ok(vaultPath+"index.php/", seed004VaultList).doc}
	},
	"error_limit_fixtures_1960_1965_2003_2011.xml": func(t *testing.T) []*xnode {
		// FIXTURES is a wrapper, not a Qualys element: answer with a
		// wrapper holding the emulator's 1960 and 1965 bodies, in the
		// fixture's order (1960, 1965, then 1965 again as the model for
		// the 2003 and 2011 bodies, which share the SIMPLE_RETURN shape).
		e := newEmu(t, func(c *Config) { c.RateLimit = 1 })
		e.ok(mysqlPath, "action=list")
		rate := e.post(mysqlPath, "action=list")
		rate.wantError(t, 409, 1965, "This API cannot be run again for another ...")
		e.s.AddFault(mustFault(t, "any:1:409=1960"))
		conc := e.post(authPath, "action=list")
		conc.wantError(t, 409, 1960, "This API cannot be run again until ...")
		return []*xnode{{Name: "FIXTURES", Kids: []*xnode{conc.doc, rate.doc, rate.doc, rate.doc}}}
	},
}

func mustFault(t *testing.T, spec string) faults.Fault {
	t.Helper()
	f, err := faults.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestContractSamples(t *testing.T) { runContract(t, emuSamples) }

// TestSampleCopiesIdentical runs everywhere, CI included: the emulator's
// contract and the client's decoding are checked against the same bodies.
func TestSampleCopiesIdentical(t *testing.T) {
	emu, client := readSampleDir(t, emuSamples), readSampleDir(t, clientSamples)
	if len(emu) == 0 {
		t.Fatalf("%s holds no samples", emuSamples)
	}
	diffSampleDirs(t, emuSamples, emu, clientSamples, client)
}

// TestSampleCopiesMatchShared checks the committed copies against the
// research folder. It can only run where that folder exists (not in a clean
// CI clone); TestSampleCopiesIdentical does not depend on it.
func TestSampleCopiesMatchShared(t *testing.T) {
	if _, err := os.Stat(sharedSamples); err != nil {
		t.Skipf("%s not present (clean clone): %v", sharedSamples, err)
	}
	diffSampleDirs(t, sharedSamples, readSampleDir(t, sharedSamples), emuSamples, readSampleDir(t, emuSamples))
}

// readSampleDir returns every file of dir by name.
func readSampleDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if e.IsDir() {
			t.Errorf("%s: unexpected directory %s", dir, e.Name())
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

// diffSampleDirs fails for every file that is in only one of the two sets
// or differs in its bytes.
func diffSampleDirs(t *testing.T, aDir string, a map[string][]byte, bDir string, b map[string][]byte) {
	t.Helper()
	for _, name := range slices.Sorted(maps.Keys(a)) {
		other, ok := b[name]
		switch {
		case !ok:
			t.Errorf("%s is in %s but not in %s", name, aDir, bDir)
		case !bytes.Equal(a[name], other):
			t.Errorf("%s differs between %s and %s", name, aDir, bDir)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(b)) {
		if _, ok := a[name]; !ok {
			t.Errorf("%s is in %s but not in %s", name, bDir, aDir)
		}
	}
	if t.Failed() {
		t.Logf("the sample copies must stay verbatim: refresh both with cp %s/* %s/ and cp %s/* %s/", sharedSamples, emuSamples, sharedSamples, clientSamples)
	}
}

// runContract compares the emulator's answers with every sample in dir
// element by element: same elements, order and nesting; values may differ.
func runContract(t *testing.T, dir string) {
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples in %s (%v)", dir, err)
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			mk, ok := contractCases[name]
			if !ok {
				t.Fatalf("no contract case for sample %s: add one", name)
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want := parseXML(t, string(data))
			gotDocs := mk(t)
			got := gotDocs[0]
			if want.Name == "FIXTURES" {
				for i, w := range want.Kids {
					g := got.Kids[i]
					if wc, gc := w.text("RESPONSE/CODE"), g.text("RESPONSE/CODE"); (wc == "1960" || wc == "1965") && wc != gc {
						t.Errorf("fixture %d: CODE %s, emulator %s", i, wc, gc)
					}
					if wk, gk := w.text("RESPONSE/ITEM_LIST/ITEM/KEY"), g.text("RESPONSE/ITEM_LIST/ITEM/KEY"); i < 2 && wk != gk {
						t.Errorf("fixture %d: ITEM KEY %s, emulator %s", i, wk, gk)
					}
				}
			}
			compareShape(t, want, got, want.Name)
		})
	}
}

// compareShape fails when the element trees differ in names, order or
// nesting.
func compareShape(t *testing.T, want, got *xnode, path string) {
	t.Helper()
	if want.Name != got.Name {
		t.Errorf("%s: element %s, emulator has %s", path, want.Name, got.Name)
		return
	}
	if w, g := want.names(), got.names(); !slices.Equal(w, g) {
		t.Errorf("%s: children\n  sample:   %v\n  emulator: %v", path, w, g)
		return
	}
	for i := range want.Kids {
		compareShape(t, want.Kids[i], got.Kids[i], path+"/"+want.Kids[i].Name)
	}
}

// TestContractListValues goes further for the list sample: every value
// except the DATETIMEs and the creator matches, since the seed recreates
// the documented record.
func TestContractListValues(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(emuSamples, "auth_mysql_list_output.xml"))
	if err != nil {
		t.Fatal(err)
	}
	want := parseXML(t, string(data))
	got := seededEmu(t).ok(mysqlPath, seed000List).doc
	var walk func(w, g *xnode, path string)
	walk = func(w, g *xnode, path string) {
		if len(w.Kids) == 0 && w.Name != "DATETIME" && w.Name != "BY" && w.Text != g.Text {
			t.Errorf("%s = %q, sample %q", path, g.Text, w.Text)
		}
		for i := range w.Kids {
			if i < len(g.Kids) {
				walk(w.Kids[i], g.Kids[i], path+"/"+w.Kids[i].Name)
			}
		}
	}
	walk(want, got, want.Name)
}

// TestSeedDocumentRequests sends every curl request printed in the two seed
// documents to one emulator and checks the documented answer shapes.
func TestSeedDocumentRequests(t *testing.T) {
	e := seededEmu(t)
	batch := func(path, form, text string) {
		t.Helper()
		r := e.ok(path, form)
		if r.doc.Name != "BATCH_RETURN" || r.doc.text("RESPONSE/BATCH_LIST/BATCH/TEXT") != text ||
			r.doc.find("RESPONSE/BATCH_LIST/BATCH/ID_SET/ID") == nil {
			t.Errorf("%s %s:\n%s", path, form, r.body)
		}
	}
	batch(mysqlPath, seed000Create, "Successfully Created")
	batch(mysqlPath, seed000Update, "Successfully Updated")
	if got := e.s.Snapshot(); recordByTitle(got, "old-password").Params["password"] != "NEWPASSWORD" {
		t.Errorf("password not updated")
	}
	if r := e.ok(mysqlPath, seed000List); r.doc.text("RESPONSE/AUTH_MYSQL_LIST/AUTH_MYSQL/ID") != "284212" {
		t.Errorf("list:\n%s", r.body)
	}
	simple := func(form string) *reply {
		t.Helper()
		r := e.ok(vaultPath+"index.php/", form)
		if r.doc.Name != "SIMPLE_RETURN" || r.doc.text("RESPONSE/TEXT") != "Success" ||
			r.doc.text("RESPONSE/ITEM_LIST/ITEM/KEY") != "ID" {
			t.Errorf("vault %s:\n%s", form, r.body)
		}
		return r
	}
	created := simple(seed004VaultCreate).doc.text("RESPONSE/ITEM_LIST/ITEM/VALUE")
	// The printed update renames vault 910196 to the title just created;
	// titles are unique among vaults, so rename the new one first.
	e.ok(vaultPath, "action=update&id="+created+"&type=CA PAM&title=Renamed&ssl_verify=0")
	if got := simple(seed004VaultUpdate).doc.text("RESPONSE/ITEM_LIST/ITEM/VALUE"); got != "910196" {
		t.Errorf("vault update echoed ID %s", got)
	}
	if r := e.ok(vaultPath+"index.php/", seed004VaultList); r.doc.text("RESPONSE/COUNT") != "4" {
		t.Errorf("vault list:\n%s", r.body)
	}
	batch(unixPath, seed004UnixCreate, "Successfully Created")
	batch(windowsPath, seed004WinCreate, "Successfully Created")
	r := e.ok(windowsPath, "action=list&title=API Windows Auth")
	dv := r.doc.find("RESPONSE/AUTH_WINDOWS_LIST/AUTH_WINDOWS/DIGITAL_VAULT")
	if dv == nil || dv.text("VAULT_APP_NAME") != "Device1" || dv.text("VAULT_DEVICE_HOST") != "10.10.30.x" ||
		dv.text("DIGITAL_VAULT_TYPE") != "CA PAM" || dv.text("DIGITAL_VAULT_TITLE") != "CA PAM devices" {
		t.Errorf("windows DIGITAL_VAULT:\n%s", r.body)
	}
}

func recordByTitle(s State, title string) Record {
	for _, r := range s.Records {
		if r.Title() == title {
			return r
		}
	}
	return Record{}
}
