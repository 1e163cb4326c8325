package planfile

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestWriteFileRefusesASymlink: plan --out never writes through a symbolic link (one planted
// where the plan goes could point at a file the job may write, such as a workflow).
func TestWriteFileRefusesASymlink(t *testing.T) {
	p, _, _ := buildPlan(t)
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim.yml")
	if err := os.WriteFile(victim, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "plan.json")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, p); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("WriteFile through a link: %v", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep me" {
		t.Errorf("the link's target was overwritten: %q", b)
	}
}

// TestWriteFileRedacted: the file's bytes pass the redactor.
func TestWriteFileRedacted(t *testing.T) {
	p, _, _ := buildPlan(t)
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := WriteFileRedacted(path, p, func(b []byte) []byte { return []byte(strings.ReplaceAll(string(b), "format_version", "FORMAT")) }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "FORMAT") {
		t.Errorf("the redactor did not see the file: %.200s", b)
	}
}

// TestReadFileRefusesADevice: a saved plan that is a link to /dev/zero is refused before it is
// read, and is not taken for a plan file.
func TestReadFileRefusesADevice(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/zero")
	}
	link := filepath.Join(t.TempDir(), "plan.json")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(link); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("ReadFile: %v", err)
	}
	if IsPlanFile(link) {
		t.Error("IsPlanFile(/dev/zero) = true")
	}
}
