package qualysemu

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
	"github.com/qsync/qsync/internal/qualysemu/record"
	"github.com/qsync/qsync/internal/qualysemu/wire"
	"go4.org/netipx"
)

// handleRecords serves /api/2.0/fo/auth/<type>/.
func (s *Server) handleRecords(c *reqCtx, rt *kinds.RecordType) *response {
	action, e := c.action("list", "create", "update", "delete")
	if e != nil {
		return c.errorResp(e)
	}
	if e := c.checkMethod(action, action != "list"); e != nil {
		return c.errorResp(e)
	}
	if unk := c.p.Unknown(rt.AllowedParams(action)); len(unk) > 0 {
		return c.errorResp(wire.Unrecognized(unk))
	}
	if e := checkEcho(c.p); e != nil {
		return c.errorResp(e)
	}
	if rt.SeedOnly && !c.seed && (action == "create" || action == "update") {
		return c.errorResp(wire.Invalid("action", action,
			"the parameters of "+rt.Name+" records are not publicly documented; the emulator serves seeded ones only"))
	}
	switch action {
	case "list":
		return s.listRecords(c, rt)
	case "create":
		return s.createRecord(c, rt)
	case "update":
		return s.updateRecord(c, rt)
	default:
		return s.deleteRecord(c, rt)
	}
}

// listFilter is the ids / id_min / id_max / title / comments filter of the
// two list endpoints. title and comments are case-insensitive "contains"
// matches.
type listFilter struct {
	ids            []wire.IDRange
	idMin, idMax   int64
	title, comment string
	hasTitle       bool
	hasComment     bool
}

func parseListFilter(p *wire.Params) (listFilter, *wire.Error) {
	var f listFilter
	var e *wire.Error
	if p.Has("ids") {
		if f.ids, e = wire.ParseIDs("ids", p.Get("ids")); e != nil {
			return f, e
		}
	}
	if p.Has("id_min") {
		if f.idMin, e = wire.ParsePositive("id_min", p.Get("id_min")); e != nil {
			return f, e
		}
	}
	if p.Has("id_max") {
		if f.idMax, e = wire.ParsePositive("id_max", p.Get("id_max")); e != nil {
			return f, e
		}
	}
	f.title, f.hasTitle = strings.ToLower(p.Get("title")), p.Has("title")
	f.comment, f.hasComment = strings.ToLower(p.Get("comments")), p.Has("comments")
	return f, nil
}

func (f listFilter) match(r *Record) bool {
	if f.ids != nil && !wire.IDsContain(f.ids, r.ID) {
		return false
	}
	if f.idMin > 0 && r.ID < f.idMin {
		return false
	}
	if f.idMax > 0 && r.ID > f.idMax {
		return false
	}
	if f.hasTitle && !strings.Contains(strings.ToLower(r.Params["title"]), f.title) {
		return false
	}
	if f.hasComment && !strings.Contains(strings.ToLower(r.Params["comments"]), f.comment) {
		return false
	}
	return true
}

// warningNode is the truncation WARNING: the URL is the same request with
// id_min set to the next ID (contract row 11).
func (s *Server) warningNode(c *reqCtx, nextID int64) *wire.Node {
	var q []string
	seen := map[string]bool{}
	for _, k := range c.p.Names() {
		if k == "id_min" {
			continue
		}
		seen[k] = true
		q = append(q, url.QueryEscape(k)+"="+url.QueryEscape(c.p.Get(k)))
	}
	q = append(q, "id_min="+strconv.FormatInt(nextID, 10))
	u := c.base + c.r.URL.Path + "?" + strings.Join(q, "&")
	code := wire.Txt("CODE", "1980")
	if s.cfg.WarningWithoutCode {
		code = nil
	}
	return wire.El("WARNING",
		code,
		wire.Txt("TEXT", fmt.Sprintf("%d record limit exceeded. Use URL to get next batch of results.", s.cfg.PageSize)),
		wire.CData("URL", u))
}

