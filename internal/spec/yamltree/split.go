package yamltree

import (
	"bytes"
	"errors"
	"io"
	"math"

	"gopkg.in/yaml.v3"
)

// A configuration file is mostly one long list: the records. yaml.v3 decodes a document into a
// tree of yaml.Nodes, 160 bytes each, before anything can be converted, so a 100,000-record file
// held 285 MB of nodes at once, the largest live heap of the whole load. parseSplit decodes such a
// file in pieces instead: the text before the list, then the list's items a batch at a time, each
// batch converted and dropped before the next is decoded. The result is the File parseWhole
// returns; whenever the pieces could decode otherwise than the whole would (anchors, directives,
// an item that does not decode alone, anything parseSplit does not recognise), Parse decodes the
// whole document instead, so every problem is still the one parseWhole reports.

// splitBatch is how many list items are decoded together: each yaml.v3 decoder allocates about
// 3 KB before it reads anything, too much per item, and a batch's nodes are few enough.
const splitBatch = 256

// splitText is where a file's last top-level key holds a block list that reaches to the end of the
// file: the text before starts[0] holds that key (written alone on its line at keyLine), and each
// item begins at a line start in starts, on the 1-based line in lines, with indent spaces before
// its "-".
type splitText struct {
	keyLine int
	indent  int
	starts  []int
	lines   []int
}

// findSplit finds the list parseSplit decodes in pieces; false when data has none. It reads lines
// only: a line that merely looks like an item (inside a quoted scalar spanning lines, say) makes
// the piece before it undecodable alone, and parseSplit then gives up.
func findSplit(data []byte) (splitText, bool) {
	var sp splitText
	valid := false // sp describes a key whose list is still open
	line := 0
	for start := 0; start < len(data); {
		end := bytes.IndexByte(data[start:], '\n')
		next := len(data)
		if end < 0 {
			end = len(data)
		} else {
			end += start
			next = end + 1
		}
		line++
		text := bytes.TrimSuffix(data[start:end], []byte{'\r'})
		lineStart := start
		start = next
		if len(text) > 0 && (text[0] == '%' || bytes.HasPrefix(text, []byte("---")) || bytes.HasPrefix(text, []byte("..."))) {
			return sp, false // directives and document markers: decode the whole
		}
		spaces := 0
		for spaces < len(text) && text[spaces] == ' ' {
			spaces++
		}
		rest := text[spaces:]
		if len(bytes.TrimLeft(rest, " \t")) == 0 || rest[0] == '#' {
			continue // blank or a comment
		}
		item := rest[0] == '-' && (len(rest) == 1 || rest[1] == ' ')
		switch {
		case valid && len(sp.starts) == 0 && item:
			sp.indent = spaces
			fallthrough
		case valid && len(sp.starts) > 0 && item && spaces == sp.indent:
			sp.starts = append(sp.starts, lineStart)
			sp.lines = append(sp.lines, line)
			continue
		case valid && len(sp.starts) > 0 && spaces > sp.indent:
			continue // inside an item
		}
		valid = spaces == 0 && isListKeyLine(text)
		sp = splitText{keyLine: line}
	}
	return sp, valid && len(sp.starts) > 0
}

// isListKeyLine reports whether text is a plain key and its colon alone on the line, with at most
// a comment after it ("records:  # the records").
func isListKeyLine(text []byte) bool {
	i := 0
	for i < len(text) && (text[i] == '_' || text[i] >= 'a' && text[i] <= 'z' || text[i] >= 'A' && text[i] <= 'Z' || i > 0 && text[i] >= '0' && text[i] <= '9') {
		i++
	}
	if i == 0 || i == len(text) || text[i] != ':' {
		return false
	}
	rest := text[i+1:]
	if len(rest) == 0 {
		return true
	}
	if rest[0] != ' ' && rest[0] != '\t' {
		return false
	}
	rest = bytes.TrimLeft(rest, " \t")
	return len(rest) == 0 || rest[0] == '#'
}

// decodeOne decodes data as a document with nothing after it and without anchors or empty keys
// (whose meaning could depend on the rest of the file); false otherwise, problems included.
func decodeOne(data []byte) (*yaml.Node, yamlShape, bool) {
	var doc, next yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, yamlShape{}, false
	}
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		return nil, yamlShape{}, false
	}
	var sh yamlShape
	shape(&doc, &sh)
	if sh.anchors || sh.emptyKey || len(doc.Content) != 1 {
		return nil, yamlShape{}, false
	}
	return &doc, sh, true
}

