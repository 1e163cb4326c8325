package spec

import (
	"maps"
	"regexp"
	"strings"
	"testing"
)

func TestSplitComments(t *testing.T) {
	for _, c := range []struct {
		name, in, text string
		owner          string
		fps            map[string]string
	}{
		{"no marker", "just text", "just text", "", nil},
		{"marker only", "[managed by qsync: owner=secops]", "", "secops", nil},
		{"text then marker", "line one\nline two\n[managed by qsync: owner=secops]", "line one\nline two", "secops", nil},
		{"marker with fingerprints", "x\n[managed by qsync: owner=a.b-c fp=apikey:0123456789ab,password:ba9876543210]", "x", "a.b-c",
			map[string]string{"apikey": "0123456789ab", "password": "ba9876543210"}},
		{"trailing white space after marker", "x\n[managed by qsync: owner=secops]  \n", "x", "secops", nil},
		{"CRLF line endings", "line one\r\nline two\r\n[managed by qsync: owner=secops]\r\n", "line one\nline two", "secops", nil},
		{"newline flattened by Qualys", "user text [managed by qsync: owner=secops]", "user text", "secops", nil},
		{"marker in the middle is text", "a\n[managed by qsync: owner=evil]\nb", "a\n[managed by qsync: owner=evil]\nb", "", nil},
		{"first marker-shaped line does not win", "a\n[managed by qsync: owner=evil]\n[managed by qsync: owner=secops]",
			"a\n[managed by qsync: owner=evil]", "secops", nil},
		{"marker glued to text is text", "see[managed by qsync: owner=secops]", "see[managed by qsync: owner=secops]", "", nil},
		{"marker followed by text is text", "[managed by qsync: owner=secops] but then more", "[managed by qsync: owner=secops] but then more", "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			text, m := SplitComments(c.in)
			if text != c.text {
				t.Errorf("text = %q, want %q", text, c.text)
			}
			switch {
			case c.owner == "" && m != nil:
				t.Errorf("marker %+v, want none", m)
			case c.owner != "" && (m == nil || m.Owner != c.owner || !maps.Equal(m.Fingerprints, c.fps)):
				t.Errorf("marker %+v, want owner %s fps %v", m, c.owner, c.fps)
			}
		})
	}
}

func TestJoinCommentsRoundTrip(t *testing.T) {
	for _, c := range []struct {
		name string
		text string
		m    *Marker
	}{
		{"empty text", "", &Marker{Owner: "secops"}},
		{"multi-line text", "a\nb", &Marker{Owner: "secops"}},
		{"fingerprints sorted", "a", &Marker{Owner: "o", Fingerprints: map[string]string{"z": "1", "a": "2"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			joined := JoinComments(c.text, c.m)
			text, m := SplitComments(joined)
			if text != c.text || m == nil || m.Owner != c.m.Owner || !maps.Equal(m.Fingerprints, c.m.Fingerprints) {
				t.Errorf("JoinComments = %q split back to %q %+v", joined, text, m)
			}
		})
	}
	if got := JoinComments("text", nil); got != "text" {
		t.Errorf("nil marker changed text: %q", got)
	}
}

// TestMarkerReserveFitsTheLongestMarker: user comments of the allowed length plus the longest
// marker stay within Qualys' 1999 characters.
func TestMarkerReserveFitsTheLongestMarker(t *testing.T) {
	owner := strings.Repeat("o", 64)
	fps := map[string]string{}
	for _, p := range []string{"password", "enable_password", "client_key"} {
		fps[p] = strings.Repeat("f", FingerprintLen)
	}
	text := strings.Repeat("c", MaxComments-MarkerReserve(owner, len(fps)))
	if n := len(JoinComments(text, &Marker{Owner: owner, Fingerprints: fps})); n > MaxComments {
		t.Errorf("comments with marker are %d characters, more than %d", n, MaxComments)
	}
}

func TestFingerprint(t *testing.T) {
	k := []byte("key")
	a := Fingerprint(k, "password", "s3cret")
	for _, c := range []struct {
		name  string
		other string
		same  bool
	}{
		{"deterministic", Fingerprint(k, "password", "s3cret"), true},
		{"value changes it", Fingerprint(k, "password", "s3cret2"), false},
		{"parameter changes it", Fingerprint(k, "apikey", "s3cret"), false},
		{"key changes it", Fingerprint([]byte("other"), "password", "s3cret"), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if (a == c.other) != c.same {
				t.Errorf("%s vs %s", a, c.other)
			}
		})
	}
	if len(a) != FingerprintLen || strings.Contains(a, "s3cret") {
		t.Errorf("fingerprint %q", a)
	}
}

