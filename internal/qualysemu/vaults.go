package qualysemu

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
	"github.com/qsync/qsync/internal/qualysemu/wire"
)

// vaultCommon are the parameters every vault create and update takes.
var vaultCommon = []string{"action", "echo_request", "id", "title", "type", "comments"}

// handleVaults serves /api/2.0/fo/vault/ (also .../index.php and
// .../index.php/).
func (s *Server) handleVaults(c *reqCtx) *response {
	action, e := c.action("list", "view", "create", "update", "delete")
	if e != nil {
		return c.errorResp(e)
	}
	write := action == "create" || action == "update" || action == "delete"
	if e := c.checkMethod(action, write); e != nil {
		return c.errorResp(e)
	}
	var allowed []string
	switch action {
	case "list":
		allowed = []string{"action", "echo_request", "title", "type", "modified", "orderby", "sortorder", "limit", "offset"}
	case "view", "delete":
		allowed = []string{"action", "echo_request", "id"}
	}
	if allowed != nil {
		set := map[string]bool{}
		for _, k := range allowed {
			set[k] = true
		}
		if unk := c.p.Unknown(set); len(unk) > 0 {
			return c.errorResp(wire.Unrecognized(unk))
		}
	}
	if e := checkEcho(c.p); e != nil {
		return c.errorResp(e)
	}
	switch action {
	case "list":
		return s.listVaults(c)
	case "view":
		return s.viewVault(c)
	case "delete":
		return s.deleteVault(c)
	default:
		return s.writeVault(c, action)
	}
}

// vaultByID resolves the singular id selector. Caller holds s.mu.
func (s *Server) vaultByID(c *reqCtx) (*Vault, *wire.Error) {
	if !c.p.Given("id") {
		return nil, wire.Missing("id")
	}
	id, e := wire.ParsePositive("id", c.p.Get("id"))
	if e != nil {
		return nil, e
	}
	v := s.st.vaults[id]
	if v == nil {
		return nil, wire.Invalid("id", c.p.Get("id"), "no such vault")
	}
	return v, nil
}

func vaultIDResponse(c *reqCtx, id int64) *response {
	return c.simpleReturn(200, 0, "Success", [][2]string{{"ID", strconv.FormatInt(id, 10)}})
}

func (s *Server) writeVault(c *reqCtx, action string) *response {
	p := c.p
	create := action == "create"
	var missing []string
	need := func(n string) {
		if !p.Given(n) {
			missing = append(missing, n)
		}
	}
	if !create {
		need("id")
	}
	if create {
		need("title")
	}
	need("type")
	vt := kinds.VaultTypeByName(p.Get("type"))
	if vt != nil {
		for _, vp := range vt.Params {
			if (create && vp.RequiredCreate) || (!create && vp.RequiredUpdate) {
				need(vp.Name)
			}
		}
	}
	// Unknown parameters are reported before missing ones.
	if vt != nil && !vt.Open {
		allowed := map[string]bool{}
		for _, k := range vaultCommon {
			allowed[k] = true
		}
		if create {
			delete(allowed, "id")
		}
		for _, vp := range vt.Params {
			allowed[vp.Name] = true
		}
		if unk := p.Unknown(allowed); len(unk) > 0 {
			return c.errorResp(wire.Unrecognized(unk))
		}
	}
	if len(missing) > 0 {
		return c.errorResp(wire.Missing(missing...))
	}
	if vt == nil {
		return c.errorResp(wire.Invalid("type", p.Get("type"), "unknown vault type"))
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var v *Vault
	m := map[string]string{}
	if !create {
		var e *wire.Error
		if v, e = s.vaultByID(c); e != nil {
			return c.errorResp(e)
		}
		if v.Type != vt.Name {
			return c.errorResp(wire.Invalid("type", vt.Name, fmt.Sprintf("vault %d is of type %s", v.ID, v.Type)))
		}
		for k, val := range v.Params {
			m[k] = val
		}
	}
	for _, k := range p.Names() {
		val := p.Get(k)
		switch k {
		case "action", "echo_request", "id", "type":
		case "title":
			if val == "" {
				return c.errorResp(wire.Invalid(k, val, "empty title"))
			}
			if utf8.RuneCountInString(val) > maxTitle {
				return c.errorResp(wire.Invalid(k, val, fmt.Sprintf("longer than %d characters", maxTitle)))
			}
			m[k] = val
		case "comments":
			if utf8.RuneCountInString(val) > maxComments {
				return c.errorResp(wire.Invalid(k, val, fmt.Sprintf("longer than %d characters", maxComments)))
			}
			setOrClear(m, k, val)
		default:
			if e := setVaultParam(vt, m, k, val); e != nil {
				return c.errorResp(e)
			}
		}
	}
	for _, other := range s.st.vaults {
		if (v == nil || other.ID != v.ID) && other.Params["title"] == m["title"] {
			return c.errorResp(wire.Invalid("title", m["title"], "title already exists"))
		}
	}
	prev := s.beginWrite()
	now := s.cfg.Now()
	if _, used := s.st.vaults[c.pinID]; create && used {
		return c.errorResp(wire.Invalid("id", strconv.FormatInt(c.pinID, 10), "vault ID already in use"))
	}
	if create {
		id := s.insertVault(vt.Name, m, c.user, c.pinID)
		v = s.st.vaults[id]
	} else {
		v.Params = m
		v.LastModified, v.LastModifiedBy = now, c.user
	}
	if e := s.commit(prev); e != nil {
		return c.errorResp(e)
	}
	resp := vaultIDResponse(c, v.ID)
	resp.write = true
	return resp
}

// insertVault stores a new vault; id 0 takes the next vault ID. Caller holds
// s.mu.
func (s *Server) insertVault(typ string, m map[string]string, user string, id int64) int64 {
	if id == 0 {
		id = s.st.nextVaultID
	}
	s.st.nextVaultID = max(s.st.nextVaultID, id+1)
	now := s.cfg.Now()
	s.st.vaults[id] = &Vault{ID: id, Type: typ, Params: m, Created: now, CreatedBy: user, LastModified: now, LastModifiedBy: user}
	return id
}

func setVaultParam(vt *kinds.VaultType, m map[string]string, k, v string) *wire.Error {
	vp := vt.Param(k)
	if vp == nil {
		setOrClear(m, k, v) // open type
		return nil
	}
	shown := v
	if vp.Secret {
		shown = wire.Mask
	}
	switch vp.Kind {
	case kinds.KindBool:
		if v != "0" && v != "1" {
			return wire.Invalid(k, v, "must be 0 or 1")
		}
	case kinds.KindInt:
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 65535 {
			return wire.Invalid(k, v, "must be a port number")
		}
	}
	if vp.MaxLen > 0 && utf8.RuneCountInString(v) > vp.MaxLen {
		return wire.Invalid(k, shown, fmt.Sprintf("longer than %d characters", vp.MaxLen))
	}
	if vp.NoAt && strings.Contains(v, "@") {
		return wire.Invalid(k, shown, "must not contain @")
	}
	if v != "" && vp.Values != nil && !slices.Contains(vp.Values, v) {
		return wire.Invalid(k, v, "must be one of: "+strings.Join(vp.Values, ", "))
	}
	if vp.URL && v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme+":" != "http:" && u.Scheme+":" != "https:") || u.Host == "" {
			return wire.Invalid(k, v, "not an HTTP or HTTPS URL")
		}
	}
	setOrClear(m, k, v)
	return nil
}

