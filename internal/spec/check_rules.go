package spec

import (
	"fmt"
	"strings"
)

// UniqueRule is a cross-record rule of one record kind: two records of the kind that share an IP
// conflict when they have equal canonical values of every field in Fields (an unset field is a
// value of its own). It is checked at load, before any call, on the records of the configuration.
type UniqueRule struct {
	// Fields are the fields whose equal values make two records sharing an IP conflict.
	Fields []string
	// When restricts the rule to records whose field has the value ("" = unset): Oracle's "All
	// Ports" rule counts only records without a port.
	When *FieldValue
	// Unless relaxes the rule for a pair of records that both match it: such a pair conflicts only
	// when it also agrees on every field of Also (with Also empty, never). DB2 records that are both
	// pc_only are unique by (IP, port, database).
	Unless *FieldValue
	Also   []string
	// Warning marks a rule from a secondary source: a conflict is reported as a warning.
	Warning bool
	// Reason says what Qualys allows; it ends the message.
	Reason string
}

// Doc describes the rule for the configuration reference.
func (r *UniqueRule) Doc() string {
	var b strings.Builder
	if r.When != nil {
		fmt.Fprintf(&b, "no two records with `%s` %s may share an IP", r.When.Field, valueOrUnset(r.When.Value))
	} else {
		b.WriteString("two records that share an IP must differ in ")
		b.WriteString(CodeList(r.Fields))
	}
	if r.Unless != nil {
		fmt.Fprintf(&b, ", unless both have `%s: %s`", r.Unless.Field, r.Unless.Value)
		if len(r.Also) > 0 {
			fmt.Fprintf(&b, " and differ in %s", CodeList(r.Also))
		}
	}
	fmt.Fprintf(&b, " (%s", r.Reason)
	if r.Warning {
		b.WriteString("; a warning")
	}
	b.WriteString(")")
	return b.String()
}

func valueOrUnset(v string) string {
	if v == "" {
		return "unset"
	}
	return "`" + v + "`"
}

// FieldValue names a field and one canonical value of it ("" = unset).
type FieldValue struct {
	Field, Value string
}

// Matches reports whether o has the value Value in Field; a nil FieldValue matches nothing.
func (fv *FieldValue) Matches(o *Object) bool {
	return fv != nil && o.Attrs[fv.Field] == fv.Value
}

func sameValues(a, b *Object, fields []string) bool {
	for _, f := range fields {
		if a.Attrs[f] != b.Attrs[f] {
			return false
		}
	}
	return true
}

// conflicts reports whether records a and b, which share an IP, break r.
func (r *UniqueRule) conflicts(a, b *Object) bool {
	if r.When != nil && (!r.When.Matches(a) || !r.When.Matches(b)) {
		return false
	}
	if !sameValues(a, b, r.Fields) {
		return false
	}
	if r.Unless.Matches(a) && r.Unless.Matches(b) {
		return len(r.Also) > 0 && sameValues(a, b, r.Also)
	}
	return true
}

// describe names the values a conflicting pair shares: "port 50000, database SAMPLE" or "no port".
func (r *UniqueRule) describe(o *Object, also bool) string {
	fields := r.Fields
	if also {
		fields = append(append([]string(nil), fields...), r.Also...)
	}
	parts := make([]string, len(fields))
	for i, f := range fields {
		if v := o.Attrs[f]; v != "" {
			parts[i] = f + " " + v
		} else {
			parts[i] = "no " + f
		}
	}
	return strings.Join(parts, ", ")
}

// FirstBroken returns the first rule a and b break, errors before warnings, or nil.
func FirstBroken(rules []UniqueRule, a, b *Object) *UniqueRule {
	for _, warning := range []bool{false, true} {
		for i := range rules {
			if rules[i].Warning == warning && rules[i].conflicts(a, b) {
				return &rules[i]
			}
		}
	}
	return nil
}