func TestMarkerInText(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     int
	}{
		{"plain text", "database of billing", -1},
		{"marker line", "a\n[managed by qsync: owner=evil]", 2},
		{"spaced and capitalised", "[ Managed  By qsync: owner=evil]", 0},
		{"mention without bracket", "managed by qsync", -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := MarkerInText(c.in); got != c.want {
				t.Errorf("MarkerInText(%q) = %d, want %d", c.in, got, c.want)
			}
		})
	}
}

// markerRE is the marker's definition as a regular expression (see findMarker), the reference the
// hand-written reader is checked against.
var markerRE = regexp.MustCompile(`(?:^|\r?\n|[ \t])\[managed by qsync: owner=([A-Za-z0-9._-]+)(?: fp=([A-Za-z0-9_:,]*))?\]\s*$`)

// splitCommentsByRegexp is SplitComments as it was written with markerRE.
func splitCommentsByRegexp(comments string) (string, *Marker) {
	loc := markerRE.FindStringSubmatchIndex(comments)
	if loc == nil {
		return CanonicalComments(comments), nil
	}
	m := &Marker{Owner: comments[loc[2]:loc[3]]}
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

// checkSplitMatchesRegexp fails t when SplitComments reads in differently from markerRE.
func checkSplitMatchesRegexp(t *testing.T, in string) {
	t.Helper()
	text, m := SplitComments(in)
	wantText, want := splitCommentsByRegexp(in)
	if text != wantText || (m == nil) != (want == nil) ||
		m != nil && (m.Owner != want.Owner || !maps.Equal(m.Fingerprints, want.Fingerprints) || (m.Fingerprints == nil) != (want.Fingerprints == nil)) {
		t.Fatalf("SplitComments(%q) = %q %+v, the regular expression reads %q %+v", in, text, m, wantText, want)
	}
}

// TestSplitCommentsMatchesRegexp: the hand-written marker reader agrees with markerRE on the
// edges of its grammar.
func TestSplitCommentsMatchesRegexp(t *testing.T) {
	for _, in := range []string{
		"", " ", "]", "[", "[managed by qsync: owner=]", "[managed by qsync: owner=a]",
		"x\r\n[managed by qsync: owner=a]", "x\r[managed by qsync: owner=a]", "x\n\n[managed by qsync: owner=a]\n\n",
		"x\t[managed by qsync: owner=a]\f\r\v", "x\t[managed by qsync: owner=a]\f\r",
		"[managed by qsync: owner=a fp=]", "[managed by qsync: owner=a fp=,,:x,y:,:]", "[managed by qsync: owner=a fp=k:v,k:w]",
		"[managed by qsync: owner=a  fp=k:v]", "[managed by qsync: owner=a fp=k:v ]", "[managed by qsync: owner=a b]",
		"[managed by qsync: owner=a [managed by qsync: owner=b]", "[[managed by qsync: owner=a]", "x [managed by qsync: owner=a]]",
		"[managed by qsync: owner=é]", "é\n[managed by qsync: owner=a]", "\xff[managed by qsync: owner=a]", " [managed by qsync: owner=a fp=k:v]",
		"[Managed by qsync: owner=a]", "[managed by qsync:  owner=a]",
	} {
		checkSplitMatchesRegexp(t, in)
	}
}

// FuzzSplitCommentsMatchesRegexp: whatever the comments, SplitComments reads them as markerRE does.
func FuzzSplitCommentsMatchesRegexp(f *testing.F) {
	for _, s := range []string{"x\n[managed by qsync: owner=a fp=k:v,w:z]", "a [managed by qsync: owner=b.c]\r\n", "[managed by qsync: owner=a fp=]"} {
		f.Add(s)
	}
	f.Fuzz(checkSplitMatchesRegexp)
}
