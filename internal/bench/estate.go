package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/spec"
)

// Estate is a set of vaults and records in one neutral form from which both sides of a plan are
// produced: the live side as an emulator seed or state (Qualys parameter names, 1/0 booleans,
// stored secret values, comments with an ownership marker) and the desired side as qsync YAML
// (snake_case keys, true/false, {env: NAME} secret references). Because both come from one value,
// an Estate written to both sides plans empty, which the benchmarks and drills check.
type Estate struct {
	Vaults  []*Vault
	Records []*Record
}

// Vault is one generated vault.
type Vault struct {
	Type  string // qsync vault type slug: ca_pam, thycotic
	Title string
	// Owner is the owner of the live ownership marker; "" for an unmanaged vault.
	Owner    string
	Comments string
	// Attrs are the vault's readable settings by parameter name, as YAML scalars.
	Attrs map[string]string
	// Secrets maps secret parameter names to the environment variables holding their values.
	Secrets map[string]string
}

// Record is one generated authentication record.
type Record struct {
	Kind    spec.Kind // any record kind of spec's table
	SubType string    // the variant: unix sub_type ("", cisco, checkpoint_firewall), ms_sql provider_name (azure)
	Title   string
	// IPs is the record's address set in canonical form: "10.0.0.1" or "10.0.0.0-10.0.0.7", comma
	// separated, ascending and merged.
	IPs      string
	Owner    string // "" for an unmanaged record
	Comments string
	// Attrs are readable settings by parameter name, as YAML scalars ("true", "3306", "qscan").
	Attrs map[string]string
	// Secrets maps secret parameter names to the environment variables holding their values.
	Secrets map[string]string
	// Vault names the vault a login goes through (Login holds its record-side parameters); ""
	// means basic login.
	Vault string
	Login map[string]string
}

// qualysVaultTypes maps the vault slugs the generator uses to the Qualys type strings.
var qualysVaultTypes = map[string]string{"ca_pam": "CA PAM", "thycotic": "Thycotic Secret Server"}

// comments returns the live comments of an object: the user's text plus, for a managed object, the
// marker with the keyed fingerprints of its secrets as they are now in env.
func comments(text, owner string, secrets map[string]string, key []byte, env map[string]string) string {
	if owner == "" {
		return text
	}
	m := &spec.Marker{Owner: owner}
	if len(key) > 0 {
		for param, name := range secrets {
			if m.Fingerprints == nil {
				m.Fingerprints = map[string]string{}
			}
			m.Fingerprints[param] = spec.Fingerprint(key, param, env[name])
		}
	}
	return spec.JoinComments(text, m)
}

// qualysValue turns a YAML scalar into the value the Qualys API takes (booleans as 1/0).
func qualysValue(v string) string {
	switch v {
	case "true":
		return "1"
	case "false":
		return "0"
	}
	return v
}

// yamlScalar renders a generated value: booleans and integers plain, anything else quoted.
func yamlScalar(v string) string {
	if v == "true" || v == "false" {
		return v
	}
	if _, err := strconv.Atoi(v); err == nil && !strings.HasPrefix(v, "0") || v == "0" {
		return v
	}
	return strconv.Quote(v)
}

// LiveParams returns a record's parameters as the emulator stores them. key and env give the
// fingerprints of the marker; with a nil key the marker carries none.
func (r *Record) LiveParams(key []byte, env map[string]string) map[string]string {
	p := map[string]string{"title": r.Title, "ips": r.IPs, "login_type": "basic"}
	if c := comments(r.Comments, r.Owner, r.Secrets, key, env); c != "" {
		p["comments"] = c
	}
	if r.SubType != "" {
		variant, _ := spec.VariantKeys(r.Kind)
		p[variant] = r.SubType
	}
	for k, v := range r.Attrs {
		p[k] = qualysValue(v)
	}
	for k, name := range r.Secrets {
		p[k] = env[name]
	}
	if r.Vault != "" {
		p["login_type"] = "vault"
		for k, v := range r.Login {
			p[k] = v
		}
	}
	return p
}

// LiveParams returns a vault's parameters as the emulator stores them (title and type excluded).
func (v *Vault) LiveParams(key []byte, env map[string]string) map[string]string {
	p := map[string]string{}
	if c := comments(v.Comments, v.Owner, v.Secrets, key, env); c != "" {
		p["comments"] = c
	}
	for k, val := range v.Attrs {
		p[k] = qualysValue(val)
	}
	for k, name := range v.Secrets {
		p[k] = env[name]
	}
	return p
}

// Seed returns the estate as a qualysemu seed document (JSON, which the seed loader reads as
// YAML). Every entry is validated by the emulator like an API create, so use it for estates of up
// to a few thousand records; State is the fast path for large ones.
func (e *Estate) Seed(key []byte, env map[string]string) []byte {
	type seedVault struct {
		Type   string            `json:"type"`
		Title  string            `json:"title"`
		Params map[string]string `json:"params"`
	}
	type seedRecord struct {
		Type   string            `json:"type"`
		Params map[string]string `json:"params"`
		Vault  string            `json:"vault,omitempty"`
	}
	var doc struct {
		Vaults  []seedVault  `json:"vaults"`
		Records []seedRecord `json:"records"`
	}
	for _, v := range e.Vaults {
		doc.Vaults = append(doc.Vaults, seedVault{Type: qualysVaultTypes[v.Type], Title: v.Title, Params: v.LiveParams(key, env)})
	}
	for _, r := range e.Records {
		p := r.LiveParams(key, env)
		delete(p, "login_type") // the seed's vault field sets it
		doc.Records = append(doc.Records, seedRecord{Type: string(r.Kind), Params: p, Vault: r.Vault})
	}
	b, _ := json.Marshal(doc) // cannot fail: strings and maps of strings
	return b
}

