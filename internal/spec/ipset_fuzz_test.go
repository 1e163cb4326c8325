package spec

import (
	"testing"
)

// FuzzParseIP: ParseIP never panics; what it accepts is a valid range whose canonical text
// (FormatRange) parses back to the same range, and a one-entry IPSet holds exactly that range.
func FuzzParseIP(f *testing.F) {
	for _, s := range []string{"10.0.0.1", "10.0.0.0/28", "10.0.0.1-10.0.0.9", " 10.0.0.1 - 10.0.0.9 ",
		"2001:db8::/120", "2001:db8::1-2001:db8::ff", "::ffff:10.0.0.1", "::ffff:10.0.0.0/104",
		"fe80::1%eth0", "10.0.0.9-10.0.0.1", "10.0.0.1-2001:db8::1", "0.0.0.0/0", "::/0", "10.0.0.300",
		"10.0.0.1/33", "-", "/", "", "1-2-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseIP(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("empty error for %q", s)
			}
			return
		}
		if !r.IsValid() {
			t.Fatalf("ParseIP(%q) = invalid range %v", s, r)
		}
		if r.From().Zone() != "" || r.To().Zone() != "" {
			t.Fatalf("ParseIP(%q) kept a zone: %v", s, r)
		}
		text := FormatRange(r)
		back, err := ParseIP(text)
		if err != nil || back != r {
			t.Fatalf("ParseIP(%q) = %v, written %q, which parses to %v (%v)", s, r, text, back, err)
		}
		set, err := ParseIPSet(s)
		if err != nil {
			t.Fatalf("ParseIPSet(%q): %v", s, err)
		}
		if rs := set.Ranges(); len(rs) != 1 || rs[0] != r {
			t.Fatalf("ParseIPSet(%q) = %v, want [%v]", s, rs, r)
		}
	})
}
