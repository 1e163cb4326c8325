// Package markdown owns the escapes every markdown qsync writes (plans for pull request comments,
// apply results, failure blocks) needs, and is the one place that makes user-controlled text
// inert there: inline code that survives any backticks in the text; text with no emphasis,
// links, HTML or line breaks, in which every word that GitHub or GitLab would turn into a
// mention (@user, @org/team), a reference (#12, GH-12, !12, &12, $12, ~label, %milestone) or an
// autolink (https://..., www...., user@host) is put in a code span, where neither platform looks
// for them; and the same for text inside HTML (a <summary>), with <code> elements.
package markdown

import (
	"html"
	"regexp"
	"strings"
)

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
// escaped, line breaks become spaces, and each word that would mention, reference or link
// something (see Active) is shown as inline code instead.
func Escape(s string) string {
	return eachWord(strings.ReplaceAll(s, "\n", " "), Code, replacer.Replace)
}

// HTML returns s escaped for the text of an HTML element (such as <summary>, where markdown is
// not interpreted but mentions and references still are): each word that would mention,
// reference or link something is put in a <code> element.
func HTML(s string) string {
	return eachWord(s, func(w string) string { return "<code>" + htmlText.Replace(w) + "</code>" }, htmlText.Replace)
}

// htmlText escapes text in HTML: the characters that start markup or an entity, and quotes.
var htmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\"", "&quot;")

// eachWord applies active to every word of s (a run without white space) that Active reports,
// and plain to the rest of s.
func eachWord(s string, active, plain func(string) string) string {
	if !Active(s) {
		return plain(s)
	}
	var b strings.Builder
	rest := s
	for rest != "" {
		i := strings.IndexFunc(rest, isSpace)
		if i == 0 {
			j := strings.IndexFunc(rest, func(r rune) bool { return !isSpace(r) })
			if j < 0 {
				j = len(rest)
			}
			b.WriteString(plain(rest[:j]))
			rest = rest[j:]
			continue
		}
		if i < 0 {
			i = len(rest)
		}
		if w := rest[:i]; Active(w) {
			b.WriteString(active(w))
		} else {
			b.WriteString(plain(w))
		}
		rest = rest[i:]
	}
	return b.String()
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

// Active reports whether s holds something GitHub or GitLab turn into a mention, a
// cross-reference or a link in text: @name (users, teams, GitLab groups), #12 and GH-12
// (issues), !12 (merge requests), &12 (epics), $12 (snippets), ~label, %milestone, a URL scheme
// (https://, mailto:, xmpp:), www. and an e-mail address.
func Active(s string) bool {
	for i := 0; i < len(s); i++ {
		next := byte(0)
		if i+1 < len(s) {
			next = s[i+1]
		}
		switch c := s[i]; c {
		case '@':
			return true
		case '#', '!', '&', '$':
			if isDigit(next) {
				return true
			}
		case '~', '%':
			if isWord(next) || next == '"' || next == '\'' {
				return true
			}
		case ':':
			if i > 0 && isLetter(s[i-1]) && (next == '/' || hasSuffixFold(s[:i], "mailto") || hasSuffixFold(s[:i], "xmpp")) {
				return true
			}
		case 'w', 'W':
			if hasPrefixFold(s[i:], "www.") {
				return true
			}
		case 'g', 'G':
			if hasPrefixFold(s[i:], "gh-") && i+3 < len(s) && isDigit(s[i+3]) {
				return true
			}
		}
	}
	return false
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isWord(c byte) bool   { return isDigit(c) || isLetter(c) || c == '_' || c >= 0x80 }

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// ActiveOutsideCode returns the words of markdown md that a platform would turn into a mention, a
// reference or a link (see Active): those outside fenced code blocks, code spans and <code>
// elements, HTML entities decoded as the platform decodes them. Tests use it to prove output
// inert.
func ActiveOutsideCode(md string) []string {
	var text strings.Builder
	fence := ""
	for _, line := range strings.SplitAfter(md, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case fence != "":
			if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]) == "" {
				fence = ""
			}
			continue
		case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
			fence = trimmed[:len(trimmed)-len(strings.TrimLeft(trimmed, trimmed[:1]))]
			continue
		}
		text.WriteString(line)
	}
	s := codeElement.ReplaceAllString(text.String(), " ")
	var out []string
	for _, w := range strings.Fields(html.UnescapeString(withoutCodeSpans(s))) {
		if Active(w) {
			out = append(out, w)
		}
	}
	return out
}

var codeElement = regexp.MustCompile(`(?s)<code>.*?</code>`)

// withoutCodeSpans removes inline code spans (a run of backticks up to the next run of the same
// length) from s.
func withoutCodeSpans(s string) string {
	var b strings.Builder
	for s != "" {
		i := strings.IndexByte(s, '`')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		n := i
		for n < len(s) && s[n] == '`' {
			n++
		}
		run := s[i:n]
		end := strings.Index(s[n:], run)
		for end >= 0 && n+end+len(run) < len(s) && s[n+end+len(run)] == '`' { // a longer run does not close
			next := strings.Index(s[n+end+len(run):], run)
			if next < 0 {
				end = -1
				break
			}
			end += len(run) + next
		}
		if end < 0 { // an unmatched run is text
			b.WriteString(run)
			s = s[n:]
			continue
		}
		b.WriteByte(' ')
		s = s[n+end+len(run):]
	}
	return b.String()
}
