package qualysclient

import (
	"net/url"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/qualysclient/masking"
)

// TestBaseURLErrorsRedactCredentials: the error refusing an API URL with credentials or a token
// never echoes them.
func TestBaseURLErrorsRedactCredentials(t *testing.T) {
	const canary = "CANARY-url-5e1d"
	for _, raw := range []string{
		"https://user:" + canary + "@qualysapi.example.com/",
		"https://" + canary + "@qualysapi.example.com/",
		"https://qualysapi.example.com/?token=" + canary,
		"https://qualysapi.example.com/#" + canary,
		"ftp://user:" + canary + "@qualysapi.example.com/",
		"https://user:" + canary + "@qualys api.example.com/%zz",
		"qualysapi.example.com?access_token=" + canary,
	} {
		t.Run(raw, func(t *testing.T) {
			_, err := New(Config{BaseURL: raw})
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.Contains(err.Error(), canary) {
				t.Errorf("error echoes the credential: %v", err)
			}
		})
	}
}

// TestRedactorMasksEchoes: a Qualys error text quoting a secret sent in the call is masked also
// when the echo is trimmed, truncated or XML-escaped; a secret too short to find safely masks the
// whole text.
func TestRedactorMasksEchoes(t *testing.T) {
	for _, c := range []struct {
		name, secret, text string
	}{
		{"as sent", "CANARY-pw-0001", "invalid password CANARY-pw-0001"},
		{"trimmed", "  CANARY-pw-0002\n", "invalid password 'CANARY-pw-0002'"},
		{"truncated", "CANARY-pw-0003-very-long", "value CANARY-pw-0... is too long"},
		{"XML-escaped", `CAN<&'"ARY-4`, "value CAN&lt;&amp;&apos;&quot;ARY-4 refused"},
		{"XML character references", "CANARY\tpw-5", "value CANARY&#x9;pw-5 refused"},
		{"short secret", "ab1", "invalid password ab1 for user"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := masking.NewRedactor(masking.SecretNames{}, url.Values{"password": {c.secret}})
			got := r.Text(c.text)
			if !strings.Contains(got, masking.Redacted) {
				t.Errorf("text(%q) = %q, nothing masked", c.text, got)
			}
			for _, leak := range []string{"CANARY", "ab1"} {
				if strings.Contains(got, leak) {
					t.Errorf("text(%q) = %q leaks %q", c.text, got, leak)
				}
			}
		})
	}
}

// TestDebugTraceKeepsFlagsAndXML: --debug-http shows boolean flags whose names only look secret,
// and the XML after an ownership marker's fingerprints stays intact.
func TestDebugTraceKeepsFlagsAndXML(t *testing.T) {
	r := masking.NewRedactor(masking.SecretNames{}, url.Values{"password": {"CANARY-pw-0042"}})
	form := url.Values{"cleartext_password": {"1"}, "skip_password": {"false"}, "password": {"CANARY-pw-0042"}}
	got := r.Params(form)
	if want := "cleartext_password=1&password=********&skip_password=false"; got != want {
		t.Errorf("params = %q, want %q", got, want)
	}
	body := "<COMMENTS><![CDATA[x\n[managed by qsync: owner=o fp=apikey:3f9a0c1b2d4e,password:0a1b2c3d4e5f]]]></COMMENTS><CLEARTEXT_PASSWORD>1</CLEARTEXT_PASSWORD>"
	out := r.Text(body)
	if !strings.HasSuffix(out, "]]></COMMENTS><CLEARTEXT_PASSWORD>1</CLEARTEXT_PASSWORD>") {
		t.Errorf("trace body mangled:\n%s", out)
	}
	if got := masking.Text("cleartext_password=true&password=hunter22"); got != "cleartext_password=true&password=********" {
		t.Errorf("redactText = %q", got)
	}
}

// TestShortLookAlikesDoNotHideTheTrace: a short value of a parameter that only looks secret
// (private_keys=1 counts entries, private_keys.0.type=rsa) neither hides every text of the call
// nor is searched for; a known secret that short still hides the text.
func TestShortLookAlikesDoNotHideTheTrace(t *testing.T) {
	r := masking.NewRedactor(masking.SecretNames{}, url.Values{"private_keys": {"1"}, "private_keys.0.type": {"rsa"},
		"password": {"CANARY-pw-0042"}})
	got := r.Text("created 1 record with an rsa key; password CANARY-pw-0042")
	if got != "created 1 record with an rsa key; password "+masking.Redacted {
		t.Errorf("text = %q", got)
	}
	short := masking.NewRedactor(masking.SecretNames{}, url.Values{"password": {"ab"}})
	if got := short.Text("password ab refused"); strings.Contains(got, "ab refused") {
		t.Errorf("a known short secret was not hidden: %q", got)
	}
}
