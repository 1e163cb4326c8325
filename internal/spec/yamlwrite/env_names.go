package yamlwrite

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/qsync/qsync/internal/spec"
)

// EnvNames gives every secret parameter of a set of objects its own environment variable name.
// SecretEnvName folds case and turns other characters into underscores, so titles such as
// "db-1", "db_1" and "DB 1" (or two emoji titles) would share one variable, and one value would
// overwrite the others' passwords. When names collide, every object sharing one gets a suffix
// from a hash of its kind and title before the parameter (QSYNC_MYSQL_DB_1_3F2A9C_PASSWORD):
// deterministic, and the same for a title whatever the order of the objects.
type EnvNames struct {
	names  map[envKey]string
	shared map[string]string // suffixed name -> the name it would have shared
}

type envKey struct {
	kind         spec.Kind
	title, param string
}

// NewEnvNames names the secret parameters of objs: every secret field of each object's kind, and
// every placeholder of its list entries (unix keys, passphrases, root tool passwords:
// "private_keys.0.key").
func NewEnvNames(objs []*spec.Object) *EnvNames {
	byName := map[string][]envKey{}
	for _, o := range objs {
		def := o.Def()
		if def == nil {
			continue
		}
		var params []string
		for i := range def.Fields {
			if f := &def.Fields[i]; f.Type == spec.TypeSecret {
				params = append(params, f.Name)
			}
		}
		for _, p := range append(params, itemPlaceholderParams(o, def)...) {
			k := envKey{o.Kind, o.Title, p}
			n := spec.SecretEnvName(k.kind, k.title, k.param)
			if !slices.Contains(byName[n], k) {
				byName[n] = append(byName[n], k)
			}
		}
	}
	n := &EnvNames{names: map[envKey]string{}, shared: map[string]string{}}
	for name, keys := range byName {
		titles := map[spec.Key]bool{}
		for _, k := range keys {
			titles[spec.Key{Kind: k.kind, Title: k.title}] = true
		}
		for _, k := range keys {
			if len(titles) < 2 {
				n.names[k] = name
				continue
			}
			sum := sha256.Sum256([]byte(string(k.kind) + "\x00" + k.title))
			u := "QSYNC_" + spec.EnvPart(string(k.kind)) + "_" + spec.EnvPart(k.title) + "_" + strings.ToUpper(hex.EncodeToString(sum[:3])) + "_" + spec.EnvPart(k.param)
			n.names[k], n.shared[u] = u, name
		}
	}
	return n
}

// Shared returns the name that name (from Name) replaces because several objects would have
// shared it, and whether it does.
func (n *EnvNames) Shared(name string) (string, bool) {
	if n == nil {
		return "", false
	}
	base, ok := n.shared[name]
	return base, ok
}

// Name returns the variable of an object's secret parameter: the one NewEnvNames chose, else
// SecretEnvName (also for a nil EnvNames).
func (n *EnvNames) Name(kind spec.Kind, title, param string) string {
	if n != nil {
		if name, ok := n.names[envKey{kind, title, param}]; ok {
			return name
		}
	}
	return spec.SecretEnvName(kind, title, param)
}
