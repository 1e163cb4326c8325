package qualysemu

import (
	"net/http"
	"strings"
	"testing"
)

const (
	mysqlBasic = "action=create&username=u&password=pw&database=mysql&port=3306"
	unixBasic  = "action=create&username=root&password=pw"
	winBasic   = "action=create&username=admin&password=pw"
)

func TestAuthenticationAndHeader(t *testing.T) {
	e := newEmu(t)
	for name, r := range map[string]req{
		"no credentials":      {path: mysqlPath, form: "action=list", noAuth: true},
		"wrong password":      {path: mysqlPath, form: "action=list", user: testUser, pass: "nope"},
		"unknown cookie":      {path: mysqlPath, form: "action=list", noAuth: true, cookie: &http.Cookie{Name: "QualysSession", Value: "x"}},
		"wrong user on vault": {path: vaultPath, form: "action=list", user: "other", pass: testPass},
	} {
		t.Run(name, func(t *testing.T) {
			got := e.do(r)
			got.wantError(t, 401, 2000, "Bad Login/Password")
			if h := got.header.Get("X-RateLimit-Limit"); h != "" {
				t.Errorf("401 carries X-RateLimit-Limit %q", h)
			}
			if ct := got.header.Get("Content-Type"); ct != "text/xml;charset=UTF-8" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
	t.Run("missing X-Requested-With", func(t *testing.T) {
		got := e.do(req{path: mysqlPath, form: "action=list", noXRW: true})
		got.wantError(t, 400, 1901, "Missing required header: X-Requested-With")
		if got.header.Get("X-RateLimit-Limit") == "" {
			t.Errorf("no limit headers on a non-session error")
		}
		if strings.HasPrefix(got.body, "<?xml") {
			t.Errorf("error body starts with an XML declaration")
		}
	})
	t.Run("missing X-Requested-With allowed", func(t *testing.T) {
		e := newEmu(t, func(c *Config) { c.AllowMissingRequestedWith = true })
		if got := e.do(req{path: mysqlPath, form: "action=list", noXRW: true}); got.status != 200 {
			t.Fatalf("status %d", got.status)
		}
	})
}

func TestMethodsAndParams(t *testing.T) {
	e := newEmu(t)
	t.Run("GET list", func(t *testing.T) {
		if got := e.do(req{method: "GET", path: mysqlPath, query: "action=list"}); got.status != 200 {
			t.Fatalf("status %d\n%s", got.status, got.body)
		}
	})
	for _, action := range []string{"create", "update", "delete"} {
		t.Run("GET "+action, func(t *testing.T) {
			e.do(req{method: "GET", path: mysqlPath, query: "action=" + action + "&ids=1"}).
				wantError(t, 400, 1908, "Request method (GET or POST) is incompatible with specified parameter(s): action="+action)
		})
	}
	t.Run("GET vault create", func(t *testing.T) {
		e.do(req{method: "GET", path: vaultPath, query: "action=create&type=CA%20PAM"}).wantError(t, 400, 1908, "Request method ...")
	})
	t.Run("PUT list", func(t *testing.T) {
		e.do(req{method: "PUT", path: mysqlPath, form: "action=list"}).wantError(t, 400, 1908, "Request method ...")
	})
	t.Run("missing action", func(t *testing.T) {
		e.post(mysqlPath, "ids=1").wantError(t, 400, 1903, "Missing required parameter(s): action")
	})
	t.Run("bad action", func(t *testing.T) {
		e.post(mysqlPath, "action=frobnicate").wantError(t, 400, 1905, "parameter action has invalid value: frobnicate")
	})
	t.Run("list-all takes list only", func(t *testing.T) {
		e.post(authPath, "action=create").wantError(t, 400, 1905, "parameter action has invalid value: create")
	})
	t.Run("query and form, last wins", func(t *testing.T) {
		got := e.do(req{path: mysqlPath, query: "action=create&title=from-query&ips=10.9.0.1", form: mysqlBasic + "&title=first&title=from-form"})
		id := got.createdID(t)
		if title := e.ok(mysqlPath, "action=list&ids="+id).doc.text("RESPONSE/AUTH_MYSQL_LIST/AUTH_MYSQL/TITLE"); title != "from-form" {
			t.Fatalf("title = %q", title)
		}
	})
	t.Run("case-sensitive names", func(t *testing.T) {
		e.post(mysqlPath, "action=list&Title=x").wantError(t, 400, 1901, "Unrecognized parameter(s): Title")
	})
	t.Run("index.php paths", func(t *testing.T) {
		for _, p := range []string{"/api/2.0/fo/auth/mysql", "/api/2.0/fo/auth/mysql/index.php", "/api/2.0/fo/auth/mysql/index.php/",
			"/api/2.0/fo/vault", "/api/2.0/fo/vault/index.php", "/api/2.0/fo/vault/index.php/", "/api/2.0/fo/auth/index.php"} {
			if got := e.post(p, "action=list"); got.status != 200 {
				t.Errorf("%s: status %d", p, got.status)
			}
		}
	})
	t.Run("404", func(t *testing.T) {
		for _, p := range []string{"/api/2.0/fo/auth/cisco/", "/api/2.0/fo/auth/nosuchtype/", "/api/2.0/fo/nothing/", "/"} {
			if got := e.post(p, "action=list"); got.status != 404 {
				t.Errorf("%s: status %d", p, got.status)
			}
		}
	})
	t.Run("echo_request value", func(t *testing.T) {
		e.post(mysqlPath, "action=list&echo_request=2").wantError(t, 400, 1905, "parameter echo_request has invalid value: 2 (must be 0 or 1)")
	})
}

func TestValidationErrors(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	e := newEmu(t)
	e.ok(vaultPath, "action=create&type=CA PAM&title=pam&url=https://pam.example.com&ssl_verify=1&apikey_name=n&apikey=k") // 1001
	e.ok(vaultPath, "action=create&type=Thycotic Secret Server&title=tss&url=https://tss.example.com")                     // 1002
	mysqlID := e.ok(mysqlPath, mysqlBasic+"&title=db&ips=10.1.0.1").createdID(t)
	winID := e.ok(windowsPath, winBasic+"&title=w-ad&ips=10.2.0.1&windows_ad_domain=corp.example.com").createdID(t)

	cases := []struct {
		name, path, form string
		code             int
		text             string
	}{
		{"create missing all", mysqlPath, "action=create", 1903, "Missing required parameter(s): title, ips, database, port, username, password"},
		{"create missing vault", mysqlPath, "action=create&title=x&ips=10.0.0.1&database=d&port=1&login_type=vault", 1903, "Missing required parameter(s): vault_id, vault_type"},
		{"unix needs password", unixPath, "action=create&title=x&ips=10.0.0.1&username=root", 1903, "Missing required parameter(s): password"},
		{"windows needs username", windowsPath, "action=create&title=x&ips=10.0.0.1&password=p", 1903, "Missing required parameter(s): username"},
		{"update needs ids", mysqlPath, "action=update&comments=x", 1903, "Missing required parameter(s): ids"},
		{"delete needs ids", mysqlPath, "action=delete", 1903, "Missing required parameter(s): ids"},
		{"unknown", mysqlPath, mysqlBasic + "&title=x&ips=10.0.0.1&foo=1&bar=2", 1901, "Unrecognized parameter(s): foo, bar"},
		{"add_ips on create", mysqlPath, mysqlBasic + "&title=x&ips=10.0.0.1&add_ips=10.0.0.2", 1901, "Unrecognized parameter(s): add_ips"},
		{"password on list", mysqlPath, "action=list&password=x", 1901, "Unrecognized parameter(s): password"},
		{"unix param on mysql", mysqlPath, mysqlBasic + "&title=x&ips=10.0.0.1&sub_type=cisco", 1901, "Unrecognized parameter(s): sub_type"},
		{"vault_username not windows", windowsPath, winBasic + "&title=x&ips=10.0.0.1&vault_username=v", 1901, "Unrecognized parameter(s): vault_username"},
		{"ips with remove_ips", mysqlPath, "action=update&ids=" + mysqlID + "&ips=10.0.0.1&remove_ips=10.0.0.2", 1904, "Please specify only one of these parameters: ips, remove_ips"},
		{"password with vault_id", mysqlPath, "action=create&title=x&ips=10.0.0.1&database=d&port=1&username=u&password=p&login_type=vault&vault_id=1002&vault_type=Thycotic Secret Server", 1904, "Please specify only one of these parameters: password, vault_id"},
		{"cleartext_password with vault_id", unixPath, "action=create&title=x&ips=10.0.0.1&username=u&cleartext_password=1&login_type=vault&vault_id=1001&vault_type=CA PAM&vault_app_name=a&vault_device_host=h", 1904, "Please specify only one of these parameters: cleartext_password, vault_id"},
		{"windows domains", windowsPath, winBasic + "&title=x&ips=10.0.0.1&windows_domain=CORP&windows_ad_domain=corp.example.com", 1904, "Please specify only one of these parameters: windows_domain, windows_ad_domain"},
		{"CA PAM device name and host", unixPath, "action=create&title=x&ips=10.0.0.1&username=u&login_type=vault&vault_id=1001&vault_type=CA PAM&vault_app_name=a&vault_device_host=h&vault_device_name=n", 1904, "Please specify only one of these parameters: vault_device_name, vault_device_host"},
		{"CA PAM neither device", unixPath, "action=create&title=x&ips=10.0.0.1&username=u&login_type=vault&vault_id=1001&vault_type=CA PAM&vault_app_name=a", 1922, "Please specify at least one of the following parameters: vault_device_name, vault_device_host"},
		{"CA PAM app name", unixPath, "action=create&title=x&ips=10.0.0.1&username=u&login_type=vault&vault_id=1001&vault_type=CA PAM&vault_device_host=h", 1903, "Missing required parameter(s): vault_app_name"},
		{"skip_password with password", unixPath, unixBasic + "&title=x&ips=10.0.0.1&skip_password=1", 1904, "Please specify only one of these parameters: password, skip_password"},
		{"ids abc123", mysqlPath, "action=update&ids=abc123&comments=x", 1905, "parameter ids has invalid value: abc123 (neither a positive integer nor a range: abc123)"},
		{"ids bad range", mysqlPath, "action=delete&ids=1,9-3", 1905, "parameter ids has invalid value: 1,9-3 (neither a positive integer nor a range: 9-3)"},
		{"ids on list", mysqlPath, "action=list&ids=x", 1905, "parameter ids has invalid value: x (neither a positive integer nor a range: x)"},
		{"id_min", mysqlPath, "action=list&id_min=0", 1905, "parameter id_min has invalid value: 0 (not a positive integer)"},
		{"no such record", mysqlPath, "action=update&ids=5-9&comments=x", 1905, "parameter ids has invalid value: 5-9 (no such record)"},
		{"wrong type id", unixPath, "action=delete&ids=" + mysqlID, 1905, "parameter ids has invalid value: " + mysqlID + " (no such record)"},
		{"title 256", mysqlPath, mysqlBasic + "&ips=10.0.0.1&title=" + long(256), 1905, "parameter title has invalid value: " + long(256) + " (longer than 255 characters)"},
		{"comments 2000", mysqlPath, mysqlBasic + "&ips=10.0.0.1&title=x&comments=" + long(2000), 1905, "parameter comments has invalid value: ..."},
		{"password 101", mysqlPath, "action=create&username=u&database=d&port=1&ips=10.0.0.1&title=x&password=" + long(101), 1905, "parameter password has invalid value: ******** (longer than 100 characters)"},
		{"windows username 32", windowsPath, "action=create&password=p&ips=10.0.0.1&title=x&username=" + long(32), 1905, "parameter username has invalid value: " + long(32) + " (must be 1 to 31 characters)"},
		{"windows username empty on update", windowsPath, "action=update&ids=" + winID + "&username=", 1905, "parameter username has invalid value:  (must be 1 to 31 characters)"},
		{"unix username 256", unixPath, "action=create&password=p&ips=10.0.0.1&title=x&username=" + long(256), 1905, "parameter username has invalid value: " + long(256) + " (longer than 255 characters)"},
		{"bad ip", mysqlPath, mysqlBasic + "&title=x&ips=10.0.0.1,10.0.0.300", 1905, "parameter ips has invalid value: 10.0.0.1,10.0.0.300 (not an IP address, range or CIDR: 10.0.0.300)"},
		{"bad bool", mysqlPath, mysqlBasic + "&title=x&ips=10.0.0.1&ssl_verify=yes", 1905, "parameter ssl_verify has invalid value: yes (must be 0 or 1)"},
		{"bad port", mysqlPath, "action=create&username=u&password=p&database=d&port=70000&title=x&ips=10.0.0.1", 1905, "parameter port has invalid value: 70000 (must be an integer from 1 to 65535)"},
		{"bad login_type", mysqlPath, mysqlBasic + "&title=x&ips=10.0.0.1&login_type=magic", 1905, "parameter login_type has invalid value: magic (must be basic or vault)"},
		{"bad smb version", windowsPath, winBasic + "&title=x&ips=10.0.0.1&minimum_smb_version=4", 1905, "parameter minimum_smb_version has invalid value: 4 (must be one of: 1, 2.0.2, 2.1, 3.0, 3.0.2, 3.1.1)"},
		{"bad sub_type", unixPath, unixBasic + "&title=x&ips=10.0.0.1&sub_type=juniper", 1905, "parameter sub_type has invalid value: juniper (must be one of: cisco, checkpoint_firewall)"},
		{"mysql vault type", mysqlPath, "action=create&title=x&ips=10.0.0.1&database=d&port=1&login_type=vault&vault_id=1001&vault_type=CA PAM", 1905, "parameter vault_type has invalid value: CA PAM (not supported for mysql records)"},
		{"unknown vault type", unixPath, "action=create&title=x&ips=10.0.0.1&username=u&login_type=vault&vault_id=1001&vault_type=Vaulty", 1905, "parameter vault_type has invalid value: Vaulty (unknown vault type)"},
		{"no such vault", mysqlPath, "action=create&title=x&ips=10.0.0.1&database=d&port=1&login_type=vault&vault_id=999&vault_type=Thycotic Secret Server", 1905, "parameter vault_id has invalid value: 999 (no such vault)"},
		{"vault of other type", mysqlPath, "action=create&title=x&ips=10.0.0.1&database=d&port=1&login_type=vault&vault_id=1001&vault_type=Thycotic Secret Server", 1905, "parameter vault_type has invalid value: Thycotic Secret Server (vault 1001 is of type CA PAM)"},
		{"vault param of other vault type", mysqlPath, "action=create&title=x&ips=10.0.0.1&database=d&port=1&login_type=vault&vault_id=1002&vault_type=Thycotic Secret Server&folder=f", 1907, "The following combination of key=value pairs is not supported: vault_type=Thycotic Secret Server, folder=f"},
		{"vault param with basic", mysqlPath, mysqlBasic + "&title=x&ips=10.0.0.1&secret_name=s", 1907, "The following combination of key=value pairs is not supported: login_type=basic, secret_name=s"},
		{"enable_password without cisco", unixPath, unixBasic + "&title=x&ips=10.0.0.1&enable_password=e", 1907, "The following combination of key=value pairs is not supported: sub_type=, enable_password=********"},
		{"expert_password on cisco", unixPath, unixBasic + "&title=x&ips=10.0.0.1&sub_type=cisco&expert_password=e", 1907, "The following combination of key=value pairs is not supported: sub_type=cisco, expert_password=********"},
		{"skip_password on cisco", unixPath, "action=create&username=u&title=x&ips=10.0.0.1&sub_type=cisco&skip_password=1", 1907, "The following combination of key=value pairs is not supported: sub_type=cisco, skip_password=1"},
		{"windows domain type change", windowsPath, "action=update&ids=" + winID + "&windows_domain=CORP", 1905, "parameter windows_domain has invalid value: CORP (the domain type of a record cannot be changed)"},
		{"details", mysqlPath, "action=list&details=Some", 1905, "parameter details has invalid value: Some (must be None, Basic or All)"},
		{"duplicate title", mysqlPath, mysqlBasic + "&title=db&ips=10.0.0.1", 1905, "parameter title has invalid value: db (title already exists)"},
	}
	before := e.s.Snapshot()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.post(tc.path, tc.form).wantError(t, 400, tc.code, tc.text)
		})
	}
	after := e.s.Snapshot()
	if len(after.Records) != len(before.Records) || after.NextRecordID != before.NextRecordID {
		t.Errorf("failed calls changed the state")
	}
}

