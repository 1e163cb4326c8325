package kinds

// UniqueRule is a cross-record rule of one record type with a primary
// source (RECORD_KINDS.md §2.6): two records of the type whose IP sets
// overlap are refused (1905 on the blamed parameter) when their stored
// values of key are all equal (absent counts as a value). onlyUnset limits
// the rule to records where that parameter is absent (Oracle "All Ports");
// when both records have relaxFlag=1, they must also agree on relaxKey to
// clash (DB2 pc_only: unique by IP, port and database).
type UniqueRule struct {
	Key       []string
	OnlyUnset string
	RelaxFlag string
	RelaxKey  []string
	Blame     string // the parameter named in the 1905 answer
	Text      string
}

func equalParams(a, b map[string]string, keys []string) bool {
	for _, k := range keys {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

// Clash reports whether two records of the type with overlapping IPs (stored parameters a and b)
// break u.
func (u UniqueRule) Clash(a, b map[string]string) bool {
	if u.OnlyUnset != "" && (a[u.OnlyUnset] != "" || b[u.OnlyUnset] != "") {
		return false
	}
	if !equalParams(a, b, u.Key) {
		return false
	}
	if u.RelaxFlag != "" && a[u.RelaxFlag] == "1" && b[u.RelaxFlag] == "1" {
		return equalParams(a, b, u.RelaxKey)
	}
	return true
}
