package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/qsync/qsync/internal/release"
)

// TestCIExamplesInstallPinnedRelease: both examples pin a release (QSYNC_VERSION vX.Y.Z, never
// latest) and install it from its archive only after sha256sum checks it against the release's
// SHA256SUMS; every GitHub job that runs qsync installs it first. The GitHub install step runs
// against a fake release made with internal/release: it installs the archive, and refuses a
// tampered one.
func TestCIExamplesInstallPinnedRelease(t *testing.T) {
	const check = "sha256sum -c --ignore-missing SHA256SUMS"
	pin := regexp.MustCompile(`(?m)^\s+QSYNC_VERSION: v\d+\.\d+\.\d+$`)
	for _, f := range []string{"examples/ci/github-actions.yml", "examples/ci/gitlab-ci.yml"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !pin.Match(b) || !bytes.Contains(b, []byte(check)) || bytes.Contains(b, []byte("@latest")) {
			t.Errorf("%s: want QSYNC_VERSION pinned to vX.Y.Z and %q, and no @latest", f, check)
		}
	}

	b, err := os.ReadFile("examples/ci/github-actions.yml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Env  map[string]string
		Jobs map[string]struct {
			Steps []struct{ Name, Run string }
		}
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var install string
	for name, job := range doc.Jobs {
		installed := false
		for _, s := range job.Steps {
			if strings.Contains(s.Run, check) {
				installed, install = true, s.Run
			}
			if len(qsyncLines(s.Run)) > 0 && !installed {
				t.Errorf("job %s runs qsync before a checked install", name)
			}
		}
	}
	if install == "" || t.Failed() {
		t.Fatal("no install step")
	}
	if _, err := exec.LookPath("sha256sum"); err != nil {
		t.Skip("no sha256sum")
	}

	// A fake release: the archive the release tool writes, with a stand-in binary, and its sums.
	version := doc.Env["QSYNC_VERSION"]
	dir := filepath.Join(t.TempDir(), version)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "qsync")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho qsync "+version+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	archive := "qsync_" + strings.TrimPrefix(version, "v") + "_linux_amd64.tar.gz"
	if err := release.WriteTarGz(filepath.Join(dir, archive), []release.File{{Name: "qsync", Path: bin, Mode: 0o755}}, time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	var sums bytes.Buffer
	if err := release.WriteChecksums(&sums, dir, []string{archive}); err != nil {
		t.Fatal(err)
	}
	sums.WriteString(strings.Repeat("0", 64) + "  qsync_other_windows_arm64.zip\n") // not downloaded: ignored
	if err := os.WriteFile(filepath.Join(dir, "SHA256SUMS"), sums.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(filepath.Dir(dir))))
	defer srv.Close()

	run := func() (string, string, error) {
		work, runner := t.TempDir(), t.TempDir()
		ghPath := filepath.Join(runner, "github_path")
		cmd := exec.Command("bash", "-c", "set -euo pipefail\n"+install)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "QSYNC_VERSION="+version, "QSYNC_RELEASES="+srv.URL, "RUNNER_TEMP="+runner, "GITHUB_PATH="+ghPath)
		out, err := cmd.CombinedOutput()
		p, _ := os.ReadFile(ghPath)
		return string(out), strings.TrimSpace(string(p)), err
	}
	out, path, err := run()
	if err != nil {
		t.Fatalf("install: %v\n%s", err, out)
	}
	got, err := exec.Command(filepath.Join(path, "qsync")).Output()
	if err != nil || string(got) != "qsync "+version+"\n" {
		t.Fatalf("installed qsync: %q, %v (install said %s)", got, err, out)
	}

	// A tampered archive is refused, and nothing is installed.
	if err := os.WriteFile(filepath.Join(dir, archive), []byte("tampered"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, path, err = run()
	if err == nil || !strings.Contains(out, "FAILED") || path != "" {
		t.Fatalf("tampered archive: err %v, PATH %q, output:\n%s", err, path, out)
	}
}
