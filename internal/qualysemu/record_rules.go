package qualysemu

import (
	"fmt"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
	"github.com/qsync/qsync/internal/qualysemu/wire"
	"go4.org/netipx"
)

// checkUnique applies rt's unique rules to the records being written
// (parameters by record ID, 0 for a create) against every other record of
// rt and against each other. Caller holds s.mu.
func (s *Server) checkUnique(rt *kinds.RecordType, written map[int64]map[string]string) *wire.Error {
	if len(rt.Unique) == 0 {
		return nil
	}
	sets := make(map[int64]*netipx.IPSet, len(written))
	for id, m := range written {
		sets[id] = wire.StoredIPs(m["ips"])
	}
	refuse := func(u kinds.UniqueRule, m map[string]string, other int64) *wire.Error {
		return wire.Invalid(u.Blame, m[u.Blame], fmt.Sprintf("%s; conflicts with record %d", u.Text, other))
	}
	for _, r := range s.st.sortedRecords() {
		if _, self := written[r.ID]; self || r.Type != rt.Name {
			continue
		}
		for id, m := range written {
			if !sets[id].Overlaps(s.recordIPs(r)) {
				continue
			}
			for _, u := range rt.Unique {
				if u.Clash(m, r.Params) {
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
			for _, u := range rt.Unique {
				if u.Clash(ma, mb) {
					return refuse(u, mb, a)
				}
			}
		}
	}
	return nil
}
