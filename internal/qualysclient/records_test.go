package qualysclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestListRecordsMySQLSample(t *testing.T) {
	env := setup(t)
	env.mux.HandleFunc("/api/2.0/fo/auth/mysql/", func(w http.ResponseWriter, r *http.Request) {
		writeXML(w, 200, readSample(t, "auth_mysql_list_output.xml"))
	})
	recs, err := env.client.ListRecords(context.Background(), MySQL, ListOptions{IDs: []int64{284212}})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 {
		t.Fatalf("got %d records", len(recs))
	}
	want := Record{
		ID: 284212, Type: MySQL, Title: "api-Thycotic Secret Server_tss", Comments: "test comments",
		IPs: []string{"10.10.10.181"}, LoginType: "vault",
		Vault: &DigitalVault{ID: 166638, Type: "Thycotic Secret Server", Title: "3_Secret Server",
			Fields: map[string]string{"VAULT_SECRET_NAME": "secret"}},
		Fields: map[string]string{"USERNAME": "test_tss", "DATABASE": "mysql", "PORT": "22", "SSL_VERIFY": "true",
			"WINDOWS_CONF_FILE": `c:\mysql\myu.ini`, "UNIX_CONF_FILE": "", "NETWORK_ID": "0"},
		Lists:      map[string][]string{"HOSTS": {"www.test.com"}},
		CreatedAt:  time.Date(2018, 7, 16, 21, 53, 55, 0, time.UTC),
		CreatedBy:  "seenu_yn",
		ModifiedAt: time.Date(2018, 7, 16, 21, 55, 5, 0, time.UTC),
	}
	if !reflect.DeepEqual(recs[0], want) {
		t.Errorf("record =\n%#v\nwant\n%#v", recs[0], want)
	}
}

