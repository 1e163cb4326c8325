package load

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/qsync/qsync/internal/spec"
)

// crossChecks runs the checks that need every loaded object: owner, titles, IP exclusivity, vault
// logins and the comment limit that depends on the owner.
func (l *loader) crossChecks(srcs []source) {
	fileIdx := map[string]int{}
	for i, s := range srcs {
		fileIdx[s.name] = i
	}
	before := func(a, b spec.Pos) bool {
		if a.File != b.File {
			return fileIdx[a.File] < fileIdx[b.File]
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	}
	objs := append([]*spec.Object(nil), l.doc.Objects...)
	sort.SliceStable(objs, func(i, j int) bool { return before(objs[i].Pos, objs[j].Pos) })

	l.checkOwner(srcs)
	l.checkTitles(objs)
	l.checkIPs(objs, before)
	l.checkWarnGroups(objs)
	l.checkUniqueRules(objs)

	vaults := map[string]*spec.Object{}
	for _, o := range objs {
		if o.Kind == spec.KindVault {
			if _, dup := vaults[o.Title]; !dup {
				vaults[o.Title] = o
			}
		}
	}
	for _, o := range objs {
		if o.Login == nil || o.Login.Vault == "" {
			continue
		}
		if v := vaults[o.Login.Vault]; v != nil {
			l.ds = append(l.ds, checkLogin(o, v.Def())...)
			continue
		}
		// A vault not declared here may exist in Qualys (another team's): plan checks it
		// against the live vaults (CheckVaultRefs), validate warns (UndeclaredVaultWarnings).
		l.ds = append(l.ds, checkLogin(o, nil)...)
	}

	owner := ""
	if len(l.owners) > 0 {
		owner = l.owners[0].name
	}
	for _, o := range objs {
		limit := spec.MaxComments - spec.MarkerReserve(owner, countSecretFields(o))
		if n := utf8.RuneCountInString(o.Comments); n > limit && n <= spec.MaxComments {
			l.ds.Errorf(o.FieldPos.At("comments"), spec.ObjectPath(o)+"/comments",
				"comments are %d characters; at most %d fit beside qsync's ownership marker (Qualys allows %d in all)",
				n, limit, spec.MaxComments)
		}
	}
}

// countSecretFields returns how many secret parameters o's kind has, whose fingerprints the marker
// may carry.
func countSecretFields(o *spec.Object) int {
	d := o.Def()
	if d == nil {
		return 0
	}
	n := 0
	for i := range d.Fields {
		if d.Fields[i].Type == spec.TypeSecret {
			n++
		}
	}
	return n
}

func (l *loader) checkOwner(srcs []source) {
	switch {
	case len(srcs) == 0:
	case len(l.owners) == 0 && !l.broken:
		l.ds.Errorf(spec.Pos{File: srcs[0].name, Line: 1, Col: 1}, "", "no file sets owner: add \"owner: NAME\" to exactly one file")
	case len(l.owners) > 0:
		l.doc.Owner = l.owners[0].name
		for _, o := range l.owners[1:] {
			l.ds.Errorf(o.pos, "owner", "owner is already set at %s: set it in exactly one file", l.owners[0].pos)
		}
	}
}

// checkTitles reports non-ASCII titles (Qualys documents titles as ASCII and answers 1905 for
// others), duplicate titles per kind (unix sub_types share the unix kind) and ambiguous previous
// titles.
func (l *loader) checkTitles(objs []*spec.Object) {
	first := make(map[spec.Key]*spec.Object, len(objs))
	for _, o := range objs {
		if o.Title == "" {
			continue
		}
		if i := nonASCII(o.Title); i >= 0 {
			l.ds.Errorf(o.FieldPos.At("title"), spec.ObjectPath(o)+"/title", "title has a non-ASCII character at byte %d; Qualys accepts ASCII titles only", i)
		}
		if prev, dup := first[o.Key()]; dup {
			l.ds.Errorf(o.FieldPos.At("title"), spec.ObjectPath(o)+"/title", "duplicate title: %s is also at %s (titles are unique per kind)",
				spec.ObjectLabel(prev), prev.Pos)
			continue
		}
		first[o.Key()] = o
	}
	claimed := map[spec.Key]*spec.Object{}
	for _, o := range objs {
		for i, t := range o.PreviousTitles {
			p := spec.ObjectPath(o) + fmt.Sprintf("/previous_titles/%d", i)
			pos := o.FieldPos.At("previous_titles")
			if x := l.extra[o]; x != nil {
				pos = x.previous[i]
			}
			k := spec.Key{Kind: o.Kind, Title: t}
			switch other := first[k]; {
			case t == o.Title:
				l.ds.Errorf(pos, p, "previous title %q is the current title", t)
			case other != nil:
				l.ds.Errorf(pos, p, "previous title %q is the title of %s at %s", t, spec.ObjectLabel(other), other.Pos)
			case claimed[k] != nil && claimed[k] != o:
				l.ds.Errorf(pos, p, "previous title %q is also claimed by %s at %s", t, spec.ObjectLabel(claimed[k]), claimed[k].Pos)
			default:
				claimed[k] = o
			}
		}
	}
}

// checkIPs reports an address that two records of one ExclusiveGroup both hold, once per pair of
// records, at the later record's first overlapping entry.
func (l *loader) checkIPs(objs []*spec.Object, before func(a, b spec.Pos) bool) {
	type item struct {
		o *spec.Object
		e ipEntry
	}
	groups := map[string][]item{}
	for _, o := range objs {
		d := o.Def()
		if d == nil || d.ExclusiveGroup == "" {
			continue
		}
		for _, e := range l.extra[o].ips {
			groups[d.ExclusiveGroup] = append(groups[d.ExclusiveGroup], item{o, e})
		}
	}
	for _, g := range slices.Sorted(maps.Keys(groups)) {
		items := groups[g]
		sort.SliceStable(items, func(i, j int) bool { return items[i].e.r.From().Less(items[j].e.r.From()) })
		type pair struct{ a, b *spec.Object }
		reported := map[pair]bool{}
		var active []item
		for _, it := range items {
			kept := active[:0]
			for _, a := range active {
				if !a.e.r.To().Less(it.e.r.From()) {
					kept = append(kept, a)
				}
			}
			active = kept
			for _, a := range active {
				if a.o == it.o {
					continue
				}
				early, late := a, it
				if before(it.o.Pos, a.o.Pos) {
					early, late = it, a
				}
				pr := pair{early.o, late.o}
				if reported[pr] {
					continue
				}
				reported[pr] = true
				// report at the later record's first entry that overlaps the earlier record
				at := late.e
				for _, e := range l.extra[late.o].ips {
					if early.o.IPs.Intersect(singleRange(e)).IsZero() {
						continue
					}
					at = e
					break
				}
				both := early.o.IPs.Intersect(late.o.IPs)
				l.ds.Errorf(at.pos, at.path(), "%s is in both %s and %s (at %s): an IP may belong to only one record of the %s group",
					strings.Join(both.Entries(), ", "), spec.ObjectLabel(late.o), spec.ObjectLabel(early.o), early.o.Pos, g)
			}
			active = append(active, it)
		}
	}
}

func singleRange(e ipEntry) spec.IPSet {
	s, _ := spec.ParseIPSet(spec.FormatRange(e.r))
	return s
}

var variableRE = regexp.MustCompile(`\$\{([^}]*)\}`)

// checkLogin checks a record's vault login against the vault's descriptor: the vault type is one
// the record kind accepts, parameters belong to that type, required and OneOf parameters, and ${...}
// variables. With vault nil (a vault not declared, to be found live) only the parameter names are
// checked, against every vault type the record kind accepts.
func checkLogin(o *spec.Object, vault *spec.KindDef) spec.Diagnostics {
	var ds spec.Diagnostics
	rec := o.Def()
	if rec == nil || o.Login == nil {
		return nil
	}
	base := func() string { return spec.ObjectPath(o) + "/login" } // for a message only
	var params []spec.FieldDef
	if vault == nil {
		for _, slug := range rec.LoginVaultTypes {
			if v := spec.Lookup(spec.KindVault, slug); v != nil {
				params = append(params, v.LoginParams...)
			}
		}
	} else {
		if !slices.Contains(rec.LoginVaultTypes, vault.Type) {
			ds.Errorf(o.FieldPos.At("login.vault"), base()+"/vault", "%s cannot log in through a %s vault (%s); %s accept %s",
				spec.ObjectLabel(o), vault.Type, vault.QualysType, kindName(rec), strings.Join(rec.LoginVaultTypes, ", "))
			return ds
		}
		params = vault.LoginParams
	}
	var buf [16]string
	names := buf[:0]
	for _, p := range params {
		names = append(names, p.Name)
	}
	for _, fk := range o.FieldPos.Fields() {
		k, ok := strings.CutPrefix(fk, "login.")
		if !ok || k == "vault" {
			continue
		}
		if !slices.Contains(names, k) {
			where := "for a login through a " + vaultTypeName(vault) + " vault"
			if vault == nil {
				where = "for a vault login of " + kindName(rec)
			}
			msg := fmt.Sprintf("unknown login parameter %q %s", k, where)
			if s := suggest(k, names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else if len(names) > 0 {
				msg += " (it takes " + strings.Join(slices.Compact(slices.Sorted(slices.Values(names))), ", ") + ")"
			} else {
				msg += " (it takes none)"
			}
			ds.Errorf(o.FieldPos.At(fk), base()+"/"+child("", k), "%s", msg)
			continue
		}
	}
	// set: a parameter of the vault type given a value.
	set := func(k string) bool { return o.Login.Params[k] != "" && slices.Contains(names, k) }
	if vault == nil {
		return ds
	}
	for _, p := range vault.LoginParams {
		if p.Required && !set(p.Name) {
			ds.Errorf(o.FieldPos.At("login"), base(), "a login through a %s vault needs %s", vault.Type, p.Name)
		}
	}
	for _, g := range vault.LoginOneOf {
		n := 0
		for _, k := range g {
			if set(k) {
				n++
			}
		}
		if n != 1 {
			ds.Errorf(o.FieldPos.At("login"), base(), "a login through a %s vault needs exactly one of %s (%d set)",
				vault.Type, strings.Join(g, ", "), n)
		}
	}
	var keys [16]string
	for _, k := range sortedKeys(keys[:0], o.Login.Params) {
		if !strings.Contains(o.Login.Params[k], "${") {
			continue // no variable: spare the regular expression
		}
		for _, m := range variableRE.FindAllStringSubmatch(o.Login.Params[k], -1) {
			name := m[1]
			p := func() string { return base() + "/" + child("", k) }
			switch {
			case len(vault.LoginVariables) == 0:
				ds.Errorf(o.FieldPos.At("login."+k), p(), "%s vaults take no ${...} variables; ${%s} would be sent as written", vault.Type, name)
			case !slices.Contains(vault.LoginVariables, name):
				ds.Errorf(o.FieldPos.At("login."+k), p(), "unknown variable ${%s}: %s vaults know %s", name, vault.Type, formatVariables(vault.LoginVariables))
			case len(vault.LoginVariableKinds[name]) > 0 && !slices.Contains(vault.LoginVariableKinds[name], o.Kind):
				ds.Errorf(o.FieldPos.At("login."+k), p(), "${%s} is only valid on %s records", name, joinKinds(vault.LoginVariableKinds[name]))
			}
		}
	}
	return ds
}

func vaultTypeName(v *spec.KindDef) string {
	if v == nil {
		return "matching"
	}
	return v.Type
}

func formatVariables(vs []string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = "${" + v + "}"
	}
	return strings.Join(out, ", ")
}

func joinKinds(ks []spec.Kind) string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return strings.Join(out, ", ")
}

