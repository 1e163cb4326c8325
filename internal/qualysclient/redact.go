package qualysclient

import (
	"html"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
)

const redacted = "********"

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

// isSecretParam reports whether a parameter's value must never be shown.
// Besides the documented list, anything that looks like a password, key or
// token is treated as secret: redacting too much is harmless.
func isSecretParam(name string) bool {
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
// (an HTML error page quoting a form, for instance).
var secretKV = regexp.MustCompile(`(?i)((?:[a-z_]*password|passphrase|apikey|appkey|access_key|client_key|private_key(?:_pwd)?|secret_id)\s*[=:]\s*)([^&\s"'<]+)`)

// basicAuth matches an Authorization header value quoted in text.
var basicAuth = regexp.MustCompile(`(?i)(basic\s+)[a-z0-9+/=]{8,}`)

// secretNames is a client's set of configured secret parameter names
// (Config.SecretParams, lower-cased) and a pattern matching "name=value"
// pairs of them in free text; the zero value names none.
type secretNames struct {
	names map[string]bool
	kv    *regexp.Regexp
}

func newSecretNames(list []string) secretNames {
	sn := secretNames{names: map[string]bool{}}
	var quoted []string
	for _, n := range list {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" && !sn.names[n] {
			sn.names[n] = true
			quoted = append(quoted, regexp.QuoteMeta(n))
		}
	}
	if len(quoted) > 0 {
		sort.Strings(quoted)
		sn.kv = regexp.MustCompile(`(?i)(\b(?:` + strings.Join(quoted, "|") + `)\s*[=:]\s*)([^&\s"'<]+)`)
	}
	return sn
}

// secret reports whether a parameter's value must never be shown: it is
// configured as secret, or the heuristics of isSecretParam say so.
func (sn secretNames) secret(name string) bool {
	return sn.names[strings.ToLower(name)] || isSecretParam(name)
}

// text masks configured and secret-looking name=value pairs and Basic
// credentials in free text.
func (sn secretNames) text(s string) string {
	if sn.kv != nil {
		s = sn.kv.ReplaceAllString(s, "${1}"+redacted)
	}
	return redactText(s)
}

// redactText masks secret-looking name=value pairs and Basic credentials.
func redactText(s string) string {
	s = secretKV.ReplaceAllString(s, "${1}"+redacted)
	return basicAuth.ReplaceAllString(s, "${1}"+redacted)
}

// redactor replaces known secret values wherever they occur.
type redactor struct {
	names   secretNames
	secrets []string
}

// newRedactor collects the values of the secret parameters of params (see
// secretNames.secret) plus extra values (the account password), longest
// first so that overlapping secrets are fully masked.
func newRedactor(names secretNames, params url.Values, extra ...string) *redactor {
	r := &redactor{names: names}
	for k, vs := range params {
		if names.secret(k) {
			for _, v := range vs {
				r.add(v)
			}
		}
	}
	for _, v := range extra {
		r.add(v)
	}
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	return r
}

func (r *redactor) add(v string) {
	if len(v) < 3 { // too short to mask without mangling unrelated text
		return
	}
	r.secrets = append(r.secrets, v, url.QueryEscape(v), html.EscapeString(v))
}

func (r *redactor) text(s string) string {
	for _, v := range r.secrets {
		s = strings.ReplaceAll(s, v, redacted)
	}
	return r.names.text(s)
}

// params renders form values with secret parameters masked, sorted by name.
func (r *redactor) params(v url.Values) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(v)) {
		for _, val := range v[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			if r.names.secret(k) {
				b.WriteString(redacted)
			} else {
				b.WriteString(url.QueryEscape(r.text(val)))
			}
		}
	}
	return b.String()
}

// headers renders HTTP headers sorted, with credentials and cookies masked.
func (r *redactor) headers(h http.Header) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			switch http.CanonicalHeaderKey(k) {
			case "Authorization", "Proxy-Authorization":
				if scheme, _, ok := strings.Cut(v, " "); ok {
					v = scheme + " " + redacted
				} else {
					v = redacted
				}
			case "Cookie", "Set-Cookie":
				v = redacted
			default:
				v = r.text(v)
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
