package build

import (
	"slices"
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

// TestIPDelta checks the comparison-first shortcut of ipDelta against the two subtractions it
// saves: equal sets written differently, empty sides, and real differences.
func TestIPDelta(t *testing.T) {
	parse := func(entries ...string) spec.IPSet {
		t.Helper()
		s, err := spec.ParseIPSet(entries...)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		name        string
		d, l        spec.IPSet
		same        bool
		add, remove []string
	}{
		{name: "both empty", same: true},
		{name: "desired empty", l: parse("10.0.0.1"), remove: []string{"10.0.0.1"}},
		{name: "live empty", d: parse("10.0.0.1"), add: []string{"10.0.0.1"}},
		{name: "equal", d: parse("10.0.0.1-10.0.0.3"), l: parse("10.0.0.1-10.0.0.3"), same: true},
		{name: "equal written differently", d: parse("10.0.0.0/30"), l: parse("10.0.0.3", "10.0.0.0-10.0.0.2"), same: true},
		{name: "one range of many differs", d: parse("10.0.0.1", "10.0.1.1"), l: parse("10.0.0.1", "10.0.1.2"),
			add: []string{"10.0.1.1"}, remove: []string{"10.0.1.2"}},
		{name: "grows", d: parse("10.0.0.1-10.0.0.4"), l: parse("10.0.0.2"), add: []string{"10.0.0.1", "10.0.0.3-10.0.0.4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Equal(tt.l); got != tt.same {
				t.Errorf("Equal = %v, want %v", got, tt.same)
			}
			added, removed := ipDelta(tt.d, tt.l)
			if got := added.Entries(); !slices.Equal(got, tt.add) && (len(got) > 0 || len(tt.add) > 0) {
				t.Errorf("added = %v, want %v", got, tt.add)
			}
			if got := removed.Entries(); !slices.Equal(got, tt.remove) && (len(got) > 0 || len(tt.remove) > 0) {
				t.Errorf("removed = %v, want %v", got, tt.remove)
			}
			// The shortcut returns exactly what the subtractions return.
			if !added.Equal(tt.d.Minus(tt.l)) || !removed.Equal(tt.l.Minus(tt.d)) ||
				added.IsZero() != tt.d.Minus(tt.l).IsZero() || (added.Set() == nil) != (tt.d.Minus(tt.l).Set() == nil) {
				t.Errorf("ipDelta differs from Minus")
			}
		})
	}
}

// TestLiveMarkerKept checks when newMarker may return the live marker instead of a new one.
func TestLiveMarkerKept(t *testing.T) {
	live := &spec.Marker{Owner: "o", Fingerprints: map[string]string{"password": "fp1", "private_keys": "fp2"}}
	ref := spec.SecretRef{Env: "X"}
	tests := []struct {
		name string
		lm   *spec.Marker
		sent map[string]spec.SecretRef
		fps  map[string]string
		want bool
	}{
		{name: "no key, nothing sent", lm: live, want: true},
		{name: "no key, no live fingerprints", lm: &spec.Marker{Owner: "o"}, sent: map[string]spec.SecretRef{"password": ref}, want: true},
		{name: "no key, other secret sent", lm: live, sent: map[string]spec.SecretRef{"token": ref}, want: true},
		{name: "no key, fingerprinted secret sent", lm: live, sent: map[string]spec.SecretRef{"password": ref}, want: false},
		{name: "no key, list sent", lm: live, sent: map[string]spec.SecretRef{"private_keys.0.key": ref}, want: false},
		{name: "key, same fingerprints", lm: live, fps: map[string]string{"password": "fp1", "private_keys": "fp2"}, want: true},
		{name: "key, fewer fingerprints", lm: live, fps: map[string]string{"password": "fp1"}, want: true},
		{name: "key, empty fingerprints", lm: live, fps: map[string]string{}, want: true},
		{name: "key, changed fingerprint", lm: live, fps: map[string]string{"password": "fp9"}, want: false},
		{name: "key, new fingerprint", lm: live, fps: map[string]string{"token": "fp3"}, want: false},
		{name: "key, sent but unchanged", lm: live, sent: map[string]spec.SecretRef{"password": ref}, fps: map[string]string{"password": "fp1"}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := liveMarkerKept(tt.lm, tt.sent, tt.fps); got != tt.want {
				t.Errorf("liveMarkerKept = %v, want %v", got, tt.want)
			}
			// Whatever the answer, newMarker's result equals what it would build from scratch.
			b := &builder{owner: "o"}
			it := &item{l: &spec.Object{Marker: tt.lm}, managed: true}
			m := b.newMarker(it, tt.sent, tt.fps)
			if (m == tt.lm) != tt.want {
				t.Errorf("newMarker returned the live marker: %v, want %v", m == tt.lm, tt.want)
			}
			if tt.want != markerEqual(m, tt.lm) {
				t.Errorf("markerEqual(new, live) = %v, want %v", !tt.want, tt.want)
			}
		})
	}
}
