package load

import (
	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/spec/yamltree"
)

// yamlFile is one configuration file decoded by yamltree, with the name and directory the loader
// needs for positions and {file: ...} secrets.
type yamlFile struct {
	tree  *yamltree.File
	name  string // as given by the user; used in positions
	dir   string // absolute directory, for {file: ...} secrets
	value any    // the decoded document, moved out of tree so that the loader can drop it alone
}

// parseYAML decodes data into a yamlFile. Problems are reported as diagnostics; value is nil when
// the file could not be read at all.
func parseYAML(name, dir string, data []byte) (*yamlFile, spec.Diagnostics) {
	go schemaValidator.Prepare() // the file is validated next: generate the schema meanwhile
	tree, problems := yamltree.Parse(data, MaxFileBytes)
	f := &yamlFile{tree: tree, name: name, dir: dir, value: tree.Value}
	tree.Value = nil
	var ds spec.Diagnostics
	for _, p := range problems {
		ds.Errorf(f.pos(p.Pos.Line, p.Pos.Col), p.Path, "%s", p.Message)
	}
	return f, ds
}

func (f *yamlFile) pos(line, col int) spec.Pos {
	return spec.Pos{File: f.name, Line: max(line, 1), Col: max(col, 1)}
}

func (f *yamlFile) toPos(p yamltree.Pos) spec.Pos { return f.pos(p.Line, p.Col) }

// at returns the position of the value at path, or of its nearest ancestor.
func (f *yamlFile) at(path string) spec.Pos { return f.toPos(f.tree.At(path)) }

// vpath is the path of a value the loader reads: the member key, or the item index, of the
// container at parent, whose node is known. Its text (String) is built only for a message: the
// loader reads every value of a file, and building each one's path took a million allocations
// for a 100,000-record file, almost all for values it reports nothing about.
type vpath struct {
	parent string
	node   yamltree.Node // the value at parent; negative: look values up by path
	key    string
	index  int // an item's index when >= 0; key is then unused
}

// memberPath is the path of the member key of the mapping at parent, whose node is node.
func memberPath(parent string, node yamltree.Node, key string) vpath {
	return vpath{parent: parent, node: node, key: key, index: -1}
}

// String is the path as child writes it ("records/3/ips").
func (p vpath) String() string {
	if p.index >= 0 {
		return child(p.parent, p.index)
	}
	return child(p.parent, p.key)
}

// nodeOf returns the node of the value at p; negative when it is not found that way (see
// yamltree.File.Member), and values are then looked up by path.
func (f *yamlFile) nodeOf(p vpath) yamltree.Node {
	switch {
	case f.tree.Ambiguous() || p.node < 0:
		return -1
	case p.index >= 0:
		return f.tree.Item(p.node, p.index)
	}
	return f.tree.Member(p.node, p.key)
}

// atPath returns the position of the value at p, or of its nearest ancestor, as at does.
func (f *yamlFile) atPath(p vpath) spec.Pos {
	if n := f.nodeOf(p); n >= 0 {
		pos, _ := f.tree.NodePos(n)
		return f.toPos(pos)
	}
	if f.tree.Ambiguous() || p.node < 0 {
		return f.at(p.String())
	}
	pos, _ := f.tree.NodePos(p.node) // not written (an alias refused): its container's
	return f.toPos(pos)
}

// writtenPath is written for the value at p.
func (f *yamlFile) writtenPath(p vpath) bool {
	if f.tree.Ambiguous() || p.node < 0 {
		return f.written(p.String())
	}
	return f.nodeOf(p) >= 0
}

// rawPath is raw of the value at p.
func (f *yamlFile) rawPath(p vpath) string {
	if n := f.nodeOf(p); n >= 0 || !f.tree.Ambiguous() && p.node >= 0 {
		return f.tree.NodeRaw(n)
	}
	return f.raw(p.String())
}

// keyAt returns the position of the key of the mapping member at path (the value's when unknown).
func (f *yamlFile) keyAt(path string) spec.Pos { return f.toPos(f.tree.KeyAt(path)) }

// written reports whether the file has a value at path.
func (f *yamlFile) written(path string) bool { return f.tree.Written(path) }

// raw returns the text of the scalar at path as written ("" when there is none).
func (f *yamlFile) raw(path string) string { return f.tree.Raw(path) }

// child joins a path and one member name or index, escaping it as a JSON pointer token.
func child(path string, tok any) string { return yamltree.Child(path, tok) }

// describe names the YAML type of a value for messages.
func describe(v any) string { return yamltree.Describe(v) }
