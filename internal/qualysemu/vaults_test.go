package qualysemu

import (
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
)

// vaultCreateForm is the create form of a vault of type typ, derived from the vaultTypes table, so
// a new vault type needs no test entry: every parameter of the type with a sample value of its
// kind (a secret is a distinct CANARY), or for an open type (parameters not documented) a URL, a
// user name and a secret.
func vaultCreateForm(typ string) string {
	vt := kinds.VaultTypeByName(typ)
	if vt == nil {
		panic("no vault type " + typ)
	}
	if vt.Open {
		return "url=https://open.example.com&username=u&password=CANARY-" + strings.ReplaceAll(typ, " ", "-")
	}
	var parts []string
	for _, p := range vt.Params {
		v := "v-" + p.Name
		switch {
		case p.Secret:
			v = "CANARY-" + p.Name
		case p.URL:
			v = "https://" + p.Name + ".example.com"
		case p.Kind == kinds.KindBool:
			v = "0"
		case p.Kind == kinds.KindInt:
			v = "1858"
		case len(p.Values) > 0:
			v = p.Values[0]
		}
		parts = append(parts, p.Name+"="+v)
	}
	return strings.Join(parts, "&")
}

func TestVaultTypes(t *testing.T) {
	e := newEmu(t)
	for _, typ := range kinds.AllVaultTypes {
		e.ok(vaultPath, "action=create&type="+typ+"&title=v "+typ+"&comments=c&"+vaultCreateForm(typ))
	}
	list := e.ok(vaultPath, "action=list")
	if list.doc.text("RESPONSE/COUNT") != itoa(len(kinds.AllVaultTypes)) || list.doc.text("RESPONSE/STATUS") != "Success" {
		t.Fatalf("list:\n%s", list.body)
	}
	for i := range kinds.AllVaultTypes {
		view := e.ok(vaultPath, "action=view&id="+itoa(1001+i))
		if strings.Contains(view.body, "CANARY") {
			t.Fatalf("view returns a secret:\n%s", view.body)
		}
		av := view.doc.find("RESPONSE/AUTH_VAULT")
		if av == nil || av.text("VAULT_TYPE") != kinds.AllVaultTypes[i] || av.text("COMMENTS") != "c" {
			t.Fatalf("view:\n%s", view.body)
		}
	}
	view := e.ok(vaultPath, "action=view&id=1005") // CA PAM
	got := strings.Join(view.doc.find("RESPONSE/AUTH_VAULT").names(), ",")
	if got != "ID,TITLE,VAULT_TYPE,COMMENTS,LAST_MODIFIED,URL,SSL_VERIFY,APIKEY_NAME" {
		t.Fatalf("CA PAM view elements %s", got)
	}
	if view.doc.text("RESPONSE/AUTH_VAULT/SSL_VERIFY") != "false" {
		t.Errorf("SSL_VERIFY:\n%s", view.body)
	}
	// An open type (parameters not documented) keeps what it is sent and lists all but secrets.
	azureID := e.ok(vaultPath, "action=create&type=Azure Key&title=kv&url=https://kv.vault.azure.net&tenant_id=t&client_id=c&client_secret=CANARY2").doc.text("RESPONSE/ITEM_LIST/ITEM/VALUE")
	azure := e.ok(vaultPath, "action=view&id="+azureID).doc.find("RESPONSE/AUTH_VAULT")
	if azure.text("TENANT_ID") != "t" || azure.find("CLIENT_SECRET") != nil {
		t.Errorf("Azure Key view: %v", azure.names())
	}
	if !strings.Contains(e.ok(vaultPath, "action=list").body, "CDATA[Wallix AdminBastion (WAB)]") {
		t.Errorf("vault type string not listed")
	}
	simple := newEmu(t, func(c *Config) { c.VaultViewSimpleReturn = true })
	simple.ok(vaultPath, "action=create&type=CA PAM&title=p&"+vaultCreateForm("CA PAM"))
	sv := simple.ok(vaultPath, "action=view&id=1001")
	var keys []string
	for _, it := range sv.doc.all("RESPONSE/ITEM_LIST", "ITEM") {
		keys = append(keys, it.text("KEY"))
	}
	if sv.doc.Name != "SIMPLE_RETURN" || strings.Join(keys, ",") != "ID,TITLE,VAULT_TYPE,LAST_MODIFIED,URL,SSL_VERIFY,APIKEY_NAME" {
		t.Fatalf("simple view:\n%s", sv.body)
	}
}

