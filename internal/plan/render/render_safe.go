package render

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Live titles and comments come from Qualys and may hold anything a pull request (or someone with
// access to the Qualys UI) put there. A terminal escape sequence in a comment could move the cursor
// and erase the "will be DELETED" lines a reviewer reads; a bidi control could reorder them. So
// every renderer shows such characters escaped, never raw.

// unsafeRune reports whether r must not reach a reader raw: C0 and C1 controls and DEL (escape
// sequences start with ESC or the C1 CSI), the bidi controls (Trojan Source: U+061C, U+200E,
// U+200F, U+202A-U+202E, U+2066-U+2069) and the line and paragraph separators. Zero-width joiners
// (emoji) stay.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069,
		r == 0x2028, r == 0x2029:
		return true
	}
	return false
}

// safe returns s with every unsafe rune (see unsafeRune) written as a Go escape (\x1b, \u202e),
// invalid UTF-8 as \xNN, and backslashes left alone; a line break is escaped too, so one value
// stays one line.
func safe(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80 && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// needsEscape reports whether safe would change s.
func needsEscape(s string) bool {
	for i, r := range s {
		if unsafeRune(r) || (r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD")) {
			return true
		}
	}
	return false
}

// safeJSON escapes, in encoded JSON, the unsafe runes encoding/json writes raw (DEL, C1 controls
// and bidi controls; it already escapes the other C0 controls and U+2028/U+2029, and replaces
// invalid UTF-8). Outside strings encoded JSON holds only ASCII punctuation, digits, letters and
// white space, so every such rune is inside a string, where \uXXXX decodes to the same text.
func safeJSON(b []byte) []byte {
	if !slices.ContainsFunc([]rune(string(b)), func(r rune) bool { return r != '\n' && unsafeRune(r) }) {
		return b
	}
	var out strings.Builder
	for _, r := range string(b) {
		if r != '\n' && unsafeRune(r) {
			fmt.Fprintf(&out, `\u%04x`, r)
			continue
		}
		out.WriteRune(r)
	}
	return []byte(out.String())
}
