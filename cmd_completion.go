package main

import (
	"github.com/alecthomas/kong"

	"github.com/qsync/qsync/internal/completion"
	"github.com/qsync/qsync/internal/qualysclient"
)

// CompletionCmd prints a shell completion script generated from the CLI's own model, so the
// completions cannot drift from the commands and flags.
type CompletionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"The shell: bash, zsh or fish. Install: bash 'source <(qsync completion bash)'; zsh 'source <(qsync completion zsh)'; fish 'qsync completion fish > ~/.config/fish/completions/qsync.fish'."`
}

// Run writes the script.
func (c *CompletionCmd) Run(kctx *kong.Context, env *Env) error {
	return completion.WriteWith(env.Stdout, c.Shell, kctx.Model, completion.Options{
		Values: map[string][]string{"platform": qualysclient.Platforms()}})
}
