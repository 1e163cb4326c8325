package xmltree

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// dumpTree writes n as one line per element: depth, name, type and text.
func dumpTree(b *strings.Builder, n *Node, depth int) {
	fmt.Fprintf(b, "%d %s typ=%q text=%q\n", depth, n.Name, n.Type, n.Text)
	for _, k := range n.Kids {
		dumpTree(b, k, depth+1)
	}
}

// scanMatchesDecoder fails t when scanXML reads doc differently from encoding/xml (decodeXML).
// It reports whether scanXML read doc at all.
func scanMatchesDecoder(t *testing.T, body []byte) bool {
	t.Helper()
	doc := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if len(doc) == 0 || doc[0] != '<' || looksLikeHTML(doc) {
		return false
	}
	fast, ok := scanXML(doc, nil)
	if !ok {
		return false
	}
	slow, err := decodeXML(body, doc, nil)
	if err != nil {
		t.Fatalf("scanXML read what encoding/xml refuses (%v):\n%q", err, body)
	}
	var a, b strings.Builder
	dumpTree(&a, fast, 0)
	dumpTree(&b, slow, 0)
	if a.String() != b.String() {
		t.Fatalf("scanXML and encoding/xml read %q differently:\nscan:\n%s\nencoding/xml:\n%s", body, a.String(), b.String())
	}
	return true
}

// TestScanXMLReadsQualysAnswers: the plain XML of every sample answer takes the fast path, and
// reads as encoding/xml reads it; what the fast path does not know falls back to encoding/xml.
func TestScanXMLReadsQualysAnswers(t *testing.T) {
	samples := sampleBodies(t)
	for name, b := range samples {
		if !scanMatchesDecoder(t, b) && !bytes.Contains(b, []byte("\r")) {
			t.Errorf("%s: scanXML gave up on a sample answer", name)
		}
	}
	for _, tc := range []struct {
		doc  string
		fast bool
	}{
		{`<A><B type=" k ">x &amp; &#65;&#x42; <![CDATA[<c>]]></B><!-- c --><C/></A>`, true},
		{"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE A SYSTEM \"a.dtd\">\n<A> t </A>\n", true},
		{`<?xml version="1.0" encoding="ISO-8859-1"?><A>t</A>`, false}, // another charset
		{`<!DOCTYPE A [<!ENTITY e "x">]><A>&e;</A>`, false},            // an internal subset
		{`<q:A xmlns:q="u"><q:B/></q:A>`, false},                       // name spaces
		{"<A>a\r\nb</A>", false},                                       // encoding/xml turns CR LF into LF
		{`<A><B></A>`, false},                                          // malformed: encoding/xml says how
		{`<A>&nbsp;</A>`, false},                                       // an unknown entity
		{`<A></A><B/>`, false},                                         // two roots
		{`<A>x</A>y`, false},                                           // text after the root
		{`<A b=c/>`, false},                                            // an unquoted attribute
		{`<html><body/></html>`, false},                                // an HTML page
	} {
		if got := scanMatchesDecoder(t, []byte(tc.doc)); got != tc.fast {
			t.Errorf("%q: fast path %v, want %v", tc.doc, got, tc.fast)
		}
	}
}

// FuzzScanXMLMatchesDecoder: whatever scanXML reads, it reads as encoding/xml does.
func FuzzScanXMLMatchesDecoder(f *testing.F) {
	addSampleBodies(f)
	for _, s := range []string{`<A><B type="x">t&amp;<![CDATA[]]>]]></B></A>`, `<A>&#0;</A>`, `<A a='1' type = "z"/>`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		scanMatchesDecoder(t, body)
	})
}

// sampleBodies returns the committed sample answers by file name.
func sampleBodies(t *testing.T) map[string][]byte {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "samples", "*.xml"))
	if len(files) == 0 {
		t.Fatal("no samples in testdata/samples")
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

// addSampleBodies seeds a fuzz target with every committed sample body of the client
// (../testdata/samples).
func addSampleBodies(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "samples", "*.xml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// TestPlainText: the word-at-a-time check agrees with utf8.Valid and hasControlBytes byte by byte,
// wherever in a word the byte that decides is.
func TestPlainText(t *testing.T) {
	want := func(b []byte) bool { return utf8.Valid(b) && !hasControlBytes(b) }
	base := []byte("<A>\tplain text\n of some length, past a few words</A>")
	cases := [][]byte{nil, []byte("a"), []byte("12345678"), []byte("é"), []byte("\xff"), base}
	for i := range base {
		for _, c := range []string{"\x00", "\x08", "\x0b", "\x0c", "\x1f", "\r", "\t", "\n", "\t\n", " ", "\x7f", "\x80", "é", "\xc3", "\xef\xbf\xbf"} {
			b := append(append(append([]byte(nil), base[:i]...), c...), base[i:]...)
			cases = append(cases, b, append([]byte("é"), b...))
		}
	}
	// Every byte value at every place of a word, among fillers that flag a word or do not.
	for _, filler := range []byte{'a', '\t', '\n', 0x1f, 0x20, 0x0b} {
		for c := range 256 {
			for at := range 8 {
				b := bytes.Repeat([]byte{filler}, 16)
				b[8+at] = byte(c)
				cases = append(cases, b)
			}
		}
	}
	for _, b := range cases {
		if got := plainText(b); got != want(b) {
			t.Errorf("plainText(%q) = %v, want %v", b, got, want(b))
		}
	}
}
