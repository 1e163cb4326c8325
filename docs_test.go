package main

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestDocsMatchCLI checks the hand-written docs against the CLI: every flag of qsync emulator and
// qsync export is documented, every exit code constant is, and every Qualys error code the
// emulator documents has a troubleshooting entry.
func TestDocsMatchCLI(t *testing.T) {
	read := func(path string) string {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	flagRE := regexp.MustCompile(`--[a-z][a-z-]+`)
	for cmd, doc := range map[string]string{"emulator": "docs/emulator.md", "export": "docs/ownership.md", "conformance": "docs/conformance.md"} {
		var out, errOut bytes.Buffer
		if code := run([]string{cmd, "--help"}, &Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}); code != 0 {
			t.Fatalf("qsync %s --help: exit %d: %s", cmd, code, errOut.String())
		}
		text := read(doc)
		for _, f := range flagRE.FindAllString(out.String(), -1) {
			if slices.Contains([]string{"--help", "--api-url", "--platform", "--ca-bundle", "--debug-http", "--no-color", "--version"}, f) {
				continue
			}
			if !strings.Contains(text, f) {
				t.Errorf("%s does not document qsync %s %s", doc, cmd, f)
			}
		}
	}
	codes := read("docs/exit-codes.md")
	for _, c := range []int{exitOK, exitError, exitChanges, exitPartial} {
		if !strings.Contains(codes, fmt.Sprintf("| %d |", c)) {
			t.Errorf("docs/exit-codes.md does not document exit code %d", c)
		}
	}
	trouble := read("docs/troubleshooting.md")
	for _, c := range []string{"1901", "1903", "1904", "1905", "1907", "1908", "1960", "1965", "2000", "2003", "2011"} {
		if !strings.Contains(trouble, "## "+c) {
			t.Errorf("docs/troubleshooting.md has no section for Qualys error %s", c)
		}
	}
}
