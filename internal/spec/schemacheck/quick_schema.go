package schemacheck

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
)

// quickSchema is one schema as quickValid reads it, built from the schema's JSON without compiling
// it: compiling (most of it the validator checking each resource against the draft's metaschema)
// is only worth doing for a value quickValid cannot accept. A schema that uses any keyword
// quickValid does not check, or one it cannot read, is uncertain: quickValid accepts nothing
// against it, and the compiled schema decides.
type quickSchema struct {
	always    *bool // a boolean schema
	uncertain bool
	ref       *quickSchema
	allOf     []*quickSchema
	// cond, then and otherwise are if, then and else; cond is only a selector by constant
	// strings (see quickCond), which quickValid can decide either way.
	cond            *quickCond
	then, otherwise *quickSchema

	types    []string
	constant []any // one value when the schema has const
	enum     []any
	hasEnum  bool
	format   string

	minProperties, maxProperties int // -1: none
	required                     []string
	properties                   map[string]*quickSchema
	closed                       bool // additionalProperties: false

	minItems, maxItems int // -1: none
	uniqueItems        bool
	items              *quickSchema

	minLength, maxLength int // -1: none
	pattern              *regexp.Regexp

	minimum, maximum *int64 // integer bounds; any other bound makes the schema uncertain
}

// quickAnnotations are keywords that do not change what a value must be.
var quickAnnotations = map[string]bool{
	"$schema": true, "$defs": true, "$comment": true, "title": true, "description": true,
	"default": true, "examples": true, "deprecated": true, "readOnly": true, "writeOnly": true,
}

// pointerUnescaper unescapes a JSON pointer token.
var pointerUnescaper = strings.NewReplacer("~1", "/", "~0", "~")

// quickBuilder builds quickSchemas from schema documents decoded with json.Decoder.UseNumber, keyed
// by their absolute URL. Each location is built once, so recursive $refs end.
type quickBuilder struct {
	docs  map[string]any
	built map[string]*quickSchema
}

func newQuickBuilder(docs map[string]any) *quickBuilder {
	return &quickBuilder{docs: docs, built: map[string]*quickSchema{}}
}

// at returns the schema at loc, an absolute URL with an optional JSON pointer fragment
// ("https://example.com/s.json#/$defs/ips"); an uncertain schema when there is none.
func (b *quickBuilder) at(loc string) *quickSchema {
	base, frag, _ := strings.Cut(loc, "#")
	key := base + "#" + frag
	if s, ok := b.built[key]; ok {
		return s
	}
	s := &quickSchema{}
	b.built[key] = s
	v, ok := b.docs[base]
	if frag != "" {
		for tok := range strings.SplitSeq(strings.TrimPrefix(frag, "/"), "/") {
			m, isMap := v.(map[string]any)
			if !ok || !isMap {
				ok = false
				break
			}
			v, ok = m[pointerUnescaper.Replace(tok)]
		}
	}
	if !ok || (frag != "" && !strings.HasPrefix(frag, "/")) {
		s.uncertain = true
		return s
	}
	b.fill(s, base, v)
	return s
}

// fill reads the schema v, found in the document at base, into s.
func (b *quickBuilder) fill(s *quickSchema, base string, v any) {
	*s = quickSchema{minProperties: -1, maxProperties: -1, minItems: -1, maxItems: -1, minLength: -1, maxLength: -1}
	switch v := v.(type) {
	case bool:
		s.always = &v
		return
	case map[string]any:
		for k, kv := range v {
			if !quickAnnotations[k] && !b.keyword(s, base, k, kv) {
				s.uncertain = true
				return
			}
		}
		return
	}
	s.uncertain = true
}

// sub builds the subschema v of the document at base.
func (b *quickBuilder) sub(base string, v any) *quickSchema {
	s := &quickSchema{}
	b.fill(s, base, v)
	return s
}

