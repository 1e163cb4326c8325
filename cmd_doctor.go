package main

import (
	"context"
	"errors"

	"github.com/qsync/qsync/internal/doctor"
	"github.com/qsync/qsync/internal/qualysclient"
)

// DoctorCmd reports, read-only, what a Qualys subscription looks like to qsync.
type DoctorCmd struct {
	Format string `enum:"text,json" default:"text" help:"Report format: text or json (see docs/doctor.md)."`
	Hash   bool   `help:"Replace titles by a short hash, so the report can be pasted into a bug report."`
}

// Run reads the subscription like one plan does and prints the report. It exits 1 when the
// credentials were refused or the read failed.
func (c *DoctorCmd) Run(ctx context.Context, g *Globals, env *Env) error {
	client, err := g.client(env)
	if err != nil {
		return err
	}
	base := g.APIURL
	if base == "" {
		base, _ = qualysclient.PlatformURL(g.Platform) // g.client has already checked it
	}
	r := doctor.Run(ctx, client, doctor.Options{BaseURL: base, Hash: c.Hash})
	if c.Format == "json" {
		err = doctor.WriteJSON(env.Stdout, r)
	} else {
		err = doctor.WriteText(env.Stdout, r)
	}
	if err != nil {
		return err
	}
	if r.Read != "complete" {
		return &exitErr{code: exitError, err: errors.New("doctor: the read did not complete; see the report")}
	}
	return nil
}
