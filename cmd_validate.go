package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/qsync/qsync/internal/policy"
	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/spec/load"
	"github.com/qsync/qsync/internal/spec/unverified"
	"github.com/qsync/qsync/schema"
)

// ValidateCmd checks configuration files offline.
type ValidateCmd struct {
	PolicyFlags
	Paths  []string `arg:"" name:"path" help:"YAML files or directories of them."`
	Format string   `enum:"text,json,github" default:"text" help:"Output: text (file:line:col: path: message), json, or github (workflow annotations)."`
}

// Run validates the configuration and prints every problem at once.
func (c *ValidateCmd) Run(env *Env) error {
	// A login may name a vault that another team manages in Qualys: offline, that is a warning;
	// plan checks it against the live vaults.
	doc, diags := load.Files(load.Options{}, c.Paths...)
	diags = append(diags, load.UndeclaredVaultWarnings(doc)...)
	diags = append(diags, validatePolicy(doc, diags, c.Policy)...)
	diags.Sort()
	if err := diags.Write(env.Stdout, c.Format); err != nil {
		return err
	}
	if diags.HasErrors() {
		return &exitErr{code: exitError, err: fmt.Errorf("%d problem(s) found", diags.ErrorCount())}
	}
	if c.Format == "text" {
		fmt.Fprintf(env.Stdout, "%d file(s) valid: %s.\n", len(doc.Files), summarize(doc))
	}
	if note := unverified.Note(doc); note != "" {
		fmt.Fprintln(env.Stderr, note)
	}
	return nil
}

// summarize counts a document's objects per kind, e.g. "2 vaults, 3 mysql records": the vaults
// always, record kinds only when the document has some (there are dozens of kinds).
func summarize(doc *spec.Document) string {
	counts := map[spec.Kind]int{}
	for _, o := range doc.Objects {
		counts[o.Kind]++
	}
	parts := []string{fmt.Sprintf("%d vault(s)", counts[spec.KindVault])}
	for _, k := range spec.RecordEndpoints() {
		if counts[k] > 0 { // some forty kinds exist: name only those present
			parts = append(parts, fmt.Sprintf("%d %s record(s)", counts[k], k))
		}
	}
	return strings.Join(parts, ", ")
}

// SchemaCmd prints the JSON Schema of configuration files, of the plan JSON, or of policy files.
type SchemaCmd struct {
	Plan   bool `help:"Print the JSON Schema of the plan JSON instead (plan --format json, plan files; docs/plan-json.md)."`
	Policy bool `help:"Print the JSON Schema of policy files instead (docs/policy.md)."`
}

// Run prints the embedded schema.
func (c *SchemaCmd) Run(env *Env) error {
	doc := schema.JSON
	switch {
	case c.Plan && c.Policy:
		return errors.New("give either --plan or --policy, not both")
	case c.Plan:
		doc = schema.PlanJSON
	case c.Policy:
		doc = policy.Schema()
	}
	_, err := env.Stdout.Write(doc)
	return err
}
