package qualysemu

import (
	"strings"
	"testing"
)

// A real 400 capture came back as application/xml, a real 401 as
// text/xml;charset=UTF-8 (REFERENCE.md §1, §7.1 [R]).
func TestErrorContentTypeFollowsCaptures(t *testing.T) {
	e := newEmu(t)
	bad := e.post(mysqlPath, "action=list&ids=abc123")
	bad.wantError(t, 400, 1905, "parameter ids has invalid value: abc123 (neither a positive integer nor a range: abc123)")
	if ct := bad.header.Get("Content-Type"); ct != "application/xml" {
		t.Errorf("400 Content-Type %q, want application/xml", ct)
	}
	if strings.HasPrefix(bad.body, "<?xml") {
		t.Errorf("400 body starts with an XML declaration")
	}
	unauth := e.do(req{path: mysqlPath, form: "action=list", noAuth: true})
	if ct := unauth.header.Get("Content-Type"); ct != "text/xml;charset=UTF-8" {
		t.Errorf("401 Content-Type %q", ct)
	}
	if ct := e.ok(mysqlPath, "action=list").header.Get("Content-Type"); ct != "text/xml;charset=UTF-8" {
		t.Errorf("200 Content-Type %q", ct)
	}
	u := newEmu(t, func(c *Config) { c.ErrorContentType = "text/xml;charset=UTF-8" })
	if ct := u.post(mysqlPath, "action=list&ids=abc123").header.Get("Content-Type"); ct != "text/xml;charset=UTF-8" {
		t.Errorf("configured 400 Content-Type %q", ct)
	}
}

// WARNING(CODE?, TEXT, URL?) is inferred (REFERENCE.md §6 [I]): the
// emulator can leave CODE out.
func TestWarningWithoutCode(t *testing.T) {
	e := newEmu(t, func(c *Config) { c.PageSize = 1; c.WarningWithoutCode = true })
	e.ok(mysqlPath, mysqlBasic+"&title=a&ips=10.0.0.1")
	e.ok(mysqlPath, mysqlBasic+"&title=b&ips=10.0.0.2")
	w := e.ok(mysqlPath, "action=list").doc.find("RESPONSE/WARNING")
	if w == nil || w.find("CODE") != nil || w.text("TEXT") == "" || !strings.Contains(w.text("URL"), "id_min=") {
		t.Fatalf("WARNING %+v", w)
	}
	d := newEmu(t, func(c *Config) { c.PageSize = 1 })
	d.ok(mysqlPath, mysqlBasic+"&title=a&ips=10.0.0.1")
	d.ok(mysqlPath, mysqlBasic+"&title=b&ips=10.0.0.2")
	if got := d.ok(mysqlPath, "action=list").doc.text("RESPONSE/WARNING/CODE"); got != "1980" {
		t.Errorf("default WARNING CODE %q", got)
	}
}

// Whether Qualys merges IP output is inferred (REFERENCE.md §8.4, §11 [I]):
// with IPsUnmerged the IP_SET keeps the entries as sent.
func TestIPsUnmerged(t *testing.T) {
	ips := func(e *emu) []string {
		var out []string
		for _, k := range e.ok(mysqlPath, "action=list").doc.find("RESPONSE/AUTH_MYSQL_LIST/AUTH_MYSQL/IP_SET").Kids {
			out = append(out, k.Name+"="+k.Text)
		}
		return out
	}
	form := mysqlBasic + "&title=a&ips=10.0.0.5,10.0.0.1-10.0.0.4,10.0.1.0/31"
	e := newEmu(t, func(c *Config) { c.IPsUnmerged = true })
	e.ok(mysqlPath, form)
	if got, want := strings.Join(ips(e), " "), "IP=10.0.0.5 IP_RANGE=10.0.0.1-10.0.0.4 IP_RANGE=10.0.1.0-10.0.1.1"; got != want {
		t.Errorf("unmerged IP_SET %s, want %s", got, want)
	}
	e.ok(mysqlPath, "action=update&ids=100001&add_ips=10.0.0.6")
	if got, want := strings.Join(ips(e), " "), "IP=10.0.0.5 IP_RANGE=10.0.0.1-10.0.0.4 IP_RANGE=10.0.1.0-10.0.1.1 IP=10.0.0.6"; got != want {
		t.Errorf("unmerged IP_SET after add_ips %s, want %s", got, want)
	}
	m := newEmu(t)
	m.ok(mysqlPath, form)
	if got, want := strings.Join(ips(m), " "), "IP_RANGE=10.0.0.1-10.0.0.5 IP_RANGE=10.0.1.0-10.0.1.1"; got != want {
		t.Errorf("merged IP_SET %s, want %s", got, want)
	}
	// Exclusivity still sees the whole set.
	u := newEmu(t, func(c *Config) { c.IPsUnmerged = true })
	u.ok(unixPath, "action=create&title=u1&username=root&password=pw&ips=10.1.0.1-10.1.0.9")
	u.post(unixPath, "action=create&title=u2&username=root&password=pw&ips=10.1.0.3").wantError(t, 400, 1905, "parameter ips has invalid value: 10.1.0.3 (already in record 100001)")
}
