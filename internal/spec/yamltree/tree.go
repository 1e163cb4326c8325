// Package yamltree decodes one YAML file into plain JSON-like values (what JSON Schema validates)
// and remembers where each value was written: a tree of positions beside the values, found by path
// ("records/3/ips/1"). It knows nothing of qsync's kinds; internal/spec turns its positions and
// problems into diagnostics. A file whose last top-level key holds a block list (the records) is
// decoded a batch of items at a time, with the result of decoding it whole (split.go), so that
// yaml.v3's node tree of a large file never exists all at once.
package yamltree

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// File is one source file decoded into plain JSON-like values (what JSON Schema validates) with
// the source position of every value. The positions form a tree beside the values, found by path
// ("records/3/ips/1"; "" is the root; see find).
type File struct {
	// Value is the decoded document: nil, bool, int64, float64, string, []any or map[string]any;
	// nil when the file could not be read at all.
	Value any
	// nodes holds every value converted, in document order (an alias's value once per use); the
	// root is nodes[0].
	nodes []node
	kids  []int32 // the members or items of every container, each container's in one run
	// byPath indexes the nodes by path instead, the first value at each path, when an empty key
	// makes paths ambiguous: the root member "" has the path "" and its members those of the root's.
	byPath map[string]int32
	// raws holds the text as written of the scalars not read as strings (numbers, booleans,
	// nulls), by node: a string's text is its value, and keeping it in every node cost 16 bytes
	// each (14 MB of a 100,000-record file).
	raws map[int32]string
	// keyNames holds each mapping key once; a node names its key by index (see converter.intern).
	keyNames []string
}

// node is what the loader remembers about one YAML value.
type node struct {
	key       int32 // its key in File.keyNames, for members of a mapping (else the key "")
	line, col int32 // the value
	keyLine   int32 // its key, for members of a mapping; 0 otherwise
	keyCol    int32
	kids      int32 // its members or items are File.kids[kids : kids+nkids]
	nkids     int32
	list      bool // a sequence: items are found by index
	sorted    bool // a large mapping whose members are sorted by key
}

// maxNodes bounds the values one file may expand to beyond what it writes out: aliases can
// multiply them (a "billion laughs" file), while a large file without aliases is legitimate (a
// 100,000-record configuration holds over a million values). The limit is maxNodes plus
// aliasFactor times the values written literally.
const (
	maxNodes    = 200000
	aliasFactor = 4
)

// yamlShape is what Parse learns of a document before converting it.
type yamlShape struct {
	nodes    int  // nodes written literally (aliases not followed)
	keys     int  // of which mapping keys
	emptyKey bool // a mapping key is written as the empty string (or is an alias)
	anchors  bool // a node has an anchor, so aliases may convert it again
}

// shape walks n's tree without following aliases.
func shape(n *yaml.Node, sh *yamlShape) {
	sh.nodes++
	if n.Anchor != "" {
		sh.anchors = true
	}
	for i, c := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 {
			sh.keys++
			if c.Kind == yaml.AliasNode || c.Kind == yaml.ScalarNode && c.Value == "" {
				sh.emptyKey = true
			}
		}
		shape(c, sh)
	}
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse decodes data into a File. A file over maxBytes bytes is refused unread. Problems are
// returned in the order found; the File's Value is nil when the file could not be read at all.
func Parse(data []byte, maxBytes int) (*File, []Problem) {
	var ds problems
	if len(data) > maxBytes {
		ds.errorf(pos(1, 1), "", "file is %d bytes, more than the %d MiB qsync reads from one configuration file: split it into several files",
			len(data), maxBytes>>20)
		return &File{}, ds
	}
	if line, col, b, bad := firstInvalidUTF8(data); bad {
		// yaml.v3 reports this without a position; say where, so the byte can be found.
		ds.errorf(pos(line, col), "", "invalid UTF-8 (byte 0x%02X): qsync reads UTF-8 files only; re-save the file as UTF-8", b)
		return &File{}, ds
	}
	if f, ds, ok := parseSplit(data, splitBatch); ok {
		return f, ds
	}
	return parseWhole(data)
}

