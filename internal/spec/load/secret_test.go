package load

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv("TEST_SECRET_SET", "s3cret")
	t.Setenv("TEST_SECRET_EMPTY", "")
	for _, c := range []struct {
		name    string
		ref     spec.SecretRef
		want    string
		wantErr string
	}{
		{"env set", spec.SecretRef{Env: "TEST_SECRET_SET"}, "s3cret", ""},
		{"env unset names the variable", spec.SecretRef{Env: "TEST_SECRET_UNSET"}, "", "environment variable TEST_SECRET_UNSET is not set"},
		{"env empty", spec.SecretRef{Env: "TEST_SECRET_EMPTY"}, "", "environment variable TEST_SECRET_EMPTY is empty"},
		{"file trailing newline trimmed", spec.SecretRef{File: write("pw", "hunter2\n")}, "hunter2", ""},
		{"file CRLF trimmed", spec.SecretRef{File: write("crlf", "hunter2\r\n")}, "hunter2", ""},
		{"file inner newlines kept", spec.SecretRef{File: write("pem", "-----BEGIN-----\nabc\n-----END-----\n")}, "-----BEGIN-----\nabc\n-----END-----", ""},
		{"file missing", spec.SecretRef{File: filepath.Join(dir, "nope")}, "", "secret file " + filepath.Join(dir, "nope") + " is missing"},
		{"file empty", spec.SecretRef{File: write("empty", "\n")}, "", "secret file " + filepath.Join(dir, "empty") + " is empty"},
		{"empty reference", spec.SecretRef{}, "", "empty secret reference"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := spec.Resolve(c.ref)
			if c.wantErr != "" {
				if err == nil || err.Error() != c.wantErr {
					t.Errorf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil || got != c.want {
				t.Errorf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

// TestLoadDoesNotResolve: loading never reads secrets, so a missing variable is not a load error.
func TestLoadDoesNotResolve(t *testing.T) {
	os.Unsetenv("BILLING_DB_PW")
	if _, ds := Files(Options{}, "../../../examples"); ds.HasErrors() {
		t.Fatal(ds)
	}
}