func TestSecretsNeverReturned(t *testing.T) {
	e := newEmu(t)
	e.ok(vaultPath, "action=create&type=CA PAM&title=pam&url=https://pam.example.com&ssl_verify=1&apikey_name=n&apikey=CANARY-APIKEY")
	e.ok(unixPath, "action=create&title=sw&ips=10.0.0.1&username=u&password=CANARY-PW&sub_type=cisco&enable_password=CANARY-EN")
	e.ok(unixPath, "action=create&title=fw&ips=10.0.0.2&username=u&password=CANARY-PW2&sub_type=checkpoint_firewall&expert_password=CANARY-EX")
	e.ok(mysqlPath, mysqlBasic+"&title=db&ips=10.0.0.3&client_cert=CERT&client_key=CANARY-KEY&echo_request=1")
	var bodies []string
	for _, p := range []string{unixPath, mysqlPath, windowsPath} {
		bodies = append(bodies, e.ok(p, "action=list&details=All&echo_request=1").body)
	}
	bodies = append(bodies, e.ok(authPath, "action=list&echo_request=1").body)
	bodies = append(bodies, e.ok(vaultPath, "action=list").body, e.ok(vaultPath, "action=view&id=1001").body)
	for _, b := range bodies {
		if strings.Contains(b, "CANARY") {
			t.Fatalf("secret returned:\n%s", b)
		}
	}
	if !strings.Contains(bodies[1], "<CLIENT_CERT><![CDATA[CERT]]></CLIENT_CERT>") {
		t.Errorf("CLIENT_CERT (not a secret) missing:\n%s", bodies[1])
	}
	echo := e.ok(mysqlPath, "action=update&ids=100003&password=CANARY-NEW&echo_request=1")
	if strings.Contains(echo.body, "CANARY") || !strings.Contains(echo.body, "<VALUE><![CDATA[********]]></VALUE>") {
		t.Fatalf("echo does not mask:\n%s", echo.body)
	}
	for _, lr := range e.s.Requests() {
		for k, v := range lr.Params {
			if strings.Contains(strings.Join(v, ""), "CANARY") {
				t.Fatalf("request log holds secret %s", k)
			}
		}
	}
	st := e.s.Snapshot()
	if recordByTitle(st, "sw").Params["enable_password"] != "CANARY-EN" || recordByTitle(st, "db").Params["password"] != "CANARY-NEW" {
		t.Fatalf("secrets not stored: %+v", st.Records)
	}
	if st.Vaults[0].Params["apikey"] != "CANARY-APIKEY" {
		t.Fatalf("vault secret not stored")
	}
}

