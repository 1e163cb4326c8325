package spec

import "strings"

// CodeList writes names as markdown inline code, comma-separated ("`a`, `b`"), as the rules' Doc
// texts and the generated configuration reference (internal/spec/gen) list them.
func CodeList(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = "`" + s + "`"
	}
	return strings.Join(out, ", ")
}