func (s *Server) listRecords(c *reqCtx, rt *kinds.RecordType) *response {
	f, e := parseListFilter(c.p)
	if e != nil {
		return c.errorResp(e)
	}
	details := "basic"
	if c.p.Has("details") {
		details = strings.ToLower(c.p.Get("details"))
		if details != "none" && details != "basic" && details != "all" {
			return c.errorResp(wire.Invalid("details", c.p.Get("details"), "must be None, Basic or All"))
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var matched []*Record
	for _, r := range s.st.sortedRecords() {
		if r.Type == rt.Name && f.match(r) {
			matched = append(matched, r)
		}
	}
	up := strings.ToUpper(rt.Name)
	resp := wire.El("RESPONSE", wire.Txt("DATETIME", wire.QualysTime(c.now)))
	page := matched[:min(len(matched), s.cfg.PageSize)]
	if len(page) > 0 {
		list := wire.El("AUTH_" + up + "_LIST")
		for _, r := range page {
			list.Add(record.ListNode(rt, record.Listing{ID: r.ID, Params: r.Params, Entries: r.Entries,
				Created: r.Created, CreatedBy: r.CreatedBy, LastModified: r.LastModified},
				details, listShapeOf(rt, c.variants), storeVaults{s.st}))
		}
		resp.Add(list)
	}
	if len(matched) > len(page) {
		resp.Add(s.warningNode(c, page[len(page)-1].ID+1))
	}
	root := wire.El("AUTH_"+up+"_LIST_OUTPUT", c.requestNode(), resp)
	return c.ok(root, "/api/2.0/fo/auth/"+rt.Name+"/auth_"+rt.Name+"_list_output.dtd")
}

// batchReturn renders BATCH_RETURN with one BATCH per outcome.
func batchReturn(c *reqCtx, batches ...*wire.Node) *response {
	root := wire.El("BATCH_RETURN", c.requestNode(),
		wire.El("RESPONSE", wire.Txt("DATETIME", wire.QualysTime(c.now)), wire.El("BATCH_LIST", batches...)))
	return c.ok(root, "/api/2.0/batch_return.dtd")
}

func (s *Server) createRecord(c *reqCtx, rt *kinds.RecordType) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, e := record.Build(s.recordRequest(c, rt, nil))
	if e != nil {
		return c.errorResp(e)
	}
	entries, e := record.BuildEntries(c.p.XML, rt, nil, s.nextEntryID, storeVaults{s.st})
	if e != nil {
		return c.errorResp(e)
	}
	if e := s.checkTitle(rt, m["title"], nil); e != nil {
		return c.errorResp(e)
	}
	set := wire.StoredIPs(m["ips"])
	if e := s.checkIPs(c, rt, "ips", map[int64]*netipx.IPSet{0: set}); e != nil {
		return c.errorResp(e)
	}
	if e := s.checkUnique(rt, map[int64]map[string]string{0: m}); e != nil {
		return c.errorResp(e)
	}
	if _, used := s.st.records[c.pinID]; used {
		return c.errorResp(wire.Invalid("id", strconv.FormatInt(c.pinID, 10), "record ID already in use"))
	}
	prev := s.beginWrite()
	id := s.insertRecord(rt, m, c.user, c.pinID)
	s.st.records[id].Entries = entries
	if e := s.commit(prev); e != nil {
		return c.errorResp(e)
	}
	resp := batchReturn(c, wire.El("BATCH", wire.Txt("TEXT", "Successfully Created"), wire.IDSetNode([]int64{id})))
	resp.write = true
	return resp
}

// insertRecord stores a new record; id 0 takes the next ID of the shared
// sequence. Caller holds s.mu.
func (s *Server) insertRecord(rt *kinds.RecordType, m map[string]string, user string, id int64) int64 {
	if id == 0 {
		id = s.st.nextRecordID
	}
	s.st.nextRecordID = max(s.st.nextRecordID, id+1)
	now := s.cfg.Now()
	s.st.putRecord(&Record{ID: id, Type: rt.Name, Params: m, Created: now, CreatedBy: user,
		LastModified: now, LastModifiedBy: user})
	return id
}

// selectRecords resolves the ids parameter of update and delete to the
// records of type rt, sorted by ID, and the ID ranges that matched nothing.
func (s *Server) selectRecords(c *reqCtx, rt *kinds.RecordType) (tokens []wire.IDRange, found []*Record, missing []wire.IDRange, e *wire.Error) {
	if !c.p.Given("ids") {
		return nil, nil, nil, wire.Missing("ids")
	}
	tokens, e = wire.ParseIDs("ids", c.p.Get("ids"))
	if e != nil {
		return nil, nil, nil, e
	}
	hit := map[int64]bool{}
	for _, r := range s.st.records {
		if r.Type == rt.Name && wire.IDsContain(tokens, r.ID) {
			found = append(found, r)
			hit[r.ID] = true
		}
	}
	sortByID(found)
	if len(found) == 0 {
		return nil, nil, nil, wire.Invalid("ids", c.p.Get("ids"), "no such record")
	}
	return tokens, found, wire.MissingIDs(tokens, hit), nil
}

// outcomeBatches is the BATCH for the IDs that worked (echoed as sent when
// all worked) and, when some IDs matched nothing, a BATCH with CODE 1905
// (contract row 10).
func outcomeBatches(text string, tokens []wire.IDRange, found []*Record, missing []wire.IDRange) []*wire.Node {
	var okSet *wire.Node
	if len(missing) == 0 {
		okSet = wire.IDTokensNode(tokens)
	} else {
		ids := make([]int64, len(found))
		for i, r := range found {
			ids[i] = r.ID
		}
		okSet = wire.IDSetNode(ids)
	}
	out := []*wire.Node{wire.El("BATCH", wire.Txt("TEXT", text), okSet)}
	if len(missing) > 0 {
		out = append(out, wire.El("BATCH", wire.Txt("CODE", "1905"), wire.Txt("TEXT", "Record(s) not found"), wire.IDTokensNode(missing)))
	}
	return out
}

func (s *Server) updateRecord(c *reqCtx, rt *kinds.RecordType) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	tokens, found, missing, e := s.selectRecords(c, rt)
	if e != nil {
		return c.errorResp(e)
	}
	updated := make(map[int64]map[string]string, len(found))
	entries := make(map[int64]map[string][]record.Entry, len(found))
	for _, r := range found {
		m, e := record.Build(s.recordRequest(c, rt, r))
		if e != nil {
			return c.errorResp(e)
		}
		updated[r.ID] = m
		if entries[r.ID], e = record.BuildEntries(c.p.XML, rt, r.Entries, s.nextEntryID, storeVaults{s.st}); e != nil {
			return c.errorResp(e)
		}
	}
	if c.p.Has("title") {
		if len(found) > 1 {
			return c.errorResp(wire.Invalid("title", c.p.Get("title"), "title already exists"))
		}
		if e := s.checkTitle(rt, c.p.Get("title"), updated); e != nil {
			return c.errorResp(e)
		}
	}
	if c.p.Has("ips") || c.p.Has("add_ips") {
		sets := make(map[int64]*netipx.IPSet, len(updated))
		for id, m := range updated {
			sets[id] = wire.StoredIPs(m["ips"])
		}
		name := "ips"
		if !c.p.Has("ips") {
			name = "add_ips"
		}
		if e := s.checkIPs(c, rt, name, sets); e != nil {
			return c.errorResp(e)
		}
	}
	if e := s.checkUnique(rt, updated); e != nil {
		return c.errorResp(e)
	}
	if len(missing) == 0 && unchanged(found, updated, entries) {
		resp := nothingToChangeAnswer(c, tokens)
		resp.write = true
		return resp
	}
	prev := s.beginWrite()
	now := s.cfg.Now()
	for _, r := range found {
		s.st.dropRecord(r)
		r.Params, r.Entries = updated[r.ID], entries[r.ID]
		r.LastModified, r.LastModifiedBy = now, c.user
		s.st.putRecord(r)
	}
	if e := s.commit(prev); e != nil {
		return c.errorResp(e)
	}
	resp := batchReturn(c, outcomeBatches("Successfully Updated", tokens, found, missing)...)
	resp.write = true
	if len(missing) > 0 {
		resp.code = 1905
	}
	return resp
}

