// Command qsync manages a Qualys subscription's authentication records and authentication vaults as
// code: YAML desired state is validated, diffed against the live Qualys estate into a reviewable
// plan, and applied in a safe order. See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/alecthomas/kong"

	"github.com/qsync/qsync/internal/export"
	"github.com/qsync/qsync/internal/redact"
	"github.com/qsync/qsync/internal/spec"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit codes are part of qsync's contract (README "Exit codes").
const (
	exitOK      = 0 // success, or no changes
	exitError   = 1 // an error; nothing half-done, or what was applied is reported
	exitChanges = 2 // plan --detailed-exitcode: changes present
	exitPartial = 3 // apply finished partially
)

// exitErr carries an exit code out of a command. A nil err means "exit quietly with code".
type exitErr struct {
	code int
	err  error
}

func (e *exitErr) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitErr) Unwrap() error { return e.err }

// CLI is qsync's command line.
type CLI struct {
	Globals
	extraCommands

	Validate ValidateCmd `cmd:"" help:"Check configuration files against the schema and qsync's rules, without contacting Qualys."`
	Plan     PlanCmd     `cmd:"" help:"Show what apply would change in Qualys to match the configuration."`
	Apply    ApplyCmd    `cmd:"" help:"Change Qualys to match the configuration (or a saved plan), then verify by planning again."`
	Export   ExportCmd   `cmd:"" help:"Write the live Qualys records and vaults as qsync YAML, to bring an existing subscription under management."`
	Doctor   DoctorCmd   `cmd:"" help:"Report, read-only, what a Qualys subscription looks like to qsync: credentials, limits, objects, what could not be read, and the wire-contract facts confirmed or contradicted."`
	Schema   SchemaCmd   `cmd:"" help:"Print the JSON Schema of qsync configuration files (or, with --plan, of the plan JSON; with --policy, of policy files)."`
	Policy   PolicyCmd   `cmd:"" help:"Test policy rules against fixtures (docs/policy.md)."`
	Emulator EmulatorCmd `cmd:"" help:"Serve a local, stateful emulation of the Qualys authentication record and vault API."`
	Version  VersionCmd  `cmd:"" help:"Print qsync's version."`
}

// Env is what commands receive besides their flags: the process's streams. run passes Stdout
// and Stderr through one redactor (see redacting), which every file and pull request body qsync
// writes goes through as well.
type Env struct {
	Stdout, Stderr io.Writer
	Stdin          *os.File
	Getenv         func(string) string
	// Trace receives the debug HTTP trace; nil means Stderr (see traceWriter).
	Trace io.Writer

	redactor *redact.Redactor
}

func main() {
	os.Exit(run(os.Args[1:], &Env{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin, Getenv: os.Getenv}))
}

// run parses args, runs the command and returns the process exit code.
func run(args []string, env *Env) int {
	env, flush := env.redacting()
	defer flush()
	var cli CLI
	parser, err := kong.New(&cli,
		kong.Name("qsync"),
		kong.Description("Manage Qualys authentication records and vaults as code: validate, plan, apply."),
		kong.UsageOnError(),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		connectionGroup,
		kong.Writers(env.Stdout, env.Stderr),
		kong.Exit(func(code int) { panic(kongExit(code)) }),
		kong.Vars{"version": versionLine(), "kinds": strings.Join(spec.KindNames(), ","),
			"kinds_help": strings.Join(spec.KindNames(), ", "), "kind_files": strings.Join(export.FileNames(), ", ")},
	)
	if err != nil {
		fmt.Fprintf(env.Stderr, "qsync: %v\n", err)
		return exitError
	}
	return parseArgs(parser, singleDashLongFlags(parser.Model, args), env, &cli.Globals)
}

type kongExit int

// parseArgs parses and runs the command; kong's own exits (help, usage errors) arrive as a kongExit
// panic so that tests can run qsync in-process.
func parseArgs(parser *kong.Kong, args []string, env *Env, g *Globals) (code int) {
	defer func() {
		if r := recover(); r != nil {
			c, ok := r.(kongExit)
			if !ok {
				panic(r)
			}
			code = int(c)
		}
	}()
	kctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(env.Stderr, "qsync: %v\n", err)
		return exitError
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	kctx.BindTo(ctx, (*context.Context)(nil))
	kctx.Bind(env)
	kctx.Bind(g)
	err = kctx.Run()
	var ee *exitErr
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		if ee.err != nil {
			fmt.Fprintf(env.Stderr, "qsync: %v\n", ee.err)
		}
		return ee.code
	default:
		fmt.Fprintf(env.Stderr, "qsync: %v\n", err)
		return exitError
	}
}

// VersionCmd prints the version.
type VersionCmd struct{}

// Run prints qsync's version.
func (c *VersionCmd) Run(env *Env) error {
	fmt.Fprintln(env.Stdout, versionLine())
	return nil
}
