package xmltree

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Node is one element of a generically decoded XML document. Qualys output
// is decoded into nodes first and interpreted second, so unknown elements,
// element order, whitespace around CDATA and DOCTYPE lines never matter.
type Node struct {
	Name string
	Text string // character data and CDATA directly inside, trimmed
	Type string // the type="..." attribute (unix key and root tool entries), trimmed
	Kids []*Node
}

// Child returns the first child element called name, or nil.
func (n *Node) Child(name string) *Node {
	if n == nil {
		return nil
	}
	for _, k := range n.Kids {
		if k.Name == name {
			return k
		}
	}
	return nil
}

// ChildText returns the trimmed text of the first child called name.
func (n *Node) ChildText(name string) string {
	if c := n.Child(name); c != nil {
		return c.Text
	}
	return ""
}

// IsLeaf reports whether n has no child elements.
func (n *Node) IsLeaf() bool { return len(n.Kids) == 0 }

const maxXMLDepth = 64

// Sink takes elements out of a document while it is parsed, so that they never exist as one
// tree (the client's record list pages hand their records to one).
type Sink interface {
	// NewNode returns a node called name, reusing one the sink has recycled.
	NewNode(name string) *Node
	// Take reports whether n, just closed with stack as its ancestors (root first), is taken
	// out of the tree; a taken node may be recycled.
	Take(stack []*Node, n *Node) bool
	// Reset forgets what an earlier attempt at the document took.
	Reset()
}

// Parse decodes body into a node tree, handing elements to sink when it is not nil (those it
// takes are then left out of the tree).
//
// A list page is about a megabyte, and encoding/xml reads one at tens of
// megabytes a second: scanXML reads the plain XML Qualys sends several times
// faster and gives up on anything else (a name space, a DOCTYPE subset, an
// entity it does not know, a carriage return, a syntax error), which
// decodeXML then reads, so every answer scanXML gives up on gets exactly
// encoding/xml's reading and error messages.
func Parse(body []byte, sink Sink) (*Node, error) {
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
		sink.Reset()
	}
	return decodeXML(body, trimmed, sink)
}

// treeBuilder builds the node tree of a document from its elements and text,
// in document order, for scanXML and decodeXML alike.
type treeBuilder struct {
	sink  Sink
	root  *Node
	stack []*Node
	text  [][]byte     // character data of each open element; buffers reused by depth
	texts []*nameEntry // the name of each open element when scanXML reads it (see nameTable), else nil
}

// start opens an element. It returns false for a second root element.
func (b *treeBuilder) start(name, typ string) bool {
	if b.root != nil && len(b.stack) == 0 {
		return false
	}
	var n *Node
	if b.sink != nil {
		n = b.sink.NewNode(name)
	} else {
		n = &Node{Name: name}
	}
	n.Type = typ
	if len(b.stack) == 0 {
		b.root = n
	} else {
		p := b.stack[len(b.stack)-1]
		p.Kids = append(p.Kids, n)
	}
	b.stack = append(b.stack, n)
	if len(b.text) < len(b.stack) {
		b.text = append(b.text, nil)
		b.texts = append(b.texts, nil)
	}
	b.text[len(b.stack)-1] = b.text[len(b.stack)-1][:0]
	b.texts[len(b.stack)-1] = nil
	return true
}

// end closes the innermost element, handing it to the sink if it is a record.
func (b *treeBuilder) end() {
	top := len(b.stack) - 1
	n := b.stack[top]
	if t := bytes.TrimSpace(b.text[top]); len(t) > 0 && b.texts[top] != nil {
		n.Text = b.texts[top].text(t)
	} else {
		n.Text = string(t)
	}
	b.stack = b.stack[:top]
	if b.sink != nil && b.sink.Take(b.stack, n) {
		p := b.stack[top-1]
		p.Kids = p.Kids[:len(p.Kids)-1]
	}
}

// hasText reports whether the innermost element has character data yet.
func (b *treeBuilder) hasText() bool { return len(b.text[len(b.stack)-1]) > 0 }

// chars adds character data to the innermost element.
func (b *treeBuilder) chars(t []byte) {
	b.text[len(b.stack)-1] = append(b.text[len(b.stack)-1], t...)
}

// decodeXML reads the document with encoding/xml's raw tokens, matching end
// tags itself, with the messages of (*xml.Decoder).Token: qsync ignores name
// spaces, so Token's name space translation would only cost time and
// allocations.
func decodeXML(body, trimmed []byte, sink Sink) (*Node, error) {
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
			case n.Name != t.Name.Local:
				return nil, bodyErr(body, "malformed XML response (%v)", syntaxErr("element <"+n.Name+"> closed by </"+t.Name.Local+">"))
			case spaces[top] != t.Name.Space:
				ns := t.Name.Space
				if ns == "" {
					ns = `""`
				}
				return nil, bodyErr(body, "malformed XML response (%v)", syntaxErr("element <"+n.Name+"> in space "+spaces[top]+" closed by </"+t.Name.Local+"> in space "+ns))
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

// BodyError is an answer that is not usable Qualys XML. Its message quotes the start of the body
// through quote, which the client sets to mask secrets first; without quote the body is not shown.
type BodyError struct {
	what  string
	body  []byte
	Quote func(body []byte) string
}

func bodyErr(body []byte, format string, args ...any) *BodyError {
	return &BodyError{what: fmt.Sprintf(format, args...), body: body}
}

// Error says what is wrong, then quotes the start of the body through Quote.
func (e *BodyError) Error() string {
	if e.Quote == nil {
		return e.what + "; body not shown"
	}
	return e.what + "; body starts " + e.Quote(e.body)
}