// parseSplit decodes data as parseWhole would, the items of its last top-level list in batches of
// batch items; false when it cannot be sure of giving the same File and problems.
func parseSplit(data []byte, batch int) (*File, []Problem, bool) {
	sp, ok := findSplit(data)
	if !ok {
		return nil, nil, false
	}
	head, sh, ok := decodeOne(data[:sp.starts[0]])
	if !ok || head.Content[0].Kind != yaml.MappingNode || len(head.Content[0].Content) < 2 {
		return nil, nil, false
	}
	root := head.Content[0]
	k, v := root.Content[len(root.Content)-2], root.Content[len(root.Content)-1]
	if k.Kind != yaml.ScalarNode || k.Style != 0 || k.ShortTag() != "!!str" || k.Line != sp.keyLine || k.Column != 1 ||
		v.Kind != yaml.ScalarNode || v.Style != 0 || v.ShortTag() != "!!null" || v.Value != "" {
		return nil, nil, false // the key line is not what it seemed
	}
	// The list as yaml.v3 would have decoded it: a block sequence starts at its first "-".
	list := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: sp.lines[0], Column: sp.indent + 1}
	root.Content[len(root.Content)-1] = list
	f := &File{}
	f.nodes = make([]node, 0, sh.nodes-sh.keys+1) // the list's items: see splitList.reserve
	// Without anchors every node is converted once (no alias can expand it): no limit applies.
	c := converter{f: f, active: map[*yaml.Node]bool{}, limit: math.MaxInt, release: true,
		split: &splitList{list: list, f: f, data: data, splitText: sp, size: batch}}
	f.Value, _ = c.convert(head, c.noKey(), 0, 0)
	if c.split.failed || c.split.handed != len(sp.starts) {
		// An item did not decode alone, or the list was never converted (its key is a duplicate):
		// only the whole document says whether the rest of it decodes.
		return nil, nil, false
	}
	if cap(f.nodes)-len(f.nodes) > len(f.nodes)/8 {
		f.nodes = append([]node(nil), f.nodes...) // an estimate too high: give the rest back
	}
	return f, c.ds, true
}

// splitList hands the converter the items of the list parseSplit decodes in batches.
type splitList struct {
	splitText
	list     *yaml.Node // the list's node, without items
	f        *File
	data     []byte
	size     int          // items per batch
	batch    []*yaml.Node // the items of the batch decoded last, from item first
	first    int
	buf      []byte // a batch's text and its sentinel
	handed   int    // items handed to the converter
	base     int    // len(File.nodes) before the first item
	kidsBase int    // len(File.kids) before the first item
	failed   bool
	reserved bool
}

// item returns the list's item i, decoding its batch when i starts one; nil when the batch does
// not decode alone as the same items (failed is then set).
func (s *splitList) item(i int) *yaml.Node {
	if i == 0 {
		s.base, s.kidsBase = len(s.f.nodes), len(s.f.kids)
	}
	if i%s.size == 0 {
		s.batch, s.first = s.decodeBatch(i), i
		if s.batch == nil {
			s.failed = true
			return nil
		}
	}
	e := s.batch[i-s.first]
	s.batch[i-s.first] = nil // converted next: drop it from the batch
	s.handed++
	return e
}

// decodeBatch decodes the items from first to the end of its batch, their lines numbered as in the
// whole file.
func (s *splitList) decodeBatch(first int) []*yaml.Node {
	last := min(first+s.size, len(s.starts))
	text := s.data[s.starts[first]:]
	sentinel := 0
	if last < len(s.starts) {
		// The batch, then an empty item where the next batch's first item starts: yaml.v3 places
		// some values left empty at the end of the batch (an explicit key's: "? a") where the next
		// token starts, which the sentinel makes the same as in the whole file.
		// The text is copied to a buffer reused from batch to batch: yaml.v3 keeps nothing of it.
		s.buf = append(append(append(s.buf[:0], text[:s.starts[last]-s.starts[first]]...),
			bytes.Repeat([]byte{' '}, s.indent)...), "-\n"...)
		text = s.buf
		sentinel = 1
	}
	doc, _, ok := decodeOne(text)
	if !ok {
		return nil
	}
	seq := doc.Content[0]
	if seq.Kind != yaml.SequenceNode || seq.Style != 0 || seq.ShortTag() != "!!seq" || len(seq.Content) != last-first+sentinel {
		return nil
	}
	offset := s.lines[first] - 1
	items := seq.Content[:last-first]
	for j, e := range items {
		// Each item where findSplit saw it begin: its "-" starts a line of its own.
		if at := e.Line + offset; at < s.lines[first+j] || first+j+1 < len(s.lines) && at > s.lines[first+j+1] {
			return nil
		}
		renumber(e, offset)
	}
	return items
}

// renumber adds offset to the line of n and of every node below it.
func renumber(n *yaml.Node, offset int) {
	n.Line += offset
	for _, c := range n.Content {
		renumber(c, offset)
	}
}

// reserve grows f.nodes and f.kids, once a batch of the list's items is converted, to what the
// whole list will need at the rate seen so far: appending a million nodes one by one would copy
// the arrays each time they doubled and leave up to half of them unused.
func (s *splitList) reserve(converted int) {
	f := s.f
	if s.reserved || converted < min(s.size, len(s.starts)) {
		return
	}
	s.reserved = true
	f.nodes = grow(f.nodes, len(f.nodes)-s.base, converted, len(s.starts), 0)
	// The kids of every item's containers, then (when the list ends) the list's own items.
	f.kids = grow(f.kids, len(f.kids)-s.kidsBase, converted, len(s.starts), len(s.starts))
}

// grow returns list with room for what the items not converted yet will add at the rate of the
// converted ones (n added by converted of all items), 5% more, and extra.
func grow[T any](list []T, n, converted, all, extra int) []T {
	want := len(list) + int(float64(n)/float64(converted)*float64(all-converted)*1.05) + extra + 16
	if want <= cap(list) {
		return list
	}
	grown := make([]T, len(list), want)
	copy(grown, list)
	return grown
}
