package spec

import (
	"slices"
	"testing"
)

func TestFieldPositionsSetGetOutOfOrder(t *testing.T) {
	var fp FieldPositions
	fp.Set("title", Pos{File: "a.yaml", Line: 3, Col: 12})
	fp.Set("comments", Pos{File: "a.yaml", Line: 4, Col: 15})
	fp.Set("login.vault", Pos{File: "a.yaml", Line: 6, Col: 14})
	fp.Set("title", Pos{File: "a.yaml", Line: 9, Col: 2}) // replaces, not duplicates
	if got, want := fp.Fields(), []string{"comments", "login.vault", "title"}; !slices.Equal(got, want) {
		t.Fatalf("Fields() = %q, want %q", got, want)
	}
	for field, want := range map[string]Pos{
		"comments":    {File: "a.yaml", Line: 4, Col: 15},
		"login.vault": {File: "a.yaml", Line: 6, Col: 14},
		"title":       {File: "a.yaml", Line: 9, Col: 2},
	} {
		if got, ok := fp.Get(field); !ok || got != want {
			t.Errorf("Get(%q) = %v, %v; want %v, true", field, got, ok, want)
		}
	}
}

func TestFieldPositionsMissingFieldIsZero(t *testing.T) {
	var fp FieldPositions
	if p, ok := fp.Get("title"); ok || p != (Pos{}) {
		t.Errorf("empty Get = %v, %v; want zero, false", p, ok)
	}
	fp.Set("ips", Pos{File: "a.yaml", Line: 2, Col: 1})
	if p := fp.At("ipz"); p != (Pos{}) {
		t.Errorf("At of a missing field = %v, want the zero Pos", p)
	}
	if fp.Len() != 1 {
		t.Errorf("Len() = %d, want 1", fp.Len())
	}
}
