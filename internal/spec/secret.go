package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Resolve reads the value a secret reference points at: the environment variable ref.Env, or the
// file ref.File (made absolute by Load, relative to the YAML file) without its trailing newline.
// A missing or empty value is an error naming the variable or file; the error never holds the value.
func Resolve(ref SecretRef) (string, error) {
	switch {
	case ref.Env != "" && ref.File != "":
		return "", fmt.Errorf("secret reference names both env %s and file %s", ref.Env, ref.File)
	case ref.Env != "":
		v, ok := os.LookupEnv(ref.Env)
		if !ok {
			return "", fmt.Errorf("environment variable %s is not set", ref.Env)
		}
		if v == "" {
			return "", fmt.Errorf("environment variable %s is empty", ref.Env)
		}
		return v, nil
	case ref.File != "":
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
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return "", fmt.Errorf("secret file %s is empty", ref.File)
		}
		return v, nil
	}
	return "", errors.New("empty secret reference")
}