func TestEchoRequest(t *testing.T) {
	e := newEmu(t)
	r := e.ok(mysqlPath, "action=create&echo_request=1&title=db&ips=10.0.0.1&username=u&password=pw&database=d&port=1")
	reqNode := r.doc.find("REQUEST")
	if reqNode == nil || r.doc.Kids[0].Name != "REQUEST" {
		t.Fatalf("no leading REQUEST:\n%s", r.body)
	}
	if reqNode.text("USER_LOGIN") != testUser || reqNode.text("RESOURCE") != mysqlPath {
		t.Errorf("REQUEST: %s", r.body)
	}
	params := reqNode.all("PARAM_LIST", "PARAM")
	if len(params) != 8 || params[0].text("KEY") != "action" || params[5].text("KEY") != "password" || params[5].text("VALUE") != "********" {
		t.Errorf("PARAM_LIST:\n%s", r.body)
	}
	// Errors echo too; without echo_request there is no REQUEST.
	if bad := e.post(mysqlPath, "action=list&echo_request=1&ids=x"); bad.doc.find("REQUEST") == nil {
		t.Errorf("error without REQUEST:\n%s", bad.body)
	}
	if plain := e.ok(mysqlPath, "action=list"); plain.doc.find("REQUEST") != nil {
		t.Errorf("REQUEST without echo_request")
	}
}