func (s *Server) deleteRecord(c *reqCtx, rt *kinds.RecordType) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	tokens, found, missing, e := s.selectRecords(c, rt)
	if e != nil {
		return c.errorResp(e)
	}
	prev := s.beginWrite()
	for _, r := range found {
		s.st.dropRecord(r)
		delete(s.ipCache, r.ID)
	}
	if e := s.commit(prev); e != nil {
		return c.errorResp(e)
	}
	resp := batchReturn(c, outcomeBatches("Successfully Deleted", tokens, found, missing)...)
	resp.write = true
	if len(missing) > 0 {
		resp.code = 1905
	}
	return resp
}

// checkTitle enforces title uniqueness per record type (or across types
// with Config.TitlesUniqueAcrossTypes), ignoring the records in skip.
// Caller holds s.mu.
func (s *Server) checkTitle(rt *kinds.RecordType, title string, skip map[int64]map[string]string) *wire.Error {
	types := []*kinds.RecordType{rt}
	if s.cfg.TitlesUniqueAcrossTypes {
		types = kinds.RecordTypes
	}
	for _, t := range types {
		if id, ok := s.st.titles[titleKey(t.Name, title)]; ok {
			if _, self := skip[id]; !self {
				return wire.Invalid("title", title, "title already exists")
			}
		}
	}
	return nil
}

