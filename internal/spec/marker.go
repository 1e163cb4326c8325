package spec

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// The ownership marker is a trailer line qsync appends to the comments of every object it creates or
// adopts:
//
//	[managed by qsync: owner=secops]
//	[managed by qsync: owner=secops fp=apikey:3f9a0c1b2d4e,password:0a1b2c3d4e5f]
//
// fp lists keyed fingerprints (see Fingerprint) of the secrets last sent, so a plan can tell whether
// a write-only secret changed without ever reading it back.
//
// The marker is only ever qsync's trailer: SplitComments recognises it at the very end of the
// comments (after trailing white space), on its own last line or, where Qualys flattened the newline
// before it, after a space on the last line. A marker-shaped line anywhere else is the user's text,
// and desired comments may not contain one at all (see MarkerInText), so nobody can claim an object
// for another owner by writing a comment.
//
// As a regular expression (marker_test.go checks findMarker against it):
//
//	(?:^|\r?\n|[ \t])\[managed by qsync: owner=([A-Za-z0-9._-]+)(?: fp=([A-Za-z0-9_:,]*))?\]\s*$
//
// findMarker reads it by hand: the regular expression cost 0.1 s of CPU and 16 MB of allocations
// per 100,000 live objects read.
const markerOpen = "[managed by qsync: owner="

// findMarker finds the ownership marker at the end of comments. start is where the user's text
// ends (the marker's line break or blank, or 0), owner and fp are the marker's fields (hasFP when
// it writes fp=, even empty); ok is false when the comments end in no marker.
func findMarker(c string) (start int, owner, fp string, hasFP, ok bool) {
	end := len(c)
	for end > 0 && isRegexpSpace(c[end-1]) {
		end--
	}
	if end == 0 || c[end-1] != ']' {
		return 0, "", "", false, false
	}
	// No byte between the marker's '[' and its ']' may be a '[', so the marker starts at the last one.
	open := strings.LastIndexByte(c[:end], '[')
	if open < 0 || !strings.HasPrefix(c[open:end], markerOpen) {
		return 0, "", "", false, false
	}
	body := c[open+len(markerOpen) : end-1]
	n := 0
	for n < len(body) && isOwnerByte(body[n]) {
		n++
	}
	if n == 0 {
		return 0, "", "", false, false
	}
	owner = body[:n]
	if rest := body[n:]; rest != "" {
		v, found := strings.CutPrefix(rest, " fp=")
		if !found {
			return 0, "", "", false, false
		}
		for i := 0; i < len(v); i++ {
			if !isFingerprintByte(v[i]) {
				return 0, "", "", false, false
			}
		}
		fp, hasFP = v, true
	}
	switch {
	case open == 0:
		start = 0
	case c[open-1] == '\n':
		start = open - 1
		if open >= 2 && c[open-2] == '\r' {
			start = open - 2
		}
	case c[open-1] == ' ' || c[open-1] == '\t':
		start = open - 1
	default: // glued to the user's text
		return 0, "", "", false, false
	}
	return start, owner, fp, hasFP, true
}

// isRegexpSpace reports whether c is white space as \s means in a regular expression.
func isRegexpSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

func isOwnerByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
}

func isFingerprintByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == ':' || c == ','
}

// markerShapeRE finds anything that looks like an ownership marker, however spaced or capitalised.
var markerShapeRE = regexp.MustCompile(`(?i)\[\s*managed\s+by\s+qsync\b`)

// MarkerInText returns the byte offset of the first marker-shaped text in user comments, or -1.
// Such text is refused in desired comments: only qsync writes the marker.
func MarkerInText(text string) int {
	if loc := markerShapeRE.FindStringIndex(text); loc != nil {
		return loc[0]
	}
	return -1
}

// OwnerPattern is the syntax of an owner name.
const OwnerPattern = `^[A-Za-z0-9._-]{1,64}$`

// SplitComments separates live comments into the user's text and the parsed ownership marker (nil
// when the comments carry none). Only a marker at the end of the comments counts (see findMarker).
// The text is returned canonical (see CanonicalComments), as desired comments are compared.
func SplitComments(comments string) (text string, m *Marker) {
	start, owner, fp, hasFP, ok := findMarker(comments)
	if !ok {
		return CanonicalComments(comments), nil
	}
	m = &Marker{Owner: owner}
	if hasFP {
		for rest := fp; rest != ""; {
			var kv string
			kv, rest, _ = strings.Cut(rest, ",")
			if k, v, ok := strings.Cut(kv, ":"); ok && k != "" {
				if m.Fingerprints == nil {
					m.Fingerprints = make(map[string]string, strings.Count(fp, ",")+1)
				}
				m.Fingerprints[k] = v
			}
		}
	}
	return CanonicalComments(comments[:start]), m
}

// JoinComments appends the marker line to the user's comment text (returns text unchanged when m
// is nil).
func JoinComments(text string, m *Marker) string {
	if m == nil {
		return text
	}
	line := "[managed by qsync: owner=" + m.Owner
	if len(m.Fingerprints) > 0 {
		keys := slices.Sorted(maps.Keys(m.Fingerprints))
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ":" + m.Fingerprints[k]
		}
		line += " fp=" + strings.Join(parts, ",")
	}
	line += "]"
	if text == "" {
		return line
	}
	return text + "\n" + line
}

// MarkerReserve is the number of comment characters to keep free for the marker line: the user's
// comments may use at most MaxComments-MarkerReserve characters.
func MarkerReserve(owner string, secrets int) int {
	return len("\n[managed by qsync: owner=] fp=") + len(owner) + secrets*(24+1+FingerprintLen+1)
}

// FingerprintLen is the number of hex digits of a secret fingerprint.
const FingerprintLen = 12

// Fingerprint returns a keyed fingerprint (HMAC-SHA256 truncated to FingerprintLen hex digits) of a
// secret value sent as parameter param. It reveals nothing about the value without the key. It is
// deliberately not bound to the object: records sharing one password get identical comments, so a
// rotation of that password is one batched update call.
func Fingerprint(key []byte, param, value string) string {
	h := hmac.New(sha256.New, key)
	fmt.Fprintf(h, "%s\x00", param)
	h.Write([]byte(value))
	return hex.EncodeToString(h.Sum(nil))[:FingerprintLen]
}