// parseWhole decodes data, valid UTF-8 of an accepted size, as one YAML document.
func parseWhole(data []byte) (*File, []Problem) {
	f := &File{}
	var ds problems
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		ds.errorf(pos(1, 1), "", "file is empty")
		return f, ds
	}
	if err != nil {
		ds = append(ds, syntaxError(err))
		return f, ds
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		ds.errorf(pos(next.Line, next.Column), "", "a file holds one YAML document; found another (---) here")
	case !errors.Is(err, io.EOF):
		ds = append(ds, syntaxError(err))
	}
	var sh yamlShape
	shape(&doc, &sh)
	f.nodes = make([]node, 0, sh.nodes-sh.keys)
	if sh.emptyKey {
		f.byPath = map[string]int32{}
	}
	// Without anchors every node is converted once: drop each as soon as it is, so the YAML tree
	// and the values need not fit in memory together.
	c := converter{f: f, active: map[*yaml.Node]bool{}, limit: maxNodes + aliasFactor*sh.nodes, release: !sh.anchors}
	f.Value, _ = c.convert(&doc, c.noKey(), 0, 0)
	ds = append(ds, c.ds...)
	if f.Value == nil && !c.tooBig {
		ds.errorf(pos(doc.Line, doc.Column), "", "file is empty")
	}
	return f, ds
}

// Pos is a place in the file: a 1-based line and column.
type Pos struct{ Line, Col int }

// Problem is something wrong with the file: Path is the path of the value it concerns ("" for the
// file as a whole).
type Problem struct {
	Pos     Pos
	Path    string
	Message string
}

type problems []Problem

func (ds *problems) errorf(p Pos, path, format string, args ...any) {
	*ds = append(*ds, Problem{Pos: p, Path: path, Message: fmt.Sprintf(format, args...)})
}

// pos returns the position at line and col, the first line or column where either is unknown.
func pos(line, col int) Pos {
	if line <= 0 {
		line = 1
	}
	if col <= 0 {
		col = 1
	}
	return Pos{Line: line, Col: col}
}

func syntaxError(err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	return Problem{Pos: pos(line, 1), Message: "YAML syntax error: " + msg}
}

// At returns the position of the value at path, or of its nearest ancestor.
func (f *File) At(path string) Pos {
	for {
		if i := f.find(path); i >= 0 {
			return pos(int(f.nodes[i].line), int(f.nodes[i].col))
		}
		if path == "" {
			return pos(1, 1)
		}
		i := strings.LastIndexByte(path, '/')
		if i < 0 {
			path = ""
		} else {
			path = path[:i]
		}
	}
}

// KeyAt returns the position of the key of the mapping member at path (the value's when unknown).
func (f *File) KeyAt(path string) Pos {
	if i := f.find(path); i >= 0 && f.nodes[i].keyLine > 0 {
		return pos(int(f.nodes[i].keyLine), int(f.nodes[i].keyCol))
	}
	return f.At(path)
}

// Written reports whether the file has a value at path.
func (f *File) Written(path string) bool { return f.find(path) >= 0 }

// Raw returns the text as written of the scalar at path that YAML did not read as a string (a
// number, a boolean, a null): "" when there is none, and for a string, whose text is its value.
func (f *File) Raw(path string) string {
	if i := f.find(path); i >= 0 {
		return f.raws[i]
	}
	return ""
}

// Node identifies one value of a File, for looking up its members without walking its path from
// the root again (see Find and Member); negative when there is none.
type Node int32

// Find returns the value at path; a negative Node when there is none.
func (f *File) Find(path string) Node { return Node(f.find(path)) }

// Member returns the member key of the mapping n, or a negative Node. When an empty key makes paths
// ambiguous (see File.byPath), a member found this way may not be the value At finds by its path:
// callers then look values up by path (see Ambiguous).
func (f *File) Member(n Node, key string) Node {
	if n < 0 || int(n) >= len(f.nodes) {
		return -1
	}
	return Node(f.member(int32(n), key))
}

// Item returns the item i of the list n, or a negative Node (see Member).
func (f *File) Item(n Node, i int) Node {
	if n < 0 || int(n) >= len(f.nodes) || !f.nodes[n].list || i < 0 || i >= int(f.nodes[n].nkids) {
		return -1
	}
	return Node(f.kids[f.nodes[n].kids+int32(i)])
}

// NodeRaw is Raw of the value n ("" when n is negative).
func (f *File) NodeRaw(n Node) string {
	if n < 0 {
		return ""
	}
	return f.raws[int32(n)]
}

// Ambiguous reports whether an empty key makes some paths name more than one value: Member and
// Find then disagree, and values are found by path only.
func (f *File) Ambiguous() bool { return f.byPath != nil }

// NodePos returns the position of the value n; ok is false when n is negative.
func (f *File) NodePos(n Node) (p Pos, ok bool) {
	if n < 0 || int(n) >= len(f.nodes) {
		return Pos{}, false
	}
	return pos(int(f.nodes[n].line), int(f.nodes[n].col)), true
}