// keyword reads one keyword into s; false when quickValid does not check it or it is malformed.
func (b *quickBuilder) keyword(s *quickSchema, base, k string, v any) bool {
	ok := true
	switch k {
	case "$ref":
		r, isString := v.(string)
		if !isString {
			return false
		}
		u, err := url.Parse(base)
		if err != nil {
			return false
		}
		ru, err := url.Parse(r)
		if err != nil {
			return false
		}
		s.ref = b.at(u.ResolveReference(ru).String())
	case "allOf":
		list, isList := v.([]any)
		for _, e := range list {
			s.allOf = append(s.allOf, b.sub(base, e))
		}
		ok = isList && len(list) > 0
	case "if":
		s.cond, ok = quickCondOf(v)
	case "then":
		s.then = b.sub(base, v)
	case "else":
		s.otherwise = b.sub(base, v)
	case "type":
		switch t := v.(type) {
		case string:
			s.types = []string{t}
		case []any:
			for _, e := range t {
				name, isString := e.(string)
				ok = ok && isString
				s.types = append(s.types, name)
			}
		default:
			return false
		}
	case "const":
		s.constant = []any{v}
	case "enum":
		s.enum, ok = v.([]any)
		s.hasEnum = true
	case "format":
		s.format, ok = v.(string)
	case "required":
		list, isList := v.([]any)
		for _, e := range list {
			name, isString := e.(string)
			ok = ok && isString
			s.required = append(s.required, name)
		}
		ok = ok && isList
	case "properties":
		m, isMap := v.(map[string]any)
		s.properties = make(map[string]*quickSchema, len(m))
		for name, ps := range m {
			s.properties[name] = b.sub(base, ps)
		}
		ok = isMap
	case "additionalProperties":
		closed, isBool := v.(bool)
		s.closed, ok = !closed, isBool
	case "items":
		s.items = b.sub(base, v)
	case "uniqueItems":
		s.uniqueItems, ok = v.(bool)
	case "minProperties":
		s.minProperties, ok = quickCount(v)
	case "maxProperties":
		s.maxProperties, ok = quickCount(v)
	case "minItems":
		s.minItems, ok = quickCount(v)
	case "maxItems":
		s.maxItems, ok = quickCount(v)
	case "minLength":
		s.minLength, ok = quickCount(v)
	case "maxLength":
		s.maxLength, ok = quickCount(v)
	case "pattern":
		p, isString := v.(string)
		re, err := regexp.Compile(p)
		s.pattern, ok = re, isString && err == nil
	case "minimum":
		s.minimum, ok = quickBound(v)
	case "maximum":
		s.maximum, ok = quickBound(v)
	default:
		return false
	}
	return ok
}

// quickCount reads a non-negative integer keyword value.
func quickCount(v any) (int, bool) {
	n, ok := quickBound(v)
	if !ok || *n < 0 || *n > 1<<31 {
		return 0, false
	}
	return int(*n), true
}

// quickBound reads a number written as an integer that fits an int64.
func quickBound(v any) (*int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return nil, false
	}
	i, err := n.Int64()
	if err != nil {
		return nil, false
	}
	return &i, true
}

// quickCond is an if schema that selects by constant strings: {"properties": {"type": {"const":
// "mysql"}}, "required": ["type"]}. Unlike a schema quickValid is only sure to accept, its outcome
// is known both ways for any mapping.
type quickCond struct {
	consts   map[string]string
	required []string
}

// quickCondOf reads an if schema; false when it is anything but properties of a single string
// const each, and required.
func quickCondOf(v any) (*quickCond, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	c := &quickCond{consts: map[string]string{}}
	for k, kv := range m {
		switch k {
		case "properties":
			props, ok := kv.(map[string]any)
			if !ok {
				return nil, false
			}
			for name, ps := range props {
				pm, ok := ps.(map[string]any)
				want, isString := pm["const"].(string)
				if !ok || len(pm) != 1 || !isString {
					return nil, false
				}
				c.consts[name] = want
			}
		case "required":
			list, ok := kv.([]any)
			if !ok {
				return nil, false
			}
			for _, e := range list {
				name, ok := e.(string)
				if !ok {
					return nil, false
				}
				c.required = append(c.required, name)
			}
		default:
			return nil, false
		}
	}
	return c, true
}

// holds reports whether v passes c; known is false when v is not a mapping (c then holds, having
// no keyword for other values, but quickValid leaves such values to the validator).
func (c *quickCond) holds(v any) (holds, known bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return false, false
	}
	for _, r := range c.required {
		if _, ok := m[r]; !ok {
			return false, true
		}
	}
	for name, want := range c.consts {
		got, present := m[name]
		if !present {
			continue
		}
		// A string constant equals no other JSON value.
		if s, ok := got.(string); !ok || s != want {
			return false, true
		}
	}
	return true, true
}
