package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/qsync/qsync/internal/markdown"
)

// canaries are secrets with every character some encoder changes; each starts and ends with a
// distinctive run that must never survive redaction.
var canaries = []string{
	"Kx9Qz-plain-Tail7",
	"Kx9Qz <&'\"> ]]> Tail7",
	"Kx9Qz]]>Tail7",
	"Kx9Qz\\é\n\tπ%+/=?#Tail7",
	"  Kx9Qz padded Tail7 \n",
}

// encoders are the encoders qsync's outputs apply to a value: form bodies and query strings,
// XML text and attributes, the unix body's split CDATA, JSON (plan files, apply results, the
// PR APIs), Go quoting (%q in errors), markdown text, and Basic credentials.
var encoders = map[string]func(string) string{
	"form": func(v string) string { return url.Values{"password": {v}}.Encode() },
	"path": url.PathEscape,
	"xml text": func(v string) string {
		b, _ := xml.Marshal(struct {
			XMLName xml.Name `xml:"PASSWORD"`
			V       string   `xml:",chardata"`
		}{V: v})
		return string(b)
	},
	"xml attr": func(v string) string {
		b, _ := xml.Marshal(struct {
			XMLName xml.Name `xml:"X"`
			V       string   `xml:"v,attr"`
		}{V: v})
		return string(b)
	},
	"split cdata": func(v string) string { return "<![CDATA[" + strings.ReplaceAll(v, "]]>", "]]]]><![CDATA[>") + "]]>" },
	"html":        html.EscapeString,
	"json":        func(v string) string { b, _ := json.Marshal(map[string]string{"error": "bad " + v}); return string(b) },
	"json indent": func(v string) string { b, _ := json.MarshalIndent([]string{v}, "", "  "); return string(b) },
	"json no html": func(v string) string {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(v)
		return b.String()
	},
	"%q":       func(v string) string { return fmt.Sprintf("value %q refused", v) },
	"%+q":      func(v string) string { return fmt.Sprintf("value %+q refused", v) },
	"markdown": func(v string) string { return "> " + markdown.Escape("refused: "+v) },
	"basic":    func(v string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(v)) },
	// Compositions qsync produces: an object name (%q) in a markdown <summary>, in a JSON plan's
	// reason, in a markdown note.
	"%q in html":     func(v string) string { return markdown.HTML(fmt.Sprintf("renamed from %q", v)) },
	"%q in json":     func(v string) string { b, _ := json.Marshal(fmt.Sprintf("title %q", v)); return string(b) },
	"%q in markdown": func(v string) string { return markdown.Escape(fmt.Sprintf("title %q", v)) },
	"%q in form":     func(v string) string { return url.Values{"comments": {fmt.Sprintf("%q", v)}}.Encode() },
}

// TestCanaryThroughEveryEncoder pushes each canary through each encoder and checks that the
// Redactor leaves no trace of it.
func TestCanaryThroughEveryEncoder(t *testing.T) {
	for _, c := range canaries {
		r := New()
		r.Add(c)
		for name, enc := range encoders {
			out := r.String("before " + enc(c) + " after")
			if strings.Contains(out, "Kx9Qz") || strings.Contains(out, "Tail7") {
				t.Errorf("%s of %q: %q survives redaction", name, c, out)
			}
			if !strings.HasPrefix(out, "before ") || !strings.HasSuffix(out, " after") {
				t.Errorf("%s of %q: the text around it was lost: %q", name, c, out)
			}
		}
	}
}

func TestShortAndEmptyValuesAreIgnored(t *testing.T) {
	r := New()
	r.Add("", "abc", " ab")
	if got := r.String("abc ab cab"); got != "abc ab cab" {
		t.Errorf("short values masked text: %q", got)
	}
}

func TestLongestSecretMaskedWhole(t *testing.T) {
	r := New()
	r.Add("secret", "secret-and-more")
	if got := r.String("x secret-and-more y"); got != "x "+Mask+" y" {
		t.Errorf("got %q", got)
	}
}