func TestVaultErrors(t *testing.T) {
	e := newEmu(t)
	e.ok(vaultPath, "action=create&type=CA PAM&title=pam&"+vaultCreateForm("CA PAM"))
	e.ok(vaultPath, "action=create&type=Thycotic Secret Server&title=tss&"+vaultCreateForm("Thycotic Secret Server"))
	cases := []struct {
		name, form string
		code       int
		text       string
	}{
		{"missing on create", "action=create&type=CA PAM", 1903, "Missing required parameter(s): title, url, ssl_verify, apikey_name, apikey"},
		{"missing type", "action=create&title=x", 1903, "Missing required parameter(s): type"},
		{"unknown type", "action=create&title=x&type=Vaulty", 1905, "parameter type has invalid value: Vaulty (unknown vault type)"},
		{"unknown param", "action=create&type=CA PAM&title=x&url=https://a.b&ssl_verify=1&apikey_name=a&apikey=b&appid=z", 1901, "Unrecognized parameter(s): appid"},
		{"id on create", "action=create&type=Thycotic Secret Server&title=x&id=5", 1901, "Unrecognized parameter(s): id"},
		{"update needs id and type", "action=update&title=x", 1903, "Missing required parameter(s): id, type"},
		{"CA PAM update needs ssl_verify", "action=update&id=1001&type=CA PAM&title=y", 1903, "Missing required parameter(s): ssl_verify"},
		{"update type mismatch", "action=update&id=1002&type=CA PAM&ssl_verify=1", 1905, "parameter type has invalid value: CA PAM (vault 1002 is of type Thycotic Secret Server)"},
		{"update unknown id", "action=update&id=77&type=CA PAM&ssl_verify=1", 1905, "parameter id has invalid value: 77 (no such vault)"},
		{"bad id", "action=view&id=x", 1905, "parameter id has invalid value: x (not a positive integer)"},
		{"view needs id", "action=view", 1903, "Missing required parameter(s): id"},
		{"delete unknown", "action=delete&id=9", 1905, "parameter id has invalid value: 9 (no such vault)"},
		{"duplicate title", "action=create&type=Thycotic Secret Server&title=pam", 1905, "parameter title has invalid value: pam (title already exists)"},
		{"bad url", "action=create&type=Thycotic Secret Server&title=x&url=ftp://x", 1905, "parameter url has invalid value: ftp://x (not an HTTP or HTTPS URL)"},
		{"bad ssl_verify", "action=update&id=1001&type=CA PAM&ssl_verify=2", 1905, "parameter ssl_verify has invalid value: 2 (must be 0 or 1)"},
		{"BeyondTrust user @", "action=create&type=BeyondTrust PBPS&title=x&username=a@b", 1905, "parameter username has invalid value: a@b (must not contain @)"},
		{"BeyondTrust user 65", "action=create&type=BeyondTrust PBPS&title=x&username=" + strings.Repeat("u", 65), 1905, "parameter username has invalid value: ..."},
		{"HashiCorp auth_type", "action=create&type=HashiCorp&title=x&auth_type=token", 1905, "parameter auth_type has invalid value: token (must be one of: userpass, cert, approle)"},
		{"limit without offset", "action=list&limit=5", 1903, "Missing required parameter(s): offset"},
		{"bad list param", "action=list&ids=1", 1901, "Unrecognized parameter(s): ids"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.post(vaultPath, tc.form).wantError(t, 400, tc.code, tc.text)
		})
	}
}

