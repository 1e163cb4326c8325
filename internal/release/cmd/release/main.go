// Command release cross-builds qsync for linux, darwin and windows on amd64 and arm64 into dist/:
// one archive per platform (tar.gz; zip for windows) holding the binary, LICENSE and README.md,
// a CycloneDX SBOM (qsync_VERSION.cdx.json) from the binaries' Go build info, and SHA256SUMS
// over all of them. Builds use -trimpath, no cgo and an empty build ID, and every timestamp is
// SOURCE_DATE_EPOCH (default: the commit's time), so two runs on one commit give identical bytes.
//
// Usage: go run ./internal/release/cmd/release -version v1.2.0 [-out dist]
package main

import (
	"bytes"
	"debug/buildinfo"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/qsync/qsync/internal/release"
)

var targets = []struct{ goos, goarch string }{
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"linux", "amd64"}, {"linux", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

func main() {
	version := flag.String("version", "", "the release version, e.g. v1.2.0 (required)")
	out := flag.String("out", "dist", "output directory (emptied first)")
	flag.Parse()
	if err := run(*version, *out); err != nil {
		fmt.Fprintf(os.Stderr, "release: %v\n", err)
		os.Exit(1)
	}
}

func sourceTime() (time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		b, err := exec.Command("git", "log", "-1", "--format=%ct").Output()
		if err != nil {
			return time.Unix(0, 0), nil // not in git: a fixed time still makes runs identical
		}
		s = strings.TrimSpace(string(b))
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q: %w", s, err)
	}
	return time.Unix(n, 0).UTC(), nil
}

// revision returns the commit being released, which the binaries carry (qsync version prints it;
// -buildvcs=false keeps Go's own stamp out, so the build is the same from any checkout path) and
// the SBOM names. A tree with uncommitted changes is no release; outside git there is no revision.
func revision() (string, error) {
	rev, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "", nil
	}
	status, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output()
	if err != nil {
		return "", fmt.Errorf("git status: %w", err)
	}
	if len(bytes.TrimSpace(status)) > 0 {
		return "", fmt.Errorf("the tree has uncommitted changes: a release is built from a clean checkout of its tag")
	}
	return strings.TrimSpace(string(rev)), nil
}

// ldflags are the linker flags of a release binary: stripped, no build ID, and the version and
// revision internal/version reports.
func ldflags(version, rev string) string {
	return "-s -w -buildid= -X main.version=" + version + " -X github.com/qsync/qsync/internal/version.revision=" + rev
}

func run(version, out string) error {
	if version == "" {
		return fmt.Errorf("-version is required")
	}
	if err := release.CheckVersion(version); err != nil {
		return err
	}
	rev, err := revision()
	if err != nil {
		return err
	}
	when, err := sourceTime()
	if err != nil {
		return err
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	build := filepath.Join(out, "build")
	if err := os.MkdirAll(build, 0o755); err != nil {
		return err
	}
	var names []string
	var infos []*debug.BuildInfo
	for _, t := range targets {
		exe := "qsync"
		if t.goos == "windows" {
			exe += ".exe"
		}
		bin := filepath.Join(build, t.goos+"_"+t.goarch, exe)
		cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false",
			"-ldflags", ldflags(version, rev), "-o", bin, ".")
		cmd.Env = append(os.Environ(), "GOOS="+t.goos, "GOARCH="+t.goarch, "CGO_ENABLED=0", "GOFLAGS=")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("build %s/%s: %v\n%s", t.goos, t.goarch, err, stderr.String())
		}
		bi, err := buildinfo.ReadFile(bin)
		if err != nil {
			return fmt.Errorf("read the build info of %s: %w", bin, err)
		}
		infos = append(infos, bi)
		files := []release.File{{Name: exe, Path: bin, Mode: 0o755}, {Name: "LICENSE", Path: "LICENSE", Mode: 0o644}, {Name: "README.md", Path: "README.md", Mode: 0o644}}
		name := release.ArchiveName(version, t.goos, t.goarch)
		names = append(names, name)
		if t.goos == "windows" {
			err = release.WriteZip(filepath.Join(out, name), files, when)
		} else {
			err = release.WriteTarGz(filepath.Join(out, name), files, when)
		}
		if err != nil {
			return err
		}
	}
	sbom, err := release.SBOM(infos, release.SBOMOptions{Name: "qsync", Version: version, License: "Apache-2.0", Time: when, Revision: rev})
	if err != nil {
		return err
	}
	sbomName := release.SBOMName(version)
	if err := os.WriteFile(filepath.Join(out, sbomName), sbom, 0o644); err != nil {
		return err
	}
	names = append(names, sbomName)
	var sums bytes.Buffer
	if err := release.WriteChecksums(&sums, out, names); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "SHA256SUMS"), sums.Bytes(), 0o644); err != nil {
		return err
	}
	// Read back what was written, as a user would check a download (sha256sum -c SHA256SUMS).
	if bad, err := release.VerifyChecksums(sums.Bytes(), out); err != nil || len(bad) > 0 {
		return fmt.Errorf("verify SHA256SUMS: mismatched %v: %v", bad, err)
	}
	if err := os.RemoveAll(build); err != nil {
		return err
	}
	fmt.Printf("%s", sums.String())
	return nil
}
