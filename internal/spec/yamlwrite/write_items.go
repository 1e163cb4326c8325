package yamlwrite

import (
	"maps"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/qsync/qsync/internal/spec"
)

// itemPlaceholder reports whether export writes a placeholder for secret sub-field sf of entry
// it: a live entry lists the secret as given directly (basic), or lists the value that shows it
// exists (a certificate's type, FieldDef.ShownBy), and Qualys never returns its value.
func itemPlaceholder(it spec.Item, sf *spec.FieldDef) bool {
	_, ref := it.Secrets[sf.Name]
	held := it.Attrs[sf.Name] == spec.SourceBasic || (sf.ShownBy != "" && it.Attrs[sf.ShownBy] != "")
	return sf.Type == spec.TypeSecret && !ref && it.Vaults[sf.Name] == nil && held
}

// itemPlaceholderParams returns the parameters (ItemSecretName) of o's entries export writes a
// placeholder for, so EnvNames names them with the other secrets.
func itemPlaceholderParams(o *spec.Object, def *spec.KindDef) []string {
	var out []string
	for i := range def.Fields {
		f := &def.Fields[i]
		if f.Type != spec.TypeItems {
			continue
		}
		for n, it := range o.Items[f.Name] {
			for j := range f.SubFields {
				if sf := &f.SubFields[j]; itemPlaceholder(it, sf) {
					out = append(out, spec.ItemSecretName(f.Name, sf.Name, n))
				}
			}
		}
	}
	return out
}

// writeItems renders a TypeItems field for export: every secret as a reference (with
// opts.SecretRefs, a placeholder named by opts.EnvNames where the source is basic) or a vault
// login.
func writeItems(o *spec.Object, f *spec.FieldDef, items []spec.Item, opts Options) *yaml.Node {
	s := sequence()
	for i, it := range items {
		m := mapping()
		for j := range f.SubFields {
			sf := &f.SubFields[j]
			if sf.Type != spec.TypeSecret {
				if v := it.Attrs[sf.Name]; v != "" {
					addKey(m, sf.Name, ystr(v))
				}
				continue
			}
			if v := it.Vaults[sf.Name]; v != nil {
				vm := mapping()
				vm.Style = yaml.FlowStyle
				addKey(vm, "vault", ystr(v.Vault))
				for _, k := range slices.Sorted(maps.Keys(v.Params)) {
					addKey(vm, k, ystr(v.Params[k]))
				}
				addKey(m, sf.Name, vm)
				continue
			}
			ref, ok := it.Secrets[sf.Name]
			if opts.SecretRefs && itemPlaceholder(it, sf) { // the key, a passphrase, a tool's password
				ref, ok = spec.SecretRef{Env: opts.EnvNames.Name(o.Kind, o.Title, spec.ItemSecretName(f.Name, sf.Name, i))}, true
			}
			if ok {
				addKey(m, sf.Name, secretNode(ref))
			}
		}
		s.Content = append(s.Content, m)
	}
	return s
}
