package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/qsync/qsync/internal/safeio"
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

// CheckSecretRef reports why Resolve would refuse ref, exactly as Resolve would (it resolves the
// value and forgets it): a reference the configuration may not make, an environment variable not
// set or empty, a secret file missing, empty, too large or not a regular file, a value shorter
// than MinSecretLen. No error holds a value. Plan uses it to report, before any write and with a
// position, every secret that apply would refuse to send.
func CheckSecretRef(ref SecretRef) error {
	_, err := Resolve(ref)
	return err
}

// MaxSecretFileBytes is the largest secret file Resolve reads (checked before reading): a
// private key with its certificate is a few kilobytes.
const MaxSecretFileBytes = 1 << 20

// MinSecretKeyLen is the fewest characters QSYNC_SECRET_KEY may have. The key makes the
// fingerprints in ownership markers (visible to anyone who can read the records) unguessable;
// a short key could be found by trying keys against a known secret. Use a random value of 32
// bytes or more (e.g. openssl rand -base64 32).
const MinSecretKeyLen = 16

// CheckSecretKey refuses a QSYNC_SECRET_KEY shorter than MinSecretKeyLen; "" (no key) passes.
// The error never holds the key.
func CheckSecretKey(key string) error {
	if n := utf8.RuneCountInString(key); key != "" && n < MinSecretKeyLen {
		return fmt.Errorf("QSYNC_SECRET_KEY has %d characters, fewer than %d: use a random value of 32 bytes or more (e.g. openssl rand -base64 32)", n, MinSecretKeyLen)
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
			if err := CheckSecretFile(ref.File, ref.Root); err != nil {
				return "", err
			}
		}
		b, err := safeio.ReadFile(ref.File, MaxSecretFileBytes) // a link to /dev/zero is refused, not read
		if err != nil {
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

// CheckXMLText reports why v cannot travel in an XML body (the unix record's private keys,
// passphrases, certificates and root tool passwords go in one): invalid UTF-8, or a character
// XML 1.0 does not allow (a control character other than tab, line feed and carriage return,
// U+FFFE, U+FFFF). Qualys would answer such a body with an opaque parse error. The error names
// the character's code and position, never the value.
func CheckXMLText(v string) error {
	for i, r := range v {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(v[i:], "\uFFFD"):
			return fmt.Errorf("the value is not valid UTF-8 (byte %d), and the XML body Qualys takes it in cannot carry it", i+1)
		case r == '\t' || r == '\n' || r == '\r':
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF || (r >= 0xD800 && r <= 0xDFFF):
			return fmt.Errorf("the value holds the character U+%04X (byte %d), which the XML body Qualys takes it in cannot carry", r, i+1)
		}
	}
	return nil
}