func TestTitleUniqueness(t *testing.T) {
	e := newEmu(t)
	a := e.ok(mysqlPath, mysqlBasic+"&title=same&ips=10.0.0.1").createdID(t)
	e.ok(unixPath, unixBasic+"&title=same&ips=10.0.0.1") // per type: allowed
	b := e.ok(mysqlPath, mysqlBasic+"&title=other&ips=10.0.0.2").createdID(t)
	e.post(mysqlPath, "action=update&ids="+b+"&title=same").wantError(t, 400, 1905, "parameter title has invalid value: same (title already exists)")
	e.ok(mysqlPath, "action=update&ids="+a+"&title=same") // its own title
	e.post(mysqlPath, "action=update&ids="+a+","+b+"&title=both").wantError(t, 400, 1905, "parameter title has invalid value: both (title already exists)")

	g := newEmu(t, func(c *Config) { c.TitlesUniqueAcrossTypes = true })
	g.ok(mysqlPath, mysqlBasic+"&title=same&ips=10.0.0.1")
	g.post(unixPath, unixBasic+"&title=same&ips=10.0.0.1").wantError(t, 400, 1905, "parameter title has invalid value: same (title already exists)")
}

func TestIPExclusivity(t *testing.T) {
	e := newEmu(t)
	u := e.ok(unixPath, unixBasic+"&title=u1&ips=10.0.0.1-10.0.0.10").createdID(t)
	e.post(unixPath, "action=create&title=c1&username=u&password=p&sub_type=cisco&ips=10.0.0.20,10.0.0.5").
		wantError(t, 400, 1905, "parameter ips has invalid value: 10.0.0.5 (already in record "+u+")")
	e.post(unixPath, "action=create&title=f1&username=u&password=p&sub_type=checkpoint_firewall&ips=10.0.0.0/29").
		wantError(t, 400, 1905, "parameter ips has invalid value: 10.0.0.1-10.0.0.7 (already in record "+u+")")
	c := e.ok(unixPath, "action=create&title=c1&username=u&password=p&sub_type=cisco&ips=10.0.0.20").createdID(t)
	e.post(unixPath, "action=update&ids="+c+"&add_ips=10.0.0.10").
		wantError(t, 400, 1905, "parameter add_ips has invalid value: 10.0.0.10 (already in record "+u+")")
	// Moving an IP: remove it from one record, then add it to the other.
	e.ok(unixPath, "action=update&ids="+u+"&remove_ips=10.0.0.10")
	e.ok(unixPath, "action=update&ids="+c+"&add_ips=10.0.0.10")
	// Windows is its own group.
	w := e.ok(windowsPath, winBasic+"&title=w1&ips=10.0.0.1").createdID(t)
	e.post(windowsPath, winBasic+"&title=w2&ips=10.0.0.1").wantError(t, 400, 1905, "parameter ips has invalid value: 10.0.0.1 (already in record "+w+")")
	// MySQL is not checked.
	e.ok(mysqlPath, mysqlBasic+"&title=m1&ips=10.0.0.1")
	e.ok(mysqlPath, mysqlBasic+"&title=m2&ips=10.0.0.1")
	// Several records updated with the same IPs would overlap each other.
	d := e.ok(unixPath, unixBasic+"&title=u2&ips=10.1.0.1").createdID(t)
	f := e.ok(unixPath, unixBasic+"&title=u3&ips=10.1.0.2").createdID(t)
	e.post(unixPath, "action=update&ids="+d+","+f+"&add_ips=10.1.0.9").wantError(t, 400, 1905, "parameter add_ips has invalid value: 10.1.0.9 (already in record "+d+")")

	shared := newEmu(t, func(c *Config) { c.WindowsIPsShared = true })
	shared.ok(windowsPath, winBasic+"&title=w1&ips=10.0.0.1")
	shared.ok(windowsPath, winBasic+"&title=w2&ips=10.0.0.1")
}

