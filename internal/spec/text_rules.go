package spec

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Text that qsync sends to Qualys travels in XML 1.0 and is shown to reviewers in plans, so it may
// not hold characters XML cannot carry (they never converge: Qualys cannot store them, and every
// apply sends them again) nor characters that change what a terminal or a markdown view shows
// (escape sequences can erase the "will be DELETED" lines a reviewer reads; bidirectional overrides
// reorder text).

// badTextRune reports why r may not appear in a title or another one-line value (multiLine false)
// or in comments and other multi-line text (multiLine true); "" when it may.
func badTextRune(r rune, multiLine bool) string {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		if multiLine {
			return ""
		}
		return "a tab or line break (the value is one line)"
	case r == 0x1b:
		return "an escape character (terminal escape sequences are refused)"
	case r < 0x20:
		return "a control character (XML 1.0 cannot carry it)"
	case r == 0x7f || (r >= 0x80 && r <= 0x9f):
		return "a control character (terminal control codes are refused)"
	case r >= 0xd800 && r <= 0xdfff, r == 0xfffe, r == 0xffff, r == utf8.RuneError:
		return "a character XML 1.0 cannot carry"
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return "a bidirectional text control (it can make a plan read differently from what is sent)"
	}
	return ""
}

// CheckText returns a message naming the first character of s that badTextRune refuses, or "".
func CheckText(s string, multiLine bool) string {
	n := 0
	for i, r := range s {
		n++
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return fmt.Sprintf("character %d is not valid UTF-8", n)
			}
		}
		if why := badTextRune(r, multiLine); why != "" {
			return fmt.Sprintf("character %d (U+%04X) is %s", n, r, why)
		}
	}
	return ""
}

// CanonicalComments returns comments as Qualys stores and lists them: line breaks as LF (XML turns
// CRLF and a lone CR into LF) and leading and trailing white space removed (the client trims the
// text of every element it reads). Desired and live comments both go through it, so a comment that
// starts with a blank line or ends with spaces converges instead of being sent on every apply.
func CanonicalComments(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSpace(s)
}