// CheckVaultRefs checks the vault logins of desired records against the vaults that desired declares
// or that exist in live (by title). A login through
// a vault found in neither is an error; one found live is checked against the live vault's type.
func CheckVaultRefs(desired, live *spec.Document) spec.Diagnostics {
	var ds spec.Diagnostics
	find := func(d *spec.Document, title string) *spec.Object {
		if d == nil {
			return nil
		}
		return d.Find(spec.Key{Kind: spec.KindVault, Title: title})
	}
	for _, o := range desired.Objects {
		if o.Login == nil || o.Login.Vault == "" || find(desired, o.Login.Vault) != nil {
			continue
		}
		v := find(live, o.Login.Vault)
		if v == nil {
			ds.Errorf(o.FieldPos.At("login.vault"), spec.ObjectPath(o)+"/login/vault",
				"vault %q is neither declared under vaults nor found in Qualys%s", o.Login.Vault, didYouMeanVault(o.Login.Vault, desired, live))
			continue
		}
		if v.Opaque != "" {
			ds.Errorf(o.FieldPos.At("login.vault"), spec.ObjectPath(o)+"/login/vault",
				"vault %q exists in Qualys but qsync cannot represent it (%s); a record qsync manages cannot log in through it", o.Login.Vault, v.Opaque)
			continue
		}
		if def := v.Def(); def != nil {
			ds = append(ds, checkLogin(o, def)...)
		}
	}
	ds.Sort()
	return ds
}