// The unix family: sub_type cisco and checkpoint_firewall records live on
// /auth/unix/ and keep SUB_TYPE as a field; the unix DIGITAL_VAULT adds
// VAULT_USERNAME. Unknown elements and nested structures are tolerated.
func TestListRecordsUnixFamilyAndUnknownElements(t *testing.T) {
	env := setup(t)
	env.mux.HandleFunc("/api/2.0/fo/auth/unix/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		// No XML declaration, DOCTYPE first, whitespace around CDATA.
		fmt.Fprint(w, `<!DOCTYPE AUTH_UNIX_LIST_OUTPUT SYSTEM "https://qualysapi.qualys.com/api/2.0/fo/auth/unix/auth_unix_list_output.dtd">
<AUTH_UNIX_LIST_OUTPUT>
 <RESPONSE>
  <DATETIME>2024-01-01T00:00:00Z</DATETIME>
  <AUTH_UNIX_LIST>
   <AUTH_UNIX>
    <ID>17</ID>
    <TITLE> <![CDATA[core-switches]]> </TITLE>
    <USERNAME>
       <![CDATA[qscan]]>
    </USERNAME>
    <SUB_TYPE><![CDATA[cisco]]></SUB_TYPE>
    <IP_SET><IP_RANGE>10.1.0.1-10.1.0.40</IP_RANGE><IP>10.1.0.99</IP></IP_SET>
    <LOGIN_TYPE>basic</LOGIN_TYPE>
    <FUTURE_THING attr="x">kept</FUTURE_THING>
    <HOSTS/>
    <DEEP><A><B>ignored</B></A></DEEP>
    <CREATED><DATETIME>not a date</DATETIME><BY>alice</BY></CREATED>
   </AUTH_UNIX>
   <AUTH_UNIX>
    <ID>18</ID>
    <TITLE><![CDATA[fw]]></TITLE>
    <SUB_TYPE>checkpoint_firewall</SUB_TYPE>
    <LOGIN_TYPE>vault</LOGIN_TYPE>
    <DIGITAL_VAULT>
     <DIGITAL_VAULT_ID>1958818</DIGITAL_VAULT_ID>
     <DIGITAL_VAULT_TYPE><![CDATA[CA PAM]]></DIGITAL_VAULT_TYPE>
     <DIGITAL_VAULT_TITLE><![CDATA[pam]]></DIGITAL_VAULT_TITLE>
     <VAULT_USERNAME><![CDATA[root]]></VAULT_USERNAME>
     <VAULT_APP_NAME><![CDATA[Device1]]></VAULT_APP_NAME>
     <VAULT_DEVICE_HOST><![CDATA[${ip}]]></VAULT_DEVICE_HOST>
    </DIGITAL_VAULT>
    <LAST_MODIFIED><DATETIME>2024-02-03T04:05:06Z</DATETIME></LAST_MODIFIED>
   </AUTH_UNIX>
  </AUTH_UNIX_LIST>
 </RESPONSE>
</AUTH_UNIX_LIST_OUTPUT>`)
	})
	recs, err := env.client.ListRecords(context.Background(), Unix, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("got %d records", len(recs))
	}
	r := recs[0]
	if r.Title != "core-switches" || r.Fields["USERNAME"] != "qscan" || r.Fields["SUB_TYPE"] != "cisco" {
		t.Errorf("CDATA not trimmed or fields missing: %+v", r)
	}
	if !reflect.DeepEqual(r.IPs, []string{"10.1.0.1-10.1.0.40", "10.1.0.99"}) {
		t.Errorf("IPs = %v", r.IPs)
	}
	if _, ok := r.Fields["HOSTS"]; ok || r.Lists["HOSTS"] != nil {
		t.Errorf("an empty HOSTS must be left out: %+v", r)
	}
	if r.Fields["FUTURE_THING"] != "kept" || r.CreatedBy != "alice" || !r.CreatedAt.IsZero() || r.Vault != nil {
		t.Errorf("record 17 = %+v", r)
	}
	v := recs[1].Vault
	if v == nil || v.ID != 1958818 || v.Type != "CA PAM" || v.Fields["VAULT_USERNAME"] != "root" || v.Fields["VAULT_DEVICE_HOST"] != "${ip}" {
		t.Errorf("vault = %+v", v)
	}
	if recs[1].Fields["SUB_TYPE"] != "checkpoint_firewall" || recs[1].ModifiedAt != time.Date(2024, 2, 3, 4, 5, 6, 0, time.UTC) {
		t.Errorf("record 18 = %+v", recs[1])
	}
}

// recordPage writes an AUTH_<T>_LIST_OUTPUT holding ids, with a WARNING
// pointing at next when next > 0.
func recordPage(t RecordType, ids []int64, warnURL string) string {
	T := strings.ToUpper(string(t))
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8" ?><AUTH_%s_LIST_OUTPUT><RESPONSE><DATETIME>2024-01-01T00:00:00Z</DATETIME><AUTH_%s_LIST>`, T, T)
	for _, id := range ids {
		fmt.Fprintf(&b, `<AUTH_%s><ID>%d</ID><TITLE><![CDATA[r%d]]></TITLE></AUTH_%s>`, T, id, id, T)
	}
	fmt.Fprintf(&b, `</AUTH_%s_LIST>`, T)
	if warnURL != "" {
		fmt.Fprintf(&b, `<WARNING><CODE>1980</CODE><TEXT>1000 record limit exceeded. Use URL to get next batch of results.</TEXT><URL><![CDATA[%s]]></URL></WARNING>`, warnURL)
	}
	fmt.Fprintf(&b, `</RESPONSE></AUTH_%s_LIST_OUTPUT>`, T)
	return b.String()
}

