package qualysemu

import (
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
)

// documentedCreates returns the documented create requests of testdata/documented_creates.txt
// (shared with internal/export's round trip over every kind), by "<slug>[:<variant>]", with
// their values URL-encoded.
func documentedCreates(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("testdata/documented_creates.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, form, _ := strings.Cut(line, " ")
		out[key] = escapeValues(strings.TrimSpace(form))
	}
	return out
}

// TestDatabaseDocumentedCreates: a documented create request of every database record type
// succeeds, the per-type list shows the record under AUTH_<SLUG>_LIST/AUTH_<SLUG>, and list-all
// reports its ID under AUTH_<SLUG>_IDS.
func TestDatabaseDocumentedCreates(t *testing.T) {
	e := newEmu(t)
	creates := documentedCreates(t)
	ids := map[string]string{}
	for _, rt := range kinds.DatabaseRecordTypes {
		form, ok := creates[rt.Name]
		if !ok {
			t.Errorf("%s: no documented create request in testdata/documented_creates.txt", rt.Name)
			continue
		}
		path := "/api/2.0/fo/auth/" + rt.Name + "/"
		ids[rt.Name] = e.ok(path, "action=create&title=db-"+rt.Name+"&"+form).createdID(t)
		up := strings.ToUpper(rt.Name)
		list := e.ok(path, "action=list&details=All").doc
		if got := list.text("RESPONSE/AUTH_" + up + "_LIST/AUTH_" + up + "/ID"); got != ids[rt.Name] {
			t.Errorf("%s: listed ID %q, want %q\n%s", rt.Name, got, ids[rt.Name], e.ok(path, "action=list").body)
		}
	}
	all := e.ok(authPath, "action=list").doc
	for name, id := range ids {
		if got := all.text("RESPONSE/AUTH_RECORDS/AUTH_" + strings.ToUpper(name) + "_IDS/ID_SET/ID"); got != id {
			t.Errorf("list-all AUTH_%s_IDS = %q, want %q", strings.ToUpper(name), got, id)
		}
	}
}

// TestDatabaseUniqueRuleAnswer: the refusal names the rule and the record it conflicts with.
func TestDatabaseUniqueRuleAnswer(t *testing.T) {
	e := newEmu(t)
	e.ok("/api/2.0/fo/auth/oracle/", "action=create&title=a&ips=10.0.0.1&username=u&password=p&sid=S")
	e.post("/api/2.0/fo/auth/oracle/", "action=create&title=b&ips=10.0.0.1&username=u&password=p&servicename=x").wantError(t, 400, 1905,
		"parameter ips has invalid value: 10.0.0.1 (only one Oracle record with All Ports per host; conflicts with record 100001)")
}

// escapeValues URL-encodes the values of a name=value&... form written for readability.
func escapeValues(form string) string {
	parts := strings.Split(form, "&")
	for i, p := range parts {
		k, v, _ := strings.Cut(p, "=")
		parts[i] = k + "=" + url.QueryEscape(v)
	}
	return strings.Join(parts, "&")
}

// TestDatabaseUniqueRules: the emulator refuses, with a 1905, what the primary cross-record rules
// forbid (one Oracle "All Ports" record per host; DB2 unique by IP and port, or IP, port and
// database with pc_only), on create and on update, and allows the rest.
func TestDatabaseUniqueRules(t *testing.T) {
	const (
		oraclePath = "/api/2.0/fo/auth/oracle/"
		db2Path    = "/api/2.0/fo/auth/ibm_db2/"
		oracle     = "&username=u&password=p&sid=S"
		db2        = "&username=u&password=p&port=50000"
	)
	type step struct {
		path, form string
		code       int // 0: success
	}
	for _, c := range []struct {
		name  string
		steps []step
	}{
		{"oracle all-ports twice on one host", []step{
			{oraclePath, "action=create&title=a&ips=10.0.0.1-10.0.0.9" + oracle, 0},
			{oraclePath, "action=create&title=b&ips=10.0.0.9" + oracle, 1905},
			{oraclePath, "action=create&title=b&ips=10.0.0.10" + oracle, 0},
		}},
		{"oracle all-ports beside a port-specific record", []step{
			{oraclePath, "action=create&title=a&ips=10.0.0.1" + oracle, 0},
			{oraclePath, "action=create&title=b&ips=10.0.0.1&port=1521" + oracle, 0},
		}},
		{"oracle update that adds a host of another all-ports record", []step{
			{oraclePath, "action=create&title=a&ips=10.0.0.1" + oracle, 0},
			{oraclePath, "action=create&title=b&ips=10.0.0.2" + oracle, 0},
			{oraclePath, "action=update&ids=100002&add_ips=10.0.0.1", 1905},
		}},
		{"oracle update that clears a port onto an all-ports host", []step{
			{oraclePath, "action=create&title=a&ips=10.0.0.1" + oracle, 0},
			{oraclePath, "action=create&title=b&ips=10.0.0.1&port=1521" + oracle, 0},
			{oraclePath, "action=update&ids=100002&port=", 1905},
		}},
		{"db2 on one IP and port", []step{
			{db2Path, "action=create&title=a&ips=10.0.0.1&database=A" + db2, 0},
			{db2Path, "action=create&title=b&ips=10.0.0.1&database=B" + db2, 1905},
			{db2Path, "action=create&title=b&ips=10.0.0.1&database=B&username=u&password=p&port=50001", 0},
		}},
		{"db2 pc_only by database", []step{
			{db2Path, "action=create&title=a&ips=10.0.0.1&database=A&pc_only=1" + db2, 0},
			{db2Path, "action=create&title=b&ips=10.0.0.1&database=B&pc_only=1" + db2, 0},
			{db2Path, "action=create&title=c&ips=10.0.0.1&database=A&pc_only=1" + db2, 1905},
			{db2Path, "action=create&title=c&ips=10.0.0.1&database=C" + db2, 1905},
			{db2Path, "action=update&ids=100002&database=A", 1905},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEmu(t)
			for i, s := range c.steps {
				r := e.post(s.path, s.form)
				got := 0
				if r.doc != nil && r.doc.text("RESPONSE/CODE") != "" {
					got, _ = strconv.Atoi(r.doc.text("RESPONSE/CODE"))
				}
				if got != s.code {
					t.Fatalf("step %d %s: code %d, want %d\n%s", i, s.form, got, s.code, r.body)
				}
			}
		})
	}
}

