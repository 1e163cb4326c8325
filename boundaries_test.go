package main

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestPackageBoundaries enforces DESIGN.md's layering: the emulator is an independent reading of
// the Qualys documentation (so a client bug cannot hide behind a matching emulator bug), the client
// knows nothing of spec or plan, and spec and plan do no network I/O.
func TestPackageBoundaries(t *testing.T) {
	forbidden := map[string][]string{
		"internal/qualysemu":    {"github.com/qsync/qsync/"},
		"internal/qualysclient": {"github.com/qsync/qsync/"},
		"internal/spec":         {"github.com/qsync/qsync/internal/", "net/http"},
		"internal/plan":         {"github.com/qsync/qsync/internal/qualysclient", "github.com/qsync/qsync/internal/live", "net/http"},
	}
	for dir, bad := range forbidden {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no Go files (%v)", dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range ast.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				for _, b := range bad {
					if strings.HasPrefix(path, b) {
						t.Errorf("%s imports %s, which %s must not use", f, path, dir)
					}
				}
			}
		}
	}
}
