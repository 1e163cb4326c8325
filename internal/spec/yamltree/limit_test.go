package yamltree

import (
	"strings"
	"testing"
)

// TestYAMLSizeLimitCountsAliasExpansion: a large file written out literally (a 100,000-record
// configuration holds over a million values) is not mistaken for an alias bomb, while a file whose
// aliases multiply its values still is refused.
func TestYAMLSizeLimitCountsAliasExpansion(t *testing.T) {
	big := "records: [" + strings.Repeat("1, ", maxNodes) + "1]\n"
	if _, ds := Parse([]byte(big), 16<<20); len(ds) > 0 {
		t.Fatalf("a large literal file was refused: %v", ds[0])
	}
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for i, name := range []string{"b", "c", "d", "e", "f"} {
		prev := string(rune('a' + i))
		bomb += name + ": &" + name + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+", ", 10), ", ") + "]\n"
	}
	_, ds := Parse([]byte(bomb), 16<<20)
	if len(ds) == 0 || !strings.Contains(ds[0].Message, "aliases?") {
		t.Fatalf("an alias bomb was not refused: %v", ds)
	}
}
