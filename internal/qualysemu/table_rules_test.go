package qualysemu

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoRecordTypeNamesOutsideTable keeps record_types.go the emulator's only table of record types:
// no other file of the package spells a record type's name or a sub_type value as a string literal
// (a switch on one is a second table that drifts), so adding a record type is one table entry.
func TestNoRecordTypeNamesOutsideTable(t *testing.T) {
	names := map[string]bool{}
	for _, rt := range recordTypes {
		names[rt.name] = true
		if f := rt.field("sub_type"); f != nil {
			for _, v := range f.values {
				names[v] = true
			}
		}
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f == "record_types.go" || strings.HasSuffix(f, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && names[s] {
				t.Errorf("%s: record type name %s outside record_types.go: put the rule in the recordType table", fset.Position(lit.Pos()), lit.Value)
			}
			return true
		})
	}
}

// TestSecretParamsFromTables: every secret field of a record type and every secret parameter of a
// vault type is masked, and nothing else the tables name is.
func TestSecretParamsFromTables(t *testing.T) {
	for _, rt := range recordTypes {
		for _, f := range rt.fields {
			if isSecretParam(f.param) != f.secret {
				t.Errorf("%s %s: isSecretParam = %v, table says secret = %v", rt.name, f.param, !f.secret, f.secret)
			}
		}
	}
	for _, vt := range vaultTypes {
		for _, vp := range vt.params {
			if vp.secret && !isSecretParam(vp.name) {
				t.Errorf("vault %s %s: secret in the table but not masked", vt.name, vp.name)
			}
		}
	}
}
