package wire

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Node is one element of an XML answer. The emulator writes XML by hand so
// that element order, CDATA sections and the DOCTYPE line are exactly as in
// the Qualys samples.
type Node struct {
	Name    string
	Text    string
	HasText bool
	cdata   bool
	Kids    []*Node
	typ     string // a type="..." attribute ("": none), as on the unix key and root tool lists
}

// Typed sets n's type attribute and returns n.
func Typed(n *Node, typ string) *Node { n.typ = typ; return n }

// El returns an element with child elements.
func El(name string, kids ...*Node) *Node {
	n := &Node{Name: name}
	for _, k := range kids {
		if k != nil {
			n.Kids = append(n.Kids, k)
		}
	}
	return n
}

// Txt returns an element holding escaped character data.
func Txt(name, value string) *Node { return &Node{Name: name, Text: value, HasText: true} }

// CData returns an element holding a CDATA section, the Qualys form for
// strings.
func CData(name, value string) *Node {
	return &Node{Name: name, Text: value, HasText: true, cdata: true}
}

// Add appends children, skipping nil ones.
func (n *Node) Add(kids ...*Node) *Node {
	for _, k := range kids {
		if k != nil {
			n.Kids = append(n.Kids, k)
		}
	}
	return n
}

// Doc renders root with an optional <?xml?> declaration and a DOCTYPE
// naming dtdURL (omitted when empty).
func Doc(root *Node, dtdURL string, declaration bool) []byte {
	var b bytes.Buffer
	if declaration {
		b.WriteString(`<?xml version="1.0" encoding="UTF-8" ?>` + "\n")
	}
	if dtdURL != "" {
		b.WriteString(`<!DOCTYPE ` + root.Name + ` SYSTEM "` + dtdURL + `">` + "\n")
	}
	writeNode(&b, root, 0)
	return b.Bytes()
}

func writeNode(b *bytes.Buffer, n *Node, depth int) {
	indent := strings.Repeat("  ", depth)
	b.WriteString(indent + "<" + n.Name)
	if n.typ != "" {
		b.WriteString(` type="`)
		_ = xml.EscapeText(b, []byte(n.typ))
		b.WriteString(`"`)
	}
	b.WriteString(">")
	switch {
	case n.HasText && n.cdata:
		b.WriteString("<![CDATA[" + strings.ReplaceAll(cleanXMLText(n.Text), "]]>", "]]]]><![CDATA[>") + "]]>")
	case n.HasText:
		_ = xml.EscapeText(b, []byte(cleanXMLText(n.Text)))
	case len(n.Kids) > 0:
		b.WriteString("\n")
		for _, k := range n.Kids {
			writeNode(b, k, depth+1)
		}
		b.WriteString(indent)
	}
	b.WriteString("</" + n.Name + ">\n")
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

// QualysTime formats t the Qualys way: UTC, ISO 8601, second precision.
func QualysTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// BoolText turns a stored "0"/"1" into the output form "false"/"true".
func BoolText(v string) string {
	if v == "1" {
		return "true"
	}
	return "false"
}

// BoolDigit renders a stored flag as 1 or 0 (the Doc Center unix list's form).
func BoolDigit(v string) string {
	if v == "1" {
		return "1"
	}
	return "0"
}

// IDSetNode renders IDs as ID_SET with ID and ID_RANGE children,
// compressing consecutive IDs into ranges.
func IDSetNode(ids []int64) *Node {
	set := El("ID_SET")
	for _, r := range CompressIDs(ids) {
		if r.Lo == r.Hi {
			set.Add(Txt("ID", strconv.FormatInt(r.Lo, 10)))
		} else {
			set.Add(Txt("ID_RANGE", strconv.FormatInt(r.Lo, 10)+"-"+strconv.FormatInt(r.Hi, 10)))
		}
	}
	return set
}

// IDTokensNode renders the ids parameter tokens as the caller sent them.
func IDTokensNode(tokens []IDRange) *Node {
	set := El("ID_SET")
	for _, r := range tokens {
		if r.Single {
			set.Add(Txt("ID", strconv.FormatInt(r.Lo, 10)))
		} else {
			set.Add(Txt("ID_RANGE", strconv.FormatInt(r.Lo, 10)+"-"+strconv.FormatInt(r.Hi, 10)))
		}
	}
	return set
}
