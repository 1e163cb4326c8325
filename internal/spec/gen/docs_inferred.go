package gen

import (
	"fmt"
	"strings"

	"github.com/qsync/qsync/internal/spec"
)

// InferredElementsFile is the path, from the module root, of the list of inferred list-output
// element names that GenerateInferredElements writes (through go generate ./...).
const InferredElementsFile = "docs/inferred-elements.md"

// GenerateInferredElements returns docs/inferred-elements.md: for every record kind beyond the two
// original Qualys pages (mysql, unix, windows, whose list samples REFERENCE.md holds), the list
// element qsync reads each setting from, and what qsync does when Qualys lists it otherwise. The
// catalogue (RECORD_KINDS.md §2.2) marks these element names [I]: they are the upper-cased
// parameter names, so every row is an inference; Unverified says the parameter name is one too.
func GenerateInferredElements() []byte {
	var b strings.Builder
	b.WriteString("# Inferred list elements\n\n")
	b.WriteString("<!-- Generated from internal/spec/kinds*.go by `go generate ./...`; do not edit. -->\n\n")
	b.WriteString("The Qualys documentation gives list output samples for mysql, unix and windows only. For every\n")
	b.WriteString("other record kind, qsync reads the element names below, inferred as the upper-cased parameter\n")
	b.WriteString("name (RECORD_KINDS.md §2.2: \"Every [I] output name may be wrong\"). The emulator lists the\n")
	b.WriteString("same names, from its own table, so only a real subscription can contradict them; `qsync doctor`\n")
	b.WriteString("names every element it saw and did not read. See [the wire contract](qualys-wire-contract.md),\n")
	b.WriteString("row 4, for the rule behind the last column.\n\n")
	b.WriteString("What qsync does if Qualys differs:\n\n")
	b.WriteString("- **absent** (Qualys lists the setting under another name, or not at all): the setting is\n")
	b.WriteString("  *unknown*: not compared and never a reason to replace; a configured value (other than the\n")
	b.WriteString("  never-set default) is sent by every apply, since qsync cannot see it applied, except for an\n")
	b.WriteString("  immutable field (never sent after create). `qsync doctor` reports the other name as an element\n")
	b.WriteString("  qsync does not read.\n")
	b.WriteString("- **unreadable value** (an enum value outside the list, a non-boolean, a non-number, several\n")
	b.WriteString("  values where one is expected): the whole record is read as *opaque*, with a reason naming\n")
	b.WriteString("  the element: never changed or deleted, its IPs still counted, and a plan that needs it fails.\n")
	b.WriteString("- a free-text setting has no unreadable value.\n\n")
	b.WriteString("Each kind's records are listed as `AUTH_<SLUG>_LIST_OUTPUT/RESPONSE/AUTH_<SLUG>_LIST/AUTH_<SLUG>`\n")
	b.WriteString("(confirmed for ms_exchange only); qsync's client accepts any `AUTH_*` names there.\n")
	b.WriteString("Secrets are never listed and have no element.\n")
	for _, group := range [][]spec.KindDef{spec.DatabaseRecordKinds(), spec.InfraRecordKinds()} {
		for i := range group {
			d := &group[i]
			if d.Opaque != "" {
				continue
			}
			fmt.Fprintf(&b, "\n## %s\n\n", kindTitle(d))
			b.WriteString("| key | element | parameter name | if the value is unreadable |\n|---|---|---|---|\n")
			if d.Type != "" {
				p, e := d.VariantKeys()
				fmt.Fprintf(&b, "| `%s` | `%s` | documented | opaque; absent: the record is read with every field of the %s variants and never replaced for its %s |\n",
					p, e, d.Kind, p)
			}
			n := 0
			for _, f := range d.Fields {
				if f.Element == "" || f.Name == "network_id" {
					continue
				}
				n++
				elem := "`" + f.Element + "`"
				if f.Item != "" {
					elem += "/`" + f.Item + "`"
				}
				param := "documented"
				if f.Unverified {
					param = "unverified"
				}
				fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", f.Name, elem, param, unreadable(f))
			}
			if n == 0 {
				b.WriteString("| | | | no settings beyond the common ones |\n")
			}
		}
	}
	return []byte(b.String())
}

// unreadable says what a value qsync cannot read does to a record, by the field's type.
func unreadable(f spec.FieldDef) string {
	note := ""
	if f.Immutable {
		note = "; immutable: never sent once created"
	}
	switch f.Type {
	case spec.TypeEnum:
		return "opaque (a value outside " + spec.CodeList(f.Enum) + ")" + note
	case spec.TypeBool:
		return "opaque (not a boolean)" + note
	case spec.TypeInt:
		return "opaque (not a number, or several)" + note
	case spec.TypeList:
		return "none (a set of text items)" + note
	}
	return "none (text)" + note
}
