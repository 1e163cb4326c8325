package schemacheck

import (
	"encoding/json"
	"slices"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// quickValid reports whether v certainly passes s. It checks, without allocating, the keywords
// qsync's schema uses (types, const, enum, required, properties, additionalProperties, lengths,
// pattern, format, integer bounds, items, uniqueItems, $ref) and is false whenever it is not
// certain: a schema with any other keyword (see quickSchema), a number that is not an int64
// (whether or not the schema names a type: a bare minimum or maximum applies to a float64 too).
// Only then is the validator, which builds its errors and the bookkeeping for them, worth running
// (and its schema worth compiling): most values of a large file are valid.
func quickValid(s *quickSchema, v any) bool {
	if s == nil {
		return false
	}
	if s.always != nil {
		return *s.always
	}
	t, known := quickType(v)
	if !known || s.uncertain {
		return false
	}
	if s.ref != nil && !quickValid(s.ref, v) {
		return false
	}
	for _, sub := range s.allOf {
		if !quickValid(sub, v) {
			return false
		}
	}
	if s.cond != nil {
		holds, known := s.cond.holds(v)
		switch {
		case !known:
			return false
		case holds && s.then != nil && !quickValid(s.then, v):
			return false
		case !holds && s.otherwise != nil && !quickValid(s.otherwise, v):
			return false
		}
	}
	if !quickAnyValue(s, v, t) {
		return false
	}
	switch v := v.(type) {
	case map[string]any:
		return quickObject(s, v)
	case []any:
		return quickArray(s, v)
	case string:
		return quickString(s, v)
	case int64:
		return quickInteger(s, v)
	}
	return true
}

// quickAnyValue checks the keywords that apply to a value of any type t: type, const, enum and
// format.
func quickAnyValue(s *quickSchema, v any, t string) bool {
	if len(s.types) > 0 && !slices.ContainsFunc(s.types, func(want string) bool {
		return want == t || (want == "integer" && t == "number") // only int64 numbers get here
	}) {
		return false
	}
	if len(s.constant) > 0 && !quickEqual(v, s.constant[0]) {
		return false
	}
	if s.hasEnum && !slices.ContainsFunc(s.enum, func(e any) bool { return quickEqual(v, e) }) {
		return false
	}
	if s.format != "" {
		if check := jsonschema.Formats[s.format]; check != nil && !check(v) {
			return false
		}
	}
	return true
}

// quickObject checks an object's size, required and known properties, and each property's value.
func quickObject(s *quickSchema, v map[string]any) bool {
	if (s.minProperties != -1 && len(v) < s.minProperties) || (s.maxProperties != -1 && len(v) > s.maxProperties) {
		return false
	}
	for _, r := range s.required {
		if _, ok := v[r]; !ok {
			return false
		}
	}
	for k, pv := range v {
		ps, ok := s.properties[k]
		if !ok {
			if s.closed {
				return false
			}
			continue
		}
		if !quickValid(ps, pv) {
			return false
		}
	}
	return true
}

// quickArray checks an array's length, the uniqueness of short arrays' items, and each item.
func quickArray(s *quickSchema, v []any) bool {
	if (s.minItems != -1 && len(v) < s.minItems) || (s.maxItems != -1 && len(v) > s.maxItems) {
		return false
	}
	if s.uniqueItems {
		if len(v) > 20 {
			return false
		}
		for i := 1; i < len(v); i++ {
			for j := 0; j < i; j++ {
				if !quickDifferent(v[i], v[j]) {
					return false
				}
			}
		}
	}
	if s.items != nil {
		for _, e := range v {
			if !quickValid(s.items, e) {
				return false
			}
		}
	}
	return true
}

// quickString checks a string's length in characters and its pattern.
func quickString(s *quickSchema, v string) bool {
	if s.minLength != -1 || s.maxLength != -1 {
		n := utf8.RuneCountInString(v)
		if (s.minLength != -1 && n < s.minLength) || (s.maxLength != -1 && n > s.maxLength) {
			return false
		}
	}
	return s.pattern == nil || s.pattern.MatchString(v)
}

// quickInteger checks an integer against the schema's integer bounds.
func quickInteger(s *quickSchema, v int64) bool {
	return (s.minimum == nil || v >= *s.minimum) && (s.maximum == nil || v <= *s.maximum)
}

// quickType is the JSON type of v, for the values quickValid is certain about.
func quickType(v any) (string, bool) {
	switch v.(type) {
	case nil:
		return "null", true
	case bool:
		return "boolean", true
	case int64:
		return "number", true
	case string:
		return "string", true
	case []any:
		return "array", true
	case map[string]any:
		return "object", true
	}
	return "", false
}

// quickEqual reports whether v certainly equals the schema constant c (false when not certain).
func quickEqual(v, c any) bool {
	switch v := v.(type) {
	case string:
		s, ok := c.(string)
		return ok && v == s
	case bool:
		b, ok := c.(bool)
		return ok && v == b
	case nil:
		return c == nil
	case int64:
		n, ok := c.(json.Number)
		if !ok {
			return false
		}
		i, err := n.Int64()
		return err == nil && i == v
	}
	return false
}

// quickDifferent reports whether two list items certainly differ (scalars of one type or of
// different JSON types).
func quickDifferent(a, b any) bool {
	ta, okA := quickType(a)
	tb, okB := quickType(b)
	if !okA || !okB {
		return false
	}
	if ta != tb {
		return true
	}
	switch a := a.(type) {
	case string:
		return a != b.(string)
	case bool:
		return a != b.(bool)
	case int64:
		return a != b.(int64)
	}
	return false
}
