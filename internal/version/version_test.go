package version

import (
	"runtime/debug"
	"testing"
)

func TestResolveVersion(t *testing.T) {
	info := func(mainVersion string, settings ...string) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/qsync/qsync", Version: mainVersion}}
			for i := 0; i+1 < len(settings); i += 2 {
				bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
			}
			return bi, true
		}
	}
	for _, tc := range []struct {
		name, ldflags string
		read          func() (*debug.BuildInfo, bool)
		want          string
	}{
		{"go install @version", "dev", info("v1.2.0"), "v1.2.0 (go1.26.0)"},
		{"ldflags win", "v9.9.9", info("v1.2.0", "vcs.revision", "0123456789abcdef"), "v9.9.9 (revision 0123456789abcdef, go1.26.0)"},
		{"go build in a checkout", "dev", info("(devel)", "vcs.revision", "0123456789abcdef", "vcs.modified", "true"),
			"dev-0123456789ab-dirty (revision 0123456789abcdef, modified, go1.26.0)"},
		{"pseudo-version stamped by go build", "dev", info("v0.0.0-20260101000000-0123456789ab+dirty", "vcs.revision", "0123456789abcdef", "vcs.modified", "true"),
			"v0.0.0-20260101000000-0123456789ab+dirty (revision 0123456789abcdef, modified, go1.26.0)"},
		{"no vcs", "dev", info("(devel)"), "dev (go1.26.0)"},
		{"no build info", "dev", func() (*debug.BuildInfo, bool) { return nil, false }, "dev"},
	} {
		if got := Resolve(tc.ldflags, tc.read).String(); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestLinked: the revision make build links in completes build info without one (a worktree, or
// GOFLAGS=-buildvcs=false), and never replaces the one Go stamped.
func TestLinked(t *testing.T) {
	read := func(settings ...debug.BuildSetting) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: settings}, true
		}
	}
	stamped := debug.BuildSetting{Key: "vcs.revision", Value: "aaaaaaaaaaaaaaaa"}
	for _, tc := range []struct {
		name, ldflags string
		read          func() (*debug.BuildInfo, bool)
		rev           string
		dirty         bool
		want          string
	}{
		{"no vcs stamp, make build", "v0.3.0-2-g0123456", read(), "0123456789abcdef", false, "v0.3.0-2-g0123456 (revision 0123456789abcdef, go1.26.0)"},
		{"no vcs stamp, dirty, no version", "dev", read(debug.BuildSetting{Key: "-trimpath", Value: "true"}), "0123456789abcdef", true,
			"dev-0123456789ab-dirty (revision 0123456789abcdef, modified, go1.26.0)"},
		{"Go's stamp wins", "dev", read(stamped), "0123456789abcdef", true, "dev-aaaaaaaaaaaa (revision aaaaaaaaaaaaaaaa, go1.26.0)"},
		{"nothing linked", "dev", read(), "", false, "dev (go1.26.0)"},
		{"no build info", "dev", func() (*debug.BuildInfo, bool) { return nil, false }, "0123456789abcdef", false, "dev"},
	} {
		if got := Resolve(tc.ldflags, Linked(tc.read, tc.rev, tc.dirty)).String(); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
