package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"
	"unicode/utf8"
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

// ResolveObject resolves every secret of o, keyed by Qualys parameter name. An error names the object
// (kind and title) and the parameter, and also reports a value longer than the field allows.
func ResolveObject(o *Object) (map[string]string, error) {
	out := make(map[string]string, len(o.Secrets))
	def := o.Def()
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(o.Secrets)) {
		v, err := Resolve(o.Secrets[name])
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %s: %w", objLabel(o), name, err))
			continue
		}
		if def != nil {
			if f := def.Field(name); f != nil && f.MaxLen > 0 && utf8.RuneCountInString(v) > f.MaxLen {
				errs = append(errs, fmt.Errorf("%s: %s (%s) is %d characters, more than the %d Qualys allows",
					objLabel(o), name, o.Secrets[name], utf8.RuneCountInString(v), f.MaxLen))
				continue
			}
		}
		out[name] = v
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}
