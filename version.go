package main

import (
	"github.com/alecthomas/kong"

	qversion "github.com/qsync/qsync/internal/version"
)

// init fills in the version from the build info when no -ldflags "-X main.version=..." set it
// (internal/version).
func init() {
	version = qversion.Current(version).Version
}

func versionLine() string { return "qsync " + qversion.Current(version).String() }

// extraCommands are the commands and flags around the plan/apply core: posting to pull requests,
// shell completion and --version. It is embedded in CLI.
type extraCommands struct {
	VersionFlag kong.VersionFlag `name:"version" help:"Print qsync's version and exit."`

	Comment    CommentCmd    `cmd:"" help:"Post a plan or an apply result as this configuration's one comment on the current pull or merge request (GitHub Actions, GitLab CI)."`
	Completion CompletionCmd `cmd:"" help:"Print a shell completion script: bash, zsh or fish."`
	Help       HelpCmd       `cmd:"" help:"Show the help of a command: qsync help plan (the same as qsync plan --help)."`
	CI         CICmd         `cmd:"" name:"ci" help:"CI glue for the GitHub Action and the GitLab component: stamp a saved plan, fetch the reviewed plan, keep the drift issue."`

	Conformance ConformanceCmd `cmd:"" help:"Opt-in: create, read, update and delete one throwaway object per kind to confirm or contradict every guess qsync makes about Qualys (see docs/conformance.md)."`
}
