package spec

import (
	"strings"
	"testing"
)

// TestEvidenceLabels keeps the evidence labels of the kind tables well formed: an ElementSource
// is a P or R source (an S or I one means unverified, written as no source) of a field that has
// an element; a read-only field says why and has an element to be read from.
func TestEvidenceLabels(t *testing.T) {
	for _, d := range Kinds() {
		for _, f := range append(append([]FieldDef(nil), d.Fields...), d.LoginParams...) {
			name := string(d.Kind) + "/" + d.Type + " " + f.Name
			if f.ElementSource != "" {
				if !strings.HasPrefix(f.ElementSource, "P ") && !strings.HasPrefix(f.ElementSource, "R ") {
					t.Errorf("%s: ElementSource %q is not a P or R source", name, f.ElementSource)
				}
				if f.Element == "" {
					t.Errorf("%s: ElementSource without an element", name)
				}
			}
			if f.Unsendable != "" && f.Element == "" {
				t.Errorf("%s: read only, but no element to read it from", name)
			}
		}
	}
}
