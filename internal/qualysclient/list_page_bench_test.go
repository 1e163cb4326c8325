package qualysclient

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/qsync/qsync/internal/qualysclient/xmltree"
)

// listPageXML returns a unix list page of n records in the shape the emulator answers the
// 100,000-record benchmark with: four kinds of record in turn (plain, through a CA PAM vault, a
// cisco and a checkpoint sub_type), the same username, creator and timestamps in each, a
// truncation WARNING at the end.
func listPageXML(n int) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<!DOCTYPE AUTH_UNIX_LIST_OUTPUT SYSTEM \"http://qualys/auth_unix_list_output.dtd\">\n<AUTH_UNIX_LIST_OUTPUT>\n  <RESPONSE>\n    <DATETIME>2026-12-07T18:29:00Z</DATETIME>\n    <AUTH_UNIX_LIST>\n")
	fps := []string{"", " fp=password:37c9375e110b", " fp=enable_password:12a108e95cd4,password:37c9375e110b", " fp=expert_password:a94380661296,password:37c9375e110b"}
	for i := range n {
		fmt.Fprintf(&b, "      <AUTH_UNIX>\n        <ID>%d</ID>\n        <TITLE><![CDATA[rec-%06d]]></TITLE>\n        <USERNAME><![CDATA[scanner]]></USERNAME>\n", 100000+i, i)
		if i%5 == 3 {
			fmt.Fprintf(&b, "        <IP_SET>\n          <IP_RANGE>10.%d.%d.0-10.%d.%d.3</IP_RANGE>\n        </IP_SET>\n", i>>8, i&255, i>>8, i&255)
		} else {
			fmt.Fprintf(&b, "        <IP_SET>\n          <IP>10.%d.%d.8</IP>\n        </IP_SET>\n", i>>8, i&255)
		}
		if i%4 == 1 {
			fmt.Fprintf(&b, "        <DIGITAL_VAULT>\n          <DIGITAL_VAULT_ID><![CDATA[%d]]></DIGITAL_VAULT_ID>\n          <DIGITAL_VAULT_TYPE><![CDATA[CA PAM]]></DIGITAL_VAULT_TYPE>\n          <DIGITAL_VAULT_TITLE><![CDATA[capam-%02d]]></DIGITAL_VAULT_TITLE>\n          <VAULT_DEVICE_HOST><![CDATA[${ip}]]></VAULT_DEVICE_HOST>\n          <VAULT_APP_NAME><![CDATA[acct-%d]]></VAULT_APP_NAME>\n        </DIGITAL_VAULT>\n", 1000+i%50, i%50, i)
		}
		switch i % 4 {
		case 2:
			b.WriteString("        <SUB_TYPE><![CDATA[cisco]]></SUB_TYPE>\n")
		case 3:
			b.WriteString("        <SUB_TYPE><![CDATA[checkpoint_firewall]]></SUB_TYPE>\n")
		}
		fmt.Fprintf(&b, "        <NETWORK_ID>0</NETWORK_ID>\n        <CREATED>\n          <DATETIME>0001-01-01T00:00:00Z</DATETIME>\n          <BY>bench</BY>\n        </CREATED>\n        <LAST_MODIFIED>\n          <DATETIME>0001-01-01T00:00:00Z</DATETIME>\n        </LAST_MODIFIED>\n        <COMMENTS><![CDATA[[managed by qsync: owner=bench%s]]]></COMMENTS>\n      </AUTH_UNIX>\n", fps[i%len(fps)])
	}
	fmt.Fprintf(&b, "    </AUTH_UNIX_LIST>\n    <WARNING>\n      <CODE>1980</CODE>\n      <TEXT>1000 record limit exceeded. Use URL to get next batch of results.</TEXT>\n      <URL><![CDATA[https://qualys/api/2.0/fo/auth/unix/?action=list&details=Basic&id_min=%d]]></URL>\n    </WARNING>\n  </RESPONSE>\n</AUTH_UNIX_LIST_OUTPUT>\n", 100000+n)
	return b.Bytes()
}

// BenchmarkRecordListPage measures the client's work on one 1,000-record list page once its body
// is read: parsing it with a record sink and decoding its records (what BenchmarkRead100k does
// 100 times, without HTTP and the emulator).
func BenchmarkRecordListPage(b *testing.B) {
	body := listPageXML(1000)
	sink := &recordSink{t: Unix, borrowed: true} // as ListRecordPages lends the records
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		sink.Reset()
		root, err := xmltree.Parse(body, sink)
		if err != nil {
			b.Fatal(err)
		}
		recs, w, err := decodeRecordPage(root, sink)
		if err != nil || len(recs) != 1000 || w == nil {
			b.Fatalf("%d records, warning %v, error %v", len(recs), w, err)
		}
	}
}
