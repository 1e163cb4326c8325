package faults

import (
	"reflect"
	"testing"
	"time"
)

// TestParse reads every kind's textual form, round-trips it through String, and refuses malformed
// specs.
func TestParse(t *testing.T) {
	for spec, want := range map[string]Fault{
		"write:3:status=500":            {Match: "write", Nth: 3, Count: 1, Kind: Status, Status: 500},
		"write:2:drop-after":            {Match: "write", Nth: 2, Count: 1, Kind: DropAfter},
		"any:1:409=1965:count=5:wait=2": {Match: "any", Nth: 1, Count: 5, Kind: RateLimit, Wait: 2},
		"list:1:slow=2s":                {Match: "list", Nth: 1, Count: 1, Kind: Slow, Delay: 2 * time.Second},
		"vault/delete:1:409=1960":       {Match: "vault/delete", Nth: 1, Count: 1, Kind: Concurrency, Wait: 5},
		"mysql:4:drop-before":           {Match: "mysql", Nth: 4, Count: 1, Kind: DropBefore},
		"create:1:error-body:code=1905:text=parameter x: has invalid value: y": {Match: "create", Nth: 1, Count: 1,
			Kind: ErrorBody, Code: 1905, Text: "parameter x: has invalid value: y"},
		"session/login:1:status=401:code=2000:text=Bad Login/Password": {Match: "session/login", Nth: 1, Count: 1,
			Kind: Status, Status: 401, Code: 2000, Text: "Bad Login/Password"},
	} {
		got, err := Parse(spec)
		if err != nil {
			t.Errorf("Parse(%q): %v", spec, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Parse(%q) = %+v, want %+v", spec, got, want)
		}
		again, err := Parse(got.String())
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("round trip of %q via %q: %+v, %v", spec, got.String(), again, err)
		}
	}
	for _, bad := range []string{"", "write", "write:3", "write:0:status=500", "write:x:status=500", "nope:1:status=500",
		"mysql/nope:1:status=500", "write:1:status=99", "write:1:409=1234", "write:1:slow=soon", "write:1:explode",
		"write:1:status=500:count=0", "write:1:status=500:bogus=1", "write:1:drop-after=3"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}
