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
		if unk := c.p.unknown(set); len(unk) > 0 {
			return c.errorResp(errUnrecognized(unk))
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
func (s *Server) vaultByID(c *reqCtx) (*Vault, *apiError) {
	if !c.p.given("id") {
		return nil, errMissing("id")
	}
	id, e := parsePositive("id", c.p.get("id"))
	if e != nil {
		return nil, e
	}
	v := s.st.vaults[id]
	if v == nil {
		return nil, errInvalid("id", c.p.get("id"), "no such vault")
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
		if !p.given(n) {
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
	vt := kinds.VaultTypeByName(p.get("type"))
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
		if unk := p.unknown(allowed); len(unk) > 0 {
			return c.errorResp(errUnrecognized(unk))
		}
	}
	if len(missing) > 0 {
		return c.errorResp(errMissing(missing...))
	}
	if vt == nil {
		return c.errorResp(errInvalid("type", p.get("type"), "unknown vault type"))
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var v *Vault
	m := map[string]string{}
	if !create {
		var e *apiError
		if v, e = s.vaultByID(c); e != nil {
			return c.errorResp(e)
		}
		if v.Type != vt.Name {
			return c.errorResp(errInvalid("type", vt.Name, fmt.Sprintf("vault %d is of type %s", v.ID, v.Type)))
		}
		for k, val := range v.Params {
			m[k] = val
		}
	}
	for _, k := range p.names() {
		val := p.get(k)
		switch k {
		case "action", "echo_request", "id", "type":
		case "title":
			if val == "" {
				return c.errorResp(errInvalid(k, val, "empty title"))
			}
			if utf8.RuneCountInString(val) > maxTitle {
				return c.errorResp(errInvalid(k, val, fmt.Sprintf("longer than %d characters", maxTitle)))
			}
			m[k] = val
		case "comments":
			if utf8.RuneCountInString(val) > maxComments {
				return c.errorResp(errInvalid(k, val, fmt.Sprintf("longer than %d characters", maxComments)))
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
			return c.errorResp(errInvalid("title", m["title"], "title already exists"))
		}
	}
	prev := s.beginWrite()
	now := s.cfg.Now()
	if _, used := s.st.vaults[c.pinID]; create && used {
		return c.errorResp(errInvalid("id", strconv.FormatInt(c.pinID, 10), "vault ID already in use"))
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

func setVaultParam(vt *kinds.VaultType, m map[string]string, k, v string) *apiError {
	vp := vt.Param(k)
	if vp == nil {
		setOrClear(m, k, v) // open type
		return nil
	}
	shown := v
	if vp.Secret {
		shown = mask
	}
	switch vp.Kind {
	case kinds.KindBool:
		if v != "0" && v != "1" {
			return errInvalid(k, v, "must be 0 or 1")
		}
	case kinds.KindInt:
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 65535 {
			return errInvalid(k, v, "must be a port number")
		}
	}
	if vp.MaxLen > 0 && utf8.RuneCountInString(v) > vp.MaxLen {
		return errInvalid(k, shown, fmt.Sprintf("longer than %d characters", vp.MaxLen))
	}
	if vp.NoAt && strings.Contains(v, "@") {
		return errInvalid(k, shown, "must not contain @")
	}
	if v != "" && vp.Values != nil && !slices.Contains(vp.Values, v) {
		return errInvalid(k, v, "must be one of: "+strings.Join(vp.Values, ", "))
	}
	if vp.URL && v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme+":" != "http:" && u.Scheme+":" != "https:") || u.Host == "" {
			return errInvalid(k, v, "not an HTTP or HTTPS URL")
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
		return c.errorResp(errInvalid("id", c.p.get("id"), fmt.Sprintf("vault is used by %d authentication record(s)", users)))
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
	if p.has("modified") {
		var err error
		if since, err = time.Parse("2006-01-02T15:04:05Z", p.get("modified")); err != nil {
			if since, err = time.Parse("2006-01-02", p.get("modified")); err != nil {
				return c.errorResp(errInvalid("modified", p.get("modified"), "must be YYYY-MM-DD[THH:MM:SSZ]"))
			}
		}
	}
	orderBy := "id"
	if p.has("orderby") {
		orderBy = p.get("orderby")
		if !slices.Contains([]string{"id", "title", "system_name", "last_modified", "last_modified_by"}, orderBy) {
			return c.errorResp(errInvalid("orderby", orderBy, ""))
		}
	}
	desc := false
	if p.has("sortorder") {
		switch p.get("sortorder") {
		case "asc":
		case "desc":
			desc = true
		default:
			return c.errorResp(errInvalid("sortorder", p.get("sortorder"), "must be asc or desc"))
		}
	}
	if p.has("limit") != p.has("offset") {
		if p.has("limit") {
			return c.errorResp(errMissing("offset"))
		}
		return c.errorResp(errMissing("limit"))
	}
	limit, offset := -1, 0
	if p.has("limit") {
		l, err1 := strconv.Atoi(p.get("limit"))
		o, err2 := strconv.Atoi(p.get("offset"))
		if err1 != nil || l < 1 {
			return c.errorResp(errInvalid("limit", p.get("limit"), "not a positive integer"))
		}
		if err2 != nil || o < 0 {
			return c.errorResp(errInvalid("offset", p.get("offset"), "not a non-negative integer"))
		}
		limit, offset = l, o
	}
	if p.has("type") && kinds.VaultTypeByName(p.get("type")) == nil {
		return c.errorResp(errInvalid("type", p.get("type"), "unknown vault type"))
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var vs []*Vault
	for _, v := range s.st.sortedVaults() {
		if p.has("title") && !strings.Contains(strings.ToLower(v.Params["title"]), strings.ToLower(p.get("title"))) {
			continue
		}
		if p.has("type") && v.Type != p.get("type") {
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
			return qualysTime(v.LastModified)
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
	resp := el("RESPONSE", txt("DATETIME", qualysTime(c.now)), txt("STATUS", "Success"), txt("COUNT", strconv.Itoa(len(vs))))
	if len(vs) > 0 {
		list := el("AUTH_VAULTS")
		for _, v := range vs {
			list.add(el("AUTH_VAULT",
				cdata("TITLE", v.Params["title"]),
				cdata("VAULT_TYPE", v.Type),
				el("LAST_MODIFIED", txt("DATETIME", qualysTime(v.LastModified)), txt("BY", v.LastModifiedBy)),
				txt("ID", strconv.FormatInt(v.ID, 10))))
		}
		resp.add(list)
	}
	return c.ok(el("AUTH_VAULT_LIST_OUTPUT", c.requestNode(), resp), "/api/2.0/fo/vault/vault_output.dtd")
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
			val = boolText(val)
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
		items = append(items, [2]string{"LAST_MODIFIED", qualysTime(v.LastModified)})
		for _, st := range settings {
			items = append(items, [2]string{st.elem, st.value})
		}
		return c.simpleReturn(200, 0, "Success", items)
	}
	av := el("AUTH_VAULT", txt("ID", id), cdata("TITLE", v.Params["title"]), cdata("VAULT_TYPE", v.Type))
	if cm, ok := v.Params["comments"]; ok {
		av.add(cdata("COMMENTS", cm))
	}
	av.add(el("LAST_MODIFIED", txt("DATETIME", qualysTime(v.LastModified)), txt("BY", v.LastModifiedBy)))
	for _, st := range settings {
		if st.value == "true" || st.value == "false" {
			av.add(txt(st.elem, st.value))
		} else {
			av.add(cdata(st.elem, st.value))
		}
	}
	root := el("AUTH_VAULT_VIEW_OUTPUT", c.requestNode(), el("RESPONSE", txt("DATETIME", qualysTime(c.now)), av))
	return c.ok(root, "/api/2.0/fo/vault/vault_view_output.dtd")
}
