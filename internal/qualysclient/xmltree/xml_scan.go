package xmltree

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
	"unicode/utf8"
)

// scanXML reads doc, a whole answer without byte order mark or surrounding
// white space, into a node tree as decodeXML would, for the plain XML Qualys
// sends: an optional UTF-8 (or ASCII) declaration, comments, a DOCTYPE
// without internal subset, elements without name space prefix, attributes in
// quotes, text with the five predefined entities and character references,
// and CDATA sections. ok is false for anything else, malformed or not (a
// carriage return too, which encoding/xml turns into a line feed), and then
// nothing but the sink's records of this attempt is to be kept.
func scanXML(doc []byte, sink Sink) (root *Node, ok bool) {
	if !plainText(doc) {
		return nil, false
	}
	s := xmlScanner{doc: doc, b: treeBuilder{sink: sink}}
	if !s.prolog() {
		return nil, false
	}
	for s.i < len(s.doc) {
		if s.doc[s.i] != '<' {
			if !s.text() {
				return nil, false
			}
			continue
		}
		if !s.markup() {
			return nil, false
		}
	}
	if s.b.root == nil || len(s.b.stack) > 0 {
		return nil, false
	}
	return s.b.root, true
}

// plainText reports whether doc is valid UTF-8 without a byte hasControlBytes refuses. ASCII is
// checked eight bytes at a time: a word with no byte below 0x20 other than tab and line feed and
// none above 0x7f, most of a list page, needs no look at its bytes (a separate utf8.Valid and
// hasControlBytes were 7% of parsing it).
func plainText(doc []byte) bool {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
		lows  = 0x7f7f7f7f7f7f7f7f
	)
	b := doc
	for ; len(b) >= 8; b = b[8:] {
		x := binary.LittleEndian.Uint64(b)
		if x&highs != 0 {
			break // not ASCII: the rest is checked byte by byte
		}
		// Bytes 0x00-0x08 ("hasless" of Bit Twiddling Hacks) or 0x0b-0x1f ("hasbetween"): a
		// word can be flagged for a byte that is not one (a borrow), never missed; flagged
		// words are looked at byte by byte.
		below9 := (x - 9*ones) & ^x & highs
		from11 := ((127+0x20)*ones - (x & lows)) & ^x & ((x & lows) + (127-0x0a)*ones) & highs
		if below9|from11 != 0 && hasControlBytes(b[:8]) {
			return false
		}
	}
	return utf8.Valid(b) && !hasControlBytes(b)
}

// hasControlBytes reports whether doc holds a byte XML 1.0 does not allow
// (C0 controls other than tab and line feed) or a carriage return.
func hasControlBytes(doc []byte) bool {
	for _, c := range doc {
		if c < 0x20 && c != '\t' && c != '\n' {
			return true
		}
	}
	return false
}

type xmlScanner struct {
	doc   []byte
	i     int
	b     treeBuilder
	buf   []byte    // decoded text
	done  bool      // the root element has closed
	names nameTable // every name read, so that a page of records holds one copy of each
}

// prolog skips the XML declaration (refusing an encoding other than UTF-8 or
// ASCII), comments, white space and a DOCTYPE without internal subset.
func (s *xmlScanner) prolog() bool {
	if bytes.HasPrefix(s.doc, []byte("<?")) {
		if !bytes.HasPrefix(s.doc, []byte("<?xml ")) {
			return false
		}
		end := bytes.Index(s.doc, []byte("?>"))
		if end < 0 {
			return false
		}
		decl := strings.ToLower(string(s.doc[:end]))
		// Only the plain forms are read here; any other version, encoding or spelling of them is
		// left to encoding/xml (which refuses a version other than 1.0, found by fuzzing).
		if strings.Contains(decl, "version") && !strings.Contains(decl, `version="1.0"`) && !strings.Contains(decl, `version='1.0'`) {
			return false
		}
		if i := strings.Index(decl, "encoding"); i >= 0 {
			enc := decl[i+len("encoding"):]
			if !strings.HasPrefix(enc, `="utf-8"`) && !strings.HasPrefix(enc, `='utf-8'`) &&
				!strings.HasPrefix(enc, `="us-ascii"`) && !strings.HasPrefix(enc, `='us-ascii'`) {
				return false
			}
		}
		s.i = end + 2
	}
	for {
		s.skipSpace()
		switch {
		case bytes.HasPrefix(s.doc[s.i:], []byte("<!--")):
			if !s.comment() {
				return false
			}
		case bytes.HasPrefix(s.doc[s.i:], []byte("<!DOCTYPE ")):
			// <!DOCTYPE NAME SYSTEM "url">: no internal subset, no apostrophes, double quotes in pairs
			end := bytes.IndexByte(s.doc[s.i:], '>')
			if end < 0 {
				return false
			}
			decl := s.doc[s.i+len("<!DOCTYPE ") : s.i+end]
			if bytes.ContainsAny(decl, "[<'") || bytes.Count(decl, []byte{'"'})%2 != 0 {
				return false
			}
			s.i += end + 1
		default:
			return true
		}
	}
}

