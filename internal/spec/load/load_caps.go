package load

import (
	"fmt"

	"github.com/qsync/qsync/internal/spec"
)

// Limits that keep a careless or hostile file from costing minutes and gigabytes: a 7 MB file of
// "- {}" records would otherwise give two million problems.
const (
	// MaxFileProblems is the most problems reported per file; one more diagnostic says how many
	// were left out.
	MaxFileProblems = 200
	// MaxFileBytes is the largest configuration file read (16 MiB; a 100,000-record configuration
	// is about 10 MiB).
	MaxFileBytes = 16 << 20
)

// capPerFile sorts ds and keeps the first MaxFileProblems problems of each file, replacing the rest
// by one diagnostic at the first one left out that says how many there were. more names the files
// whose checking stopped early (validateSchema stops after MaxFileProblems), so that the count is
// a lower bound.
func capPerFile(ds spec.Diagnostics, more map[string]bool) spec.Diagnostics {
	ds.Sort()
	count := map[string]int{}
	for _, d := range ds {
		count[d.Pos.File]++
	}
	over := false
	for _, n := range count {
		if n > MaxFileProblems {
			over = true
		}
	}
	if !over && len(more) == 0 {
		return ds
	}
	out := ds[:0:0]
	seen := map[string]int{}
	for _, d := range ds {
		file := d.Pos.File
		seen[file]++
		switch n := seen[file]; {
		case n <= MaxFileProblems:
			out = append(out, d)
		case n == MaxFileProblems+1:
			left := count[file] - MaxFileProblems
			msg := fmt.Sprintf("%d more problems not shown (at most %d are reported per file)", left, MaxFileProblems)
			if more[file] {
				msg = fmt.Sprintf("%d or more problems not shown: qsync stops checking a file after %d problems; fix these and run again",
					left, MaxFileProblems)
			}
			out = append(out, spec.Diagnostic{Pos: d.Pos, Message: msg})
		}
	}
	return out
}
