package completion

import (
	"bytes"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
)

type toyCLI struct {
	Verbose bool   `short:"v" help:"Say more. Much more."`
	Secret  string `hidden:"" help:"Not for completion."`
	Run     struct {
		Format string `enum:"a,b" default:"a" help:"Output format."`
		Out    string `type:"path" help:"Where to write."`
	} `cmd:"" help:"Run it. Really."`
	Shell struct {
		Name string `arg:"" enum:"x,y" help:"Which."`
	} `cmd:"" help:"Pick a shell."`
	Hide struct{} `cmd:"" hidden:"" help:"Hidden command."`
}

func toyApp(t *testing.T) *kong.Application {
	t.Helper()
	var cli toyCLI
	p, err := kong.New(&cli, kong.Name("toy"))
	if err != nil {
		t.Fatal(err)
	}
	return p.Model
}

// TestModelLeavesOutHiddenAndSorts: hidden commands and flags are not completed; commands and
// flags come sorted, with enum values, file-taking flags and positional enums recognised.
func TestModelLeavesOutHiddenAndSorts(t *testing.T) {
	m := completionModel(toyApp(t))
	var names []string
	for _, c := range m.cmds {
		names = append(names, c.name)
	}
	if got := strings.Join(names, " "); got != "run shell" {
		t.Fatalf("commands %q, want \"run shell\"", got)
	}
	for _, f := range m.globals {
		if f.long == "secret" {
			t.Errorf("hidden flag --secret is completed")
		}
	}
	run := m.cmds[0]
	var format, out compFlag
	for _, f := range run.flags {
		switch f.long {
		case "format":
			format = f
		case "out":
			out = f
		}
	}
	if strings.Join(format.values, ",") != "a,b" || !format.takesValue || !out.file {
		t.Errorf("format %+v, out %+v", format, out)
	}
	if got := strings.Join(m.cmds[1].args, ","); got != "x,y" {
		t.Errorf("shell args %q, want x,y", got)
	}
}

func TestWriteEachShell(t *testing.T) {
	app := toyApp(t)
	for shell, want := range map[string]string{
		"bash": "complete -o filenames -F _toy toy\n",
		"zsh":  "'--verbose[Say more]'",
		"fish": "complete -c toy -n '__fish_seen_subcommand_from run' -l format -x -a 'a b' -d 'Output format'\n",
	} {
		var b bytes.Buffer
		if err := Write(&b, shell, app); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), want) {
			t.Errorf("%s script lacks %q:\n%s", shell, want, b.String())
		}
	}
	if err := Write(&bytes.Buffer{}, "csh", app); err == nil {
		t.Error("csh: no error")
	}
}

type listCLI struct {
	Export struct {
		Kinds []string `enum:"a,b,c" help:"Kinds."`
		Dir   string   `placeholder:"DIR" help:"Where."`
		Zone  string   `help:"A zone."`
	} `cmd:"" help:"Export."`
}

// TestListDirAndValues: a slice flag with an enum completes as a comma-separated list, a DIR flag
// as directories, and Options.Values gives a plain flag its values, in every shell.
func TestListDirAndValues(t *testing.T) {
	var cli listCLI
	p, err := kong.New(&cli, kong.Name("toy"))
	if err != nil {
		t.Fatal(err)
	}
	for shell, wants := range map[string][]string{
		"bash": {`export:--kinds) local pre=""`, `export:--dir) COMPREPLY=($(compgen -d`, `export:--zone) COMPREPLY=($(compgen -W "x y"`},
		"zsh":  {`:kinds:_values -s , kinds a b c`, `:dir:_files -/`, `:zone:(x y)`},
		"fish": {`-l kinds -x -a '(__toy_list a b c)'`, `-l dir -x -a '(__fish_complete_directories)'`, `-l zone -x -a 'x y'`},
	} {
		var b bytes.Buffer
		if err := WriteWith(&b, shell, p.Model, Options{Values: map[string][]string{"zone": {"y", "x"}}}); err != nil {
			t.Fatal(err)
		}
		for _, want := range wants {
			if !strings.Contains(b.String(), want) {
				t.Errorf("%s script lacks %q", shell, want)
			}
		}
	}
}