func (s *Server) deleteVault(c *reqCtx) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, e := s.vaultByID(c)
	if e != nil {
		return c.errorResp(e)
	}
	users := 0
	for _, r := range s.st.records {
		if r.Params["login_type"] == kinds.LoginVault && r.Params["vault_id"] == strconv.FormatInt(v.ID, 10) {
			users++
		}
	}
	if users > 0 {
		return c.errorResp(wire.Invalid("id", c.p.Get("id"), fmt.Sprintf("vault is used by %d authentication record(s)", users)))
	}
	prev := s.beginWrite()
	delete(s.st.vaults, v.ID)
	if e := s.commit(prev); e != nil {
		return c.errorResp(e)
	}
	resp := vaultIDResponse(c, v.ID)
	resp.write = true
	return resp
}

func (s *Server) listVaults(c *reqCtx) *response {
	p := c.p
	var since time.Time
	if p.Has("modified") {
		var err error
		if since, err = time.Parse("2006-01-02T15:04:05Z", p.Get("modified")); err != nil {
			if since, err = time.Parse("2006-01-02", p.Get("modified")); err != nil {
				return c.errorResp(wire.Invalid("modified", p.Get("modified"), "must be YYYY-MM-DD[THH:MM:SSZ]"))
			}
		}
	}
	orderBy := "id"
	if p.Has("orderby") {
		orderBy = p.Get("orderby")
		if !slices.Contains([]string{"id", "title", "system_name", "last_modified", "last_modified_by"}, orderBy) {
			return c.errorResp(wire.Invalid("orderby", orderBy, ""))
		}
	}
	desc := false
	if p.Has("sortorder") {
		switch p.Get("sortorder") {
		case "asc":
		case "desc":
			desc = true
		default:
			return c.errorResp(wire.Invalid("sortorder", p.Get("sortorder"), "must be asc or desc"))
		}
	}
	if p.Has("limit") != p.Has("offset") {
		if p.Has("limit") {
			return c.errorResp(wire.Missing("offset"))
		}
		return c.errorResp(wire.Missing("limit"))
	}
	limit, offset := -1, 0
	if p.Has("limit") {
		l, err1 := strconv.Atoi(p.Get("limit"))
		o, err2 := strconv.Atoi(p.Get("offset"))
		if err1 != nil || l < 1 {
			return c.errorResp(wire.Invalid("limit", p.Get("limit"), "not a positive integer"))
		}
		if err2 != nil || o < 0 {
			return c.errorResp(wire.Invalid("offset", p.Get("offset"), "not a non-negative integer"))
		}
		limit, offset = l, o
	}
	if p.Has("type") && kinds.VaultTypeByName(p.Get("type")) == nil {
		return c.errorResp(wire.Invalid("type", p.Get("type"), "unknown vault type"))
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var vs []*Vault
	for _, v := range s.st.sortedVaults() {
		if p.Has("title") && !strings.Contains(strings.ToLower(v.Params["title"]), strings.ToLower(p.Get("title"))) {
			continue
		}
		if p.Has("type") && v.Type != p.Get("type") {
			continue
		}
		if !since.IsZero() && v.LastModified.Before(since) {
			continue
		}
		vs = append(vs, v)
	}
	key := func(v *Vault) string {
		switch orderBy {
		case "title":
			return v.Params["title"]
		case "system_name":
			return v.Type
		case "last_modified":
			return wire.QualysTime(v.LastModified)
		case "last_modified_by":
			return v.LastModifiedBy
		}
		return ""
	}
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := vs[i], vs[j]
		if desc {
			a, b = b, a
		}
		if orderBy == "id" {
			return a.ID < b.ID
		}
		if ka, kb := key(a), key(b); ka != kb {
			return ka < kb
		}
		return a.ID < b.ID
	})
	if limit > 0 {
		vs = vs[min(offset, len(vs)):min(offset+limit, len(vs))]
	}
	resp := wire.El("RESPONSE", wire.Txt("DATETIME", wire.QualysTime(c.now)), wire.Txt("STATUS", "Success"), wire.Txt("COUNT", strconv.Itoa(len(vs))))
	if len(vs) > 0 {
		list := wire.El("AUTH_VAULTS")
		for _, v := range vs {
			list.Add(wire.El("AUTH_VAULT",
				wire.CData("TITLE", v.Params["title"]),
				wire.CData("VAULT_TYPE", v.Type),
				wire.El("LAST_MODIFIED", wire.Txt("DATETIME", wire.QualysTime(v.LastModified)), wire.Txt("BY", v.LastModifiedBy)),
				wire.Txt("ID", strconv.FormatInt(v.ID, 10))))
		}
		resp.Add(list)
	}
	return c.ok(wire.El("AUTH_VAULT_LIST_OUTPUT", c.requestNode(), resp), "/api/2.0/fo/vault/vault_output.dtd")
}

