package render

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// objectNote is a note about one setting of one object: `mysql "db" (id 5): port: MESSAGE`.
var objectNote = regexp.MustCompile(`^([a-z0-9_]+) ("(?:[^"\\]|\\.)*") \(id [0-9]+\): ([a-z0-9_.]+): (.+)$`)

// displayNotes returns the notes as the text and markdown plans show them: the notes that say
// the same thing about settings of several objects of one kind (a typical first plan: every
// mysql record's port "not reported by Qualys") become one line per kind and message,
//
//	mysql (12 records: "a", "b", "c" and 9 more): database, port: not reported by Qualys; not compared
//
// in the place of the first of them; every other note is kept as it is. The JSON plan keeps
// every note.
func displayNotes(notes []string) []string {
	type group struct {
		kind, msg string
		titles    []string // quoted, in order of first appearance
		fields    []string
		at        int // index in out
	}
	groups := map[string]*group{}
	var order []*group
	var out []string
	for _, n := range notes {
		m := objectNote.FindStringSubmatch(n)
		if m == nil {
			out = append(out, n)
			continue
		}
		key := m[1] + "\x00" + m[4]
		g := groups[key]
		if g == nil {
			g = &group{kind: m[1], msg: m[4], at: len(out)}
			groups[key] = g
			order = append(order, g)
			out = append(out, "") // filled in below
		}
		if !contains(g.titles, m[2]) {
			g.titles = append(g.titles, m[2])
		}
		if !contains(g.fields, m[3]) {
			g.fields = append(g.fields, m[3])
		}
	}
	// A group of one object keeps its notes as they were.
	var final []string
	byAt := map[int]*group{}
	for _, g := range order {
		byAt[g.at] = g
	}
	for i, n := range out {
		g, ok := byAt[i]
		if !ok {
			final = append(final, n)
			continue
		}
		if len(g.titles) < 2 {
			for _, orig := range notes {
				if m := objectNote.FindStringSubmatch(orig); m != nil && m[1] == g.kind && m[4] == g.msg {
					final = append(final, orig)
				}
			}
			continue
		}
		final = append(final, fmt.Sprintf("%s (%s): %s: %s", g.kind, namedObjects(g.titles), strings.Join(g.fields, ", "), g.msg))
	}
	return final
}

// namedObjects is `12 records: "a", "b", "c" and 9 more`.
func namedObjects(quoted []string) string {
	const named = 3
	noun := "records"
	if len(quoted) == 1 {
		noun = "record"
	}
	shown := quoted
	if len(shown) > named {
		shown = shown[:named]
	}
	s := strconv.Itoa(len(quoted)) + " " + noun + ": " + strings.Join(shown, ", ")
	if len(quoted) > named {
		s += fmt.Sprintf(" and %d more", len(quoted)-named)
	}
	return s
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