func TestVaultLifecycle(t *testing.T) {
	e := newEmu(t)
	id := e.ok(vaultPath, "action=create&type=CA PAM&title=pam&"+vaultCreateForm("CA PAM")).doc.text("RESPONSE/ITEM_LIST/ITEM/VALUE")
	e.ok(vaultPath, "action=create&type=Thycotic Secret Server&title=tss&url=https://t.example.com")
	rec := e.ok(unixPath, "action=create&title=u&ips=10.0.0.1&username=root&login_type=vault&vault_id="+id+"&vault_type=CA PAM&vault_app_name=a&vault_device_name=${ip_dash}").createdID(t)
	e.post(vaultPath, "action=delete&id="+id).wantError(t, 400, 1905, "parameter id has invalid value: "+id+" (vault is used by 1 authentication record(s))")
	// A partial update keeps the secret and the other settings.
	e.ok(vaultPath, "action=update&id="+id+"&type=CA PAM&title=renamed&ssl_verify=1")
	v := e.s.Snapshot().Vaults[0]
	if v.Params["apikey"] != "CANARY-apikey" || v.Params["url"] != "https://url.example.com" || v.Params["ssl_verify"] != "1" {
		t.Fatalf("after update: %v", v.Params)
	}
	if got := e.ok(unixPath, "action=list").doc.text("RESPONSE/AUTH_UNIX_LIST/AUTH_UNIX/DIGITAL_VAULT/DIGITAL_VAULT_TITLE"); got != "renamed" {
		t.Errorf("record shows vault title %q", got)
	}
	// Switch the device from name to host: the other one goes.
	e.ok(unixPath, "action=update&ids="+rec+"&vault_device_host=${ip}")
	dv := e.ok(unixPath, "action=list").doc.find("RESPONSE/AUTH_UNIX_LIST/AUTH_UNIX/DIGITAL_VAULT")
	if dv.find("VAULT_DEVICE_NAME") != nil || dv.text("VAULT_DEVICE_HOST") != "${ip}" {
		t.Fatalf("device: %v", dv.names())
	}
	e.ok(unixPath, "action=delete&ids="+rec)
	del := e.ok(vaultPath, "action=delete&id="+id)
	if del.doc.text("RESPONSE/TEXT") != "Success" || del.doc.text("RESPONSE/ITEM_LIST/ITEM/VALUE") != id {
		t.Fatalf("delete:\n%s", del.body)
	}
	if n := len(e.s.Snapshot().Vaults); n != 1 {
		t.Fatalf("%d vaults left", n)
	}
}

func TestVaultListFilters(t *testing.T) {
	e := newEmu(t)
	for _, title := range []string{"b-pam", "a-pam", "c-pam"} {
		e.ok(vaultPath, "action=create&type=CA PAM&title="+title+"&"+vaultCreateForm("CA PAM"))
	}
	e.ok(vaultPath, "action=create&type=Thycotic Secret Server&title=tss")
	titles := func(form string) string {
		var out []string
		for _, v := range e.ok(vaultPath, form).doc.all("RESPONSE/AUTH_VAULTS", "AUTH_VAULT") {
			out = append(out, v.text("TITLE"))
		}
		return strings.Join(out, ",")
	}
	for form, want := range map[string]string{
		"action=list":                               "b-pam,a-pam,c-pam,tss",
		"action=list&type=CA PAM":                   "b-pam,a-pam,c-pam",
		"action=list&title=PAM":                     "b-pam,a-pam,c-pam",
		"action=list&orderby=title":                 "a-pam,b-pam,c-pam,tss",
		"action=list&orderby=title&sortorder=desc":  "tss,c-pam,b-pam,a-pam",
		"action=list&limit=2&offset=1":              "a-pam,c-pam",
		"action=list&modified=2024-03-02":           "",
		"action=list&modified=2024-03-01T00:00:00Z": "b-pam,a-pam,c-pam,tss",
		"action=list&title=none":                    "",
	} {
		if got := titles(form); got != want {
			t.Errorf("%s: %q, want %q", form, got, want)
		}
	}
	if r := e.ok(vaultPath, "action=list&title=none"); r.doc.text("RESPONSE/COUNT") != "0" || r.doc.find("RESPONSE/AUTH_VAULTS") != nil {
		t.Errorf("empty list:\n%s", r.body)
	}
}
