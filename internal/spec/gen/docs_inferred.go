package gen

import (
	"fmt"
	"strings"

	"github.com/qsync/qsync/internal/spec"
)

// InferredElementsFile is the path, from the module root, of the list of inferred list-output
// element names that GenerateInferredElements writes (through go generate ./...).
const InferredElementsFile = "docs/inferred-elements.md"

// GenerateInferredElements returns docs/inferred-elements.md: for every record kind and vault
// type, the element qsync reads each setting from, the evidence behind that element's name
// (FieldDef.ElementSource; none means qsync's inference) and behind the parameter's
// (FieldDef.Unverified), and what qsync does when Qualys lists it otherwise.
func GenerateInferredElements() []byte {
	var b strings.Builder
	b.WriteString("# Inferred list elements\n\n")
	b.WriteString("<!-- Generated from internal/spec/kinds*.go by `go generate ./...`; do not edit. -->\n\n")
	b.WriteString("qsync reads every setting back from an element of Qualys's list (records) or view (vaults)\n")
	b.WriteString("answer. Public evidence (`shared/qualys-api/EVIDENCE.md`) backs only some of those element names:\n")
	b.WriteString("the list samples of mysql (Qualys's documentation) and unix (Qualys's Doc Center), code run\n")
	b.WriteString("against live windows and unix answers, and the DTD of the records' `DIGITAL_VAULT` block. Every\n")
	b.WriteString("other name is an inference: the upper-cased parameter name (RECORD_KINDS.md §2.2: \"Every [I]\n")
	b.WriteString("output name may be wrong\"). No vault view answer has been published, so every vault setting's\n")
	b.WriteString("element is inferred. The emulator lists the same names, from its own table, so only a real\n")
	b.WriteString("subscription can contradict them; `qsync doctor` names every element it saw and did not read, and\n")
	b.WriteString("every element it reads but never saw. See [the wire contract](qualys-wire-contract.md), row 4, for\n")
	b.WriteString("the rule behind the last column.\n\n")
	b.WriteString("Columns: **element evidence** is the level and source key of EVIDENCE.md (P: Qualys's own\n")
	b.WriteString("material, R: code run against live answers) or *inferred*; **parameter** is *unverified* when the\n")
	b.WriteString("parameter name's best source is secondary or none (validate and plan name the unverified\n")
	b.WriteString("parameters a configuration uses).\n\n")
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
	b.WriteString("(confirmed for mysql, unix and ms_exchange); qsync's client accepts any `AUTH_*` names there.\n")
	b.WriteString("Secrets are never listed and have no element.\n")
	for _, group := range [][]spec.KindDef{spec.RecordKinds(), spec.VaultKinds()} {
		for i := range group {
			d := &group[i]
			if d.Opaque != "" {
				continue
			}
			fmt.Fprintf(&b, "\n## %s\n\n", kindTitle(d))
			b.WriteString("| key | element | element evidence | parameter | if the value is unreadable |\n|---|---|---|---|---|\n")
			if d.Type != "" && d.Kind != spec.KindVault {
				p, e := d.VariantKeys()
				fmt.Fprintf(&b, "| `%s` | `%s` | inferred | documented | opaque; absent: the record is read with every field of the %s variants and never replaced for its %s |\n",
					p, e, d.Kind, p)
			}
			n := 0
			for _, f := range d.Fields {
				if f.Element == "" || f.Name == "network_id" {
					continue
				}
				n++
				elementRow(&b, f.Name, f)
			}
			for _, f := range d.LoginParams {
				n++
				elementRow(&b, "login "+f.Name, f)
			}
			if n == 0 {
				b.WriteString("| | | | | no settings beyond the common ones |\n")
			}
		}
	}
	return []byte(b.String())
}

// elementRow writes the row of one setting read from element f.Element.
func elementRow(b *strings.Builder, key string, f spec.FieldDef) {
	elem := "`" + f.Element + "`"
	if f.Item != "" {
		elem += "/`" + f.Item + "`"
	}
	if strings.HasPrefix(key, "login ") {
		elem = "`DIGITAL_VAULT/" + f.Element + "`"
	}
	evidence := "inferred"
	if f.ElementSource != "" {
		evidence = f.ElementSource
	}
	param := "documented"
	if f.Unverified {
		param = "unverified"
	}
	fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s |\n", key, elem, evidence, param, unreadable(f))
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
