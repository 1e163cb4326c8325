package qualysemu

import (
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
)

// TestInfraDocumentedCreates: a documented create request succeeds for every infrastructure
// record type, its record lists under AUTH_<SLUG>, no secret comes back, and list-all reports
// each type's IDs as AUTH_<SLUG>_IDS.
func TestInfraDocumentedCreates(t *testing.T) {
	e := newEmu(t)
	creates := documentedCreates(t)
	ids := map[string]string{}
	for _, rt := range kinds.InfraRecordTypes {
		if rt.SeedOnly {
			continue
		}
		form, ok := creates[rt.Name]
		if !ok {
			t.Errorf("%s: no documented create request in testdata/documented_creates.txt", rt.Name)
			continue
		}
		path := "/api/2.0/fo/auth/" + rt.Name + "/"
		ids[rt.Name] = e.ok(path, "action=create&title="+rt.Name+"-1&comments=c&"+form).createdID(t)
		up := strings.ToUpper(rt.Name)
		r := e.ok(path, "action=list&details=All")
		rec := r.doc.find("RESPONSE/AUTH_" + up + "_LIST/AUTH_" + up)
		if rec == nil || rec.text("ID") != ids[rt.Name] || rec.text("TITLE") != rt.Name+"-1" {
			t.Errorf("%s: list after create:\n%s", rt.Name, r.body)
		}
		if strings.Contains(r.body, "canary") {
			t.Errorf("%s: a secret is listed:\n%s", rt.Name, r.body)
		}
	}
	all := e.ok("/api/2.0/fo/auth/", "action=list")
	for name, id := range ids {
		set := all.doc.find("RESPONSE/AUTH_RECORDS/AUTH_" + strings.ToUpper(name) + "_IDS")
		if set == nil || !strings.Contains(set.text("ID_SET/ID"), id) {
			t.Errorf("list-all lacks AUTH_%s_IDS with id %s:\n%s", strings.ToUpper(name), id, all.body)
		}
	}
}

// TestInfraRules: the documented rules of the infrastructure tables.
func TestInfraRules(t *testing.T) {
	e := newEmu(t)
	const sp = "/api/2.0/fo/auth/microsoft_sharepoint/"
	first := e.ok(sp, "action=create&title=sp1&ips=10.71.0.1-10.71.0.5&username=u&password=pw").createdID(t)
	// Each IP may be included in one Microsoft SharePoint record (RECORD_KINDS.md §2.6).
	e.post(sp, "action=create&title=sp2&ips=10.71.0.5&username=u&password=pw").wantError(t, 400, 1905,
		"parameter ips has invalid value: 10.71.0.5 (already in record "+first+")")
	// Other types share the IPs freely.
	e.ok("/api/2.0/fo/auth/ms_exchange/", "action=create&title=ex&ips=10.71.0.5")

	const http = "/api/2.0/fo/auth/http/"
	e.post(http, "action=create&title=h&username=u&password=pw").wantError(t, 400, 1922,
		"Please specify at least one of the following parameters: vhost, realm")
	e.post(http, "action=create&title=h&username=u&password=pw&vhost=a.example.com&realm=R").wantError(t, 400, 1904,
		"Please specify only one of these parameters: vhost, realm")

	const snmp = "/api/2.0/fo/auth/snmp/"
	e.post(snmp, "action=create&title=s&ips=10.71.1.1&username=u&password=pw").wantError(t, 400, 1903,
		"Missing required parameter(s): auth_alg")
	e.ok(snmp, "action=create&title=s&ips=10.71.1.1&version=v2c&community_strings=public-canary")

	const vm = "/api/2.0/fo/auth/vmware/"
	e.post(vm, "action=create&title=v&ips=10.71.2.1&username=root").wantError(t, 400, 1903,
		"Missing required parameter(s): password")
	e.post(vm, "action=create&title=v&ips=10.71.2.1&username=root&password=pw&is_disconnect=1").wantError(t, 400, 1907, "...")
	id := e.ok(vm, "action=create&title=v&ips=10.71.2.1&username=root&login_type=vcenter&is_disconnect=1").createdID(t)
	r := e.ok(vm, "action=list&ids="+id)
	if rec := r.doc.find("RESPONSE/AUTH_VMWARE_LIST/AUTH_VMWARE"); rec == nil || rec.text("LOGIN_TYPE") != "vcenter" || rec.text("IS_DISCONNECT") != "true" {
		t.Errorf("vcenter login:\n%s", r.body)
	}
	e.post("/api/2.0/fo/auth/vcenter/", "action=create&title=v&ips=10.71.2.2&username=u&login_type=vcenter").wantError(t, 400, 1905,
		"parameter login_type has invalid value: vcenter (must be basic or vault)")
}

// TestUndocumentedTypesAreSeedOnly: a slug known by name only lists and deletes seeded records
// and refuses creates and updates through the API.
func TestUndocumentedTypesAreSeedOnly(t *testing.T) {
	e := newEmu(t)
	seed := "records:\n"
	for _, rt := range kinds.InfraRecordTypes {
		if rt.SeedOnly {
			seed += "  - type: " + rt.Name + "\n    params: {title: seeded " + rt.Name + ", ips: 10.72.0.1}\n"
		}
	}
	if err := e.s.LoadSeed(strings.NewReader(seed)); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, rt := range kinds.InfraRecordTypes {
		if !rt.SeedOnly {
			continue
		}
		n++
		path := "/api/2.0/fo/auth/" + rt.Name + "/"
		up := strings.ToUpper(rt.Name)
		r := e.ok(path, "action=list")
		rec := r.doc.find("RESPONSE/AUTH_" + up + "_LIST/AUTH_" + up)
		if rec == nil || rec.text("TITLE") != "seeded "+rt.Name {
			t.Fatalf("%s: seeded record not listed:\n%s", rt.Name, r.body)
		}
		e.post(path, "action=create&title=x&ips=10.72.0.2").wantError(t, 400, 1905, "...")
		e.post(path, "action=update&ids="+rec.text("ID")+"&title=y").wantError(t, 400, 1905, "...")
		e.ok(path, "action=delete&ids="+rec.text("ID"))
	}
	if n != 8 {
		t.Errorf("%d slug-only record types, want 8", n)
	}
}
