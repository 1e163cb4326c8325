package main

import (
	"strings"

	"github.com/alecthomas/kong"
)

// connectionGroup gathers the flags that say how to reach Qualys (Globals) under one heading at
// the end of every command's help, instead of mixing them with the command's own flags.
var connectionGroup = kong.ExplicitGroups([]kong.Group{{
	Key:         "connection",
	Title:       "Connection flags (every command that reads or writes Qualys):",
	Description: "Credentials come from QUALYS_USERNAME and QUALYS_PASSWORD only. A flag beats the environment variable named in its help.",
}})

// HelpCmd is "qsync help [COMMAND...]", the spelling of "qsync COMMAND --help" that git and go
// users type.
type HelpCmd struct {
	Command []string `arg:"" optional:"" help:"The command to explain, e.g. plan, or ci fetch-plan."`
}

// Run prints the help of the command named, or of qsync.
func (c *HelpCmd) Run(kctx *kong.Context) error {
	_, err := kctx.Kong.Parse(append(append([]string(nil), c.Command...), "--help"))
	return err
}

// singleDashLongFlags applies one rule to single-dash long flags, which Terraform and Go users
// type out of habit ("-out plan.json", "-no-color"): an argument -NAME or -NAME=VALUE is the flag
// --NAME when qsync has a long flag NAME (of any command; kong still refuses one the command
// does not take). Everything after "--" is left alone, and so are one-letter short flags.
func singleDashLongFlags(app *kong.Application, args []string) []string {
	long := map[string]bool{}
	var walk func(n *kong.Node)
	walk = func(n *kong.Node) {
		for _, f := range n.Flags {
			long[f.Name] = true
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(app.Node)
	out := make([]string, len(args))
	done := false
	for i, a := range args {
		out[i] = a
		if done || a == "--" {
			done = true
			continue
		}
		if len(a) < 3 || a[0] != '-' || a[1] == '-' {
			continue
		}
		name, _, _ := strings.Cut(a[1:], "=")
		if long[name] {
			out[i] = "-" + a
		}
	}
	return out
}
