package spec

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseIP(t *testing.T) {
	for _, c := range []struct {
		name, in, want, wantErr string
	}{
		{"single IPv4", "10.0.0.1", "10.0.0.1", ""},
		{"surrounding spaces", " 10.0.0.1 ", "10.0.0.1", ""},
		{"range", "10.0.0.1-10.0.0.9", "10.0.0.1-10.0.0.9", ""},
		{"range with spaces", "10.0.0.1 - 10.0.0.9", "10.0.0.1-10.0.0.9", ""},
		{"range of one address", "10.0.0.5-10.0.0.5", "10.0.0.5", ""},
		{"CIDR", "10.0.0.0/30", "10.0.0.0-10.0.0.3", ""},
		{"CIDR with host bits is refused", "10.0.0.7/30", "",
			`"10.0.0.7/30" has host bits set: write 10.0.0.4/30 for the network or 10.0.0.7 for the address`},
		{"IPv6 CIDR with host bits is refused", "2001:db8::1/64", "",
			`"2001:db8::1/64" has host bits set: write 2001:db8::/64 for the network or 2001:db8::1 for the address`},
		{"IPv4 /0 is refused", "0.0.0.0/0", "", `"0.0.0.0/0": a /0 prefix covers every address; list the networks to scan`},
		{"IPv6 /0 is refused", "::/0", "", `"::/0": a /0 prefix covers every address; list the networks to scan`},
		{"IPv4-mapped /96 is refused", "::ffff:0.0.0.0/96", "", `"::ffff:0.0.0.0/96": a /0 prefix covers every address; list the networks to scan`},
		{"CIDR /32", "10.0.0.7/32", "10.0.0.7", ""},
		{"IPv6 CIDR", "2001:db8::/126", "2001:db8::-2001:db8::3", ""},
		{"IPv4-mapped IPv6 becomes IPv4", "::ffff:10.0.0.1", "10.0.0.1", ""},
		{"IPv6 range", "2001:db8::1-2001:db8::ff", "2001:db8::1-2001:db8::ff", ""},
		{"octet out of range", "10.0.0.300", "", `"10.0.0.300" is not an IP address`},
		{"reversed range", "10.0.0.9-10.0.0.1", "", `"10.0.0.9-10.0.0.1": range start is after its end`},
		{"mixed families", "10.0.0.1-::1", "", `"10.0.0.1-::1" mixes IPv4 and IPv6`},
		{"prefix too long", "10.0.0.0/33", "", `"10.0.0.0/33" is not a CIDR prefix`},
		{"zone", "fe80::1%eth0", "", `"fe80::1%eth0": IPv6 zones are not allowed`},
		{"empty", "", "", "empty IP address"},
		{"hostname", "db.example.com", "", `"db.example.com" is not an IP address`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := ParseIP(c.in)
			if c.wantErr != "" {
				if err == nil || err.Error() != c.wantErr {
					t.Errorf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil || FormatRange(r) != c.want {
				t.Errorf("got %s, %v; want %s", FormatRange(r), err, c.want)
			}
		})
	}
}

func TestIPSetEntries(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []string
		want string
	}{
		{"adjacent ranges merge", []string{"10.0.0.1-10.0.0.5", "10.0.0.6-10.0.0.9"}, "10.0.0.1-10.0.0.9"},
		{"overlapping ranges merge", []string{"10.0.0.1-10.0.0.5", "10.0.0.3-10.0.0.9"}, "10.0.0.1-10.0.0.9"},
		{"duplicates collapse", []string{"10.0.0.1", "10.0.0.1"}, "10.0.0.1"},
		{"CIDR and single inside it", []string{"10.0.0.0/24", "10.0.0.7"}, "10.0.0.0-10.0.0.255"},
		{"sorted regardless of input order", []string{"10.0.0.9", "10.0.0.1"}, "10.0.0.1,10.0.0.9"},
		{"IPv4 before IPv6", []string{"2001:db8::1", "10.0.0.1"}, "10.0.0.1,2001:db8::1"},
		{"nothing", nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := ParseIPSet(c.in...)
			if err != nil || s.String() != c.want {
				t.Errorf("got %q, %v; want %q", s.String(), err, c.want)
			}
		})
	}
}

