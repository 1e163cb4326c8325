package safeio

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestReadFileRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.yaml")
	if err := os.WriteFile(ok, []byte("version: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(ok, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{ok, link} {
		if b, err := ReadFile(p, 100); err != nil || string(b) != "version: 1\n" {
			t.Errorf("ReadFile(%s) = %q, %v", p, b, err)
		}
	}
	if _, err := ReadFile(ok, 5); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a file over the limit: %v", err)
	}
	if _, err := ReadFile(dir, 100); err == nil || !strings.Contains(err.Error(), "not a regular file (a directory)") {
		t.Errorf("a directory: %v", err)
	}
	if runtime.GOOS == "windows" {
		return
	}
	zero := filepath.Join(dir, "zero.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(zero, 1<<20); err == nil || !strings.Contains(err.Error(), "not a regular file (a character device)") {
		t.Errorf("a link to /dev/zero: %v", err)
	}
}

func TestWriteFileNeverFollowsASymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "victim")
	if err := os.WriteFile(target, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "plan.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, []byte("plan"), 0o600); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("write through a link: %v", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "precious" {
		t.Errorf("the link's target was written: %q", b)
	}
	out := filepath.Join(dir, "new.json")
	for _, content := range []string{"first", "second"} {
		if err := WriteFile(out, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(out); string(b) != content {
			t.Errorf("content %q, want %q", b, content)
		}
	}
	if st, _ := os.Stat(out); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestReadFileReadsEveryByteWhateverTheSize(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []int{0, 1, 511, 512, 513, 4096, 100_003} {
		want := bytes.Repeat([]byte("qsync\n"), n/6+1)[:n]
		path := filepath.Join(dir, fmt.Sprintf("f%d.yaml", n))
		if err := os.WriteFile(path, want, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := ReadFile(path, 1<<20)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("ReadFile of a %d-byte file = %d bytes, %v; want the file's bytes", n, len(got), err)
		}
	}
}

func TestReadSizedReadsAFileThatGrewSinceItsSizeWasTaken(t *testing.T) {
	want := bytes.Repeat([]byte("x"), 5000)
	got, err := readSized(bytes.NewReader(want), 10) // the file had 10 bytes when checked
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("readSized = %d bytes, %v; want all %d", len(got), err, len(want))
	}
}
