package qualysclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/qualysclient/xmltree"
)

// sinkEdgeCases are record list bodies whose records sit where the
// streaming decoder must be careful to agree with decodeRecordList.
var sinkEdgeCases = []string{
	// A second RESPONSE: decodeRecordList reads only the first.
	`<AUTH_UNIX_LIST_OUTPUT><RESPONSE><AUTH_UNIX_LIST><AUTH_UNIX><ID>1</ID></AUTH_UNIX></AUTH_UNIX_LIST></RESPONSE>` +
		`<RESPONSE><AUTH_UNIX_LIST><AUTH_UNIX><ID>2</ID></AUTH_UNIX></AUTH_UNIX_LIST></RESPONSE></AUTH_UNIX_LIST_OUTPUT>`,
	// Records in two lists, an unknown list and a non-AUTH_ element among records.
	`<AUTH_UNIX_LIST_OUTPUT><RESPONSE><AUTH_UNIX_LIST><AUTH_UNIX><ID>1</ID></AUTH_UNIX><OTHER><ID>x</ID></OTHER></AUTH_UNIX_LIST>` +
		`<OTHER_LIST><AUTH_UNIX><ID>x</ID></AUTH_UNIX></OTHER_LIST><AUTH_CISCO_LIST><AUTH_CISCO><ID>3</ID></AUTH_CISCO></AUTH_CISCO_LIST></RESPONSE></AUTH_UNIX_LIST_OUTPUT>`,
	// A record error followed by a good record: the whole page fails.
	`<AUTH_UNIX_LIST_OUTPUT><RESPONSE><AUTH_UNIX_LIST><AUTH_UNIX><ID>0</ID></AUTH_UNIX><AUTH_UNIX><ID>4</ID></AUTH_UNIX></AUTH_UNIX_LIST></RESPONSE></AUTH_UNIX_LIST_OUTPUT>`,
	// A record error in a page that is malformed later: the parse error wins.
	`<AUTH_UNIX_LIST_OUTPUT><RESPONSE><AUTH_UNIX_LIST><AUTH_UNIX></AUTH_UNIX></AUTH_UNIX_LIST></RESPONSE></AUTH_UNIX_LIST_OUTPUT_X>`,
	// Records under the wrong root and under a RESPONSE nested deeper.
	`<AUTH_VAULT_LIST><RESPONSE><AUTH_UNIX_LIST><AUTH_UNIX><ID>1</ID></AUTH_UNIX></AUTH_UNIX_LIST></RESPONSE></AUTH_VAULT_LIST>`,
	`<AUTH_UNIX_LIST_OUTPUT><X><RESPONSE><AUTH_UNIX_LIST><AUTH_UNIX><ID>1</ID></AUTH_UNIX></AUTH_UNIX_LIST></RESPONSE></X><RESPONSE/></AUTH_UNIX_LIST_OUTPUT>`,
	// Records with nested vault, lists, deep unknown elements; a WARNING; name space prefixes.
	`<?xml version="1.0" encoding="ISO-8859-1"?><AUTH_UNIX_LIST_OUTPUT><RESPONSE><AUTH_UNIX_LIST>` +
		"<AUTH_UNIX><ID>5</ID><TITLE>caf\xe9</TITLE><DIGITAL_VAULT><DIGITAL_VAULT_ID>9</DIGITAL_VAULT_ID><VAULT_X>y</VAULT_X><D><E/></D></DIGITAL_VAULT>" +
		`<HOSTS><HOST>a</HOST></HOSTS><HOSTS/><DEEP><A><B>c</B></A></DEEP><q:NS xmlns:q="u">v</q:NS></AUTH_UNIX>` +
		`<AUTH_UNIX><ID>6</ID><IP_SET><IP>10.0.0.1</IP></IP_SET></AUTH_UNIX></AUTH_UNIX_LIST>` +
		`<WARNING><CODE>1980</CODE><URL>https://h/?id_min=7</URL></WARNING></RESPONSE></AUTH_UNIX_LIST_OUTPUT>`,
	// Mismatched name space prefixes on a record's end tag.
	`<AUTH_UNIX_LIST_OUTPUT><RESPONSE><AUTH_UNIX_LIST><a:AUTH_UNIX><ID>1</ID></b:AUTH_UNIX></AUTH_UNIX_LIST></RESPONSE></AUTH_UNIX_LIST_OUTPUT>`,
	// An error CODE in a list output: the tree keeps it for responseError.
	`<AUTH_UNIX_LIST_OUTPUT><RESPONSE><CODE>1905</CODE><TEXT>bad</TEXT><AUTH_UNIX_LIST><AUTH_UNIX><ID>1</ID></AUTH_UNIX></AUTH_UNIX_LIST></RESPONSE></AUTH_UNIX_LIST_OUTPUT>`,
}

