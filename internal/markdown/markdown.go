// Package markdown owns the two escapes every markdown qsync writes (plans for pull request
// comments, apply results, failure blocks) needs: inline code that survives any backticks in the
// text, and text made inert (no emphasis, links, HTML or line breaks).
package markdown

import "strings"

// Code returns s as inline code: fenced with more backticks than s contains in a row, padded
// with spaces when s starts or ends with a backtick.
func Code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

var replacer = strings.NewReplacer("\\", "\\\\", "*", "\\*", "_", "\\_", "<", "&lt;", ">", "&gt;",
	"[", "\\[", "]", "\\]", "`", "\\`", "\n", " ")

// Escape returns s as plain markdown text on one line: emphasis, links, code and HTML are
// escaped, line breaks become spaces.
func Escape(s string) string { return replacer.Replace(s) }
