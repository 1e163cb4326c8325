package qualysclient

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// maxExpandedIDs bounds how many IDs ParseIDs and the XML decoders expand
// from ranges, so that a hostile or corrupt "1-999999999999" cannot exhaust
// memory.
const maxExpandedIDs = 1_000_000

// FormatIDs returns ids sorted, deduplicated and compressed into the Qualys
// "ids" syntax: consecutive runs become ranges ("1,5,9-12").
func FormatIDs(ids []int64) string {
	if len(ids) == 0 {
		return ""
	}
	s := slices.Sorted(slices.Values(ids))
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j+1 < len(s) && (s[j+1] == s[j] || s[j+1] == s[j]+1) {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(s[i], 10))
		if s[j] != s[i] {
			b.WriteByte('-')
			b.WriteString(strconv.FormatInt(s[j], 10))
		}
		i = j + 1
	}
	return b.String()
}

// ParseIDs parses the Qualys "ids" syntax ("1,5,9-12", spaces allowed) into
// sorted, deduplicated IDs. Every ID must be a positive integer.
func ParseIDs(s string) ([]int64, error) {
	var out []int64
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, err := parseIDRange(part)
		if err != nil {
			return nil, err
		}
		if hi-lo >= int64(maxExpandedIDs-len(out)) {
			return nil, fmt.Errorf("ids %q: more than %d ids", s, maxExpandedIDs)
		}
		out = appendRange(out, lo, hi)
	}
	return dedupeIDs(out), nil
}

// parseIDRange parses "N" or "N-M" (N <= M, both positive).
func parseIDRange(part string) (lo, hi int64, err error) {
	a, b, isRange := strings.Cut(part, "-")
	lo, err = strconv.ParseInt(strings.TrimSpace(a), 10, 64)
	if err != nil || lo <= 0 {
		return 0, 0, fmt.Errorf("invalid id %q: neither a positive integer nor a range", part)
	}
	if !isRange {
		return lo, lo, nil
	}
	hi, err = strconv.ParseInt(strings.TrimSpace(b), 10, 64)
	if err != nil || hi <= 0 || hi < lo {
		return 0, 0, fmt.Errorf("invalid id range %q", part)
	}
	return lo, hi, nil
}

func dedupeIDs(ids []int64) []int64 {
	slices.Sort(ids)
	if out := slices.Compact(ids); len(out) > 0 {
		return out
	}
	return nil
}

// appendRange appends lo..hi inclusive; it stops at hi without overflowing
// when hi is the largest int64.
func appendRange(ids []int64, lo, hi int64) []int64 {
	for id := lo; ; id++ {
		ids = append(ids, id)
		if id >= hi {
			return ids
		}
	}
}
