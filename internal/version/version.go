// Package version owns what a qsync binary says about its own build: the version set by -ldflags
// (or "dev"), completed from the build info Go stamps (module version, VCS revision, modified
// tree, toolchain), and the one-line form "qsync version" and "qsync --version" print.
package version

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// Info is what qsync knows about its own build.
type Info struct {
	Version  string // a release tag, a module (pseudo-)version, or dev[-REVISION][-dirty]
	Revision string // the VCS revision, when Go stamped one
	Modified bool   // the working tree had uncommitted changes
	Go       string // the Go toolchain
}

// String is the line "qsync version" and "qsync --version" print (after "qsync ").
func (v Info) String() string {
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

// revision and modified are set by make build (-ldflags "-X ...version.revision=..."), from git,
// for the builds in which Go stamps no VCS information: GOFLAGS=-buildvcs=false (a machine or CI
// setting), or a git worktree, whose .git file Go's VCS detection does not follow.
var revision, modified string

// Current is Resolve with this binary's build info, completed by the revision make build linked
// in (see Linked).
func Current(ldflags string) Info {
	return Resolve(ldflags, Linked(debug.ReadBuildInfo, revision, modified == "true"))
}

// Linked returns read with the settings vcs.revision and vcs.modified added from rev and dirty
// when the build info has no vcs.revision of its own (what Go stamps wins); rev "" adds nothing.
func Linked(read func() (*debug.BuildInfo, bool), rev string, dirty bool) func() (*debug.BuildInfo, bool) {
	return func() (*debug.BuildInfo, bool) {
		bi, ok := read()
		if !ok || rev == "" {
			return bi, ok
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				return bi, ok
			}
		}
		out := *bi
		out.Settings = append(append([]debug.BuildSetting(nil), bi.Settings...),
			debug.BuildSetting{Key: "vcs.revision", Value: rev}, debug.BuildSetting{Key: "vcs.modified", Value: fmt.Sprint(dirty)})
		return &out, true
	}
}

// Resolve combines the version set by ldflags (or "dev") with the build info: a version set by
// ldflags wins; otherwise "go install ...@v1.2.0" gives v1.2.0, and a "go build" in a checkout the
// pseudo-version or revision Go stamps from git.
func Resolve(ldflags string, read func() (*debug.BuildInfo, bool)) Info {
	v := Info{Version: ldflags}
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
