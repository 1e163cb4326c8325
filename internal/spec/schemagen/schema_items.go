package schemagen

import "github.com/qsync/qsync/internal/spec"

// itemsSchema is the JSON Schema of a TypeItems field.
func itemsSchema(f *spec.FieldDef) obj {
	props := obj{}
	var required []string
	for i := range f.SubFields {
		sf := &f.SubFields[i]
		s := fieldSchema(sf)
		if sf.Vault {
			s = obj{"description": sf.Doc, "anyOf": []any{
				obj{"$ref": "#/$defs/secret"},
				obj{"type": "object", "required": []string{"vault"}, "additionalProperties": obj{"type": "string"},
					"properties": obj{"vault": obj{"type": "string", "minLength": 1, "maxLength": spec.MaxTitle,
						"description": "Title of the vault holding the value; the other keys are its login parameters (username, and the vault type's)."}}},
			}}
		}
		props[sf.Name] = s
		if sf.Required {
			required = append(required, sf.Name)
		}
	}
	item := obj{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		item["required"] = required
	}
	return obj{"type": "array", "items": item}
}