func TestIPSetOperations(t *testing.T) {
	must := func(e ...string) IPSet {
		s, err := ParseIPSet(e...)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := must("10.0.0.0/24"), must("10.0.0.128-10.0.1.10")
	for _, c := range []struct {
		name string
		got  IPSet
		want string
	}{
		{"intersect of overlapping sets", a.Intersect(b), "10.0.0.128-10.0.0.255"},
		{"intersect with empty set", a.Intersect(IPSet{}), ""},
		{"minus keeps the rest", a.Minus(b), "10.0.0.0-10.0.0.127"},
		{"minus of empty set", IPSet{}.Minus(a), ""},
		{"union merges", a.Union(b), "10.0.0.0-10.0.1.10"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.got.String() != c.want {
				t.Errorf("got %q, want %q", c.got.String(), c.want)
			}
		})
	}
	t.Run("equal however written", func(t *testing.T) {
		if !must("10.0.0.0/30").Equal(must("10.0.0.0", "10.0.0.1-10.0.0.3")) {
			t.Error("not equal")
		}
		if must("10.0.0.0/30").Equal(must("10.0.0.0/31")) {
			t.Error("equal")
		}
		if !(IPSet{}).Equal(must()) || !(IPSet{}).IsZero() {
			t.Error("empty sets differ")
		}
		one := must("10.0.0.1")
		if one.IsZero() || one.Equal(IPSet{}) || (IPSet{}).Equal(one) || !one.Equal(must("10.0.0.1/32")) {
			t.Error("a one-address set is empty, or equal to the empty set, or not to itself")
		}
		// Sets emptied by an operation are the empty set.
		for _, empty := range []IPSet{one.Minus(one), one.Intersect(must("10.0.0.2")), must("::1").Minus(must("::/64"))} {
			if !empty.IsZero() || !empty.Equal(IPSet{}) || empty.Equal(one) || len(empty.Ranges()) != 0 {
				t.Errorf("emptied set %v is not the empty set", empty)
			}
		}
	})
	t.Run("JSON round trip", func(t *testing.T) {
		b, err := json.Marshal(must("10.0.0.0/30", "::1"))
		if err != nil || string(b) != `["10.0.0.0-10.0.0.3","::1"]` {
			t.Fatalf("%s, %v", b, err)
		}
		var s IPSet
		if err := json.Unmarshal(b, &s); err != nil || s.String() != "10.0.0.0-10.0.0.3,::1" {
			t.Errorf("%v, %v", s, err)
		}
		if b, _ := json.Marshal(IPSet{}); string(b) != "[]" {
			t.Errorf("empty set = %s", b)
		}
	})
}

// TestIPSetOverlaps: Overlaps agrees with Intersect on sets of singles, ranges and prefixes, in
// either order.
func TestIPSetOverlaps(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"10.0.0.1", "10.0.0.1", true},
		{"10.0.0.1,10.0.0.5,10.0.0.9", "10.0.0.2-10.0.0.4,10.0.0.6", false},
		{"10.0.0.1,10.0.0.5,10.0.0.9", "10.0.0.9", true},
		{"10.0.0.0/24", "10.0.0.255,10.0.1.0", true},
		{"10.0.0.0/24", "10.0.1.0-10.0.1.9", false},
		{"10.0.0.1-10.0.0.3,10.0.2.0", "10.0.1.0-10.0.1.255,10.0.0.3", true},
		{"2001:db8::/64", "10.0.0.1", false},
	} {
		a, err := ParseIPSet(strings.Split(c.a, ",")...)
		if err != nil {
			t.Fatal(err)
		}
		b, err := ParseIPSet(strings.Split(c.b, ",")...)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Overlaps(b); got != c.want || b.Overlaps(a) != c.want || got == a.Intersect(b).IsZero() {
			t.Errorf("%s overlaps %s = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
