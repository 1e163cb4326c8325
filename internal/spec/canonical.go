package spec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Canonical returns the canonical text of a raw value of field f, as written in YAML (already
// rendered to text) or as read from Qualys output: booleans "true"/"false" (accepting 1/0/yes/no),
// integers in decimal, lists trimmed, deduplicated, sorted and comma-joined, enums and strings as
// given (strings trimmed of surrounding whitespace, as Qualys trims CDATA), text with CRLF turned into
// LF and trailing newlines removed. An empty raw value stands for "unset" and becomes f.Default.
func Canonical(f *FieldDef, raw string) (string, error) {
	v := raw
	if f.Type != TypeText {
		v = strings.TrimSpace(v)
	}
	if v == "" {
		return f.Default, nil
	}
	switch f.Type {
	case TypeBool:
		switch strings.ToLower(v) {
		case "1", "true", "yes", "on":
			return "true", nil
		case "0", "false", "no", "off":
			return "false", nil
		}
		return "", fmt.Errorf("%q is not a boolean", raw)
	case TypeInt:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return "", fmt.Errorf("%q is not a non-negative integer", raw)
		}
		if f.Max > 0 && n > int64(f.Max) {
			return "", fmt.Errorf("%d is more than the maximum %d", n, f.Max)
		}
		return strconv.FormatInt(n, 10), nil
	case TypeList:
		return CanonicalList(strings.Split(v, ",")), nil
	case TypeText:
		v = strings.ReplaceAll(v, "\r\n", "\n")
		v = strings.TrimRight(v, "\n")
		if strings.TrimSpace(v) == "" {
			return f.Default, nil
		}
		return v, nil
	case TypeEnum:
		for _, e := range f.Enum {
			if strings.EqualFold(e, v) {
				return e, nil
			}
		}
		return "", fmt.Errorf("%q is not one of %s", raw, strings.Join(f.Enum, ", "))
	}
	return v, nil
}

// CanonicalList trims, deduplicates and sorts items and joins them with commas.
func CanonicalList(items []string) string {
	seen := map[string]bool{}
	var out []string
	for _, it := range items {
		it = strings.TrimSpace(it)
		if it != "" && !seen[it] {
			seen[it] = true
			out = append(out, it)
		}
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

// QualysValue converts a canonical value into the text sent as a Qualys parameter (booleans as 1/0).
func QualysValue(f *FieldDef, canonical string) string {
	if f.Type == TypeBool {
		if canonical == "true" {
			return "1"
		}
		return "0"
	}
	return canonical
}
