package qualysemu

import (
	"strings"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
	"github.com/qsync/qsync/internal/qualysemu/wire"
)

// The list-all answer (/api/2.0/fo/auth/ action=list) comes in two shapes (EVIDENCE.md fact 1):
//
//   - AUTH_RECORDS_OUTPUT, RESPONSE > AUTH_RECORDS > AUTH_<TYPE>_IDS > ID_SET > (ID | ID_RANGE)+:
//     code written against live answers [R SB] and two transcriptions of auth_records.dtd [S T1,
//     T2]. The best-evidenced shape, served by default.
//   - AUTH_LIST_OUTPUT with AUTH_<TYPE>_RECORDS wrappers: the HTML documentation's sample ("the
//     older guide sample", T1). Variant list-all-doc-sample; list-all-mixed names half the types
//     one way and half the other, under the default root.
const (
	listAllRoot       = "AUTH_RECORDS_OUTPUT"
	listAllRootDoc    = "AUTH_LIST_OUTPUT"
	listAllSuffix     = "_IDS"
	listAllSuffixDoc  = "_RECORDS"
	listAllDTD        = "/api/2.0/fo/auth/auth_records.dtd"
	listAllDTDDoc     = "/api/2.0/fo/auth/auth_list_output.dtd"
	variantListAllDoc = "list-all-doc-sample"
	variantListAllMix = "list-all-mixed"
)

// isListAllRoot reports whether name is the root of a list-all answer of either shape.
func isListAllRoot(name string) bool { return name == listAllRoot || name == listAllRootDoc }

// listAllSetName is the element wrapping the ID set of record type typ (the i-th type named) in
// the shape the active variants ask for.
func listAllSetName(vs map[string]bool, typ string, i int) string {
	suffix := listAllSuffix
	if vs[variantListAllDoc] || (vs[variantListAllMix] && i%2 == 0) {
		suffix = listAllSuffixDoc
	}
	return "AUTH_" + strings.ToUpper(typ) + suffix
}

// listAllSetType returns the record type slug of an ID set wrapper of either shape.
func listAllSetType(name string) string {
	name = strings.TrimPrefix(name, "AUTH_")
	for _, s := range []string{listAllSuffix, listAllSuffixDoc} {
		if t, ok := strings.CutSuffix(name, s); ok {
			return strings.ToLower(t)
		}
	}
	return strings.ToLower(name)
}

// handleAuthList serves /api/2.0/fo/auth/ (list-all): per-type ID sets, in the shape the active
// variants ask for.
func (s *Server) handleAuthList(c *reqCtx) *response {
	if _, e := c.action("list"); e != nil {
		return c.errorResp(e)
	}
	if e := c.checkMethod("list", false); e != nil {
		return c.errorResp(e)
	}
	allowed := map[string]bool{}
	for _, k := range []string{"action", "echo_request", "title", "comments", "ids", "id_min", "id_max"} {
		allowed[k] = true
	}
	if unk := c.p.Unknown(allowed); len(unk) > 0 {
		return c.errorResp(wire.Unrecognized(unk))
	}
	if e := checkEcho(c.p); e != nil {
		return c.errorResp(e)
	}
	f, e := parseListFilter(c.p)
	if e != nil {
		return c.errorResp(e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var matched []*Record
	for _, r := range s.st.sortedRecords() {
		if f.match(r) {
			matched = append(matched, r)
		}
	}
	page := matched[:min(len(matched), s.cfg.PageSize)]
	resp := wire.El("RESPONSE", wire.Txt("DATETIME", wire.QualysTime(c.now)))
	if len(page) > 0 {
		byType := map[string][]int64{}
		for _, r := range page {
			byType[r.Type] = append(byType[r.Type], r.ID)
		}
		recs := wire.El("AUTH_RECORDS")
		for _, rt := range kinds.RecordTypes {
			if ids := byType[rt.Name]; len(ids) > 0 {
				recs.Add(wire.El(listAllSetName(c.variants, rt.Name, len(recs.Kids)), wire.IDSetNode(ids)))
			}
		}
		resp.Add(recs)
	}
	if len(matched) > len(page) {
		resp.Add(s.warningNode(c, page[len(page)-1].ID+1))
	}
	if c.variants[variantListAllDoc] {
		return c.ok(wire.El(listAllRootDoc, c.requestNode(), resp), listAllDTDDoc)
	}
	return c.ok(wire.El(listAllRoot, c.requestNode(), resp), listAllDTD)
}