func TestIPSets(t *testing.T) {
	e := newEmu(t)
	id := e.ok(unixPath, unixBasic+"&title=u&ips=10.0.0.3,10.0.0.1,10.0.0.2,192.168.1.0/30,10.0.0.9-10.0.0.12,2001:db8::1").createdID(t)
	ipset := func() []string {
		n := e.ok(unixPath, "action=list&ids="+id).doc.find("RESPONSE/AUTH_UNIX_LIST/AUTH_UNIX/IP_SET")
		var out []string
		for _, k := range n.Kids {
			out = append(out, k.Name+"="+k.Text)
		}
		return out
	}
	want := "IP_RANGE=10.0.0.1-10.0.0.3 IP_RANGE=10.0.0.9-10.0.0.12 IP_RANGE=192.168.1.0-192.168.1.3 IP=2001:db8::1"
	if got := strings.Join(ipset(), " "); got != want {
		t.Fatalf("IP_SET = %s\nwant     %s", got, want)
	}
	e.ok(unixPath, "action=update&ids="+id+"&remove_ips=10.0.0.2,192.168.1.0-192.168.1.3&add_ips=10.0.0.4")
	if got := strings.Join(ipset(), " "); got != "IP=10.0.0.1 IP_RANGE=10.0.0.3-10.0.0.4 IP_RANGE=10.0.0.9-10.0.0.12 IP=2001:db8::1" {
		t.Fatalf("after add/remove: %s", got)
	}
	e.ok(unixPath, "action=update&ids="+id+"&ips=172.16.0.1")
	if got := strings.Join(ipset(), " "); got != "IP=172.16.0.1" {
		t.Fatalf("ips did not replace: %s", got)
	}
	if got := e.s.Snapshot().Records[0].Params["ips"]; got != "172.16.0.1" {
		t.Fatalf("stored ips %q", got)
	}
}

