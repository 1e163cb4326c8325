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

// parseXML decodes body into a node tree. It accepts bodies with or without
// an XML declaration, with a DOCTYPE, comments and a UTF-8 BOM, and rejects
// anything that is not one well-formed XML document (HTML pages, truncated
// bodies, plain text) with an error quoting the start of the body.
func parseXML(body []byte) (*node, error) {
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
	d := xml.NewDecoder(bytes.NewReader(trimmed))
	d.CharsetReader = charsetReader
	var root *node
	var stack []*node
	var text []*strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if strings.Contains(err.Error(), "unexpected EOF") {
				return nil, bodyErr(body, "truncated XML response (%v)", err)
			}
			return nil, bodyErr(body, "malformed XML response (%v)", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, bodyErr(body, "malformed XML response (content after the root element)")
			}
			if len(stack) >= maxXMLDepth {
				return nil, fmt.Errorf("malformed XML response (nested deeper than %d elements)", maxXMLDepth)
			}
			n := &node{name: t.Name.Local}
			if len(stack) == 0 {
				root = n
				if strings.EqualFold(n.name, "html") {
					return nil, bodyErr(body, "got an HTML page instead of Qualys XML")
				}
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
			text = append(text, &strings.Builder{})
		case xml.EndElement:
			n := stack[len(stack)-1]
			n.text = strings.TrimSpace(text[len(text)-1].String())
			stack = stack[:len(stack)-1]
			text = text[:len(text)-1]
		case xml.CharData:
			if len(stack) > 0 {
				text[len(text)-1].Write(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, bodyErr(body, "malformed XML response (text outside the root element)")
			}
		}
	}
	if root == nil {
		return nil, bodyErr(body, "response holds no XML element")
	}
	if len(stack) > 0 {
		return nil, bodyErr(body, "truncated XML response (<%s> never closed)", stack[len(stack)-1].name)
	}
	return root, nil
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
