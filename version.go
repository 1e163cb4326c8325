package main

import (
	"github.com/alecthomas/kong"

	"fmt"
	"runtime/debug"
	"strings"
)

// init fills in the version from the build info when no -ldflags "-X main.version=..." set it:
// "go install github.com/qsync/qsync@v1.2.0" reports v1.2.0, and a "go build" in a checkout the
// pseudo-version or revision Go stamps from git.
func init() {
	version = resolveVersion(version, debug.ReadBuildInfo).Version
}

// buildVersion is what qsync knows about its own build.
type buildVersion struct {
	Version  string // a release tag, a module (pseudo-)version, or dev[-REVISION][-dirty]
	Revision string // the VCS revision, when Go stamped one
	Modified bool   // the working tree had uncommitted changes
	Go       string // the Go toolchain
}

// String is the line "qsync version" and "qsync --version" print (after "qsync ").
func (v buildVersion) String() string {
	s := v.Version
	var extra []string
	if v.Revision != "" {
		extra = append(extra, "revision "+v.Revision)
	}
	if v.Modified {
		extra = append(extra, "modified")
	}
	if v.Go != "" {
		extra = append(extra, v.Go)
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}

func shortRev(r string) string {
	if len(r) > 12 {
		return r[:12]
	}
	return r
}

// resolveVersion combines the version set by ldflags (or "dev") with the build info.
func resolveVersion(ldflags string, read func() (*debug.BuildInfo, bool)) buildVersion {
	v := buildVersion{Version: ldflags}
	bi, ok := read()
	if !ok {
		return v
	}
	v.Go = bi.GoVersion
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	if ldflags != "dev" && ldflags != "" {
		return v
	}
	switch mv := bi.Main.Version; {
	case mv != "" && mv != "(devel)":
		v.Version = mv
	case v.Revision != "":
		v.Version = "dev-" + shortRev(v.Revision)
		if v.Modified {
			v.Version += "-dirty"
		}
	default:
		v.Version = "dev"
	}
	return v
}

// currentVersion returns this binary's version.
func currentVersion() buildVersion {
	return resolveVersion(version, debug.ReadBuildInfo)
}

func versionLine() string { return fmt.Sprintf("qsync %s", currentVersion()) }

// extraCommands are the commands and flags around the plan/apply core: posting to pull requests,
// shell completion and --version. It is embedded in CLI.
type extraCommands struct {
	VersionFlag kong.VersionFlag `name:"version" help:"Print qsync's version and exit."`

	Comment    CommentCmd    `cmd:"" help:"Post a plan or an apply result as this configuration's one comment on the current pull or merge request (GitHub Actions, GitLab CI)."`
	Completion CompletionCmd `cmd:"" help:"Print a shell completion script: bash, zsh or fish."`
}