// corpusBodies returns the []byte bodies of a committed fuzz corpus.
func corpusBodies(t testing.TB, target string) [][]byte {
	files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", target, "*"))
	var out [][]byte
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		_, lit, ok := strings.Cut(strings.TrimSpace(string(b)), "[]byte(")
		if !ok {
			continue
		}
		s, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, []byte(s))
	}
	return out
}

// checkSinkMatchesTree decodes body both ways: as a whole tree with
// decodeRecordList, and streaming through a recordSink.
func checkSinkMatchesTree(t *testing.T, body []byte) {
	t.Helper()
	for _, typ := range []RecordType{Unix, MySQL} {
		root, perr := parseXML(body)
		sink := &recordSink{t: typ}
		sink.Reset()
		sroot, sperr := xmltree.Parse(body, sink)
		if fmt.Sprint(perr) != fmt.Sprint(sperr) {
			t.Fatalf("parse error %v, streaming %v", perr, sperr)
		}
		if perr != nil {
			continue
		}
		if a, b := fmt.Sprint(responseError(root)), fmt.Sprint(responseError(sroot)); a != b {
			t.Fatalf("responseError %s, streaming %s", a, b)
		}
		recs, w, err := decodeRecordList(root, typ)
		srecs, sw, serr := decodeRecordPage(sroot, sink)
		if fmt.Sprint(err) != fmt.Sprint(serr) {
			t.Fatalf("decode error %v, streaming %v", err, serr)
		}
		if len(recs) != len(srecs) || (len(recs) > 0 && !reflect.DeepEqual(recs, srecs)) {
			t.Fatalf("records\n%#v\nstreaming\n%#v", recs, srecs)
		}
		if !reflect.DeepEqual(w, sw) {
			t.Fatalf("warning %+v, streaming %+v", w, sw)
		}
	}
}

func TestRecordSinkMatchesTree(t *testing.T) {
	var bodies [][]byte
	files, _ := filepath.Glob(filepath.Join("testdata", "samples", "*.xml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, b)
	}
	for _, target := range []string{"FuzzDecodeRecordList", "FuzzDecodeListAll", "FuzzDecodeBatchReturn",
		"FuzzDecodeSimpleReturn", "FuzzDecodeVaultList", "FuzzDecodeVaultView"} {
		bodies = append(bodies, corpusBodies(t, target)...)
	}
	for _, s := range sinkEdgeCases {
		bodies = append(bodies, []byte(s))
	}
	bodies = append(bodies, []byte(recordPage(Unix, []int64{1, 2, 3}, "https://h/?id_min=4")))
	for i, b := range bodies {
		t.Run(strconv.Itoa(i), func(t *testing.T) { checkSinkMatchesTree(t, b) })
	}
}

func FuzzRecordSinkMatchesTree(f *testing.F) {
	addSamples(f)
	for _, s := range sinkEdgeCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkSinkMatchesTree(t, body) })
}

