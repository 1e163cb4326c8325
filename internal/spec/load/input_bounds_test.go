package load

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

// TestConfigurationMustBeARegularFile: a configuration file that is a symbolic link to /dev/zero
// (or a directory entry that is one) is refused with a clear error before anything is read.
func TestConfigurationMustBeARegularFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/zero")
	}
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{zero, dir} {
		_, ds := Files(Options{}, p)
		if !ds.HasErrors() || !strings.Contains(ds.Error(), "zero.yaml: read: not a regular file (a character device)") {
			t.Errorf("load %s: %v", p, ds)
		}
	}
}

// TestSecretFileMustBeARegularFile: a {file: ...} secret that is a link to /dev/zero, or too
// large, is refused before it is read, by Resolve and by CheckSecretRef alike.
func TestSecretFileMustBeARegularFile(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, spec.MaxSecretFileBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	refs := []spec.SecretRef{{File: big}}
	if runtime.GOOS != "windows" {
		zero := filepath.Join(dir, "zero")
		if err := os.Symlink("/dev/zero", zero); err != nil {
			t.Fatal(err)
		}
		refs = append(refs, spec.SecretRef{File: zero})
	}
	for _, ref := range refs {
		if _, err := spec.Resolve(ref); err == nil || !strings.Contains(err.Error(), "read secret file "+ref.File) {
			t.Errorf("Resolve(%s): %v", ref, err)
		}
		if err := spec.CheckSecretRef(ref); err == nil {
			t.Errorf("CheckSecretRef(%s) passed", ref)
		}
	}
}

// TestPlanRefusesWhatApplyRefuses: CheckSecretRef (plan's check) refuses every secret Resolve
// (apply's read) refuses: a value too short to mask, from a variable or from a file.
func TestPlanRefusesWhatApplyRefuses(t *testing.T) {
	dir := t.TempDir()
	short := filepath.Join(dir, "short")
	if err := os.WriteFile(short, []byte("abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	nl := filepath.Join(dir, "nl")
	if err := os.WriteFile(nl, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TEST_SECRET_SHORT", "abc")
	for _, ref := range []spec.SecretRef{{Env: "TEST_SECRET_SHORT"}, {File: short}, {File: nl}} {
		_, rerr := spec.Resolve(ref)
		cerr := spec.CheckSecretRef(ref)
		if rerr == nil || cerr == nil || rerr.Error() != cerr.Error() {
			t.Errorf("%s: Resolve says %v, CheckSecretRef says %v", ref, rerr, cerr)
		}
		if cerr != nil && strings.Contains(cerr.Error(), "abc") {
			t.Errorf("%s: the error holds the value: %v", ref, cerr)
		}
	}
}

func TestCheckSecretKey(t *testing.T) {
	for key, ok := range map[string]bool{"": true, "k": false, "fifteen-chars-x": false, "sixteen-chars-xy": true} {
		err := spec.CheckSecretKey(key)
		if (err == nil) != ok {
			t.Errorf("CheckSecretKey(%q) = %v", key, err)
		}
		if err != nil && key != "" && strings.Contains(err.Error(), key) {
			t.Errorf("the error holds the key: %v", err)
		}
	}
}

// TestBinaryIsNotTakenAsText: a !!binary value is refused with its position, not taken as the
// base64 text.
func TestBinaryIsNotTakenAsText(t *testing.T) {
	_, got := loadOne(t, mysqlDoc("    comments: !!binary aGVsbG8=\n"))
	if !strings.Contains(got, "c.yaml:10:15: records/0/comments: a !!binary value is base64-encoded bytes") {
		t.Errorf("diagnostics: %s", got)
	}
}

func TestCheckXMLText(t *testing.T) {
	for v, ok := range map[string]bool{
		"plain":                      true,
		"-----BEGIN-----\r\nab\tc\n": true,
		"with ]]> inside":            true,
		"emoji 🔑 é":                  true,
		"bell \x07 here":             false,
		"nul \x00":                   false,
		"bad utf8 \xff":              false,
		"\ufffe":                     false,
	} {
		err := spec.CheckXMLText(v)
		if (err == nil) != ok {
			t.Errorf("CheckXMLText(%q) = %v", v, err)
		}
		if err != nil && strings.Contains(err.Error(), v) {
			t.Errorf("the error holds the value: %v", err)
		}
	}
}
