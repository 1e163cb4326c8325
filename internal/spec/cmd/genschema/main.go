// Command genschema writes schema/qsync.schema.json from the descriptor tables in internal/spec.
// Run it through go generate ./schema (or go run ./internal/spec/cmd/genschema -o schema/qsync.schema.json).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/qsync/qsync/internal/spec"
)

func main() {
	out := flag.String("o", "qsync.schema.json", "output file")
	flag.Parse()
	b, err := spec.GenerateSchema()
	if err == nil {
		err = os.WriteFile(*out, b, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genschema:", err)
		os.Exit(1)
	}
}