// A page's nodes are reused for the next record: decoding many records
// through one sink must not let one record see another's elements.
func TestRecordSinkReusesNodesSafely(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`<AUTH_UNIX_LIST_OUTPUT><RESPONSE><AUTH_UNIX_LIST>`)
	for i := 1; i <= 50; i++ {
		fmt.Fprintf(&b, `<AUTH_UNIX><ID>%d</ID><TITLE>r%d</TITLE>`, i, i)
		if i%2 == 0 {
			fmt.Fprintf(&b, `<HOSTS><HOST>h%d</HOST></HOSTS><DIGITAL_VAULT><DIGITAL_VAULT_ID>%d</DIGITAL_VAULT_ID></DIGITAL_VAULT>`, i, i)
		} else {
			fmt.Fprintf(&b, `<PORT>%d</PORT>`, i)
		}
		b.WriteString(`</AUTH_UNIX>`)
	}
	b.WriteString(`</AUTH_UNIX_LIST></RESPONSE></AUTH_UNIX_LIST_OUTPUT>`)
	checkSinkMatchesTree(t, b.Bytes())
}

func TestListRecordPagesStopsOnCallbackError(t *testing.T) {
	env := setup(t)
	calls := 0
	env.mux.HandleFunc("/api/2.0/fo/auth/unix/", func(w http.ResponseWriter, r *http.Request) {
		calls++
		if formOf(t, r).Get("id_min") == "" {
			writeXML(w, 200, recordPage(Unix, []int64{1, 2}, "https://h/?id_min=3"))
			return
		}
		writeXML(w, 200, recordPage(Unix, []int64{3}, ""))
	})
	stop := errors.New("stop")
	var pages [][]Record
	err := env.client.ListRecordPages(context.Background(), Unix, ListOptions{}, func(p []Record) error {
		pages = append(pages, p)
		return stop
	})
	if err != stop || calls != 1 || len(pages) != 1 || len(pages[0]) != 2 {
		t.Fatalf("err %v after %d calls and pages %v, want the callback's error after page 1", err, calls, pages)
	}
	pages = nil
	if err := env.client.ListRecordPages(context.Background(), Unix, ListOptions{}, func(p []Record) error {
		pages = append(pages, p)
		return nil
	}); err != nil || len(pages) != 2 || pages[0][1].ID != 2 || pages[1][0].ID != 3 {
		t.Fatalf("err %v, pages %v", err, pages)
	}
}

// TestRecordSinkAcrossPages: one sink reads page after page (as ListRecordPages uses it), reusing
// the nodes of the page before, and reads each as a fresh sink does; the records of a page handed
// over stay as they were.
func TestRecordSinkAcrossPages(t *testing.T) {
	for _, borrowed := range []bool{false, true} {
		t.Run(fmt.Sprint("borrowed=", borrowed), func(t *testing.T) { checkSinkAcrossPages(t, borrowed) })
	}
}

// checkSinkAcrossPages is TestRecordSinkAcrossPages with the records handed over borrowed (reused
// for the next page) or not (the caller's).
func checkSinkAcrossPages(t *testing.T, borrowed bool) {
	pages := [][]byte{listPageXML(30), []byte(sinkEdgeCases[6]), listPageXML(3), []byte(sinkEdgeCases[2]), listPageXML(40), listPageXML(40)}
	sink := &recordSink{t: Unix, borrowed: borrowed}
	var kept [][]Record
	var want [][]Record
	for i, body := range pages {
		sink.Reset()
		root, err := xmltree.Parse(body, sink)
		if err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		recs, w, err := decodeRecordPage(root, sink)
		fresh := &recordSink{t: Unix}
		fresh.Reset()
		froot, _ := xmltree.Parse(body, fresh)
		frecs, fw, ferr := decodeRecordPage(froot, fresh)
		if fmt.Sprint(err) != fmt.Sprint(ferr) || !reflect.DeepEqual(recs, frecs) || !reflect.DeepEqual(w, fw) {
			t.Fatalf("page %d after %d others: records %v, warning %v, error %v; a fresh sink reads %v, %v, %v", i, i, recs, w, err, frecs, fw, ferr)
		}
		if borrowed {
			continue // reused for the next page
		}
		sink.recs = nil // handed over
		kept, want = append(kept, recs), append(want, frecs)
	}
	if !reflect.DeepEqual(kept, want) {
		t.Errorf("records handed over changed while later pages were read")
	}
}