// viewVault answers action=view with AUTH_VAULT_VIEW_OUTPUT (contract row
// 1), or a SIMPLE_RETURN ITEM_LIST with Config.VaultViewSimpleReturn.
// Secrets are never returned.
func (s *Server) viewVault(c *reqCtx) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, e := s.vaultByID(c)
	if e != nil {
		return c.errorResp(e)
	}
	vt := kinds.VaultTypeByName(v.Type)
	type setting struct{ elem, value string }
	var settings []setting
	add := func(name, val string, isBool bool) {
		if isBool {
			val = wire.BoolText(val)
		}
		settings = append(settings, setting{strings.ToUpper(name), val})
	}
	for _, vp := range vt.Params {
		if val, ok := v.Params[vp.Name]; ok && !vp.Secret {
			add(vp.Name, val, vp.Kind == kinds.KindBool)
		}
	}
	if vt.Open {
		var names []string
		for k := range v.Params {
			if k != "title" && k != "comments" && !vt.IsSecret(k) {
				names = append(names, k)
			}
		}
		slices.Sort(names)
		for _, k := range names {
			add(k, v.Params[k], false)
		}
	}
	id := strconv.FormatInt(v.ID, 10)
	if s.cfg.VaultViewSimpleReturn {
		items := [][2]string{{"ID", id}, {"TITLE", v.Params["title"]}, {"VAULT_TYPE", v.Type}}
		if cm, ok := v.Params["comments"]; ok {
			items = append(items, [2]string{"COMMENTS", cm})
		}
		items = append(items, [2]string{"LAST_MODIFIED", wire.QualysTime(v.LastModified)})
		for _, st := range settings {
			items = append(items, [2]string{st.elem, st.value})
		}
		return c.simpleReturn(200, 0, "Success", items)
	}
	av := wire.El("AUTH_VAULT", wire.Txt("ID", id), wire.CData("TITLE", v.Params["title"]), wire.CData("VAULT_TYPE", v.Type))
	if cm, ok := v.Params["comments"]; ok {
		av.Add(wire.CData("COMMENTS", cm))
	}
	av.Add(wire.El("LAST_MODIFIED", wire.Txt("DATETIME", wire.QualysTime(v.LastModified)), wire.Txt("BY", v.LastModifiedBy)))
	for _, st := range settings {
		if st.value == "true" || st.value == "false" {
			av.Add(wire.Txt(st.elem, st.value))
		} else {
			av.Add(wire.CData(st.elem, st.value))
		}
	}
	root := wire.El("AUTH_VAULT_VIEW_OUTPUT", c.requestNode(), wire.El("RESPONSE", wire.Txt("DATETIME", wire.QualysTime(c.now)), av))
	return c.ok(root, "/api/2.0/fo/vault/vault_view_output.dtd")
}
