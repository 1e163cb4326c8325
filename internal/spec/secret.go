package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"
)

// Resolve reads the value a secret reference points at: the environment variable ref.Env, or the
// file ref.File (made absolute by Load, relative to the YAML file) without one trailing newline.
// It refuses what a configuration may not reference (see CheckEnvName, SecretRoot; the
// QSYNC_SECRET_ENV_PREFIX restriction is read from the environment), a file or symbolic link
// leading outside ref.Root, and a value shorter than MinSecretLen. A missing or empty value is an
// error naming the variable or file; no error ever holds the value.
func Resolve(ref SecretRef) (string, error) {
	v, err := resolve(ref)
	if err != nil {
		return "", err
	}
	if n := utf8.RuneCountInString(v); n < MinSecretLen {
		return "", fmt.Errorf("secret %s has %d characters, fewer than %d: too short to be masked safely in output; use a longer secret",
			ref, n, MinSecretLen)
	}
	return v, nil
}

// CheckSecretRef reports, as Resolve would, why the value ref points at cannot be read: a
// reference the configuration may not make, an environment variable not set or empty, a secret
// file missing, empty or not a regular file. It does not read a file's content (so a file holding
// only a newline, or a value too short to mask, still passes: Resolve refuses those), and no error
// holds a value. Plan uses it to report, before any write and with a position, a secret that
// apply would fail to send.
func CheckSecretRef(ref SecretRef) error {
	if ref.File == "" || ref.Env != "" { // a variable (its value is not kept), or a malformed reference
		_, err := resolve(ref)
		return err
	}
	if ref.Root != "" {
		if err := checkSecretFile(ref.File, ref.Root); err != nil {
			return err
		}
	}
	st, err := os.Stat(ref.File)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("secret file %s is missing", ref.File)
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("read secret file %s: %w", ref.File, err)
	case !st.Mode().IsRegular():
		return fmt.Errorf("secret file %s is not a regular file", ref.File)
	case st.Size() == 0:
		return fmt.Errorf("secret file %s is empty", ref.File)
	}
	return nil
}

func resolve(ref SecretRef) (string, error) {
	switch {
	case ref.Env != "" && ref.File != "":
		return "", fmt.Errorf("secret reference names both env %s and file %s", ref.Env, ref.File)
	case ref.Env != "":
		if msg := CheckEnvName(ref.Env, os.Getenv(EnvSecretEnvPrefix)); msg != "" {
			return "", errors.New(msg)
		}
		v, ok := os.LookupEnv(ref.Env)
		if !ok {
			return "", fmt.Errorf("environment variable %s is not set", ref.Env)
		}
		if v == "" {
			return "", fmt.Errorf("environment variable %s is empty", ref.Env)
		}
		return v, nil
	case ref.File != "":
		if ref.Root != "" {
			if err := checkSecretFile(ref.File, ref.Root); err != nil {
				return "", err
			}
		}
		b, err := os.ReadFile(ref.File)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			if errors.Is(err, fs.ErrNotExist) {
				return "", fmt.Errorf("secret file %s is missing", ref.File)
			}
			return "", fmt.Errorf("read secret file %s: %w", ref.File, err)
		}
		v := trimOneNewline(string(b))
		if v == "" {
			return "", fmt.Errorf("secret file %s is empty", ref.File)
		}
		return v, nil
	}
	return "", errors.New("empty secret reference")
}

// trimOneNewline removes one trailing LF or CRLF, as an editor or echo leaves it; further line
// breaks belong to the value.
func trimOneNewline(s string) string {
	if t, ok := strings.CutSuffix(s, "\n"); ok {
		return strings.TrimSuffix(t, "\r")
	}
	return s
}