func (s *xmlScanner) skipSpace() {
	for s.i < len(s.doc) && isXMLSpace(s.doc[s.i]) {
		s.i++
	}
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }

// comment skips a comment at s.i.
func (s *xmlScanner) comment() bool {
	end := bytes.Index(s.doc[s.i+4:], []byte("-->"))
	if end < 0 || bytes.Contains(s.doc[s.i+4:s.i+4+end], []byte("--")) || bytes.HasSuffix(s.doc[s.i+4:s.i+4+end], []byte("-")) {
		return false
	}
	s.i += 4 + end + 3
	return true
}

// markup reads what starts with '<' at s.i: an element's start or end tag, a
// CDATA section or a comment.
func (s *xmlScanner) markup() bool {
	rest := s.doc[s.i:]
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		return s.comment()
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		end := bytes.Index(rest, []byte("]]>"))
		if end < 0 || len(s.b.stack) == 0 {
			return false
		}
		s.b.chars(rest[len("<![CDATA["):end])
		s.i += end + 3
		return true
	case len(rest) > 1 && rest[1] == '/':
		return s.endTag()
	}
	return s.startTag()
}

// Name reads an element or attribute name without name space prefix.
func (s *xmlScanner) name() (*nameEntry, bool) {
	start := s.i
	h := s.skipName()
	if s.i == start {
		return nil, false
	}
	return s.names.lookup(s.doc[start:s.i], h), true
}

// skipName moves past a name without name space prefix and returns its nameHash.
func (s *xmlScanner) skipName() uint32 {
	h := nameHashSeed
	i := s.i
	if i < len(s.doc) && nameChars[s.doc[i]] == nameStart {
		for i < len(s.doc) && nameChars[s.doc[i]] != 0 {
			h = nameHashStep(h, s.doc[i])
			i++
		}
	}
	s.i = i
	return h
}

// nameChars classifies bytes for skipName: a name starts with a nameStart byte (a letter or '_')
// and goes on with those and nameRest bytes (digits, '-' and '.').
var nameChars = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c == '_':
			t[c] = nameStart
		case c >= '0' && c <= '9', c == '-', c == '.':
			t[c] = nameRest
		}
	}
	return t
}()

const (
	nameStart = 1
	nameRest  = 2
)

func (s *xmlScanner) startTag() bool {
	if s.done || len(s.b.stack) >= maxXMLDepth {
		return false
	}
	s.i++ // <
	elem, ok := s.name()
	if !ok {
		return false
	}
	name := elem.name
	typ := ""
	for {
		had := s.i
		s.skipSpace()
		if s.i >= len(s.doc) {
			return false
		}
		switch s.doc[s.i] {
		case '>', '/':
		default:
			if s.i == had { // an attribute must follow white space
				return false
			}
			an, ok := s.name()
			if !ok || s.i >= len(s.doc) || s.doc[s.i] != '=' {
				return false
			}
			s.i++
			v, ok := s.attrValue()
			if !ok {
				return false
			}
			if an.name == "type" {
				typ = strings.TrimSpace(v)
			}
			continue
		}
		break
	}
	if len(s.b.stack) == 0 && strings.EqualFold(name, "html") {
		return false
	}
	if !s.b.start(name, typ) {
		return false
	}
	s.b.texts[len(s.b.stack)-1] = elem
	if s.doc[s.i] == '/' {
		if s.i+1 >= len(s.doc) || s.doc[s.i+1] != '>' {
			return false
		}
		s.i += 2
		s.close()
		return true
	}
	s.i++ // >
	return true
}

