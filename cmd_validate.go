package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/schema"
)

// ValidateCmd checks configuration files offline.
type ValidateCmd struct {
	Paths  []string `arg:"" name:"path" help:"YAML files or directories of them."`
	Format string   `enum:"text,json,github" default:"text" help:"Output: text (file:line:col: path: message), json, or github (workflow annotations)."`
}

// Run validates the configuration and prints every problem at once.
func (c *ValidateCmd) Run(env *Env) error {
	// A login may name a vault that another team manages in Qualys: offline, that is a warning;
	// plan checks it against the live vaults.
	doc, diags := spec.LoadWithOptions(spec.Options{AllowUndeclaredVaults: true}, c.Paths...)
	if !diags.HasErrors() {
		diags = append(diags, spec.UndeclaredVaultWarnings(doc)...)
		diags.Sort()
	}
	if err := printDiagnostics(env.Stdout, c.Format, diags); err != nil {
		return err
	}
	if diags.HasErrors() {
		return &exitErr{code: exitError, err: fmt.Errorf("%d problem(s) found", errorCount(diags))}
	}
	if c.Format == "text" {
		fmt.Fprintf(env.Stdout, "%d file(s) valid: %s.\n", len(doc.Files), summarize(doc))
	}
	return nil
}

// summarize counts a document's objects per kind, e.g. "2 vaults, 3 mysql records".
func summarize(doc *spec.Document) string {
	counts := map[spec.Kind]int{}
	for _, o := range doc.Objects {
		counts[o.Kind]++
	}
	parts := []string{fmt.Sprintf("%d vault(s)", counts[spec.KindVault])}
	for _, k := range spec.RecordEndpoints() {
		parts = append(parts, fmt.Sprintf("%d %s record(s)", counts[k], k))
	}
	return strings.Join(parts, ", ")
}

// printDiagnostics writes diagnostics in the chosen format.
func printDiagnostics(w io.Writer, format string, diags spec.Diagnostics) error {
	switch format {
	case "json":
		out := diags
		if out == nil {
			out = spec.Diagnostics{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "github":
		for _, d := range diags {
			level := "error"
			if d.Severity != spec.SeverityError {
				level = "warning"
			}
			fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d::%s\n", level, ghEscapeProp(d.Pos.File), d.Pos.Line, d.Pos.Col, ghEscape(d.Path+": "+d.Message))
		}
	default:
		for _, d := range diags {
			fmt.Fprintln(w, d.String())
		}
	}
	return nil
}

// ghEscape escapes a GitHub workflow command message.
func ghEscape(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghEscapeProp escapes a GitHub workflow command property value.
func ghEscapeProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// SchemaCmd prints the JSON Schema.
type SchemaCmd struct{}

// Run prints the embedded schema.
func (c *SchemaCmd) Run(env *Env) error {
	_, err := env.Stdout.Write(schema.JSON)
	return err
}

// errorCount counts the diagnostics that are errors.
func errorCount(diags spec.Diagnostics) int {
	n := 0
	for _, d := range diags {
		if d.Severity == spec.SeverityError {
			n++
		}
	}
	return n
}
