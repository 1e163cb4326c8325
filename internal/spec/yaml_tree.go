package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// yamlFile is one source file decoded into plain JSON-like values (what JSON Schema validates) with
// the source position of every value, keyed by its path ("records/3/ips/1"; "" is the root).
type yamlFile struct {
	name  string // as given by the user; used in positions
	dir   string // absolute directory, for {file: ...} secrets
	value any
	nodes map[string]*nodeInfo
}

// nodeInfo is what the loader remembers about one YAML value.
type nodeInfo struct {
	pos    Pos // the value
	keyPos Pos // its key, for mapping members
	tag    string
	raw    string // scalar text as written
}

// maxNodes bounds the values one file may expand to beyond what it writes out: aliases can
// multiply them (a "billion laughs" file), while a large file without aliases is legitimate (a
// 100,000-record configuration holds over a million values). The limit is maxNodes plus
// aliasFactor times the values written literally.
const (
	maxNodes    = 200000
	aliasFactor = 4
)

// literalNodes counts the nodes of n's tree without following aliases.
func literalNodes(n *yaml.Node) int {
	count := 1
	for _, c := range n.Content {
		count += literalNodes(c)
	}
	return count
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML decodes data into a yamlFile. Problems are reported as diagnostics; value is nil when
// the file could not be read at all.
func parseYAML(name, dir string, data []byte) (*yamlFile, Diagnostics) {
	f := &yamlFile{name: name, dir: dir, nodes: map[string]*nodeInfo{}}
	var ds Diagnostics
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		ds.errorf(f.pos(1, 1), "", "file is empty")
		return f, ds
	}
	if err != nil {
		ds = append(ds, f.syntaxError(err))
		return f, ds
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		ds.errorf(f.pos(next.Line, next.Column), "", "a file holds one YAML document; found another (---) here")
	case !errors.Is(err, io.EOF):
		ds = append(ds, f.syntaxError(err))
	}
	c := converter{f: f, active: map[*yaml.Node]bool{}, limit: maxNodes + aliasFactor*literalNodes(&doc)}
	f.value = c.convert(&doc, "", Pos{})
	ds = append(ds, c.ds...)
	if f.value == nil && !c.tooBig {
		ds.errorf(f.pos(doc.Line, doc.Column), "", "file is empty")
	}
	return f, ds
}

func (f *yamlFile) pos(line, col int) Pos {
	if line <= 0 {
		line = 1
	}
	if col <= 0 {
		col = 1
	}
	return Pos{File: f.name, Line: line, Col: col}
}

func (f *yamlFile) syntaxError(err error) Diagnostic {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	return Diagnostic{Pos: f.pos(line, 1), Message: "YAML syntax error: " + msg}
}

// at returns the position of the value at path, or of its nearest ancestor.
func (f *yamlFile) at(path string) Pos {
	for {
		if n, ok := f.nodes[path]; ok {
			return n.pos
		}
		if path == "" {
			return f.pos(1, 1)
		}
		i := strings.LastIndexByte(path, '/')
		if i < 0 {
			path = ""
		} else {
			path = path[:i]
		}
	}
}

// keyAt returns the position of the key of the mapping member at path (the value's when unknown).
func (f *yamlFile) keyAt(path string) Pos {
	if n, ok := f.nodes[path]; ok && n.keyPos.Line > 0 {
		return n.keyPos
	}
	return f.at(path)
}

// child joins a path and one member name or index, escaping it as a JSON pointer token.
func child(path string, tok any) string {
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
	f      *yamlFile
	ds     Diagnostics
	count  int
	limit  int // values the file may expand to
	tooBig bool
	active map[*yaml.Node]bool // anchors being expanded, to refuse recursive aliases
}

// convert turns n into nil, bool, int64, float64, string, []any or map[string]any, recording the
// position of every value under its path.
func (c *converter) convert(n *yaml.Node, path string, keyPos Pos) any {
	if c.tooBig {
		return nil
	}
	c.count++
	if c.count > c.limit {
		c.tooBig = true
		c.ds.errorf(c.f.pos(n.Line, n.Column), path, "the file expands to more than %d values (aliases?)", c.limit)
		return nil
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		return c.convert(n.Content[0], path, keyPos)
	}
	info := &nodeInfo{pos: c.f.pos(n.Line, n.Column), keyPos: keyPos, tag: n.ShortTag(), raw: n.Value}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil || c.active[n.Alias] {
			c.ds.errorf(info.pos, path, "alias *%s refers to a value that contains it", n.Value)
			return nil
		}
		c.active[n.Alias] = true
		defer delete(c.active, n.Alias)
		v := c.convert(n.Alias, path, keyPos)
		if t, ok := c.f.nodes[path]; ok { // report problems at the use site
			t.pos = info.pos
		}
		return v
	}
	if _, seen := c.f.nodes[path]; !seen {
		c.f.nodes[path] = info
	}
	if (n.Kind == yaml.MappingNode && info.tag != "!!map") || (n.Kind == yaml.SequenceNode && info.tag != "!!seq") {
		c.ds.errorf(info.pos, path, "unsupported YAML tag %s", info.tag) // and read on, as if untagged
	}
	switch n.Kind {
	case yaml.MappingNode:
		c.active[n] = true
		defer delete(c.active, n)
		m := map[string]any{}
		keys := map[string]Pos{}
		c.mapping(n, path, m, keys, false)
		return m
	case yaml.SequenceNode:
		c.active[n] = true
		defer delete(c.active, n)
		s := make([]any, 0, len(n.Content))
		for i, e := range n.Content {
			s = append(s, c.convert(e, child(path, i), Pos{}))
		}
		return s
	case yaml.ScalarNode:
		return c.scalar(n, path, info)
	}
	return nil
}

// mapping adds the members of n to m. Merge keys (<<) bring in the members of other mappings that
// the mapping itself does not set.
func (c *converter) mapping(n *yaml.Node, path string, m map[string]any, keys map[string]Pos, merged bool) {
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		kp := c.f.pos(k.Line, k.Column)
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
			c.ds.errorf(kp, path, "key %s is not a string (quote it)", strconv.Quote(desc))
			continue
		}
		if first, dup := keys[k.Value]; dup {
			if !merged {
				c.ds.errorf(kp, child(path, k.Value), "duplicate key %q (first at line %d)", k.Value, first.Line)
			}
			continue
		}
		keys[k.Value] = kp
		m[k.Value] = c.convert(v, child(path, k.Value), kp)
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
				c.ds.errorf(c.f.pos(t.Line, t.Column), path, "a merge key (<<) needs a mapping or a list of mappings")
				continue
			}
			c.active[t] = true
			c.mapping(t, path, m, keys, true)
			delete(c.active, t)
		}
	}
}

func (c *converter) scalar(n *yaml.Node, path string, info *nodeInfo) any {
	switch info.tag {
	case "!!str", "!!timestamp", "!!binary":
		return n.Value
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
		c.ds.errorf(info.pos, path, "unsupported YAML tag %s", info.tag)
		return nil
	}
	return n.Value
}

// describe names the YAML type of a value for messages.
func describe(v any) string {
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