// TestWriterMasksSecretsSplitAcrossWrites: a secret written one byte at a time is still masked,
// and text that cannot start a secret is written at once.
func TestWriterMasksSecretsSplitAcrossWrites(t *testing.T) {
	r := New()
	r.Add("Kx9Qz-split-Tail7")
	var out bytes.Buffer
	w := r.Writer(&out)
	for _, b := range []byte("password: Kx9Qz-split-Tail7 (sent)\n") {
		if _, err := w.Write([]byte{b}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "password: "+Mask+" (sent)\n" {
		t.Errorf("got %q", got)
	}

	out.Reset()
	fmt.Fprint(w, "Apply these changes? ")
	if got := out.String(); got != "Apply these changes? " {
		t.Errorf("text that cannot start a secret was held back: %q", got)
	}
	fmt.Fprint(w, "partial Kx9Q")
	if got := out.String(); strings.Contains(got, "Kx9Q") {
		t.Errorf("a possible secret start was written: %q", got)
	}
	_ = w.Flush()
	if got := out.String(); !strings.HasSuffix(got, "partial Kx9Q") {
		t.Errorf("Flush did not write the held-back text: %q", got)
	}
}

// TestWriterConcurrentWritesAndAdds: writers and secrets added from several goroutines.
func TestWriterConcurrentWritesAndAdds(t *testing.T) {
	r := New()
	var out bytes.Buffer
	w := r.Writer(&out)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Add(fmt.Sprintf("Kx9Qz-secret-%d-Tail7", i))
			fmt.Fprintf(w, "line Kx9Qz-secret-%d-Tail7\n", i)
		}()
	}
	wg.Wait()
	_ = w.Flush()
	if strings.Contains(out.String(), "Kx9Qz") {
		t.Errorf("a secret survived:\n%s", out.String())
	}
	if n := strings.Count(out.String(), "line "+Mask+"\n"); n != 8 {
		t.Errorf("%d masked lines, want 8:\n%s", n, out.String())
	}
}

// BenchmarkWriter: 2,000 distinct secrets (one per record of a large estate, with characters
// that multiply their encodings), a 60 kB markdown plan written in 200-byte pieces.
func BenchmarkWriter(b *testing.B) {
	r := New()
	for i := range 2000 {
		r.Add(fmt.Sprintf("pw-%04d-<&'\"]]>-x", i))
	}
	chunk := []byte(strings.Repeat("- `mysql \"db-0042\"` will be updated in place; password: (sensitive, changed)\n", 3)[:200])
	_ = r.String("") // build the matcher outside the loop (BenchmarkAdd measures that)
	b.SetBytes(int64(len(chunk)) * 300)
	for b.Loop() {
		w := r.Writer(io.Discard)
		for range 300 {
			_, _ = w.Write(chunk)
		}
		_ = w.Flush()
	}
}

// BenchmarkAdd: learning 2,000 distinct secrets and building the matcher once.
func BenchmarkAdd(b *testing.B) {
	for b.Loop() {
		r := New()
		for i := range 2000 {
			r.Add(fmt.Sprintf("pw-%04d-<&'\"]]>-x", i))
		}
		_ = r.String("")
	}
}

// TestListEntriesMaskedAlone: each entry of a comma-separated secret (SNMP community strings) is
// masked where it is quoted alone, in its encodings too; a value without a comma is not split.
func TestListEntriesMaskedAlone(t *testing.T) {
	r := New()
	r.Add("Alpha-community, Bravo<community>", "plain-secret")
	got := r.String(`invalid value: Bravo&lt;community&gt; and "Alpha-community"`)
	for _, leak := range []string{"Alpha", "Bravo"} {
		if strings.Contains(got, leak) {
			t.Errorf("an entry is shown: %q", got)
		}
	}
	if e := Entries("plain-secret"); e != nil {
		t.Errorf("Entries of a value without a comma = %q", e)
	}
}