func TestListRecordsFollowsWarningsAcrossThreePages(t *testing.T) {
	env := setup(t)
	var calls atomic.Int32
	env.mux.HandleFunc("/api/2.0/fo/auth/windows/", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		f := formOf(t, r)
		if f.Get("title") != "dc" || f.Get("details") != "Basic" {
			t.Errorf("filters lost on a later page: %v", f)
		}
		// The WARNING URL names another host: the client must only take its
		// id_min and keep talking to the configured server.
		next := func(id int) string {
			return "https://evil.example.com/api/2.0/fo/auth/windows/?action=list&title=dc&id_min=" + strconv.Itoa(id)
		}
		switch f.Get("id_min") {
		case "":
			writeXML(w, 200, recordPage(Windows, []int64{1, 2}, next(3)))
		case "3":
			writeXML(w, 200, recordPage(Windows, []int64{3, 4}, next(5)))
		case "5":
			writeXML(w, 200, recordPage(Windows, []int64{5}, ""))
		default:
			t.Errorf("unexpected id_min %q", f.Get("id_min"))
		}
	})
	recs, err := env.client.ListRecords(context.Background(), Windows, ListOptions{Title: "dc"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range recs {
		ids = append(ids, r.ID)
	}
	if !reflect.DeepEqual(ids, []int64{1, 2, 3, 4, 5}) || calls.Load() != 3 {
		t.Errorf("ids = %v after %d calls", ids, calls.Load())
	}
}

func TestListRecordsBrokenPageFailsWholeList(t *testing.T) {
	for _, tc := range []struct {
		name  string
		page2 func(w http.ResponseWriter)
		want  string
	}{
		{"5xx on page 2", func(w http.ResponseWriter) { writeXML(w, 503, "<html><body>down</body></html>") }, "HTTP 503"},
		{"truncated page 2", func(w http.ResponseWriter) { writeXML(w, 200, recordPage(Unix, []int64{3}, "")[:80]) }, "truncated XML"},
		{"error body on page 2", func(w http.ResponseWriter) {
			writeXML(w, 200, simpleReturnXML(1905, "parameter id_min has invalid value"))
		}, "qualys error 1905"},
		{"WARNING without URL", func(w http.ResponseWriter) {
			writeXML(w, 200, strings.Replace(recordPage(Unix, []int64{3}, "x"), "<URL><![CDATA[x]]></URL>", "", 1))
		}, "no URL"},
		{"WARNING URL without id_min", func(w http.ResponseWriter) { writeXML(w, 200, recordPage(Unix, []int64{3}, "https://h/?action=list")) }, "no id_min"},
		{"WARNING not advancing", func(w http.ResponseWriter) { writeXML(w, 200, recordPage(Unix, []int64{3}, "https://h/?id_min=2")) }, "does not advance"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := setup(t)
			env.mux.HandleFunc("/api/2.0/fo/auth/unix/", func(w http.ResponseWriter, r *http.Request) {
				if formOf(t, r).Get("id_min") == "" {
					writeXML(w, 200, recordPage(Unix, []int64{1}, "https://h/?id_min=2"))
					return
				}
				tc.page2(w)
			})
			recs, err := env.client.ListRecords(context.Background(), Unix, ListOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if recs != nil {
				t.Errorf("a failed list must return no records, got %d", len(recs))
			}
		})
	}
}

func TestListAll(t *testing.T) {
	env := setup(t)
	env.mux.HandleFunc("/api/2.0/fo/auth/", func(w http.ResponseWriter, r *http.Request) {
		f := formOf(t, r)
		if f.Get("action") != "list" || f.Has("details") {
			t.Errorf("form = %v", f)
		}
		if f.Get("id_min") == "" {
			writeXML(w, 200, `<AUTH_LIST_OUTPUT><RESPONSE><DATETIME>2024-01-01T00:00:00Z</DATETIME><AUTH_RECORDS>
<AUTH_UNIX_RECORDS><ID_SET><ID_RANGE>17-19</ID_RANGE><ID>41</ID></ID_SET></AUTH_UNIX_RECORDS>
<AUTH_WINDOWS_RECORDS><ID_SET><ID>1</ID></ID_SET></AUTH_WINDOWS_RECORDS>
</AUTH_RECORDS><WARNING><CODE>1980</CODE><TEXT>1000 record limit exceeded.</TEXT><URL>https://qualysapi.qualys.com/api/2.0/fo/auth/?action=list&amp;id_min=42</URL></WARNING></RESPONSE></AUTH_LIST_OUTPUT>`)
			return
		}
		writeXML(w, 200, `<AUTH_LIST_OUTPUT><RESPONSE><DATETIME>2024-01-01T00:00:00Z</DATETIME><AUTH_RECORDS>
<AUTH_UNIX_RECORDS><ID_SET><ID>62</ID></ID_SET></AUTH_UNIX_RECORDS>
<AUTH_MS_SQL_RECORDS><ID_SET><ID>7</ID></ID_SET></AUTH_MS_SQL_RECORDS>
</AUTH_RECORDS></RESPONSE></AUTH_LIST_OUTPUT>`)
	})
	got, err := env.client.ListAll(context.Background(), ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[RecordType][]int64{Unix: {17, 18, 19, 41, 62}, Windows: {1}, "ms_sql": {7}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ListAll = %v, want %v", got, want)
	}
}

// TestListAllUnknownShape: list-all's shape is inferred, and a caller concludes "no records of
// this type" from it, so an element the client cannot place fails the answer as unexpected
// instead of being skipped.
func TestListAllUnknownShape(t *testing.T) {
	const head = `<AUTH_LIST_OUTPUT><RESPONSE><DATETIME>2024-01-01T00:00:00Z</DATETIME>`
	const tail = `</RESPONSE></AUTH_LIST_OUTPUT>`
	for name, body := range map[string]string{
		"other root":                 `<AUTH_LIST_V3_OUTPUT><RESPONSE/></AUTH_LIST_V3_OUTPUT>`,
		"no RESPONSE":                `<AUTH_LIST_OUTPUT></AUTH_LIST_OUTPUT>`,
		"unknown RESPONSE child":     head + `<AUTH_RECORD_LIST><AUTH_RECORD><TYPE>unix</TYPE><ID>1</ID></AUTH_RECORD></AUTH_RECORD_LIST>` + tail,
		"unknown AUTH_RECORDS child": head + `<AUTH_RECORDS><AUTH_RECORD><ID>1</ID></AUTH_RECORD></AUTH_RECORDS>` + tail,
		"unknown ID_SET holder":      head + `<AUTH_RECORDS><AUTH_UNIX_RECORDS><IDS>1</IDS></AUTH_UNIX_RECORDS></AUTH_RECORDS>` + tail,
		"unknown ID_SET entry":       head + `<AUTH_RECORDS><AUTH_UNIX_RECORDS><ID_SET><RECORD_ID>1</RECORD_ID></ID_SET></AUTH_UNIX_RECORDS></AUTH_RECORDS>` + tail,
	} {
		t.Run(name, func(t *testing.T) {
			env := setup(t)
			env.mux.HandleFunc("/api/2.0/fo/auth/", func(w http.ResponseWriter, r *http.Request) { writeXML(w, 200, body) })
			got, err := env.client.ListAll(context.Background(), ListOptions{})
			if !errors.Is(err, ErrUnexpectedAnswer) {
				t.Fatalf("ListAll = %v, %v; want an unexpected-answer error", got, err)
			}
		})
	}
	// An empty subscription: RESPONSE holds DATETIME only (AUTH_RECORDS is optional).
	env := setup(t)
	env.mux.HandleFunc("/api/2.0/fo/auth/", func(w http.ResponseWriter, r *http.Request) { writeXML(w, 200, head+tail) })
	got, err := env.client.ListAll(context.Background(), ListOptions{})
	if err != nil || len(got) != 0 {
		t.Fatalf("ListAll of an empty subscription = %v, %v", got, err)
	}
}
