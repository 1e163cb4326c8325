package qualysemu

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// node is one element of an XML answer. The emulator writes XML by hand so
// that element order, CDATA sections and the DOCTYPE line are exactly as in
// the Qualys samples.
type node struct {
	name    string
	text    string
	hasText bool
	cdata   bool
	kids    []*node
	typ     string // a type="..." attribute ("": none), as on the unix key and root tool lists
}

// typed sets n's type attribute and returns n.
func typed(n *node, typ string) *node { n.typ = typ; return n }

// el returns an element with child elements.
func el(name string, kids ...*node) *node {
	n := &node{name: name}
	for _, k := range kids {
		if k != nil {
			n.kids = append(n.kids, k)
		}
	}
	return n
}

// txt returns an element holding escaped character data.
func txt(name, value string) *node { return &node{name: name, text: value, hasText: true} }

// cdata returns an element holding a CDATA section, the Qualys form for
// strings.
func cdata(name, value string) *node {
	return &node{name: name, text: value, hasText: true, cdata: true}
}

// add appends children, skipping nil ones.
func (n *node) add(kids ...*node) *node {
	for _, k := range kids {
		if k != nil {
			n.kids = append(n.kids, k)
		}
	}
	return n
}

// xmlDoc renders root with an optional <?xml?> declaration and a DOCTYPE
// naming dtdURL (omitted when empty).
func xmlDoc(root *node, dtdURL string, declaration bool) []byte {
	var b bytes.Buffer
	if declaration {
		b.WriteString(`<?xml version="1.0" encoding="UTF-8" ?>` + "\n")
	}
	if dtdURL != "" {
		b.WriteString(`<!DOCTYPE ` + root.name + ` SYSTEM "` + dtdURL + `">` + "\n")
	}
	writeNode(&b, root, 0)
	return b.Bytes()
}

func writeNode(b *bytes.Buffer, n *node, depth int) {
	indent := strings.Repeat("  ", depth)
	b.WriteString(indent + "<" + n.name)
	if n.typ != "" {
		b.WriteString(` type="`)
		_ = xml.EscapeText(b, []byte(n.typ))
		b.WriteString(`"`)
	}
	b.WriteString(">")
	switch {
	case n.hasText && n.cdata:
		b.WriteString("<![CDATA[" + strings.ReplaceAll(cleanXMLText(n.text), "]]>", "]]]]><![CDATA[>") + "]]>")
	case n.hasText:
		_ = xml.EscapeText(b, []byte(cleanXMLText(n.text)))
	case len(n.kids) > 0:
		b.WriteString("\n")
		for _, k := range n.kids {
			writeNode(b, k, depth+1)
		}
		b.WriteString(indent)
	}
	b.WriteString("</" + n.name + ">\n")
}

// cleanXMLText replaces characters XML 1.0 cannot carry.
func cleanXMLText(s string) string {
	ok := true
	for _, r := range s {
		if !xmlChar(r) {
			ok = false
			break
		}
	}
	if ok && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !xmlChar(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// qualysTime formats t the Qualys way: UTC, ISO 8601, second precision.
func qualysTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// boolText turns a stored "0"/"1" into the output form "false"/"true".
func boolText(v string) string {
	if v == "1" {
		return "true"
	}
	return "false"
}

// boolDigit renders a stored flag as 1 or 0 (the Doc Center unix list's form).
func boolDigit(v string) string {
	if v == "1" {
		return "1"
	}
	return "0"
}

// idSetNode renders IDs as ID_SET with ID and ID_RANGE children,
// compressing consecutive IDs into ranges.
func idSetNode(ids []int64) *node {
	set := el("ID_SET")
	for _, r := range compressIDs(ids) {
		if r.lo == r.hi {
			set.add(txt("ID", strconv.FormatInt(r.lo, 10)))
		} else {
			set.add(txt("ID_RANGE", strconv.FormatInt(r.lo, 10)+"-"+strconv.FormatInt(r.hi, 10)))
		}
	}
	return set
}

// idTokensNode renders the ids parameter tokens as the caller sent them.
func idTokensNode(tokens []idRange) *node {
	set := el("ID_SET")
	for _, r := range tokens {
		if r.single {
			set.add(txt("ID", strconv.FormatInt(r.lo, 10)))
		} else {
			set.add(txt("ID_RANGE", strconv.FormatInt(r.lo, 10)+"-"+strconv.FormatInt(r.hi, 10)))
		}
	}
	return set
}
