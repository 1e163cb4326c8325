package qualysemu

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/qualysemu/wire"
)

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSession(t *testing.T) {
	e := newEmu(t)
	login := e.do(req{path: sessionPath, form: "action=login&username=" + testUser + "&password=" + testPass, noAuth: true})
	if login.status != 200 || login.doc.text("RESPONSE/TEXT") != "Logged in" || login.doc.find("RESPONSE/CODE") != nil {
		t.Fatalf("login:\n%s", login.body)
	}
	if login.header.Get("X-RateLimit-Limit") != "" {
		t.Errorf("session answer has limit headers")
	}
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: login.header}).Cookies() {
		if c.Name == "QualysSession" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value == "" || !cookie.HttpOnly {
		t.Fatalf("no QualysSession cookie: %v", login.header)
	}
	list := e.do(req{path: mysqlPath, form: "action=list", noAuth: true, cookie: cookie})
	if list.status != 200 || list.header.Get("X-RateLimit-Limit") == "" {
		t.Fatalf("list with session: %d", list.status)
	}
	if lr := e.s.Requests(); lr[len(lr)-1].User != testUser {
		t.Errorf("log user %q", lr[len(lr)-1].User)
	}
	out := e.do(req{path: sessionPath, form: "action=logout", noAuth: true, cookie: cookie})
	if out.status != 200 || out.doc.text("RESPONSE/TEXT") != "Logged out" {
		t.Fatalf("logout:\n%s", out.body)
	}
	e.do(req{path: mysqlPath, form: "action=list", noAuth: true, cookie: cookie}).wantError(t, 401, 2000, "Bad Login/Password")
	e.do(req{path: sessionPath, form: "action=logout", noAuth: true, cookie: cookie}).wantError(t, 401, 2000, "Bad Login/Password")

	e.do(req{path: sessionPath, form: "action=login&username=" + testUser + "&password=wrong", noAuth: true}).wantError(t, 401, 2000, "Bad Login/Password")
	e.do(req{method: "GET", path: sessionPath, query: "action=login&username=" + testUser + "&password=" + testPass, noAuth: true}).
		wantError(t, 400, 1908, "Request method (GET or POST) is incompatible with specified parameter(s): action=login")
	e.do(req{path: sessionPath, form: "action=login&username=" + testUser, noAuth: true}).wantError(t, 400, 1903, "Missing required parameter(s): password")
	e.do(req{path: sessionPath, form: "action=login&username=a&password=b&x=1", noAuth: true}).wantError(t, 400, 1901, "Unrecognized parameter(s): x")
	e.do(req{path: sessionPath, form: "action=dance", noAuth: true}).wantError(t, 400, 1905, "parameter action has invalid value: dance")
	e.do(req{path: sessionPath, form: "action=login&username=a&password=b", noAuth: true, noXRW: true}).
		wantError(t, 400, 1901, "Missing required header: X-Requested-With")
	for _, lr := range e.s.Requests() {
		if lr.Params.Get("password") != "" && lr.Params.Get("password") != wire.Mask {
			t.Fatalf("session password logged: %v", lr.Params)
		}
	}
}

func TestStatePersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEmu(t, func(c *Config) { c.StatePath = path })
	if _, err := os.Stat(path); err == nil {
		t.Fatalf("state file written before any write")
	}
	e.ok(vaultPath, "action=create&type=CA PAM&title=pam&"+vaultCreateForm("CA PAM"))
	e.ok(unixPath, "action=create&title=u&ips=10.0.0.1&username=root&login_type=vault&vault_id=1001&vault_type=CA PAM&vault_app_name=a&vault_device_host=h")
	e.ok(mysqlPath, mysqlBasic+"&title=db&ips=10.0.0.2")
	e.ok(mysqlPath, "action=delete&ids=100002")
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v %v", fi, err)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "CANARY-apikey") {
		t.Errorf("state file lacks the stored secret")
	}
	before := e.s.Snapshot()

	again := newEmu(t, func(c *Config) { c.StatePath = path })
	if got := again.s.Snapshot(); !reflect.DeepEqual(got, before) {
		t.Fatalf("reloaded state differs:\n%+v\n%+v", got, before)
	}
	if id := again.ok(mysqlPath, mysqlBasic+"&title=db2&ips=10.0.0.3").createdID(t); id != "100003" {
		t.Fatalf("ID after reload: %s", id)
	}
	if v := again.ok(vaultPath, "action=create&type=Hitachi ID PAM&title=h").doc.text("RESPONSE/ITEM_LIST/ITEM/VALUE"); v != "1002" {
		t.Fatalf("vault ID after reload: %s", v)
	}

	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte("{not json"), 0o600)
	if _, err := New(Config{Username: "u", Password: "p", StatePath: bad}); err == nil {
		t.Fatalf("corrupt state file accepted")
	}
	if _, err := New(Config{}); err == nil {
		t.Fatalf("missing credentials accepted")
	}
}

