package qualysemu

import (
	"fmt"

	"go4.org/netipx"
)

// uniqueRule is a cross-record rule of one record type with a primary
// source (RECORD_KINDS.md §2.6): two records of the type whose IP sets
// overlap are refused (1905 on the blamed parameter) when their stored
// values of key are all equal (absent counts as a value). onlyUnset limits
// the rule to records where that parameter is absent (Oracle "All Ports");
// when both records have relaxFlag=1, they must also agree on relaxKey to
// clash (DB2 pc_only: unique by IP, port and database).
type uniqueRule struct {
	key       []string
	onlyUnset string
	relaxFlag string
	relaxKey  []string
	blame     string // the parameter named in the 1905 answer
	text      string
}

func equalParams(a, b map[string]string, keys []string) bool {
	for _, k := range keys {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

func (u uniqueRule) clash(a, b map[string]string) bool {
	if u.onlyUnset != "" && (a[u.onlyUnset] != "" || b[u.onlyUnset] != "") {
		return false
	}
	if !equalParams(a, b, u.key) {
		return false
	}
	if u.relaxFlag != "" && a[u.relaxFlag] == "1" && b[u.relaxFlag] == "1" {
		return equalParams(a, b, u.relaxKey)
	}
	return true
}

// checkUnique applies rt's unique rules to the records being written
// (parameters by record ID, 0 for a create) against every other record of
// rt and against each other. Caller holds s.mu.
func (s *Server) checkUnique(rt *recordType, written map[int64]map[string]string) *apiError {
	if len(rt.unique) == 0 {
		return nil
	}
	sets := make(map[int64]*netipx.IPSet, len(written))
	for id, m := range written {
		sets[id] = storedIPs(m["ips"])
	}
	refuse := func(u uniqueRule, m map[string]string, other int64) *apiError {
		return errInvalid(u.blame, m[u.blame], fmt.Sprintf("%s; conflicts with record %d", u.text, other))
	}
	for _, r := range s.st.sortedRecords() {
		if _, self := written[r.ID]; self || r.Type != rt.name {
			continue
		}
		for id, m := range written {
			if !sets[id].Overlaps(s.recordIPs(r)) {
				continue
			}
			for _, u := range rt.unique {
				if u.clash(m, r.Params) {
					return refuse(u, m, r.ID)
				}
			}
		}
	}
	for a, ma := range written {
		for b, mb := range written {
			if a >= b || !sets[a].Overlaps(sets[b]) {
				continue
			}
			for _, u := range rt.unique {
				if u.clash(ma, mb) {
					return refuse(u, mb, a)
				}
			}
		}
	}
	return nil
}