func TestUpdateIsPartialAndBulk(t *testing.T) {
	e := newEmu(t)
	var ids []string
	for i, title := range []string{"a", "b", "c", "d", "e"} {
		ids = append(ids, e.ok(mysqlPath, mysqlBasic+"&title="+title+"&ips=10.0.0."+itoa(i+1)+"&comments=keep").createdID(t))
	}
	// 100001 and 100003-100005: a list and a range, as in the docs.
	r := e.ok(mysqlPath, "action=update&ids="+ids[0]+","+ids[2]+"-"+ids[4]+"&password=rotated&port=3307")
	set := r.doc.find("RESPONSE/BATCH_LIST/BATCH/ID_SET")
	if got := strings.Join(set.names(), ","); got != "ID,ID_RANGE" || set.Kids[1].Text != ids[2]+"-"+ids[4] {
		t.Fatalf("ID_SET not echoed as sent:\n%s", r.body)
	}
	for _, rec := range e.s.Snapshot().Records {
		changed := rec.Title() != "b"
		if (rec.Params["password"] == "rotated") != changed || (rec.Params["port"] == "3307") != changed {
			t.Errorf("record %s: %v", rec.Title(), rec.Params)
		}
		if rec.Params["comments"] != "keep" || rec.Params["username"] != "u" || rec.Params["database"] != "mysql" {
			t.Errorf("partial update lost fields of %s: %v", rec.Title(), rec.Params)
		}
	}
	// Unknown IDs: one BATCH per outcome.
	r = e.ok(mysqlPath, "action=delete&ids="+ids[0]+",1-5,"+ids[1])
	batches := r.doc.all("RESPONSE/BATCH_LIST", "BATCH")
	if len(batches) != 2 || batches[0].text("TEXT") != "Successfully Deleted" || batches[1].text("CODE") != "1905" ||
		batches[1].text("TEXT") != "Record(s) not found" || batches[1].text("ID_SET/ID_RANGE") != "1-5" ||
		batches[0].text("ID_SET/ID_RANGE") != ids[0]+"-"+ids[1] {
		t.Fatalf("partial delete:\n%s", r.body)
	}
	if n := len(e.s.Snapshot().Records); n != 3 {
		t.Fatalf("%d records left, want 3", n)
	}
	log := e.s.Requests()
	if last := log[len(log)-1]; !last.Write || last.Code != 1905 {
		t.Errorf("log entry %+v", last)
	}
}

func TestLoginTypeChanges(t *testing.T) {
	e := newEmu(t)
	e.ok(vaultPath, "action=create&type=CyberArk AIM&title=aim&url=https://aim.example.com")
	e.ok(vaultPath, "action=create&type=CyberArk PIM Suite&title=pim&server_address=pim.example.com&port=1858")
	id := e.ok(mysqlPath, mysqlBasic+"&title=db&ips=10.0.0.1").createdID(t)
	e.post(mysqlPath, "action=update&ids="+id+"&login_type=vault").wantError(t, 400, 1903, "Missing required parameter(s): vault_id, vault_type")
	e.ok(mysqlPath, "action=update&ids="+id+"&login_type=vault&vault_id=1001&vault_type=CyberArk AIM&folder=f&file=x")
	rec := e.s.Snapshot().Records[0]
	if _, ok := rec.Params["password"]; ok || rec.Params["folder"] != "f" {
		t.Fatalf("after switch to vault: %v", rec.Params)
	}
	e.post(mysqlPath, "action=update&ids="+id+"&password=x").wantError(t, 400, 1907, "The following combination of key=value pairs is not supported: login_type=vault, password=********")
	// Another vault of the same type; vault_type may be omitted.
	e.post(mysqlPath, "action=update&ids="+id+"&vault_id=1002").wantError(t, 400, 1905, "parameter vault_id has invalid value: 1002 (vault 1002 is of type CyberArk PIM Suite, not CyberArk AIM)")
	e.post(mysqlPath, "action=update&ids="+id+"&vault_type=CyberArk PIM Suite").wantError(t, 400, 1903, "Missing required parameter(s): vault_id")
	e.ok(mysqlPath, "action=update&ids="+id+"&vault_id=1002&vault_type=CyberArk PIM Suite")
	dv := e.ok(mysqlPath, "action=list").doc.find("RESPONSE/AUTH_MYSQL_LIST/AUTH_MYSQL/DIGITAL_VAULT")
	if dv.text("DIGITAL_VAULT_TITLE") != "pim" || dv.text("VAULT_FOLDER") != "f" {
		t.Fatalf("DIGITAL_VAULT: %+v", dv.names())
	}
	e.post(mysqlPath, "action=update&ids="+id+"&login_type=basic").wantError(t, 400, 1903, "Missing required parameter(s): password")
	e.ok(mysqlPath, "action=update&ids="+id+"&login_type=basic&password=back")
	rec = e.s.Snapshot().Records[0]
	if rec.Params["login_type"] != "basic" || rec.Params["vault_id"] != "" || rec.Params["folder"] != "" || rec.Params["password"] != "back" {
		t.Fatalf("after switch to basic: %v", rec.Params)
	}
	r := e.ok(mysqlPath, "action=list")
	if r.doc.find("RESPONSE/AUTH_MYSQL_LIST/AUTH_MYSQL/DIGITAL_VAULT") != nil {
		t.Fatalf("DIGITAL_VAULT on a basic record")
	}
}

