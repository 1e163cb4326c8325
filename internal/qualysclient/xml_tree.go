package qualysclient

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// node is one element of a generically decoded XML document. Qualys output
// is decoded into nodes first and interpreted second, so unknown elements,
// element order, whitespace around CDATA and DOCTYPE lines never matter.
type node struct {
	name string
	text string // character data and CDATA directly inside, trimmed
	typ  string // the type="..." attribute (unix key and root tool entries), trimmed
	kids []*node
}

// child returns the first child element called name, or nil.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// childText returns the trimmed text of the first child called name.
func (n *node) childText(name string) string {
	if c := n.child(name); c != nil {
		return c.text
	}
	return ""
}

// isLeaf reports whether n has no child elements.
func (n *node) isLeaf() bool { return len(n.kids) == 0 }

const maxXMLDepth = 64

// recordSink receives the records of a record list output while it is
// parsed, so that a page of 1,000 records never exists as one node tree:
// each AUTH_<TYPE> element that decodeRecordList would visit is decoded by
// decodeRecord as soon as it closes, and its nodes are reused for the next
// one. The rest of the document (RESPONSE, WARNING, any CODE) stays in the
// tree for the generic checks of (*Client).do.
type recordSink struct {
	t    RecordType
	recs []Record
	err  error // first decodeRecord error; later records are not decoded
	size int   // records of the largest page so far: the capacity to start a page with
	free []*node
}

// reset readies the sink for the next page, or the next attempt at the
// same page, forgetting what an earlier attempt decoded.
func (s *recordSink) reset() {
	s.recs, s.err = s.recs[:0], nil
	if s.recs == nil {
		s.recs = make([]Record, 0, s.size)
	}
}

// take reports whether n, just closed with stack as its ancestors (root
// first), is a record element of a list output, and if so decodes it.
func (s *recordSink) take(stack []*node, n *node) bool {
	if len(stack) != 3 || !strings.HasPrefix(n.name, "AUTH_") {
		return false
	}
	root, resp, list := stack[0], stack[1], stack[2]
	if !strings.HasPrefix(root.name, "AUTH_") || !strings.HasSuffix(root.name, "_LIST_OUTPUT") ||
		resp.name != "RESPONSE" || root.child("RESPONSE") != resp ||
		!strings.HasPrefix(list.name, "AUTH_") || !strings.HasSuffix(list.name, "_LIST") {
		return false
	}
	if s.err == nil {
		r, err := decodeRecord(n, s.t)
		if err != nil {
			s.err, s.recs = err, nil
		} else {
			s.recs = append(s.recs, r)
			s.size = max(s.size, len(s.recs))
		}
	}
	s.recycle(n)
	return true
}

// recycle keeps n and its descendants for reuse. decodeRecord copies
// strings only, so nothing refers to them any more.
func (s *recordSink) recycle(n *node) {
	for _, k := range n.kids {
		s.recycle(k)
	}
	*n = node{kids: n.kids[:0]}
	s.free = append(s.free, n)
}

func (s *recordSink) newNode(name string) *node {
	if s == nil || len(s.free) == 0 {
		return &node{name: name}
	}
	n := s.free[len(s.free)-1]
	s.free = s.free[:len(s.free)-1]
	n.name = name
	return n
}

// parseXMLInto is parseXML, handing record elements to sink when it is not
// nil (they are then left out of the tree).
//
// A list page is about a megabyte, and encoding/xml reads one at tens of
// megabytes a second: scanXML reads the plain XML Qualys sends several times
// faster and gives up on anything else (a name space, a DOCTYPE subset, an
// entity it does not know, a carriage return, a syntax error), which
// decodeXML then reads, so every answer scanXML gives up on gets exactly
// encoding/xml's reading and error messages.
func parseXMLInto(body []byte, sink *recordSink) (*node, error) {
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if len(trimmed) == 0 {
		return nil, errors.New("empty response body")
	}
	if trimmed[0] != '<' {
		return nil, bodyErr(body, "response is not XML")
	}
	if looksLikeHTML(trimmed) {
		return nil, bodyErr(body, "got an HTML page instead of Qualys XML")
	}
	if root, ok := scanXML(trimmed, sink); ok {
		return root, nil
	}
	if sink != nil {
		sink.reset()
	}
	return decodeXML(body, trimmed, sink)
}

// treeBuilder builds the node tree of a document from its elements and text,
// in document order, for scanXML and decodeXML alike.
type treeBuilder struct {
	sink  *recordSink
	root  *node
	stack []*node
	text  [][]byte // character data of each open element; buffers reused by depth
}

// start opens an element. It returns false for a second root element.
func (b *treeBuilder) start(name, typ string) bool {
	if b.root != nil && len(b.stack) == 0 {
		return false
	}
	n := b.sink.newNode(name)
	n.typ = typ
	if len(b.stack) == 0 {
		b.root = n
	} else {
		p := b.stack[len(b.stack)-1]
		p.kids = append(p.kids, n)
	}
	b.stack = append(b.stack, n)
	if len(b.text) < len(b.stack) {
		b.text = append(b.text, nil)
	}
	b.text[len(b.stack)-1] = b.text[len(b.stack)-1][:0]
	return true
}

// end closes the innermost element, handing it to the sink if it is a record.
func (b *treeBuilder) end() {
	top := len(b.stack) - 1
	n := b.stack[top]
	n.text = string(bytes.TrimSpace(b.text[top]))
	b.stack = b.stack[:top]
	if b.sink != nil && b.sink.take(b.stack, n) {
		p := b.stack[top-1]
		p.kids = p.kids[:len(p.kids)-1]
	}
}