// State returns the estate as an emulator state (the format of a state file) with vault IDs from
// 1001 and record IDs from 100001, for loading large estates without per-record validation.
func (e *Estate) State(key []byte, env map[string]string) qualysemu.State {
	st := qualysemu.State{Records: make([]qualysemu.Record, 0, len(e.Records))}
	vaultIDs := map[string]int64{}
	for i, v := range e.Vaults {
		id := int64(1001 + i)
		vaultIDs[v.Title] = id
		p := v.LiveParams(key, env)
		p["title"] = v.Title
		st.Vaults = append(st.Vaults, qualysemu.Vault{ID: id, Type: qualysVaultTypes[v.Type], Params: p,
			CreatedBy: "bench", LastModifiedBy: "bench"})
	}
	byTitle := map[string]*Vault{}
	for _, v := range e.Vaults {
		byTitle[v.Title] = v
	}
	for i, r := range e.Records {
		p := r.LiveParams(key, env)
		if r.Vault != "" {
			p["vault_id"] = strconv.FormatInt(vaultIDs[r.Vault], 10)
			p["vault_type"] = qualysVaultTypes[byTitle[r.Vault].Type]
		}
		st.Records = append(st.Records, qualysemu.Record{ID: int64(100001 + i), Type: string(r.Kind), Params: p,
			CreatedBy: "bench", LastModifiedBy: "bench"})
	}
	st.NextRecordID = int64(100001 + len(e.Records))
	st.NextVaultID = int64(1001 + len(e.Vaults))
	return st
}

// WriteState writes the estate as an emulator state file at path, for qualysemu.Config.StatePath.
func (e *Estate) WriteState(path string, key []byte, env map[string]string) error {
	b, err := json.Marshal(e.State(key, env))
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// YAML renders the managed objects of owner (every object whose Owner is owner) as one qsync
// configuration file. Secrets are {env: NAME} references; nothing secret is written.
func (e *Estate) YAML(owner string) []byte {
	var b strings.Builder
	b.Grow(256 * (len(e.Records) + len(e.Vaults)))
	fmt.Fprintf(&b, "version: 1\nowner: %s\n", owner)
	writeMap := func(indent string, m map[string]string, secrets map[string]string) {
		keys := make([]string, 0, len(m)+len(secrets))
		for k := range m {
			keys = append(keys, k)
		}
		for k := range secrets {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if name, ok := secrets[k]; ok {
				fmt.Fprintf(&b, "%s%s: {env: %s}\n", indent, k, name)
			} else {
				fmt.Fprintf(&b, "%s%s: %s\n", indent, k, yamlScalar(m[k]))
			}
		}
	}
	b.WriteString("vaults:")
	empty := true
	for _, v := range e.Vaults {
		if v.Owner != owner {
			continue
		}
		if empty {
			b.WriteString("\n")
			empty = false
		}
		fmt.Fprintf(&b, "  - type: %s\n    title: %s\n", v.Type, strconv.Quote(v.Title))
		if v.Comments != "" {
			fmt.Fprintf(&b, "    comments: %s\n", strconv.Quote(v.Comments))
		}
		writeMap("    ", v.Attrs, v.Secrets)
	}
	if empty {
		b.WriteString(" []\n")
	}
	b.WriteString("records:")
	empty = true
	for _, r := range e.Records {
		if r.Owner != owner {
			continue
		}
		if empty {
			b.WriteString("\n")
			empty = false
		}
		fmt.Fprintf(&b, "  - type: %s\n", r.Kind)
		if r.SubType != "" {
			variant, _ := spec.VariantKeys(r.Kind)
			fmt.Fprintf(&b, "    %s: %s\n", variant, r.SubType)
		}
		fmt.Fprintf(&b, "    title: %s\n", strconv.Quote(r.Title))
		if r.Comments != "" {
			fmt.Fprintf(&b, "    comments: %s\n", strconv.Quote(r.Comments))
		}
		b.WriteString("    ips: [")
		for i, ip := range strings.Split(r.IPs, ",") {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(ip))
		}
		b.WriteString("]\n")
		writeMap("    ", r.Attrs, r.Secrets)
		if r.Vault != "" {
			fmt.Fprintf(&b, "    login:\n      vault: %s\n", strconv.Quote(r.Vault))
			writeMap("      ", r.Login, nil)
		}
	}
	if empty {
		b.WriteString(" []\n")
	}
	return []byte(b.String())
}

// WriteYAML writes e.YAML(owner) to dir/qsync.yaml and returns the file's path.
func (e *Estate) WriteYAML(dir, owner string) (string, error) {
	path := filepath.Join(dir, "qsync.yaml")
	return path, os.WriteFile(path, e.YAML(owner), 0o600)
}

// Clone returns a deep copy of e, so a desired estate can be derived from a live one.
func (e *Estate) Clone() *Estate {
	c := &Estate{}
	for _, v := range e.Vaults {
		cv := *v
		cv.Attrs, cv.Secrets = cloneMap(v.Attrs), cloneMap(v.Secrets)
		c.Vaults = append(c.Vaults, &cv)
	}
	for _, r := range e.Records {
		cr := *r
		cr.Attrs, cr.Secrets, cr.Login = cloneMap(r.Attrs), cloneMap(r.Secrets), cloneMap(r.Login)
		c.Records = append(c.Records, &cr)
	}
	return c
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// IPv4 returns the n-th address of the 10.0.0.0/8-style block whose first octet is first, e.g.
// IPv4(11, 70000) = "11.1.17.112".
func IPv4(first, n int) string {
	return fmt.Sprintf("%d.%d.%d.%d", first, (n>>16)&255, (n>>8)&255, n&255)
}