// find returns the index of the value at path, or -1.
func (f *File) find(path string) int32 {
	switch {
	case f.byPath != nil:
		if i, ok := f.byPath[path]; ok {
			return i
		}
		return -1
	case len(f.nodes) == 0:
		return -1
	case path == "":
		return 0
	}
	return f.walk(0, path)
}

// walk follows the tokens of path (not "") down from node n.
func (f *File) walk(n int32, path string) int32 {
	for {
		tok, rest, more := strings.Cut(path, "/")
		if n = f.childAt(n, tok); n < 0 || !more {
			return n
		}
		path = rest
	}
}

// childAt returns the member or item of node n that the escaped path token tok names, or -1.
func (f *File) childAt(n int32, tok string) int32 {
	if f.nodes[n].list {
		i, ok := indexToken(tok)
		if !ok || i >= int(f.nodes[n].nkids) {
			return -1
		}
		return f.kids[f.nodes[n].kids+int32(i)] // -1 for an item without a node
	}
	key, ok := unescapeToken(tok)
	if !ok {
		return -1
	}
	return f.member(n, key)
}

// indexToken reads a path token that is an index as child writes it: decimal digits without a
// sign or leading zeros.
func indexToken(tok string) (int, bool) {
	if tok == "" || len(tok) > 9 || (tok[0] == '0' && len(tok) > 1) {
		return 0, false
	}
	i := 0
	for _, c := range []byte(tok) {
		if c < '0' || c > '9' {
			return 0, false
		}
		i = i*10 + int(c-'0')
	}
	return i, true
}

// member returns the member of mapping node n with the given key, or -1.
func (f *File) member(n int32, key string) int32 {
	nd := &f.nodes[n]
	if nd.list {
		return -1
	}
	kids := f.kids[nd.kids : nd.kids+nd.nkids]
	if nd.sorted {
		if i, ok := slices.BinarySearchFunc(kids, key, func(k int32, key string) int {
			return strings.Compare(f.keyNames[f.nodes[k].key], key)
		}); ok {
			return kids[i]
		}
		return -1
	}
	for _, k := range kids {
		if f.keyNames[f.nodes[k].key] == key {
			return k
		}
	}
	return -1
}

// unescapeToken reverses the JSON pointer escaping of a path token; ok is false when tok is not the
// escaping of any key.
func unescapeToken(tok string) (string, bool) {
	if !strings.Contains(tok, "~") {
		return tok, true
	}
	var b strings.Builder
	for i := 0; i < len(tok); i++ {
		if tok[i] != '~' {
			b.WriteByte(tok[i])
			continue
		}
		if i+1 == len(tok) || (tok[i+1] != '0' && tok[i+1] != '1') {
			return "", false
		}
		b.WriteByte("~/"[tok[i+1]-'0'])
		i++
	}
	return b.String(), true
}

// Child joins a path and one member name or index, escaping it as a JSON pointer token.
func Child(path string, tok any) string {
	var s string
	switch t := tok.(type) {
	case int:
		s = strconv.Itoa(t)
	case string:
		s = strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1")
	}
	if path == "" {
		return s
	}
	return path + "/" + s
}

type converter struct {
	f      *File
	ds     problems
	count  int
	limit  int // values the file may expand to
	tooBig bool
	active map[*yaml.Node]bool // anchors being expanded, to refuse recursive aliases
	path   []pathToken         // of the value being converted, for messages
	kids   []int32             // members and items of the containers being converted
	keys   []keyLine           // keys of the mappings being converted
	// release drops each YAML node from its parent once converted (only when nothing refers to it).
	release bool
	// split, when not nil, decodes the items of one list piece by piece (see parseSplit).
	split *splitList
	// interned indexes File.keyNames, one copy of each mapping key: yaml.v3 allocates every key
	// written, and the values' maps and the loader's field positions keep them (a million keys, a
	// few dozen distinct, in a 100,000-record file), while a node names its key in 4 bytes
	// instead of 16.
	interned map[string]int32
}

// intern returns the one copy of key and its index in File.keyNames.
func (c *converter) intern(key string) (string, int32) {
	if i, ok := c.interned[key]; ok {
		return c.f.keyNames[i], i
	}
	if c.interned == nil {
		c.interned = map[string]int32{}
	}
	i := int32(len(c.f.keyNames))
	c.f.keyNames = append(c.f.keyNames, key)
	c.interned[key] = i
	return key, i
}

// noKey is the key index of a value that is not a mapping member: the key "".
func (c *converter) noKey() int32 {
	_, i := c.intern("")
	return i
}