// checkIPs enforces IP exclusivity within rt's group: the new IP sets (by
// record ID; 0 for a record being created) must not overlap any other
// record of the group, nor each other (contract row 7). Caller holds s.mu.
func (s *Server) checkIPs(c *reqCtx, rt *kinds.RecordType, param string, sets map[int64]*netipx.IPSet) *wire.Error {
	group := rt.IPGroup
	if group == "" || (rt.IPsShareable && s.cfg.WindowsIPsShared) {
		return nil
	}
	conflict := func(a, b *netipx.IPSet, other *Record) *wire.Error {
		var sb netipx.IPSetBuilder
		sb.AddSet(a)
		sb.Intersect(b)
		both, _ := sb.IPSet()
		first := ""
		if rs := both.Ranges(); len(rs) > 0 {
			first = wire.RangeString(rs[0])
		}
		return s.ipConflict(c, param, first, other)
	}
	var hit *Record
	var hitSet *netipx.IPSet
	for _, r := range s.st.records {
		if _, self := sets[r.ID]; self || (hit != nil && r.ID > hit.ID) {
			continue
		}
		ort := kinds.RecordTypeByName(r.Type)
		if ort == nil || ort.IPGroup != group {
			continue
		}
		other := s.recordIPs(r)
		for _, set := range sets {
			if set.Overlaps(other) {
				hit, hitSet = r, set
				break
			}
		}
	}
	if hit != nil {
		return conflict(hitSet, s.recordIPs(hit), hit)
	}
	ids := make([]int64, 0, len(sets))
	for id := range sets {
		ids = append(ids, id)
	}
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			a, b := ids[i], ids[j]
			if a > b {
				a, b = b, a
			}
			if sets[a].Overlaps(sets[b]) {
				return conflict(sets[b], sets[a], s.st.records[a])
			}
		}
	}
	return nil
}

// recordIPs returns the parsed IP set of r, cached. Caller holds s.mu.
func (s *Server) recordIPs(r *Record) *netipx.IPSet {
	stored := r.Params["ips"]
	if e, ok := s.ipCache[r.ID]; ok && e.stored == stored {
		return e.set
	}
	set := wire.StoredIPs(stored)
	s.ipCache[r.ID] = ipCacheEntry{stored: stored, set: set}
	return set
}

// variantListWords renders every record type like the MySQL sample (the shape the emulator served
// before the Doc Center evidence), so that both shapes stay rehearsed.
const variantListWords = "list-booleans-words"

// listShapeOf returns the list shape of rt under the active variants.
func listShapeOf(rt *kinds.RecordType, vs map[string]bool) kinds.ListShape {
	if vs[variantListWords] {
		return kinds.ListShape{}
	}
	return kinds.ListShapes[rt.Name]
}

// recordRequest is the validation of a create (old == nil) or an update of old. Caller holds s.mu.
func (s *Server) recordRequest(c *reqCtx, rt *kinds.RecordType, old *Record) record.Request {
	req := record.Request{Params: c.p, Type: rt, IPsUnmerged: s.cfg.IPsUnmerged, Vaults: storeVaults{s.st}}
	if old != nil {
		req.Old, req.OldIPs = old.Params, s.recordIPs(old)
	}
	return req
}

// storeVaults is the stored vaults as the record rules read them. Caller holds s.mu.
type storeVaults struct{ st *store }

// Vault returns the type and title of the stored vault id.
func (v storeVaults) Vault(id int64) (typ, title string, ok bool) {
	if vt := v.st.vaults[id]; vt != nil {
		return vt.Type, vt.Params["title"], true
	}
	return "", "", false
}

// nextEntryID returns an entry ID above every stored one. Caller holds s.mu.
func (s *Server) nextEntryID() int64 {
	next := int64(70000001)
	for _, r := range s.st.records {
		for _, list := range r.Entries {
			for _, e := range list {
				next = max(next, e.ID+1)
			}
		}
	}
	return next
}