func TestUnixSubTypesAndWindows(t *testing.T) {
	e := newEmu(t)
	e.ok(vaultPath, "action=create&type=HashiCorp&title=hc&url=https://hc.example.com&auth_type=approle")
	cisco := e.ok(unixPath, "action=create&title=sw&ips=10.0.0.1&username=u&password=p&sub_type=cisco&enable_password=e&target_type=auto&port=22").createdID(t)
	e.ok(unixPath, "action=create&title=fw&ips=10.0.0.2&username=u&password=p&sub_type=checkpoint_firewall&expert_password=x")
	e.ok(unixPath, "action=create&title=nopw&ips=10.0.0.3&username=u&skip_password=1&use_agentless_tracking=1&agentless_tracking_path=/opt/x&cleartext_password=0")
	e.ok(unixPath, "action=create&title=hc&ips=10.0.0.4&username=u&login_type=vault&vault_id=1001&vault_type=HashiCorp&vault_secret_kv_path=kv/x&vault_secret_kv_name=n&vault_secret_kv_key=k&vault_username=vu")
	r := e.ok(unixPath, "action=list&ids="+cisco)
	rec := r.doc.find("RESPONSE/AUTH_UNIX_LIST/AUTH_UNIX")
	if rec.text("SUB_TYPE") != "cisco" || rec.text("TARGET_TYPE") != "auto" || rec.text("PORT") != "22" {
		t.Fatalf("cisco record:\n%s", r.body)
	}
	all := e.ok(unixPath, "action=list").body
	// Booleans 1/0 and no LOGIN_TYPE, like the Doc Center unix list (EVIDENCE.md fact 8).
	if strings.Contains(all, "<LOGIN_TYPE>") {
		t.Errorf("unix list with LOGIN_TYPE:\n%s", all)
	}
	for _, want := range []string{"<SKIP_PASSWORD>1</SKIP_PASSWORD>", "<USE_AGENTLESS_TRACKING>1</USE_AGENTLESS_TRACKING>",
		"<CLEARTEXT_PASSWORD>0</CLEARTEXT_PASSWORD>", "<VAULT_USERNAME><![CDATA[vu]]></VAULT_USERNAME>",
		"<VAULT_SECRET_KV_KEY><![CDATA[k]]></VAULT_SECRET_KV_KEY>", "<SUB_TYPE><![CDATA[checkpoint_firewall]]></SUB_TYPE>"} {
		if !strings.Contains(all, want) {
			t.Errorf("unix list lacks %s", want)
		}
	}
	if strings.Count(all, "<SUB_TYPE>") != 2 {
		t.Errorf("SUB_TYPE on plain unix records")
	}
	// A sub_type change drops what no longer applies.
	e.ok(unixPath, "action=update&ids="+cisco+"&sub_type=")
	if _, ok := e.s.Snapshot().Records[0].Params["enable_password"]; ok {
		t.Errorf("enable_password kept on a plain unix record")
	}

	w := e.ok(windowsPath, "action=create&title=w&ips=10.0.0.1&username=admin&password=p&windows_domain=CORP&ntlm=0&kerberos=1&ntlmv2=1&require_smb_signing=1&minimum_smb_version=3.1.1&use_agentless_tracking=0").createdID(t)
	body := e.ok(windowsPath, "action=list&ids="+w).body
	for _, want := range []string{"<WINDOWS_DOMAIN><![CDATA[CORP]]></WINDOWS_DOMAIN>", "<NTLM>0</NTLM>", "<KERBEROS>1</KERBEROS>",
		"<NTLMV2>1</NTLMV2>", "<REQUIRE_SMB_SIGNING>1</REQUIRE_SMB_SIGNING>", "<LOGIN_TYPE>", "<MINIMUM_SMB_VERSION><![CDATA[3.1.1]]></MINIMUM_SMB_VERSION>"} {
		if !strings.Contains(body, want) {
			t.Errorf("windows list lacks %s", want)
		}
	}
	e.ok(windowsPath, "action=update&ids="+w+"&windows_domain=CORP2")

	// The MySQL sample's shape for every type, as a variant.
	if err := e.s.SetVariants("list-booleans-words"); err != nil {
		t.Fatal(err)
	}
	all = e.ok(unixPath, "action=list").body
	for _, want := range []string{"<SKIP_PASSWORD>true</SKIP_PASSWORD>", "<CLEARTEXT_PASSWORD>false</CLEARTEXT_PASSWORD>", "<LOGIN_TYPE><![CDATA[vault]]></LOGIN_TYPE>"} {
		if !strings.Contains(all, want) {
			t.Errorf("list-booleans-words: unix list lacks %s", want)
		}
	}
}

