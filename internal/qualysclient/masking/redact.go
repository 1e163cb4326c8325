package masking

import (
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/qsync/qsync/internal/redact"
)

// Redacted stands for a masked secret (internal/redact's mask).
const Redacted = redact.Mask

// secretParams are the Qualys parameters whose values are secrets (wire
// contract row 15). They are redacted from debug traces and error messages.
var secretParams = map[string]bool{
	"password":        true,
	"enable_password": true,
	"expert_password": true,
	"client_key":      true,
	"apikey":          true,
	"private_key":     true,
	"private_key_pwd": true,
	"passphrase":      true,
	"access_key":      true,
	"secret_id":       true,
	"appkey":          true,
	"ca_web_password": true,
}

// IsSecretParam reports whether a parameter's value must never be shown.
// Besides the documented list, anything that looks like a password, key or
// token is treated as secret: redacting too much is harmless.
func IsSecretParam(name string) bool {
	n := strings.ToLower(name)
	if secretParams[n] {
		return true
	}
	for _, s := range []string{"password", "passwd", "passphrase", "private_key", "secret_id", "token"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return strings.HasSuffix(n, "apikey") || strings.HasSuffix(n, "_key") && !strings.HasSuffix(n, "kv_key")
}

// secretKV matches "name=value" pairs of secret-looking names in free text
// (an HTML error page quoting a form, for instance). The value stops at
// characters that end a value in XML, markup or a list (so the "]]>" after an
// ownership marker's fingerprints is not taken for part of it).
var secretKV = regexp.MustCompile(`(?i)((?:[a-z_]*password|passphrase|apikey|appkey|access_key|client_key|private_key(?:_pwd)?|secret_id)\s*[=:]\s*)([^&\s"'<>\],;]+)`)

// basicAuth matches an Authorization header value quoted in text.
var basicAuth = regexp.MustCompile(`(?i)(basic\s+)[a-z0-9+/=]{8,}`)

// SecretNames is a client's set of configured secret parameter names
// (Config.SecretParams, lower-cased) and a pattern matching "name=value"
// pairs of them in free text; the zero value names none.
type SecretNames struct {
	names map[string]bool
	kv    *regexp.Regexp
}

// NewSecretNames returns the names of list (parameters configured as secret) and a matcher of
// name=value pairs of them in free text.
func NewSecretNames(list []string) SecretNames {
	sn := SecretNames{names: map[string]bool{}}
	var quoted []string
	for _, n := range list {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" && !sn.names[n] {
			sn.names[n] = true
			quoted = append(quoted, regexp.QuoteMeta(n))
		}
	}
	if len(quoted) > 0 {
		sort.Strings(quoted)
		sn.kv = regexp.MustCompile(`(?i)(\b(?:` + strings.Join(quoted, "|") + `)\s*[=:]\s*)([^&\s"'<>\],;]+)`)
	}
	return sn
}

// known reports whether a parameter is known to be secret: configured, or one of the
// client's own secret parameter names (not merely secret-looking).
func (sn SecretNames) known(name string) bool {
	n := strings.ToLower(name)
	return sn.names[n] || secretParams[n]
}

// Secret reports whether a parameter's value must never be shown: it is
// configured as secret, or the heuristics of IsSecretParam say so.
func (sn SecretNames) Secret(name string) bool {
	return sn.names[strings.ToLower(name)] || IsSecretParam(name)
}

// Text masks configured and secret-looking name=value pairs and Basic
// credentials in free text.
func (sn SecretNames) Text(s string) string {
	if sn.kv != nil {
		s = sn.kv.ReplaceAllString(s, "${1}"+Redacted)
	}
	return Text(s)
}

// Text masks secret-looking name=value pairs and Basic credentials. A
// boolean value of a name that only looks secret (cleartext_password=1) is
// kept: it is a flag, not a secret.
func Text(s string) string {
	s = secretKV.ReplaceAllStringFunc(s, func(m string) string {
		g := secretKV.FindStringSubmatch(m)
		name := strings.TrimRight(g[1], " \t=:")
		if isFlagValue(name, g[2]) {
			return m
		}
		return g[1] + Redacted
	})
	return basicAuth.ReplaceAllString(s, "${1}"+Redacted)
}

// isFlagValue reports whether value of parameter name is a boolean flag rather
// than a secret: a name that only looks secret (cleartext_password,
// skip_password; not one of secretParams) with a boolean value.
func isFlagValue(name, value string) bool {
	if secretParams[strings.ToLower(name)] {
		return false
	}
	switch strings.ToLower(value) {
	case "0", "1", "true", "false":
		return true
	}
	return false
}

// URL returns raw with its user information, query values and fragment
// masked, for messages about a URL that may carry credentials or a token.
// Text that does not parse as a URL is masked after "//" up to an "@" and
// from the first "?" or "#" on.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		s := userInfoRE.ReplaceAllString(raw, "${1}"+Redacted+"@")
		if i := strings.IndexAny(s, "?#"); i >= 0 {
			s = s[:i+1] + Redacted
		}
		return Text(s)
	}
	if u.User != nil {
		u.User = url.User(Redacted)
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{Redacted}
		}
		u.RawQuery = q.Encode()
	}
	if u.Fragment != "" {
		u.Fragment, u.RawFragment = Redacted, ""
	}
	return Text(u.String())
}