// TestDecodeScratch: the scratch parses timestamps as parseTime does, for a repeated timestamp, a
// new one, an empty and an unparsable one, and hands out the maps and vault blocks it was given
// back empty.
func TestDecodeScratch(t *testing.T) {
	var sc decodeScratch
	for _, s := range []string{"", "2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z", "2024-01-02", "", "not a time", "2024-01-02T03:04:05Z"} {
		if got, want := sc.parseTime(s), parseTime(s); !got.Equal(want) {
			t.Errorf("parseTime(%q) = %v, want %v", s, got, want)
		}
	}
	var none *decodeScratch
	if got := none.parseTime("2024-01-02"); !got.Equal(parseTime("2024-01-02")) {
		t.Errorf("a nil scratch read %v", got)
	}
	if m, v := none.newMap(), none.newVault(); m == nil || len(m) != 0 || v == nil || !reflect.DeepEqual(*v, DigitalVault{}) {
		t.Errorf("a nil scratch gave map %v, vault %+v", m, v)
	}
	r := Record{Fields: map[string]string{"A": "1"}, Vault: &DigitalVault{ID: 3, Type: "CA PAM", Fields: map[string]string{"VAULT_X": "y"}}}
	plain := Record{Fields: map[string]string{"B": "2"}} // no vault
	sc.reuse(&r)
	sc.reuse(&plain)
	sc.reuse(&Record{}) // nothing to keep
	if len(sc.maps) != 3 || len(sc.vaults) != 1 {
		t.Fatalf("kept %d maps and %d vault blocks, want 3 and 1", len(sc.maps), len(sc.vaults))
	}
	for range 4 { // three kept, then a new one
		if m := sc.newMap(); m == nil || len(m) != 0 {
			t.Errorf("newMap gave %v, want an empty map", m)
		}
	}
	for range 2 {
		if v := sc.newVault(); !reflect.DeepEqual(*v, DigitalVault{}) {
			t.Errorf("newVault gave %+v, want a zero block", *v)
		}
	}
}

// TestAppendIPs: a record's IP_SET entries are read in order, empty ones and other elements
// skipped, whether cut from the scratch array or appended; an entry appended later never
// overwrites another record's.
func TestAppendIPs(t *testing.T) {
	set := func(entries ...string) *xmltree.Node {
		n := &xmltree.Node{Name: "IP_SET"}
		for i, e := range entries {
			name := "IP"
			if i%2 == 1 {
				name = "IP_RANGE"
			}
			n.Kids = append(n.Kids, &xmltree.Node{Name: name, Text: e})
		}
		n.Kids = append(n.Kids, &xmltree.Node{Name: "OTHER", Text: "x"})
		return n
	}
	for _, sc := range []*decodeScratch{nil, {}} {
		if got := sc.appendIPs(nil, set()); got != nil {
			t.Errorf("an empty IP_SET gave %v", got)
		}
		a := sc.appendIPs(nil, set("10.0.0.1", "", "10.0.0.2-10.0.0.3"))
		b := sc.appendIPs(nil, set("10.0.1.1"))
		a = sc.appendIPs(a, set("10.0.2.1")) // a second IP_SET in one record
		if !slices.Equal(a, []string{"10.0.0.1", "10.0.0.2-10.0.0.3", "10.0.2.1"}) || !slices.Equal(b, []string{"10.0.1.1"}) {
			t.Errorf("scratch %v: records read %v and %v", sc != nil, a, b)
		}
	}
	var sc decodeScratch
	many := make([]string, 1500) // more than one array holds
	for i := range many {
		many[i] = fmt.Sprint(i)
	}
	first := sc.appendIPs(nil, set("a"))
	big := sc.appendIPs(nil, set(many...))
	if !slices.Equal(first, []string{"a"}) || !slices.Equal(big, slices.DeleteFunc(slices.Clone(many), func(s string) bool { return s == "" })) {
		t.Errorf("records across arrays read %v and %d entries", first, len(big))
	}
}
