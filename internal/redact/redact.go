// Package redact owns qsync's one redaction choke point: a Redactor that knows every secret value
// qsync resolved (record and vault secrets, the Qualys password, QSYNC_SECRET_KEY, the GitHub and
// GitLab tokens) in every encoding qsync itself produces (Encodings), and masks them in every byte
// qsync writes. Package main wraps the process's stdout and stderr in its Writer, passes files
// (saved plans, the job summary) and pull request bodies through String or Bytes, and adds each
// secret to it as it is resolved; the Qualys client's debug trace masks the same encodings with
// its own per-request redactor before the trace reaches stderr.
//
// Masking is a second net: no secret value should reach any output in the first place. A value
// shorter than MinLen is not searched for (it would mask unrelated text); qsync refuses such
// secrets when it resolves them.
package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"html"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/qsync/qsync/internal/markdown"
)

// Mask replaces a secret in output.
const Mask = "********"

// MinLen is the length of the shortest value a Redactor searches for.
const MinLen = 4

// Encodings returns v, and v with surrounding white space trimmed, in every encoding qsync
// produces: raw; Go quoting (%q in messages and object names, and its ASCII-only form); each of
// those URL query and path escaped (form bodies, query strings), HTML and XML text and attribute
// escaped (traces, <summary> in markdown), as a JSON string (with and without HTML escaping: plan
// files, apply results, the PR APIs) and markdown-escaped (pull request bodies); CDATA split at
// "]]>" (the unix XML body); standard and URL-safe base64. Each entry of a comma-separated value
// (Entries: a list-valued secret such as SNMP's community_strings, which a server may quote one
// entry at a time) is encoded the same way. Forms shorter than MinLen are left out.
func Encodings(v string) []string {
	var out []string
	add := func(s string) {
		if len(s) >= MinLen && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, form := range append([]string{v, strings.TrimSpace(v)}, Entries(v)...) {
		if len(form) < MinLen {
			continue
		}
		q, qa := strconv.Quote(form), strconv.QuoteToASCII(form)
		for _, inner := range []string{form, q[1 : len(q)-1], qa[1 : len(qa)-1]} {
			add(inner)
			for _, outer := range outers {
				add(outer(inner))
			}
		}
		add(strings.ReplaceAll(form, "]]>", "]]]]><![CDATA[>"))
		add(base64.StdEncoding.EncodeToString([]byte(form)))
		add(base64.RawStdEncoding.EncodeToString([]byte(form)))
		add(base64.URLEncoding.EncodeToString([]byte(form)))
	}
	return out
}

// Entries returns the entries of a comma-separated value, trimmed of white space (empty ones
// left out), or nil when v holds no comma. A secret parameter may carry a list (SNMP's
// community_strings); masking only the whole value would leave an entry quoted alone visible.
// Splitting a value that is not a list only masks more, which is harmless.
func Entries(v string) []string {
	if !strings.Contains(v, ",") {
		return nil
	}
	var out []string
	for _, e := range strings.Split(v, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// outers are the escapes qsync applies to text that may hold a value (or its Go quoting).
var outers = []func(string) string{
	url.QueryEscape,
	url.PathEscape,
	html.EscapeString,
	htmlQuot.Replace,
	func(s string) string {
		var x strings.Builder
		_ = xml.EscapeText(&x, []byte(s))
		return x.String()
	},
	xmlAttr.Replace,
	func(s string) string {
		b, _ := json.Marshal(s)
		return string(b[1 : len(b)-1])
	},
	func(s string) string {
		var j bytes.Buffer
		enc := json.NewEncoder(&j)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(s)
		b := bytes.TrimSuffix(j.Bytes(), []byte("\n"))
		return string(b[1 : len(b)-1])
	},
	markdown.Escape,
	markdown.HTML,
}

// xmlAttr is XML's own escaping of the five special characters (html uses numeric references for
// quotes); htmlQuot is the escaping of plan's HTML (quotes as &quot;, apostrophes kept).
var (
	xmlAttr  = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "'", "&apos;", `"`, "&quot;")
	htmlQuot = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
)

// Redactor masks the secret values added to it, in every encoding (see Encodings). It is safe
// for concurrent use; the zero value is not: use New.
type Redactor struct {
	mu     sync.RWMutex
	forms  map[string]bool
	sorted []string          // forms, sorted (for prefix search)
	rep    *strings.Replacer // forms, longest first, replaced by Mask; nil when dirty
	maxLen int
}

// New returns a Redactor that knows no secret yet.
func New() *Redactor { return &Redactor{forms: map[string]bool{}} }

// Add makes r mask each value (empty and too short values are ignored).
func (r *Redactor) Add(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range values {
		for _, f := range Encodings(v) {
			if !r.forms[f] {
				r.forms[f] = true
				r.rep = nil
			}
		}
	}
}

// replacer returns the Replacer of the current forms, building it when forms were added.
func (r *Redactor) replacer() (*strings.Replacer, []string, int) {
	r.mu.RLock()
	rep, sorted, maxLen, none := r.rep, r.sorted, r.maxLen, len(r.forms) == 0
	r.mu.RUnlock()
	if rep != nil || none {
		return rep, sorted, maxLen
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rep == nil {
		// A new slice: a Writer may still be searching the previous one.
		r.sorted = make([]string, 0, len(r.forms))
		r.maxLen = 0
		for f := range r.forms {
			r.sorted = append(r.sorted, f)
			r.maxLen = max(r.maxLen, len(f))
		}
		slices.Sort(r.sorted)
		byLen := slices.Clone(r.sorted)
		// Longest first: strings.Replacer tries its pairs in argument order at each position, so
		// a secret containing another is masked whole.
		slices.SortStableFunc(byLen, func(a, b string) int { return len(b) - len(a) })
		pairs := make([]string, 0, 2*len(byLen))
		for _, f := range byLen {
			pairs = append(pairs, f, Mask)
		}
		r.rep = strings.NewReplacer(pairs...)
	}
	return r.rep, r.sorted, r.maxLen
}

// String returns s with every known secret masked.
func (r *Redactor) String(s string) string {
	rep, _, _ := r.replacer()
	if rep == nil {
		return s
	}
	return rep.Replace(s)
}

// Bytes returns b with every known secret masked.
func (r *Redactor) Bytes(b []byte) []byte {
	rep, _, _ := r.replacer()
	if rep == nil {
		return b
	}
	return []byte(rep.Replace(string(b)))
}

// pendingPrefix returns the length of the longest suffix of s that is a proper start of a known
// form: text a later write could complete into a secret.
func (r *Redactor) pendingPrefix(s string) int {
	_, sorted, maxLen := r.replacer()
	for i := max(0, len(s)-maxLen+1); i < len(s); i++ {
		tail := s[i:]
		j, _ := slices.BinarySearch(sorted, tail)
		if j < len(sorted) && len(sorted[j]) > len(tail) && strings.HasPrefix(sorted[j], tail) {
			return len(s) - i
		}
	}
	return 0
}

// Writer masks known secrets in everything written through it, even a secret split across
// writes: it holds back the end of the text while it could be the start of a secret, until
// the next write or Flush.
type Writer struct {
	r       *Redactor
	w       io.Writer
	mu      sync.Mutex
	pending string
}

// Writer returns a Writer that writes to w with r's secrets masked.
func (r *Redactor) Writer(w io.Writer) *Writer { return &Writer{r: r, w: w} }

// Write masks and writes p, except a tail that could start a secret. It reports len(p) written
// unless the underlying writer fails.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.r.String(w.pending + string(p))
	keep := w.r.pendingPrefix(s)
	w.pending = s[len(s)-keep:]
	if _, err := io.WriteString(w.w, s[:len(s)-keep]); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what Write held back (masked once more, in case a secret was added since).
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.pending == "" {
		return nil
	}
	s := w.r.String(w.pending)
	w.pending = ""
	_, err := io.WriteString(w.w, s)
	return err
}

// Unwrap returns the underlying writer (e.g. to ask whether it is a terminal).
func (w *Writer) Unwrap() io.Writer { return w.w }