// UndeclaredVaultWarnings returns a warning for every record login through a vault that desired
// does not declare. It is for offline validation:
// such a vault may exist in Qualys (owned by another team), which only plan can check.
func UndeclaredVaultWarnings(desired *spec.Document) spec.Diagnostics {
	var ds spec.Diagnostics
	for _, o := range desired.Objects {
		if o.Login == nil || o.Login.Vault == "" || desired.Find(spec.Key{Kind: spec.KindVault, Title: o.Login.Vault}) != nil {
			continue
		}
		ds = append(ds, spec.Diagnostic{Pos: o.FieldPos.At("login.vault"), Path: spec.ObjectPath(o) + "/login/vault", Severity: spec.SeverityWarning,
			Message: fmt.Sprintf("vault %q is not declared under vaults%s; qsync plan checks that it exists in Qualys", o.Login.Vault, didYouMeanVault(o.Login.Vault, desired, nil))})
	}
	ds.Sort()
	return ds
}

// nonASCII returns the byte offset of the first non-ASCII character of s, or -1.
func nonASCII(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return i
		}
	}
	return -1
}

// didYouMeanVault suggests a vault title of the documents close to title, as " (did you mean
// "x"?)", or "".
func didYouMeanVault(title string, docs ...*spec.Document) string {
	var titles []string
	for _, d := range docs {
		if d == nil {
			continue
		}
		for _, o := range d.Objects {
			if o.Kind == spec.KindVault {
				titles = append(titles, o.Title)
			}
		}
	}
	slices.Sort(titles)
	if s := suggest(title, titles); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}
