package main

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestPackageBoundaries enforces DESIGN.md's layering: the emulator is an independent reading of
// the Qualys documentation (so a client bug cannot hide behind a matching emulator bug), the client
// knows nothing of spec or plan, spec, plan, planfile and export do no network I/O (their callers
// read Qualys and pass the live document in), and Qualys is read only through the pipeline: the
// commands do not call live themselves, and the pipeline, which ships, uses no test harness. The
// helpers the thin commands delegate to (completion, version, term) and the markdown escapes know nothing of qsync's other packages.
// spec's YAML position tree and schema validator know nothing of qsync either: spec passes them
// what they need. The safety leaves (outbound, the one HTTP policy; redact, the one redactor;
// safeio, bounded regular input) may be used by every package, and themselves use no other but
// markdown.
func TestPackageBoundaries(t *testing.T) {
	const mod = "github.com/qsync/qsync/"
	noNetwork := []string{mod + "internal/qualysclient", mod + "internal/live", "net/http"}
	forbidden := map[string][]string{
		"internal/qualysemu":    {mod},
		"internal/qualysclient": {mod},
		"internal/spec":         {mod + "internal/", "net/http"},
		"internal/plan":         noNetwork,
		// plan's subpackages (building, ordering, rendering, the IP index) do no network I/O either.
		"internal/plan/build":   noNetwork,
		"internal/plan/order":   noNetwork,
		"internal/plan/render":  noNetwork,
		"internal/plan/ipindex": {mod},
		"internal/planfile":     noNetwork,
		"internal/export":       noNetwork,
		"internal/pipeline":     {mod + "internal/qualysemu", mod + "internal/bench", mod + "internal/drill"},
		"internal/completion":   {mod},
		"internal/version":      {mod},
		"internal/term":         {mod},
		"internal/markdown":     {mod},
		".":                     {mod + "internal/live"},
		// spec's subpackages each do one of its jobs, with what they need passed in.
		"internal/spec/load":        {mod + "internal/", "net/http"},
		"internal/spec/yamlwrite":   {mod + "internal/", "net/http"},
		"internal/spec/schemagen":   {mod + "internal/", "net/http"},
		"internal/spec/secret":      {mod + "internal/", "net/http"},
		"internal/spec/unverified":  {mod + "internal/", "net/http"},
		"internal/spec/yamltree":    {mod},
		"internal/spec/schemacheck": {mod, "net/http"},
		"internal/outbound":         {mod},
		"internal/safeio":           {mod},
		"internal/redact":           {mod},
		"internal/textdiff":         {mod},
		"internal/forgeapi":         {mod},
	}
	// spec may use its own subpackages; the emulator and the client may use theirs (and the
	// subpackages their siblings), and each subpackage is held to its parent's rule.
	allowed := map[string]string{"internal/spec": mod + "internal/spec/", "internal/spec/load": mod + "internal/spec", "internal/spec/yamlwrite": mod + "internal/spec",
		"internal/spec/schemagen": mod + "internal/spec", "internal/spec/secret": mod + "internal/spec",
		"internal/spec/unverified": mod + "internal/spec"}
	for _, parent := range []string{"internal/qualysemu", "internal/qualysclient"} {
		allowed[parent] = mod + parent + "/"
		subs, _ := filepath.Glob(filepath.Join(parent, "*", "*.go"))
		for _, f := range subs {
			dir := filepath.ToSlash(filepath.Dir(f))
			if filepath.Base(dir) == "testdata" || forbidden[dir] != nil {
				continue
			}
			forbidden[dir], allowed[dir] = forbidden[parent], mod+parent+"/"
		}
	}
	leaves := []string{mod + "internal/outbound", mod + "internal/redact", mod + "internal/safeio", mod + "internal/markdown"}
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
				if dir != "internal/markdown" && dir != "internal/redact" && slices.Contains(leaves, path) ||
					dir == "internal/redact" && path == mod+"internal/markdown" {
					continue
				}
				for _, b := range bad {
					if strings.HasPrefix(path, b) && (allowed[dir] == "" || !strings.HasPrefix(path, allowed[dir])) {
						t.Errorf("%s imports %s, which %s must not use", f, path, dir)
					}
				}
			}
		}
	}
}
