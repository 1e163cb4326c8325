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
var markerRE = regexp.MustCompile(`(?:^|\r?\n|[ \t])\[managed by qsync: owner=([A-Za-z0-9._-]+)(?: fp=([A-Za-z0-9_:,]*))?\]\s*$`)

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
// when the comments carry none). Only a marker at the end of the comments counts (see markerRE).
// The text is returned canonical (see CanonicalComments), as desired comments are compared.
func SplitComments(comments string) (text string, m *Marker) {
	loc := markerRE.FindStringSubmatchIndex(comments)
	if loc == nil {
		return CanonicalComments(comments), nil
	}
	m = &Marker{Owner: comments[loc[2]:loc[3]]}
	if loc[4] >= 0 {
		for _, kv := range strings.Split(comments[loc[4]:loc[5]], ",") {
			if k, v, ok := strings.Cut(kv, ":"); ok && k != "" {
				if m.Fingerprints == nil {
					m.Fingerprints = map[string]string{}
				}
				m.Fingerprints[k] = v
			}
		}
	}
	return CanonicalComments(comments[:loc[0]]), m
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
