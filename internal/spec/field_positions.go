package spec

import (
	"math"
	"slices"
	"strings"
)

// FieldPositions records where each field of a desired object was written, keyed by field name
// ("title", "login.vault", ...). It is compact: one object's fields are all written in one file, so
// the file name is kept once and each field holds only its line and column, in a slice sorted by
// name. A 100,000-record plan keeps about a million of them alive; a map of Pos took ~87 MB.
// The zero value is empty and ready to use; a value is not safe for concurrent writes.
type FieldPositions struct {
	file   string
	fields []fieldPos
}

// fieldPos is one field's line and column (Pos.Line and Pos.Col of a position in the shared file).
type fieldPos struct {
	name      string
	line, col int32
}

// Grow makes room for n more fields without reallocating.
func (fp *FieldPositions) Grow(n int) { fp.fields = slices.Grow(fp.fields, n) }

// Set records p as the position of field, replacing any earlier one. Every position of one
// FieldPositions must be in the same file (an object is written in one file): p.File becomes the
// file of all of them.
func (fp *FieldPositions) Set(field string, p Pos) {
	fp.file = p.File
	e := fieldPos{name: field, line: clampInt32(p.Line), col: clampInt32(p.Col)}
	// The loader sets fields in name order: appending is the common case.
	if n := len(fp.fields); n == 0 || fp.fields[n-1].name < field {
		fp.fields = append(fp.fields, e)
		return
	}
	i, found := fp.search(field)
	if found {
		fp.fields[i] = e
		return
	}
	fp.fields = slices.Insert(fp.fields, i, e)
}

// Get returns the position of field and whether one was recorded.
func (fp FieldPositions) Get(field string) (Pos, bool) {
	i, found := fp.search(field)
	if !found {
		return Pos{}, false
	}
	e := fp.fields[i]
	return Pos{File: fp.file, Line: int(e.line), Col: int(e.col)}, true
}

// At returns the position of field, the zero Pos when none was recorded.
func (fp FieldPositions) At(field string) Pos {
	p, _ := fp.Get(field)
	return p
}

// Fields returns the names of the fields with a recorded position, sorted.
func (fp FieldPositions) Fields() []string {
	names := make([]string, len(fp.fields))
	for i, e := range fp.fields {
		names[i] = e.name
	}
	return names
}

// Len returns the number of fields with a recorded position.
func (fp FieldPositions) Len() int { return len(fp.fields) }

// search finds field in the sorted slice: its index, or where it would be inserted.
func (fp FieldPositions) search(field string) (int, bool) {
	return slices.BinarySearchFunc(fp.fields, field, func(e fieldPos, name string) int { return strings.Compare(e.name, name) })
}

// clampInt32 narrows a line or column; input files are bounded far below the limit.
func clampInt32(n int) int32 { return int32(min(max(n, math.MinInt32), math.MaxInt32)) }
