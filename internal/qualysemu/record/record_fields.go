package record

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
	"github.com/qsync/qsync/internal/qualysemu/wire"
)

// setField validates and stores one type-specific parameter.
func setField(m map[string]string, f *kinds.Field, v string) *wire.Error {
	shown := maskIfSecret(f.Param, v)
	switch f.Kind {
	case kinds.KindBool:
		if v != "0" && v != "1" {
			return wire.Invalid(f.Param, v, "must be 0 or 1")
		}
		m[f.Param] = v
		return nil
	case kinds.KindInt:
		if v == "" && !f.Always {
			delete(m, f.Param)
			return nil
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < f.IntMin || (f.IntMax > 0 && n > f.IntMax) {
			return wire.Invalid(f.Param, v, fmt.Sprintf("must be an integer from %d to %d", f.IntMin, f.IntMax))
		}
		m[f.Param] = strconv.FormatInt(n, 10)
		return nil
	case kinds.KindList:
		var items []string
		for _, it := range strings.Split(v, ",") {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
		SetOrClear(m, f.Param, strings.Join(items, ","))
		return nil
	}
	n := utf8.RuneCountInString(v)
	if f.MinLen > 0 && n < f.MinLen {
		return wire.Invalid(f.Param, shown, fmt.Sprintf("must be %d to %d characters", f.MinLen, f.MaxLen))
	}
	if f.MaxLen > 0 && n > f.MaxLen {
		if f.MinLen > 0 {
			return wire.Invalid(f.Param, shown, fmt.Sprintf("must be %d to %d characters", f.MinLen, f.MaxLen))
		}
		return wire.Invalid(f.Param, shown, fmt.Sprintf("longer than %d characters", f.MaxLen))
	}
	if v != "" && f.Values != nil && !slices.Contains(f.Values, v) {
		return wire.Invalid(f.Param, v, "must be one of: "+strings.Join(f.Values, ", "))
	}
	SetOrClear(m, f.Param, v)
	return nil
}

// SetOrClear stores v as parameter k, or removes k when v is empty.
func SetOrClear(m map[string]string, k, v string) {
	if v == "" {
		delete(m, k)
		return
	}
	m[k] = v
}

// maskIfSecret returns v, or the mask when k is a secret parameter.
func maskIfSecret(k, v string) string {
	if kinds.IsSecretParam(k) {
		return wire.Mask
	}
	return v
}