// attrValue reads a quoted attribute value at s.i, its references decoded.
func (s *xmlScanner) attrValue() (string, bool) {
	if s.i >= len(s.doc) || (s.doc[s.i] != '"' && s.doc[s.i] != '\'') {
		return "", false
	}
	q := s.doc[s.i]
	end := bytes.IndexByte(s.doc[s.i+1:], q)
	if end < 0 {
		return "", false
	}
	raw := s.doc[s.i+1 : s.i+1+end]
	s.i += end + 2
	if bytes.IndexByte(raw, '<') >= 0 {
		return "", false
	}
	v, ok := unescapeXML(nil, raw)
	return string(v), ok
}

func (s *xmlScanner) endTag() bool {
	s.i += 2 // </
	// Compared with the open element's name, not read as a name and looked up: the name must be
	// that one, not followed by another name byte.
	if len(s.b.stack) == 0 {
		return false
	}
	open := s.b.stack[len(s.b.stack)-1].Name
	end := s.i + len(open)
	if end > len(s.doc) || string(s.doc[s.i:end]) != open || end < len(s.doc) && nameChars[s.doc[end]] != 0 {
		return false
	}
	s.i = end
	s.skipSpace()
	if s.i >= len(s.doc) || s.doc[s.i] != '>' {
		return false
	}
	s.i++
	s.close()
	return true
}

// close ends the innermost element.
func (s *xmlScanner) close() {
	s.b.end()
	if len(s.b.stack) == 0 {
		s.done = true
	}
}

// Text reads character data up to the next '<'.
func (s *xmlScanner) text() bool {
	// White space alone, between tags: most of a list page's texts. Leading an element's text it
	// would be trimmed anyway, so it is not kept.
	j := s.i
	for j < len(s.doc) && isXMLSpace(s.doc[j]) {
		j++
	}
	if j == len(s.doc) || s.doc[j] == '<' {
		if len(s.b.stack) > 0 && s.b.hasText() {
			s.b.chars(s.doc[s.i:j])
		}
		s.i = j
		return true
	}
	end := bytes.IndexByte(s.doc[s.i:], '<')
	if end < 0 {
		end = len(s.doc) - s.i
	}
	raw := s.doc[s.i : s.i+end]
	s.i += end
	if len(s.b.stack) == 0 {
		return len(bytes.TrimLeft(raw, " \t\n")) == 0 // white space around the root only
	}
	if bytes.Contains(raw, []byte("]]>")) { // refused outside CDATA, escaped or not (found by fuzzing)
		return false
	}
	if bytes.IndexByte(raw, '&') < 0 {
		s.b.chars(raw)
		return true
	}
	var ok bool
	s.buf, ok = unescapeXML(s.buf[:0], raw)
	if !ok {
		return false
	}
	s.b.chars(s.buf)
	return true
}

// unescapeXML appends raw to dst with the predefined entities and character
// references replaced; false for any other reference or a malformed one.
func unescapeXML(dst, raw []byte) ([]byte, bool) {
	for len(raw) > 0 {
		amp := bytes.IndexByte(raw, '&')
		if amp < 0 {
			return append(dst, raw...), true
		}
		dst = append(dst, raw[:amp]...)
		raw = raw[amp+1:]
		semi := bytes.IndexByte(raw, ';')
		if semi < 0 {
			return nil, false
		}
		ref := string(raw[:semi])
		raw = raw[semi+1:]
		switch ref {
		case "amp":
			dst = append(dst, '&')
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			r, ok := charRef(ref)
			if !ok {
				return nil, false
			}
			dst = utf8.AppendRune(dst, r)
		}
	}
	return dst, true
}

// charRef reads "#65" or "#x41"; false for anything else, or a character
// XML does not allow (encoding/xml then gives its own answer).
func charRef(ref string) (rune, bool) {
	var n uint64
	var err error
	switch {
	case strings.HasPrefix(ref, "#x"):
		n, err = strconv.ParseUint(ref[2:], 16, 32)
	case strings.HasPrefix(ref, "#"):
		n, err = strconv.ParseUint(ref[1:], 10, 32)
	default:
		return 0, false
	}
	r := rune(n)
	if err != nil || !(r == '\t' || r == '\n' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
		return 0, false
	}
	return r, true
}