// TestOracleSIDAndServiceName: Qualys's own Postman collection creates an Oracle record with both
// sid and servicename (EVIDENCE.md fact 3): both are accepted and listed; neither is refused
// (1922).
func TestOracleSIDAndServiceName(t *testing.T) {
	e := newEmu(t)
	id := e.ok("/api/2.0/fo/auth/oracle/", "action=create&title=both&ips=10.0.0.1&username=u&password=p&sid=ORCL&servicename=orcl.example.com&port=1521").createdID(t)
	rec := e.ok("/api/2.0/fo/auth/oracle/", "action=list&ids="+id).doc.find("RESPONSE/AUTH_ORACLE_LIST/AUTH_ORACLE")
	if rec.text("SID") != "ORCL" || rec.text("SERVICENAME") != "orcl.example.com" {
		t.Errorf("record with both: SID %q, SERVICENAME %q", rec.text("SID"), rec.text("SERVICENAME"))
	}
	e.ok("/api/2.0/fo/auth/oracle/", "action=update&ids="+id+"&sid=")
	e.post("/api/2.0/fo/auth/oracle/", "action=update&ids="+id+"&servicename=").wantError(t, 400, 1922,
		"Please specify at least one of the following parameters: sid, servicename")
}

// TestMSSQLExclusiveSidesStored: an ms_sql record holds one side of each exclusive pair. Sending
// both is refused (1904), and so is an update that sets one side while the record keeps the other;
// switching sides works when the other side is cleared in the same update (empty, or a flag 0).
func TestMSSQLExclusiveSidesStored(t *testing.T) {
	e := newEmu(t)
	path := "/api/2.0/fo/auth/ms_sql/"
	e.post(path, "action=create&title=x&ips=10.0.0.1&username=sa&password=pw&port=1433&auto_discover_ports=1").
		wantError(t, 400, 1904, "Please specify only one of these parameters: port, auto_discover_ports")
	id := e.ok(path, "action=create&title=sql&ips=10.0.0.1&username=sa&password=pw&auto_discover_ports=1").createdID(t)
	e.post(path, "action=update&ids="+id+"&port=1433").
		wantError(t, 400, 1904, "Please specify only one of these parameters: port, auto_discover_ports")
	e.ok(path, "action=update&ids="+id+"&port=1433&auto_discover_ports=0")
	list := e.ok(path, "action=list&details=All").doc
	if got := list.text("RESPONSE/AUTH_MS_SQL_LIST/AUTH_MS_SQL/PORT"); got != "1433" {
		t.Errorf("PORT = %q", got)
	}
	e.post(path, "action=update&ids="+id+"&auto_discover_ports=1").
		wantError(t, 400, 1904, "Please specify only one of these parameters: port, auto_discover_ports")
	e.ok(path, "action=update&ids="+id+"&auto_discover_ports=1&port=")
	list = e.ok(path, "action=list&details=All").doc
	if got := list.text("RESPONSE/AUTH_MS_SQL_LIST/AUTH_MS_SQL/PORT"); got != "" {
		t.Errorf("PORT = %q after switching back to discovery", got)
	}
}