func TestStateWriteFailureRollsBack(t *testing.T) {
	var logged []string
	e := newEmu(t, func(c *Config) {
		c.StatePath = filepath.Join(t.TempDir(), "missing-dir", "state.json")
		c.Logf = func(f string, a ...any) { logged = append(logged, f) }
	})
	e.post(mysqlPath, mysqlBasic+"&title=db&ips=10.0.0.2").wantError(t, 500, 999, "Internal error. Please contact customer support.")
	if st := e.s.Snapshot(); len(st.Records) != 0 || st.NextRecordID != DefaultFirstRecordID {
		t.Fatalf("failed save kept the write: %+v", st)
	}
	if len(logged) == 0 {
		t.Errorf("no log message")
	}
}

func TestSeedExample(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEmu(t, func(c *Config) { c.StatePath = path })
	if err := e.s.LoadSeedFile(filepath.Join("testdata", "seed_example.yaml")); err != nil {
		t.Fatal(err)
	}
	st := e.s.Snapshot()
	if len(st.Vaults) != 2 || len(st.Records) != 6 {
		t.Fatalf("%d vaults, %d records", len(st.Vaults), len(st.Records))
	}
	if st.Vaults[1].ID != 166638 || st.Vaults[0].Params["apikey"] != "demo-apikey" {
		t.Fatalf("vaults %+v", st.Vaults)
	}
	web := recordByTitle(st, "linux-web")
	if web.Params["ips"] != "10.10.10.1-10.10.10.40,10.10.20.0-10.10.20.15" || web.Params["password"] != "demo-unix-password" {
		t.Fatalf("linux-web %v", web.Params)
	}
	sw := recordByTitle(st, "core-switches")
	if sw.Params["login_type"] != "vault" || sw.Params["vault_id"] != "1001" || sw.Params["vault_type"] != "CA PAM" || sw.Params["sub_type"] != "cisco" {
		t.Fatalf("core-switches %v", sw.Params)
	}
	if db := recordByTitle(st, "billing-db"); db.Params["hosts"] != "db1.example.com,db2.example.com" || db.Params["ssl_verify"] != "1" {
		t.Fatalf("billing-db %v", db.Params)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("seed not saved: %v", err)
	}
	list := e.ok(windowsPath, "action=list").doc.find("RESPONSE/AUTH_WINDOWS_LIST/AUTH_WINDOWS")
	if list.text("WINDOWS_AD_DOMAIN") != "corp.example.com" || list.text("DIGITAL_VAULT/VAULT_DEVICE_NAME") != "${nbhost}" {
		t.Fatalf("windows record: %v", list.names())
	}
}