// chars adds character data to the innermost element.
func (b *treeBuilder) chars(t []byte) {
	b.text[len(b.stack)-1] = append(b.text[len(b.stack)-1], t...)
}

// decodeXML reads the document with encoding/xml's raw tokens, matching end
// tags itself, with the messages of (*xml.Decoder).Token: qsync ignores name
// spaces, so Token's name space translation would only cost time and
// allocations.
func decodeXML(body, trimmed []byte, sink *recordSink) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(trimmed))
	d.CharsetReader = charsetReader
	syntaxErr := func(msg string) error {
		line, _ := d.InputPos()
		return &xml.SyntaxError{Msg: msg, Line: line}
	}
	b := &treeBuilder{sink: sink}
	var spaces []string // name space prefix of each open element, for end tag matching
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			if len(b.stack) > 0 {
				err = syntaxErr("unexpected EOF")
			} else {
				break
			}
		}
		if err != nil {
			if strings.Contains(err.Error(), "unexpected EOF") {
				return nil, bodyErr(body, "truncated XML response (%v)", err)
			}
			return nil, bodyErr(body, "malformed XML response (%v)", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(b.stack) >= maxXMLDepth {
				return nil, fmt.Errorf("malformed XML response (nested deeper than %d elements)", maxXMLDepth)
			}
			typ := ""
			for _, a := range t.Attr {
				if a.Name.Local == "type" {
					typ = strings.TrimSpace(a.Value)
				}
			}
			if !b.start(t.Name.Local, typ) {
				return nil, bodyErr(body, "malformed XML response (content after the root element)")
			}
			if len(b.stack) == 1 && strings.EqualFold(t.Name.Local, "html") {
				return nil, bodyErr(body, "got an HTML page instead of Qualys XML")
			}
			spaces = append(spaces, t.Name.Space)
		case xml.EndElement:
			if len(b.stack) == 0 {
				return nil, bodyErr(body, "malformed XML response (%v)", syntaxErr("unexpected end element </"+t.Name.Local+">"))
			}
			top := len(b.stack) - 1
			n := b.stack[top]
			switch {
			case n.name != t.Name.Local:
				return nil, bodyErr(body, "malformed XML response (%v)", syntaxErr("element <"+n.name+"> closed by </"+t.Name.Local+">"))
			case spaces[top] != t.Name.Space:
				ns := t.Name.Space
				if ns == "" {
					ns = `""`
				}
				return nil, bodyErr(body, "malformed XML response (%v)", syntaxErr("element <"+n.name+"> in space "+spaces[top]+" closed by </"+t.Name.Local+"> in space "+ns))
			}
			spaces = spaces[:top]
			b.end()
		case xml.CharData:
			if len(b.stack) > 0 {
				b.chars(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, bodyErr(body, "malformed XML response (text outside the root element)")
			}
		}
	}
	if b.root == nil {
		return nil, bodyErr(body, "response holds no XML element")
	}
	return b.root, nil
}

// looksLikeHTML reports whether a body opens like an HTML page (which is
// rarely well-formed XML, so the parser alone would call it malformed).
func looksLikeHTML(b []byte) bool {
	head := strings.ToLower(string(b[:min(len(b), 512)]))
	for strings.HasPrefix(head, "<!--") || strings.HasPrefix(head, "<?") {
		end := "-->"
		if strings.HasPrefix(head, "<?") {
			end = "?>"
		}
		i := strings.Index(head, end)
		if i < 0 {
			return false
		}
		head = strings.TrimSpace(head[i+len(end):])
	}
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html")
}

// charsetReader accepts the encodings a Qualys server may declare. UTF-8 is
// what Qualys sends; Latin-1 is converted rune by rune.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(charset)) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	case "iso-8859-1", "latin1", "latin-1", "windows-1252":
		b, err := io.ReadAll(input)
		if err != nil {
			return nil, err
		}
		out := make([]byte, 0, len(b))
		for _, c := range b {
			out = utf8.AppendRune(out, rune(c))
		}
		return bytes.NewReader(out), nil
	}
	return nil, fmt.Errorf("unsupported charset %q", charset)
}

const snippetLen = 120

// bodyError is an answer that is not usable Qualys XML. Its message quotes
// the start of the body, redacted.
type bodyError struct {
	what   string
	body   []byte
	redact func(string) string // request-specific secret masking; nil = generic only
}

func bodyErr(body []byte, format string, args ...any) *bodyError {
	return &bodyError{what: fmt.Sprintf(format, args...), body: body}
}

func (e *bodyError) Error() string {
	return e.what + "; body starts " + quoteSnippet(e.body, e.redact)
}

// quoteSnippet quotes at most the first ~120 bytes of body for an error
// message. Secrets are masked before quoting (so escaping cannot hide them
// from the masking): the values redact knows, plus anything that looks like
// password=... or Basic credentials.
func quoteSnippet(body []byte, redact func(string) string) string {
	s := body
	more := ""
	if len(s) > snippetLen {
		s = s[:snippetLen]
		// Do not cut a UTF-8 sequence in half.
		for i := 0; i < utf8.UTFMax && len(s) > 0 && !utf8.Valid(s); i++ {
			s = s[:len(s)-1]
		}
		more = "..."
	}
	text := string(s)
	if redact != nil {
		// Mask on the whole body first, so that a secret cut by the
		// 120-byte limit is not left half visible.
		text = redact(string(body))
		if len(text) > len(s) {
			text = text[:len(s)]
		}
	}
	return fmt.Sprintf("%q", redactText(text)) + more
}
