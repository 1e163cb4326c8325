package qualysemu

import (
	"net/http"
	"strings"
	"testing"
)

func TestMySQLLifecycle(t *testing.T) {
	e := newEmu(t)
	id := e.ok(mysqlPath, "action=create&title=db1&ips=10.0.0.1,10.0.0.2&username=u&password=pw&database=mysql&port=3306").createdID(t)
	if id != "100001" {
		t.Fatalf("first record ID = %s, want 100001", id)
	}
	r := e.ok(mysqlPath, "action=list&ids="+id)
	rec := r.doc.find("RESPONSE/AUTH_MYSQL_LIST/AUTH_MYSQL")
	if rec == nil {
		t.Fatalf("no record:\n%s", r.body)
	}
	if got := rec.text("TITLE"); got != "db1" {
		t.Errorf("TITLE = %q", got)
	}
	if got := rec.find("IP_SET").all("", "IP_RANGE"); len(got) != 1 || got[0].Text != "10.0.0.1-10.0.0.2" {
		t.Errorf("IP_SET = %+v", rec.find("IP_SET").Kids)
	}
	if strings.Contains(r.body, "pw") {
		t.Errorf("password returned:\n%s", r.body)
	}

	u := e.ok(mysqlPath, "action=update&ids="+id+"&comments=hello&add_ips=10.0.0.9")
	if got := u.doc.text("RESPONSE/BATCH_LIST/BATCH/TEXT"); got != "Successfully Updated" {
		t.Fatalf("update TEXT = %q", got)
	}
	rec = e.ok(mysqlPath, "action=list").doc.find("RESPONSE/AUTH_MYSQL_LIST/AUTH_MYSQL")
	if rec.text("COMMENTS") != "hello" || rec.text("USERNAME") != "u" {
		t.Errorf("after update: %+v", rec.names())
	}
	if n := len(rec.find("IP_SET").Kids); n != 2 {
		t.Errorf("IP_SET has %d entries, want 2", n)
	}

	d := e.ok(mysqlPath, "action=delete&ids="+id)
	if got := d.doc.text("RESPONSE/BATCH_LIST/BATCH/TEXT"); got != "Successfully Deleted" {
		t.Fatalf("delete TEXT = %q", got)
	}
	if l := e.ok(mysqlPath, "action=list"); l.doc.find("RESPONSE/AUTH_MYSQL_LIST") != nil {
		t.Fatalf("record still listed:\n%s", l.body)
	}
	if st := e.s.Snapshot(); len(st.Records) != 0 {
		t.Fatalf("snapshot has %d records", len(st.Records))
	}
	_ = http.StatusOK
}
