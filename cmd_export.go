package main

import (
	"context"

	"github.com/qsync/qsync/internal/export"
	"github.com/qsync/qsync/internal/pipeline"
	"github.com/qsync/qsync/internal/spec"
	qversion "github.com/qsync/qsync/internal/version"
)

// ExportCmd writes the live Qualys estate as qsync configuration, so an existing subscription can be
// brought under management: export, review, commit, then plan and apply.
type ExportCmd struct {
	Dir     string   `default:"." placeholder:"DIR" help:"Directory to write the YAML files to (created if missing; default: the current directory)."`
	SplitBy string   `name:"split-by" enum:"kind,none" default:"kind" help:"kind: one file per kind (${kind_files}); none: one qsync.yaml."`
	Kinds   []string `enum:"${kinds}" placeholder:"KIND,..." help:"Export only these kinds: ${kinds_help} (default: all)."`
	Owner   string   `required:"" env:"QSYNC_OWNER" placeholder:"NAME" help:"Owner written to the configuration: objects carrying this owner's marker are exported as managed."`
	Adopt   bool     `help:"Set adopt: true on every exported object without an ownership marker, so the next apply takes it over."`
	Force   bool     `help:"Overwrite files that already exist in DIR."`
}

// Run reads Qualys and writes the configuration files.
func (c *ExportCmd) Run(ctx context.Context, g *Globals, env *Env) error {
	opts := export.Options{Dir: c.Dir, SplitBy: c.SplitBy, Owner: c.Owner, Adopt: c.Adopt, Force: c.Force,
		SchemaURL: spec.SchemaURL(qversion.Current(version).SchemaRef()), Redact: env.redactBytes}
	for _, k := range c.Kinds {
		opts.Kinds = append(opts.Kinds, spec.Kind(k))
	}
	if err := opts.Check(); err != nil {
		return err
	}
	client, err := g.client(env)
	if err != nil {
		return err
	}
	liveDoc, err := pipeline.ReadKinds(ctx, client, opts.RecordKinds())
	if err != nil {
		return err
	}
	return export.Write(liveDoc, opts, env.Stderr)
}
