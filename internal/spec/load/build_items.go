package load

import (
	"maps"
	"slices"
	"strings"

	"github.com/qsync/qsync/internal/spec"
)

// items reads a TypeItems field: a list of mappings, each key one of the SubFields.
func (l *loader) items(f *yamlFile, p string, fd *spec.FieldDef, val any, o *spec.Object, x *objExtra) {
	list, ok := val.([]any)
	if !ok {
		return // the schema says it must be a list
	}
	out := []spec.Item{}
	for i, e := range list {
		ep := child(p, i)
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		it := spec.Item{Attrs: map[string]string{}, Pos: f.at(ep)}
		var buf [16]string
		for _, k := range sortedKeys(buf[:0], m) {
			kp := child(ep, k)
			var sf *spec.FieldDef
			for j := range fd.SubFields {
				if fd.SubFields[j].Name == k {
					sf = &fd.SubFields[j]
				}
			}
			if sf == nil {
				var names []string
				for _, s := range fd.SubFields {
					names = append(names, s.Name)
				}
				l.unknownKey(f, ep, k, names, "in an entry of "+fd.Name)
				continue
			}
			switch sf.Type {
			case spec.TypeSecret:
				if vm, isMap := m[k].(map[string]any); isMap && sf.Vault && vm["vault"] != nil {
					if it.Vaults == nil {
						it.Vaults = map[string]*spec.VaultLogin{}
					}
					it.Vaults[k] = l.itemVaultLogin(f, kp, vm)
					continue
				}
				if ref, ok := l.secretRef(f, memberPath(ep, -1, k), sf, m[k]); ok {
					if it.Secrets == nil {
						it.Secrets = map[string]spec.SecretRef{}
					}
					it.Secrets[k] = ref
					it.Attrs[k] = spec.SourceBasic
				}
			default:
				s, isStr := m[k].(string)
				if !isStr {
					continue // the schema reports the type
				}
				if c, err := spec.Canonical(sf, s); err == nil && c != "" {
					it.Attrs[k] = c
				}
			}
		}
		for j := range fd.SubFields {
			sf := &fd.SubFields[j]
			_, written := m[sf.Name]
			switch {
			case sf.Required && !written:
				l.valueErrorf(f.at(ep), ep, "an entry of %s needs %s", fd.Name, sf.Name)
			case sf.Basic && !written && !spec.ViaVault(fd, it):
				l.valueErrorf(f.at(ep), ep, "an entry of %s given directly needs %s: %s", fd.Name, sf.Name, sf.Doc)
			}
		}
		for j := range fd.SubFields {
			sf := &fd.SubFields[j]
			_, given := it.Secrets[sf.Name]
			switch {
			case sf.ShownBy == "":
			case given && it.Attrs[sf.ShownBy] == "":
				l.valueErrorf(f.at(ep), ep, "%s needs %s", sf.Name, sf.ShownBy)
			case !given && it.Attrs[sf.ShownBy] != "" && fd.WholeSection:
				l.ds.Warnf(f.at(ep), ep, "an entry of %s with %s but no %s cannot be sent: Qualys replaces every entry "+
					"of %s it is sent and lists only the %s, so plan refuses any write of %s until the entry gives %s "+
					"(a reference such as {env: NAME})", fd.Name, sf.ShownBy, sf.Name, fd.Name, sf.ShownBy, fd.Name, sf.Name)
			}
		}
		if len(it.Attrs) == 0 {
			it.Attrs = nil
		}
		out = append(out, it)
	}
	spec.SortItems(fd, out)
	if o.Items == nil {
		o.Items = map[string][]spec.Item{}
	}
	o.Items[fd.Name] = out
	x.set.add(fd.Name)
}

// itemVaultLogin reads the vault login of a secret sub-field at kp: {vault: title, param: value...}.
func (l *loader) itemVaultLogin(f *yamlFile, kp string, vm map[string]any) *spec.VaultLogin {
	vt, _ := vm["vault"].(string)
	vl := &spec.VaultLogin{Vault: strings.TrimSpace(vt)}
	for _, pk := range slices.Sorted(maps.Keys(vm)) {
		if s, isStr := vm[pk].(string); isStr && pk != "vault" && strings.TrimSpace(s) != "" {
			if msg := spec.CheckText(s, false); msg != "" {
				l.valueErrorf(f.at(child(kp, pk)), child(kp, pk), "%s: %s", pk, msg)
				continue
			}
			if vl.Params == nil {
				vl.Params = map[string]string{}
			}
			vl.Params[pk] = strings.TrimSpace(s)
		}
	}
	return vl
}