func TestListing(t *testing.T) {
	e := newEmu(t, func(c *Config) { c.PageSize = 3 })
	for i := 1; i <= 7; i++ {
		path, base := mysqlPath, mysqlBasic
		if i%2 == 0 {
			path, base = unixPath, unixBasic
		}
		e.ok(path, base+"&title=rec-"+itoa(i)+"&ips=10.0.0."+itoa(i)+"&comments=note "+itoa(i%3))
	}
	// Per-type pagination: mysql holds 100001, 100003, 100005, 100007.
	r := e.ok(mysqlPath, "action=list&details=Basic")
	if n := len(r.doc.all("RESPONSE/AUTH_MYSQL_LIST", "AUTH_MYSQL")); n != 3 {
		t.Fatalf("page 1 has %d records", n)
	}
	w := r.doc.find("RESPONSE/WARNING")
	if w == nil || w.text("CODE") != "1980" || w.text("TEXT") != "3 record limit exceeded. Use URL to get next batch of results." {
		t.Fatalf("WARNING:\n%s", r.body)
	}
	wantURL := "https://qualysapi.qualys.com/api/2.0/fo/auth/mysql/?action=list&details=Basic&id_min=100006"
	if w.text("URL") != wantURL {
		t.Fatalf("URL %q, want %q", w.text("URL"), wantURL)
	}
	r = e.ok(mysqlPath, "action=list&details=Basic&id_min=100006")
	if recs := r.doc.all("RESPONSE/AUTH_MYSQL_LIST", "AUTH_MYSQL"); len(recs) != 1 || recs[0].text("ID") != "100007" || r.doc.find("RESPONSE/WARNING") != nil {
		t.Fatalf("page 2:\n%s", r.body)
	}
	// List-all: ID sets per type, paged across types.
	r = e.ok(authPath, "action=list")
	recs := r.doc.find("RESPONSE/AUTH_RECORDS")
	if got := strings.Join(recs.names(), ","); got != "AUTH_UNIX_IDS,AUTH_MYSQL_IDS" {
		t.Fatalf("AUTH_RECORDS children %s\n%s", got, r.body)
	}
	if recs.text("AUTH_MYSQL_IDS/ID_SET/ID") != "100001" || recs.text("AUTH_UNIX_IDS/ID_SET/ID") != "100002" {
		t.Fatalf("ID sets:\n%s", r.body)
	}
	if !strings.HasSuffix(r.doc.text("RESPONSE/WARNING/URL"), "/api/2.0/fo/auth/?action=list&id_min=100004") {
		t.Fatalf("list-all WARNING:\n%s", r.body)
	}
	all := newEmu(t)
	for i := 1; i <= 4; i++ {
		all.ok(mysqlPath, mysqlBasic+"&title=r"+itoa(i)+"&ips=10.0.0.1")
	}
	if got := all.ok(authPath, "action=list").doc.text("RESPONSE/AUTH_RECORDS/AUTH_MYSQL_IDS/ID_SET/ID_RANGE"); got != "100001-100004" {
		t.Fatalf("ID_RANGE %q", got)
	}
	// Filters.
	count := func(form string) int {
		return len(e.ok(mysqlPath, form).doc.all("RESPONSE/AUTH_MYSQL_LIST", "AUTH_MYSQL"))
	}
	for form, want := range map[string]int{
		"action=list&title=REC-":                  3, // contains, case-insensitive; 4 match, the page holds 3
		"action=list&title=rec-3":                 1,
		"action=list&comments=note 1":             2, // records 1 and 7
		"action=list&ids=100001,100005-100009":    3,
		"action=list&id_min=100002&id_max=100005": 2,
		"action=list&title=nothing":               0,
	} {
		if got := count(form); got != want {
			t.Errorf("%s: %d records, want %d", form, got, want)
		}
	}
	none := e.ok(mysqlPath, "action=list&details=None&ids=100001").doc.find("RESPONSE/AUTH_MYSQL_LIST/AUTH_MYSQL")
	if got := strings.Join(none.names(), ","); got != "ID" {
		t.Errorf("details=None gives %s", got)
	}
	if got := e.ok(authPath, "action=list&title=rec-2").doc.text("RESPONSE/AUTH_RECORDS/AUTH_UNIX_IDS/ID_SET/ID"); got != "100002" {
		t.Errorf("list-all title filter: %q", got)
	}
}

func TestIDSequencesAndClock(t *testing.T) {
	e := newEmu(t)
	v := e.ok(vaultPath, "action=create&type=Quest Vault&title=q&server_address=q.example.com&port=9&username=u&access_key=k").doc.text("RESPONSE/ITEM_LIST/ITEM/VALUE")
	a := e.ok(mysqlPath, mysqlBasic+"&title=a&ips=10.0.0.1").createdID(t)
	b := e.ok(unixPath, unixBasic+"&title=b&ips=10.0.0.1").createdID(t)
	c := e.ok(windowsPath, winBasic+"&title=c&ips=10.0.0.1").createdID(t)
	if v != "1001" || a != "100001" || b != "100002" || c != "100003" {
		t.Fatalf("IDs vault %s records %s %s %s", v, a, b, c)
	}
	e.clock.Advance(90 * 60e9)
	e.ok(mysqlPath, "action=update&ids="+a+"&comments=later")
	rec := e.ok(mysqlPath, "action=list").doc.find("RESPONSE/AUTH_MYSQL_LIST/AUTH_MYSQL")
	if rec.text("CREATED/DATETIME") != "2024-03-01T12:00:00Z" || rec.text("LAST_MODIFIED/DATETIME") != "2024-03-01T13:30:00Z" || rec.text("CREATED/BY") != testUser {
		t.Fatalf("datetimes: %s / %s", rec.text("CREATED/DATETIME"), rec.text("LAST_MODIFIED/DATETIME"))
	}
	g := newEmu(t, func(c *Config) { c.FirstRecordID = 500; c.FirstVaultID = 7 })
	if id := g.ok(mysqlPath, mysqlBasic+"&title=a&ips=10.0.0.1").createdID(t); id != "500" {
		t.Fatalf("FirstRecordID: %s", id)
	}
}
