package render

import (
	"regexp"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// decimal is how the kind tables' integers are written in canonical form.
var decimal = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

// showValue writes a value of field name of ch as its type reads: a number or a boolean bare
// (port: 3306, ssl_verify: true), text quoted ("mysql"), descriptions (login, owner) as they are,
// and "(none)" for no value. The type comes from the kind table; a field it does not name is text.
func showValue(ch *plan.Change, name, v string) string {
	switch fieldType(ch, name) {
	case spec.TypeInt:
		if decimal.MatchString(v) {
			return v
		}
	case spec.TypeBool:
		if v == "true" || v == "false" {
			return v
		}
	}
	return show(name, v)
}

// fieldType is the kind table's type of field name of ch's kind ("" when the table has none).
func fieldType(ch *plan.Change, name string) spec.FieldType {
	typ := ch.Type
	switch {
	case ch.After != nil:
		typ = ch.After.Type
	case ch.Before != nil:
		typ = ch.Before.Type
	}
	d := spec.Lookup(ch.Key.Kind, typ)
	if d == nil {
		return ""
	}
	if f := d.Field(name); f != nil {
		return f.Type
	}
	return ""
}
