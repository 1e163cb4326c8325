package bench

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/spec"
)

// Owner is the owner of every managed object the generator makes.
const Owner = "bench"

// SecretKey is the QSYNC_SECRET_KEY the benchmarks plan with, so fingerprints are checked.
const SecretKey = "bench-secret-key"

// Env returns the secret environment variables the generated estates reference, with their
// values: the vaults', the shared password, and one per secret parameter of the record table
// (RecordSecretEnv). Every value is canary and a number, so a test can search outputs for it.
func Env(canary string) map[string]string {
	env := map[string]string{}
	names := []string{"BENCH_VAULT_APIKEY", "BENCH_VAULT_PW", "BENCH_SHARED_PW"}
	for _, s := range shapes {
		for _, name := range s.secrets {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for i, name := range slices.Compact(names) {
		env[name] = canary + "-" + strconv.Itoa(i) // short: password2 takes at most 31 characters
	}
	return env
}

// RecordSecretEnv is the environment variable the generated records read secret param from.
func RecordSecretEnv(param string) string { return "BENCH_" + strings.ToUpper(param) }

// GenVault returns the i-th generated vault: CA PAM and Thycotic alternately.
func GenVault(i int, owner string) *Vault {
	if i%2 == 0 {
		return &Vault{Type: "ca_pam", Title: fmt.Sprintf("capam-%02d", i), Owner: owner,
			Attrs: map[string]string{"url": fmt.Sprintf("https://capam-%02d.example.com:8443", i),
				"ssl_verify": "true", "apikey_name": "qualys-scanner"},
			Secrets: map[string]string{"apikey": "BENCH_VAULT_APIKEY"}}
	}
	return &Vault{Type: "thycotic", Title: fmt.Sprintf("thycotic-%02d", i), Owner: owner,
		Attrs: map[string]string{"url": fmt.Sprintf("https://tss-%02d.example.com/SecretServer", i),
			"username": "qualys", "domain": "CORP"},
		Secrets: map[string]string{"password": "BENCH_VAULT_PW"}}
}

// shape is one way GenRecord fills a record, derived from one kind of spec's record table: the
// kind's required settings (and one of each one-of group), and either every secret parameter
// (with basic login) or a login through a generated vault.
type shape struct {
	def     *spec.KindDef
	attrs   map[string]string
	secrets map[string]string // parameter -> environment variable
	// vaultTypes are the generated vault types (ca_pam, thycotic) this shape logs in through, in
	// order of preference; empty for basic login.
	vaultTypes []string
	// basic is the shape's basic login (required secrets only), used when no vault of vaultTypes
	// is given.
	basic *shape
}

// shapes are generated from spec's record table (spec.Kinds): for every kind and unix sub_type
// qsync can declare, a basic-login shape with every secret parameter, then a shape that logs in
// through a CA PAM or Thycotic vault when the kind may (else a basic one with the required
// secrets only). Shape 0 is mysql with basic login.
var shapes = genShapes()

// Shapes is the number of distinct record shapes GenRecord cycles through.
var Shapes = len(shapes)

// genVaultTypes are the vault types GenVault makes, which a generated login may use.
var genVaultTypes = []string{"ca_pam", "thycotic"}

func genShapes() []shape {
	var out []shape
	for _, d := range spec.Kinds() {
		if !d.Kind.IsRecord() || d.Opaque != "" {
			continue
		}
		d := d
		out = append(out, newShape(&d, true, nil))
		var vts []string
		for _, vt := range genVaultTypes {
			if slices.Contains(d.LoginVaultTypes, vt) {
				vts = append(vts, vt)
			}
		}
		s := newShape(&d, false, vts)
		if len(vts) > 0 {
			b := newShape(&d, false, nil)
			s.basic = &b
		}
		out = append(out, s)
	}
	return out
}

// newShape fills the settings of one shape of d: every secret with allSecrets, else the
// required ones (none with a vault login).
func newShape(d *spec.KindDef, allSecrets bool, vaultTypes []string) shape {
	s := shape{def: d, attrs: map[string]string{}, secrets: map[string]string{}, vaultTypes: vaultTypes}
	vault := len(vaultTypes) > 0
	set := func(name string) {
		f := d.Field(name)
		if f == nil || (vault && f.Basic) {
			return
		}
		if f.Type == spec.TypeSecret {
			s.secrets[f.Name] = RecordSecretEnv(f.Name)
		} else if _, ok := s.attrs[f.Name]; !ok {
			s.attrs[f.Name] = genValue(f)
		}
	}
	isSet := func(name string) bool {
		_, a := s.attrs[name]
		_, b := s.secrets[name]
		return a || b
	}
	for _, f := range d.Fields {
		if f.Required && len(f.RequiredUnless) == 0 || allSecrets && f.Type == spec.TypeSecret {
			set(f.Name)
		}
		if f.Required && len(f.RequiredUnless) > 0 && !(vault && f.Basic) {
			set(f.Name)
		}
	}
	for _, group := range slices.Concat(d.OneOf, d.AnyOf) {
		if !slices.ContainsFunc(group, isSet) {
			set(group[0])
		}
	}
	for range 2 { // a Together member or a condition may bring in another
		for _, group := range d.Together {
			if slices.ContainsFunc(group, isSet) {
				for _, name := range group {
					set(name)
				}
			}
		}
		for _, c := range d.RequiredWhen {
			if s.attrs[c.Field] == c.Value {
				for _, name := range c.Require {
					set(name)
				}
			}
		}
	}
	return s
}

// genValue is a valid value of a field for a generated record.
func genValue(f *spec.FieldDef) string {
	if f.Default != "" {
		return f.Default
	}
	switch f.Type {
	case spec.TypeBool:
		return "true"
	case spec.TypeEnum:
		return f.Enum[0]
	case spec.TypeInt:
		if f.Name == "port" {
			return "4000"
		}
		return strconv.Itoa(max(f.Min, 1))
	case spec.TypeList:
		return "scan-target.example.com"
	case spec.TypeText:
		return "-----BEGIN CERTIFICATE-----\nMIIBbench\n-----END CERTIFICATE-----"
	}
	switch f.Format {
	case "uri":
		return "https://scan-target.example.com/"
	case "hostname":
		return "scan-target.example.com"
	}
	// A Pattern the plain value misses (Azure MS SQL wants an '@' in the username).
	if f.Pattern != "" && !regexp.MustCompile(f.Pattern).MatchString("scanner") {
		return "scanner@scan-target.example.com"
	}
	return "scanner"
}

// ShapeOf returns the first shape of kind k (unix sub_type sub) with a basic login, or -1.
func ShapeOf(k spec.Kind, sub string) int {
	for i, s := range shapes {
		if s.def.Kind == k && s.def.Type == sub && len(s.vaultTypes) == 0 {
			return i
		}
	}
	return -1
}

// GenRecord returns the i-th generated record. Records cycle through Shapes shapes covering every
// kind and unix sub_type of spec's record table, with basic logins that set every secret and
// vault logins (CA PAM and Thycotic vaults from the given list; basic without them). Each record
// has its own IPs, so records of an exclusive group never overlap; every fifth holds a range.
func GenRecord(i int, owner string, vaults []*Vault) *Record {
	s := shapes[i%Shapes]
	r := &Record{Owner: owner, Title: fmt.Sprintf("rec-%06d", i), Kind: s.def.Kind, SubType: s.def.Type}
	const first = 10
	if i%5 == 0 {
		r.IPs = IPv4(first, 4*i) + "-" + IPv4(first, 4*i+3)
	} else {
		r.IPs = IPv4(first, 4*i)
	}
	if i%10 == 0 {
		r.Comments = fmt.Sprintf("Generated record %d.", i)
	}
	r.Attrs, r.Secrets = cloneMap(s.attrs), cloneMap(s.secrets)
	for j := range s.vaultTypes {
		title := vaultOfType(vaults, s.vaultTypes[(i/Shapes+j)%len(s.vaultTypes)], i)
		if title == "" {
			continue
		}
		r.Vault, r.Login = title, genLogin(vaultTypeOf(vaults, title), i)
		return r
	}
	if s.basic != nil { // no vault to log in through: basic, with the required secrets
		r.Attrs, r.Secrets = cloneMap(s.basic.attrs), cloneMap(s.basic.secrets)
	}
	return r
}

// genLogin returns the record-side parameters of a login through a vault of type typ: the
// required ones and the first of each one-of group.
func genLogin(typ string, i int) map[string]string {
	d := spec.Lookup(spec.KindVault, typ)
	login := map[string]string{}
	for _, p := range d.LoginParams {
		if p.Required {
			login[p.Name] = fmt.Sprintf("acct-%d", i)
		}
	}
	for _, group := range d.LoginOneOf {
		if len(d.LoginVariables) > 0 {
			login[group[len(group)-1]] = "${" + d.LoginVariables[0] + "}"
		} else {
			login[group[0]] = fmt.Sprintf("acct-%d", i)
		}
	}
	return login
}

func vaultTypeOf(vaults []*Vault, title string) string {
	for _, v := range vaults {
		if v.Title == title {
			return v.Type
		}
	}
	return ""
}

// vaultOfType returns the title of the i-th (modulo) vault of type typ, or "" when there is none.
func vaultOfType(vaults []*Vault, typ string, i int) string {
	var titles []string
	for _, v := range vaults {
		if v.Type == typ {
			titles = append(titles, v.Title)
		}
	}
	if len(titles) == 0 {
		return ""
	}
	return titles[i%len(titles)]
}

// Generate returns an estate of n records and the given number of vaults, all managed by owner.
func Generate(n, vaults int, owner string) *Estate {
	e := &Estate{}
	for i := range vaults {
		e.Vaults = append(e.Vaults, GenVault(i, owner))
	}
	for i := range n {
		e.Records = append(e.Records, GenRecord(i, owner, e.Vaults))
	}
	return e
}

// KindShapes returns, for every kind and unix sub_type of spec's record table that qsync can
// declare, in table order, the shape that sets every secret parameter of the kind with a basic
// login: GenRecord(i*Shapes+s) for s in KindShapes() makes one record of each.
func KindShapes() []int {
	var out []int
	for i, s := range shapes {
		if len(s.vaultTypes) == 0 && s.basic == nil && (i == 0 || shapes[i-1].def != s.def) {
			out = append(out, i)
		}
	}
	return out
}