// pathToken is one step of a path: a mapping key, or an index when key is "" and index >= 0.
type pathToken struct {
	key   string
	index int
}

type keyLine struct {
	key  string
	line int
}

// pathString is the path of the value being converted ("records/3/ips/1").
func (c *converter) pathString() string {
	p := ""
	for _, t := range c.path {
		if t.index >= 0 {
			p = Child(p, t.index)
		} else {
			p = Child(p, t.key)
		}
	}
	return p
}

// smallMapping is the most members a mapping's members are searched through one by one; larger
// mappings are sorted by key.
const smallMapping = 16

// convert turns n into nil, bool, int64, float64, string, []any or map[string]any, recording the
// position of every value as a node. key and keyLine, keyCol are those of a mapping member. It
// returns the value and its node (-1 when none was recorded).
func (c *converter) convert(n *yaml.Node, key, keyLine, keyCol int32) (any, int32) {
	if c.tooBig {
		return nil, -1
	}
	c.count++
	if c.count > c.limit {
		c.tooBig = true
		c.ds.errorf(pos(n.Line, n.Column), c.pathString(), "the file expands to more than %d values (aliases?)", c.limit)
		return nil, -1
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil, -1
		}
		return c.convert(n.Content[0], key, keyLine, keyCol)
	}
	pos := pos(n.Line, n.Column)
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil || c.active[n.Alias] {
			c.ds.errorf(pos, c.pathString(), "alias *%s refers to a value that contains it", n.Value)
			return nil, -1
		}
		c.active[n.Alias] = true
		defer delete(c.active, n.Alias)
		v, i := c.convert(n.Alias, key, keyLine, keyCol)
		at := i
		if c.f.byPath != nil {
			at = c.f.find(c.pathString())
		}
		if at >= 0 { // report problems at the use site
			c.f.nodes[at].line, c.f.nodes[at].col = int32(pos.Line), int32(pos.Col)
		}
		return v, i
	}
	idx := int32(len(c.f.nodes))
	c.f.nodes = append(c.f.nodes, node{key: key, line: int32(pos.Line), col: int32(pos.Col),
		keyLine: keyLine, keyCol: keyCol, list: n.Kind == yaml.SequenceNode})
	if c.f.byPath != nil {
		if p := c.pathString(); c.f.find(p) < 0 {
			c.f.byPath[p] = idx
		}
	}
	tag := n.ShortTag()
	if (n.Kind == yaml.MappingNode && tag != "!!map") || (n.Kind == yaml.SequenceNode && tag != "!!seq") {
		c.ds.errorf(pos, c.pathString(), "unsupported YAML tag %s", tag) // and read on, as if untagged
	}
	switch n.Kind {
	case yaml.MappingNode:
		if !c.release { // without anchors no alias can come back to n
			c.active[n] = true
			defer delete(c.active, n)
		}
		m := make(map[string]any, len(n.Content)/2)
		kids, keys := len(c.kids), len(c.keys)
		c.mapping(n, m, keys, false)
		c.keys = c.keys[:keys]
		c.endContainer(idx, kids)
		return m, idx
	case yaml.SequenceNode:
		if !c.release { // without anchors no alias can come back to n
			c.active[n] = true
			defer delete(c.active, n)
		}
		items := len(n.Content)
		if c.split != nil && c.split.list == n {
			items = len(c.split.starts)
		}
		s := make([]any, items)
		kids := len(c.kids)
		for i := range items {
			var e *yaml.Node
			if i < len(n.Content) {
				e = n.Content[i]
			} else if e = c.split.item(i); e == nil {
				c.tooBig = true // stops the conversion: Parse starts again with the whole document
				return nil, -1
			}
			c.path = append(c.path, pathToken{index: i})
			v, k := c.convert(e, c.noKey(), 0, 0)
			c.path = c.path[:len(c.path)-1]
			s[i] = v
			c.kids = append(c.kids, k) // -1 too: items are found by index
			if c.release && i < len(n.Content) {
				n.Content[i] = nil
			}
			if c.split != nil && c.split.list == n {
				c.split.reserve(i + 1)
			}
		}
		c.endContainer(idx, kids)
		return s, idx
	case yaml.ScalarNode:
		v := c.scalar(n, tag, pos)
		if _, str := v.(string); !str && n.Value != "" {
			if c.f.raws == nil {
				c.f.raws = map[int32]string{}
			}
			c.f.raws[idx] = n.Value
		}
		return v, idx
	}
	return nil, idx
}