// userInfoRE matches the user information of a URL that did not parse.
var userInfoRE = regexp.MustCompile(`(//)[^/?#]*@`)

// Redactor replaces known secret values wherever they occur, in every encoding
// redact.Encodings lists (as sent, URL-, HTML- or XML-escaped, split CDATA,
// JSON, ...), trimmed of white space, and truncated (see text).
type Redactor struct {
	names   SecretNames
	secrets []string
	// whole is set when a secret is too short to be found in text without
	// masking unrelated text: every text is then masked entirely.
	whole bool
}

// minMasked is the shortest secret masked where it occurs; shorter ones mask
// the whole text. minTruncated is the shortest start of a longer secret that
// counts as a truncated echo of it.
const (
	minMasked    = 4
	minTruncated = 6
)

// NewRedactor collects the values of the secret parameters of params (see
// SecretNames.Secret) plus extra values (the account password), longest
// first so that overlapping secrets are fully masked.
func NewRedactor(names SecretNames, params url.Values, extra ...string) *Redactor {
	r := &Redactor{names: names}
	for k, vs := range params {
		if names.Secret(k) {
			for _, v := range vs {
				r.add(v, names.known(k))
			}
		}
	}
	for _, v := range extra {
		r.add(v, true)
	}
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	return r
}

// add makes r mask v. known says v is the value of a parameter known to be secret (configured,
// or one of secretParams) rather than one whose name only looks secret (private_keys=1 counts
// entries, private_keys.0.type=rsa names a key type): a known secret too short to mask without
// mangling unrelated text hides every text, a short look-alike value is not searched for.
func (r *Redactor) add(v string, known bool) {
	if v == "" {
		return
	}
	// The entries of a list-valued secret (community_strings) count as secrets of their own: an
	// entry too short to mask hides the text as a short secret does.
	for _, form := range append([]string{v, strings.TrimSpace(v)}, redact.Entries(v)...) {
		if len(form) < minMasked { // too short to mask without mangling unrelated text
			r.whole = r.whole || known
			continue
		}
		// Every encoding qsync produces, split CDATA (the unix XML body) included: one list, in
		// internal/redact, for this trace and for every other output.
		r.secrets = append(r.secrets, redact.Encodings(form)...)
	}
}

// Text masks in s every secret r knows, truncated echoes of them, and the name=value pairs of
// its secret names (SecretNames.Text).
func (r *Redactor) Text(s string) string {
	if r.whole && s != "" {
		return Redacted + " (text hidden: it may quote a secret too short to mask)"
	}
	for _, v := range r.secrets {
		s = strings.ReplaceAll(s, v, Redacted)
	}
	for _, v := range r.secrets {
		s = maskTruncated(s, v)
	}
	return r.names.Text(s)
}

// maskTruncated masks every place in s where at least minTruncated leading
// characters of secret appear, not followed by the rest of it: a server that
// echoes a value cut short.
func maskTruncated(s, secret string) string {
	if len(secret) <= minTruncated {
		return s
	}
	head := secret[:minTruncated]
	var b strings.Builder
	for {
		i := strings.Index(s, head)
		if i < 0 {
			break
		}
		n := minTruncated
		for n < len(secret) && i+n < len(s) && s[i+n] == secret[n] {
			n++
		}
		b.WriteString(s[:i])
		b.WriteString(Redacted)
		s = s[i+n:]
	}
	if b.Len() == 0 {
		return s
	}
	b.WriteString(s)
	return b.String()
}

// Params renders form values with secret parameters masked, sorted by name.
func (r *Redactor) Params(v url.Values) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(v)) {
		for _, val := range v[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			if r.names.Secret(k) && (r.names.names[strings.ToLower(k)] || !isFlagValue(k, val)) {
				b.WriteString(Redacted)
			} else {
				b.WriteString(url.QueryEscape(r.Text(val)))
			}
		}
	}
	return b.String()
}

// URL renders a request URL for the trace: user information masked, secret
// query parameters masked as in params, other values with known secrets masked.
func (r *Redactor) URL(u *url.URL) string {
	c := *u
	if c.User != nil {
		c.User = url.User(Redacted)
	}
	if c.RawQuery != "" {
		c.RawQuery = r.Params(c.Query())
	}
	return c.String()
}

// Headers renders HTTP headers sorted, with credentials and cookies masked.
func (r *Redactor) Headers(h http.Header) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			switch http.CanonicalHeaderKey(k) {
			case "Authorization", "Proxy-Authorization":
				if scheme, _, ok := strings.Cut(v, " "); ok {
					v = scheme + " " + Redacted
				} else {
					v = Redacted
				}
			case "Cookie", "Set-Cookie":
				v = Redacted
			default:
				v = r.Text(v)
			}
			b.WriteString("  ")
			b.WriteString(k)
			b.WriteString(": ")
			b.WriteString(v)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
