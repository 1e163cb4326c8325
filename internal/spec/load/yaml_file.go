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

// memberAt returns the position of the member key of the mapping n found at path: the position of
// child(path, key) as at finds it, without walking path from the root again.
func (f *yamlFile) memberAt(n yamltree.Node, path, key string) spec.Pos {
	if f.tree.Ambiguous() || n < 0 {
		return f.at(child(path, key))
	}
	if p, ok := f.tree.NodePos(f.tree.Member(n, key)); ok {
		return f.toPos(p)
	}
	p, _ := f.tree.NodePos(n) // the nearest ancestor written
	return f.toPos(p)
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