// endContainer moves the children of container node idx, converted since kids, to the file.
func (c *converter) endContainer(idx int32, kids int) {
	f := c.f
	nd := &f.nodes[idx]
	nd.kids, nd.nkids = int32(len(f.kids)), int32(len(c.kids)-kids)
	f.kids = append(f.kids, c.kids[kids:]...)
	c.kids = c.kids[:kids]
	if !nd.list && nd.nkids > smallMapping {
		run := f.kids[nd.kids:]
		slices.SortFunc(run, func(a, b int32) int { return strings.Compare(f.keyNames[f.nodes[a].key], f.keyNames[f.nodes[b].key]) })
		nd.sorted = true
	}
}

// mapping adds the members of n to m. Merge keys (<<) bring in the members of other mappings that
// the mapping itself does not set. c.keys[keys:] holds the keys already set, with their lines.
func (c *converter) mapping(n *yaml.Node, m map[string]any, keys int, merged bool) {
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		kp := pos(k.Line, k.Column)
		if k.Kind == yaml.AliasNode && k.Alias != nil {
			k = k.Alias
		}
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
			desc := k.Value
			if k.Kind != yaml.ScalarNode {
				desc = "a " + map[yaml.Kind]string{yaml.MappingNode: "mapping", yaml.SequenceNode: "sequence"}[k.Kind]
			}
			c.ds.errorf(kp, c.pathString(), "key %s is not a string (quote it)", strconv.Quote(desc))
			continue
		}
		if _, dup := m[k.Value]; dup {
			if !merged {
				first := 0
				for _, kl := range c.keys[keys:] {
					if kl.key == k.Value {
						first = kl.line
						break
					}
				}
				c.path = append(c.path, pathToken{key: k.Value, index: -1})
				c.ds.errorf(kp, c.pathString(), "duplicate key %q (first at line %d)", k.Value, first)
				c.path = c.path[:len(c.path)-1]
			}
			continue
		}
		key, ki := c.intern(k.Value)
		c.keys = append(c.keys, keyLine{key, kp.Line})
		c.path = append(c.path, pathToken{key: key, index: -1})
		val, kid := c.convert(v, ki, int32(kp.Line), int32(kp.Col))
		c.path = c.path[:len(c.path)-1]
		m[key] = val
		if kid >= 0 {
			c.kids = append(c.kids, kid)
		}
		if c.release {
			n.Content[i], n.Content[i+1] = nil, nil
		}
	}
	for _, mv := range merges {
		targets := []*yaml.Node{mv}
		if mv.Kind == yaml.SequenceNode {
			targets = mv.Content
		}
		for _, t := range targets {
			if t.Kind == yaml.AliasNode && t.Alias != nil && !c.active[t.Alias] {
				t = t.Alias
			}
			if t.Kind != yaml.MappingNode || c.active[t] {
				c.ds.errorf(pos(t.Line, t.Column), c.pathString(), "a merge key (<<) needs a mapping or a list of mappings")
				continue
			}
			c.active[t] = true
			c.mapping(t, m, keys, true)
			delete(c.active, t)
		}
	}
}

func (c *converter) scalar(n *yaml.Node, tag string, pos Pos) any {
	switch tag {
	case "!!str", "!!timestamp":
		return n.Value
	case "!!binary":
		// The value is base64 of bytes, not text: taking the base64 as the text would send it as
		// written (a password that is not the one meant). Secrets are references anyway.
		c.ds.errorf(pos, c.pathString(), "a !!binary value is base64-encoded bytes, which qsync does not decode: write the value as a plain string")
		return nil
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err == nil {
			return b
		}
	case "!!int":
		var i int64
		if err := n.Decode(&i); err == nil {
			return i
		}
		var f float64
		if err := n.Decode(&f); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f
		}
	case "!!float":
		var f float64
		if err := n.Decode(&f); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f
		}
	default:
		c.ds.errorf(pos, c.pathString(), "unsupported YAML tag %s", tag)
		return nil
	}
	return n.Value
}

// Describe names the YAML type of a value for messages.
func Describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case int64, float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprintf("%T", v)
}

// firstInvalidUTF8 finds the first byte of data that is not valid UTF-8 and returns its 1-based
// line and column (in characters) and the byte; bad is false when data is valid.
func firstInvalidUTF8(data []byte) (line, col int, b byte, bad bool) {
	if utf8.Valid(data) {
		return 0, 0, 0, false
	}
	line, col = 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return line, col, data[i], true
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return line, col, 0, true // not reached: utf8.Valid said some byte is invalid
}
