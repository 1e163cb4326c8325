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
// certain: a schema with any other keyword, a number that is not an int64 (whether or not the
// schema names a type: a bare minimum or maximum applies to a float64 too). Only then is the
// validator, which builds its errors and the bookkeeping for them, worth running: most values of a
// large file are valid.
func quickValid(s *jsonschema.Schema, v any) bool {
	if s.Always != nil {
		return *s.Always
	}
	t, known := quickType(v)
	if !known || !quickKeywords(s) {
		return false
	}
	if s.Ref != nil && !quickValid(s.Ref, v) {
		return false
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
func quickAnyValue(s *jsonschema.Schema, v any, t string) bool {
	if len(s.Types) > 0 && !slices.ContainsFunc(s.Types, func(want string) bool {
		return want == t || (want == "integer" && t == "number") // only int64 numbers get here
	}) {
		return false
	}
	if len(s.Constant) > 0 && !quickEqual(v, s.Constant[0]) {
		return false
	}
	if len(s.Enum) > 0 && !slices.ContainsFunc(s.Enum, func(e any) bool { return quickEqual(v, e) }) {
		return false
	}
	if s.Format != "" {
		if check := jsonschema.Formats[s.Format]; check != nil && !check(v) {
			return false
		}
	}
	return true
}

// quickObject checks an object's size, required and known properties, and each property's value.
func quickObject(s *jsonschema.Schema, v map[string]any) bool {
	if (s.MinProperties != -1 && len(v) < s.MinProperties) || (s.MaxProperties != -1 && len(v) > s.MaxProperties) {
		return false
	}
	for _, r := range s.Required {
		if _, ok := v[r]; !ok {
			return false
		}
	}
	closed := s.AdditionalProperties == false
	for k, pv := range v {
		ps, ok := s.Properties[k]
		if !ok {
			if closed {
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
func quickArray(s *jsonschema.Schema, v []any) bool {
	if (s.MinItems != -1 && len(v) < s.MinItems) || (s.MaxItems != -1 && len(v) > s.MaxItems) {
		return false
	}
	if s.UniqueItems {
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
	if s.Items2020 != nil {
		for _, e := range v {
			if !quickValid(s.Items2020, e) {
				return false
			}
		}
	}
	return true
}

// quickString checks a string's length in characters and its pattern.
func quickString(s *jsonschema.Schema, v string) bool {
	if s.MinLength != -1 || s.MaxLength != -1 {
		n := utf8.RuneCountInString(v)
		if (s.MinLength != -1 && n < s.MinLength) || (s.MaxLength != -1 && n > s.MaxLength) {
			return false
		}
	}
	return s.Pattern == nil || s.Pattern.MatchString(v)
}

// quickInteger checks an integer against bounds that are themselves int64 integers; any other
// bound leaves it to the validator.
func quickInteger(s *jsonschema.Schema, v int64) bool {
	if s.Minimum != nil {
		if !s.Minimum.IsInt() || !s.Minimum.Num().IsInt64() || v < s.Minimum.Num().Int64() {
			return false
		}
	}
	if s.Maximum != nil {
		if !s.Maximum.IsInt() || !s.Maximum.Num().IsInt64() || v > s.Maximum.Num().Int64() {
			return false
		}
	}
	return true
}

// quickKeywords reports whether s uses only keywords quickValid checks.
func quickKeywords(s *jsonschema.Schema) bool {
	switch {
	case s.RecursiveRef != nil, s.DynamicRef != nil, s.Not != nil, len(s.AllOf) > 0, len(s.AnyOf) > 0,
		len(s.OneOf) > 0, s.If != nil, s.PropertyNames != nil, s.RegexProperties, len(s.PatternProperties) > 0,
		len(s.Dependencies) > 0, len(s.DependentRequired) > 0, len(s.DependentSchemas) > 0,
		s.UnevaluatedProperties != nil, s.Items != nil, s.AdditionalItems != nil, len(s.PrefixItems) > 0,
		s.Contains != nil, s.UnevaluatedItems != nil, s.ContentEncoding != "", s.ContentMediaType != "",
		s.ContentSchema != nil, s.ExclusiveMinimum != nil, s.ExclusiveMaximum != nil, s.MultipleOf != nil,
		len(s.Extensions) > 0:
		return false
	}
	switch s.AdditionalProperties.(type) {
	case nil, bool:
		return true
	}
	return false
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
