package policy

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/qsync/qsync/internal/safeio"
	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/spec/load"
)

// configFiles caches the parsed configuration files whose objects rules see as written.
type configFiles map[string]*yaml.Node

// configured returns o's configured fields under their YAML keys, as written in its file, with
// every secret replaced by a description of its reference (describeSecret). An object that was
// not loaded from a file (built in Go) is described from its model instead (modelled).
func (cf configFiles) configured(o *spec.Object) (map[string]any, error) {
	if o.Pos.File == "" {
		return modelled(o), nil
	}
	root, ok := cf[o.Pos.File]
	if !ok {
		data, err := safeio.ReadFile(o.Pos.File, load.MaxFileBytes)
		if err != nil {
			return nil, fmt.Errorf("read the configuration again for policy checks: %w", err)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", o.Pos.File, err)
		}
		root = &doc
		cf[o.Pos.File] = root
	}
	list := "records"
	if o.Kind == spec.KindVault {
		list = "vaults"
	}
	n := nodeAt(root, "/"+list+"/"+strconv.Itoa(o.SourceIdx))
	v, err := nodeValue(n)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Pos, err)
	}
	m, ok := v.(map[string]any)
	if !ok || strings.TrimSpace(fmt.Sprint(m["title"])) != strings.TrimSpace(o.Title) {
		return nil, fmt.Errorf("%s: %s changed since it was loaded", o.Pos, o.Key())
	}
	hideSecrets(o.Def(), m)
	return m, nil
}

// hideSecrets replaces, in the configured fields m of an object of def, the value of every
// secret field (and of every secret sub-field of its items) by describeSecret of it, and any
// other mapping shaped like a secret reference ({env: ...} or {file: ...}) too: a rule sees
// what kind of reference a secret uses, never where its value is.
func hideSecrets(def *spec.KindDef, m map[string]any) {
	for k, v := range m {
		var f *spec.FieldDef
		if def != nil {
			f = def.Field(k)
		}
		switch {
		case f != nil && f.Type == spec.TypeSecret:
			m[k] = describeSecret(v)
		case f != nil && f.Type == spec.TypeItems:
			items, _ := v.([]any)
			for _, it := range items {
				im, ok := it.(map[string]any)
				if !ok {
					continue
				}
				for ik, iv := range im {
					if sub := subField(f, ik); sub != nil && sub.Type == spec.TypeSecret {
						im[ik] = describeSecret(iv)
					} else {
						im[ik] = hideRefs(iv)
					}
				}
			}
		default:
			m[k] = hideRefs(v)
		}
	}
}

func subField(f *spec.FieldDef, name string) *spec.FieldDef {
	for i := range f.SubFields {
		if f.SubFields[i].Name == name {
			return &f.SubFields[i]
		}
	}
	return nil
}

// hideRefs replaces every mapping below v shaped like a secret reference ({env: NAME} or
// {file: PATH}, a single key) by describeSecret of it. A vault login's parameters may be named
// file (CyberArk AIM) beside others, and stay.
func hideRefs(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if _, env := t["env"]; env && len(t) == 1 {
			return describeSecret(t)
		}
		if _, file := t["file"]; file && len(t) == 1 {
			return describeSecret(t)
		}
		for k, x := range t {
			t[k] = hideRefs(x)
		}
	case []any:
		for i, x := range t {
			t[i] = hideRefs(x)
		}
	}
	return v
}

// describeSecret describes a configured secret without its value or location: {kind: env},
// {kind: file}, {kind: vault, vault: TITLE} (fetched through a vault), or {kind: value} for
// anything else (which validation refuses before any rule runs).
func describeSecret(v any) map[string]any {
	m, ok := v.(map[string]any)
	switch {
	case ok && m["vault"] != nil: // its parameters may include one named file (CyberArk AIM)
		return map[string]any{"kind": "vault", "vault": fmt.Sprint(m["vault"])}
	case ok && m["env"] != nil:
		return map[string]any{"kind": "env"}
	case ok && m["file"] != nil:
		return map[string]any{"kind": "file"}
	}
	return map[string]any{"kind": "value"}
}

// modelled describes an object from qsync's model of it, under the YAML keys: the live object
// of a change, an object to delete. IPs are the merged ranges qsync reads (not as written),
// settings typed by their descriptor (bool, int, list of strings, else string), secrets only
// as {kind: env|file} (Qualys never returns them, so a live object has none).
func modelled(o *spec.Object) map[string]any {
	if o == nil {
		return map[string]any{}
	}
	m := map[string]any{"title": o.Title}
	def := o.Def()
	if o.Kind == spec.KindVault {
		m["type"] = o.Type
	} else {
		m["type"] = string(o.Kind)
		if o.Type != "" {
			param, _ := spec.VariantKeys(o.Kind)
			m[param] = o.Type
		}
		m["ips"] = toAny(o.IPs.Entries())
	}
	if o.Comments != "" {
		m["comments"] = o.Comments
	}
	if len(o.PreviousTitles) > 0 {
		m["previous_titles"] = toAny(o.PreviousTitles)
	}
	for k, v := range o.Attrs {
		var f *spec.FieldDef
		if def != nil {
			f = def.Field(k)
		}
		m[k] = typed(f, v)
	}
	for k, ref := range o.Secrets {
		kind := "env"
		if ref.Env == "" {
			kind = "file"
		}
		m[k] = map[string]any{"kind": kind}
	}
	if o.Login != nil {
		l := map[string]any{"vault": o.Login.Vault}
		for k, v := range o.Login.Params {
			l[k] = v
		}
		m["login"] = l
	}
	if o.Protect {
		m["protect"] = true
	}
	return m
}

// typed converts a canonical attribute value by its field type.
func typed(f *spec.FieldDef, v string) any {
	if f == nil {
		return v
	}
	switch f.Type {
	case spec.TypeBool:
		return v == "true"
	case spec.TypeInt:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	case spec.TypeList:
		if v == "" {
			return []any{}
		}
		return toAny(strings.Split(v, ","))
	}
	return v
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
