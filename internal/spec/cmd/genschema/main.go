// Command genschema writes the files generated from the descriptor tables in internal/spec (the
// schema by schemagen.Generate, the docs by internal/spec/gen):
// schema/qsync.schema.json (-o), with -docs docs/configuration.md, and with -inferred
// docs/inferred-elements.md. `go generate ./...` runs it (see schema/schema.go); so does
//
//	go run ./internal/spec/cmd/genschema -o schema/qsync.schema.json -docs docs/configuration.md -inferred docs/inferred-elements.md
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/qsync/qsync/internal/spec/gen"
	"github.com/qsync/qsync/internal/spec/schemagen"
)

func main() {
	out := flag.String("o", "qsync.schema.json", "JSON Schema output file")
	docs := flag.String("docs", "", "configuration reference output file (none when empty)")
	inferred := flag.String("inferred", "", "inferred list elements output file (none when empty)")
	flag.Parse()
	if err := run(*out, *docs, *inferred); err != nil {
		fmt.Fprintln(os.Stderr, "genschema:", err)
		os.Exit(1)
	}
}

func run(schemaPath, docsPath, inferredPath string) error {
	b, err := schemagen.Generate()
	if err != nil {
		return err
	}
	if err := os.WriteFile(schemaPath, b, 0o644); err != nil {
		return fmt.Errorf("write schema: %w", err)
	}
	if inferredPath != "" {
		if err := os.WriteFile(inferredPath, gen.GenerateInferredElements(), 0o644); err != nil {
			return fmt.Errorf("write inferred elements: %w", err)
		}
	}
	if docsPath == "" {
		return nil
	}
	d, err := gen.GenerateConfigReference()
	if err != nil {
		return err
	}
	if err := os.WriteFile(docsPath, d, 0o644); err != nil {
		return fmt.Errorf("write configuration reference: %w", err)
	}
	return nil
}