func TestSeedErrors(t *testing.T) {
	for name, tc := range map[string]struct{ seed, want string }{
		"validation": {`
records:
  - {type: mysql, params: {title: a, ips: 10.0.0.1, username: u, password: p, database: d, port: 1}}
  - {type: mysql, params: {title: a, ips: 10.0.0.1, username: u, password: p, database: d, port: 1}}
`, `seed: records[1] (mysql "a"): 1905 parameter title has invalid value: a (title already exists)`},
		"unknown field":  {"records:\n  - {type: unix, parms: {}}\n", "field parms not found"},
		"unknown type":   {"records:\n  - {type: nosuchtype, params: {title: x}}\n", `unknown record type "nosuchtype"`},
		"unknown vault":  {"records:\n  - {type: unix, vault: nope, params: {title: x}}\n", `no vault titled "nope"`},
		"bad vault":      {"vaults:\n  - {type: CA PAM, title: p, params: {url: x}}\n", `seed: vaults[0] ("p"): 1903 Missing required parameter(s): ssl_verify, apikey_name, apikey`},
		"unknown param":  {"records:\n  - {type: unix, params: {title: x, ips: 10.0.0.1, username: u, password: p, colour: red}}\n", "1901 Unrecognized parameter(s): colour"},
		"pinned ID used": {"vaults:\n  - {id: 5, type: Hitachi ID PAM, title: a}\n  - {id: 5, type: Hitachi ID PAM, title: b}\n", "vault ID already in use"},
		"nested value":   {"records:\n  - {type: unix, params: {title: {a: b}}}\n", "unsupported value"},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEmu(t)
			e.ok(mysqlPath, mysqlBasic+"&title=existing&ips=10.0.0.9")
			before := e.s.Snapshot()
			err := e.s.LoadSeed(strings.NewReader(tc.seed))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if after := e.s.Snapshot(); !reflect.DeepEqual(after, before) {
				t.Fatalf("failed seed changed the state")
			}
		})
	}
	t.Run("json", func(t *testing.T) {
		e := newEmu(t)
		err := e.s.LoadSeed(strings.NewReader(`{"vaults":[{"type":"CA PAM","title":"p","params":{"url":"https://p.example.com","ssl_verify":true,"apikey_name":"n","apikey":"k"}}],
"records":[{"type":"windows","vault":"p","params":{"title":"w","ips":"10.0.0.1","username":"a","vault_app_name":"x","vault_device_host":"${ip}"}}]}`))
		if err != nil {
			t.Fatal(err)
		}
		if len(e.s.Snapshot().Records) != 1 {
			t.Fatal("not loaded")
		}
	})
}

func TestAdminEndpoints(t *testing.T) {
	e := newEmu(t)
	srv := httptest.NewServer(e.s)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/_emulator/health")
	if err != nil || readBody(t, resp) != "{\n  \"status\": \"ok\"\n}\n" {
		t.Fatalf("health: %v", err)
	}
	e.ok(vaultPath, "action=create&type=CA PAM&title=pam&"+vaultCreateForm("CA PAM"))
	e.ok(unixPath, unixBasic+"&title=u&ips=10.0.0.1")

	resp, _ = http.Get(srv.URL + "/_emulator/requests")
	var log []LoggedRequest
	if err := json.Unmarshal([]byte(readBody(t, resp)), &log); err != nil || len(log) != 2 {
		t.Fatalf("requests: %v %d", err, len(log))
	}
	if log[1].Action != "create" || !log[1].Write || log[1].Params.Get("password") != wire.Mask || log[1].Status != 200 || log[1].Path != unixPath {
		t.Fatalf("log entry %+v", log[1])
	}
	resp, _ = http.Get(srv.URL + "/_emulator/state")
	body := readBody(t, resp)
	if strings.Contains(body, "CANARY") || strings.Contains(body, `"pw"`) || !strings.Contains(body, `"apikey": "********"`) {
		t.Fatalf("state not masked:\n%s", body)
	}
	var st State
	if err := json.Unmarshal([]byte(body), &st); err != nil || len(st.Records) != 1 || st.Records[0].Params["username"] != "root" {
		t.Fatalf("state: %v %+v", err, st)
	}
	if e.s.Snapshot().Records[0].Params["password"] != "pw" {
		t.Fatalf("masking changed the live state")
	}
	resp, _ = http.Post(srv.URL+"/_emulator/requests/reset", "", nil)
	resp.Body.Close()
	if len(e.s.Requests()) != 0 {
		t.Fatalf("reset")
	}
	resp, _ = http.Post(srv.URL+"/_emulator/health", "", nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST health: %d", resp.StatusCode)
	}
	resp, _ = http.Get(srv.URL + "/_emulator/nothing")
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("unknown admin path: %d", resp.StatusCode)
	}
	if len(e.s.Requests()) != 0 {
		t.Errorf("admin calls were logged")
	}
}
