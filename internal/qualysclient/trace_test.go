package qualysclient

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/qualysclient/masking"
)

func TestDebugTraceRedactsSecrets(t *testing.T) {
	const canary = "CANARY-s3cr3t-7f3a"
	trace := &syncBuffer{}
	env := setup(t, func(c *Config) { c.Debug = trace })
	env.mux.HandleFunc("/api/2.0/fo/auth/unix/", func(w http.ResponseWriter, r *http.Request) {
		f := formOf(t, r)
		if f.Get("password") != canary {
			t.Errorf("the secret must still be sent: %v", f)
		}
		w.Header().Set("Set-Cookie", "QualysSession="+canary+"; Path=/")
		w.Header().Set("X-RateLimit-Remaining", "299")
		// A server echoing the request (echo_request, or an error page).
		writeXML(w, 200, `<BATCH_RETURN><REQUEST><PARAM_LIST><PARAM><KEY>password</KEY><VALUE>`+canary+`</VALUE></PARAM></PARAM_LIST><POST_DATA>password=`+url.QueryEscape(canary)+`</POST_DATA></REQUEST><RESPONSE><DATETIME>2024-01-01T00:00:00Z</DATETIME><BATCH_LIST><BATCH><TEXT>Successfully Updated</TEXT><ID_SET><ID>4</ID></ID_SET></BATCH></BATCH_LIST></RESPONSE></BATCH_RETURN>`)
	})
	params := url.Values{
		"password": {canary}, "enable_password": {canary + "-enable"}, "expert_password": {canary + "-expert"},
		"client_key": {canary + "-key"}, "apikey": {canary + "-api"}, "private_key_pwd": {canary + "-pkp"},
		"username": {"qscan"},
	}
	if err := env.client.UpdateRecords(context.Background(), Unix, []int64{4}, params); err != nil {
		t.Fatal(err)
	}
	out := trace.String()
	basic := base64.StdEncoding.EncodeToString([]byte(testUser + ":" + testPassword))
	for _, secret := range []string{canary, testPassword, basic} {
		if strings.Contains(out, secret) {
			t.Errorf("trace contains secret %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{
		"--> POST " + env.server.URL + "/api/2.0/fo/auth/unix/",
		"Authorization: Basic ********",
		"Set-Cookie: ********",
		"X-Requested-With: qsync",
		"X-Ratelimit-Remaining: 299",
		"password=********",
		"username=qscan",
		"ids=4",
		"<-- 200 OK POST",
		"Successfully Updated",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
}

func TestErrorsDoNotLeakSecrets(t *testing.T) {
	const canary = "CANARY-err-91b2"
	env := setup(t)
	env.mux.HandleFunc("/api/2.0/fo/vault/", func(w http.ResponseWriter, r *http.Request) {
		writeXML(w, 400, simpleReturnXML(1905, "parameter apikey has invalid value: "+canary))
	})
	_, err := env.client.CreateVault(context.Background(), url.Values{"apikey": {canary}})
	if err == nil || strings.Contains(err.Error(), canary) {
		t.Fatalf("err = %v", err)
	}
	env2 := setup(t)
	env2.mux.HandleFunc("/api/2.0/fo/vault/", func(w http.ResponseWriter, r *http.Request) {
		writeXML(w, 200, "<html><body>echo "+canary+"</body></html>")
	})
	_, err = env2.client.CreateVault(context.Background(), url.Values{"password": {canary}})
	if err == nil || strings.Contains(err.Error(), canary) {
		t.Fatalf("err = %v", err)
	}
}

func TestIsSecretParam(t *testing.T) {
	for _, name := range []string{"password", "enable_password", "expert_password", "client_key", "apikey", "private_key",
		"private_key_pwd", "passphrase", "access_key", "secret_id", "appkey", "ca_web_password", "PASSWORD"} {
		if !masking.IsSecretParam(name) {
			t.Errorf("%s must be secret", name)
		}
	}
	for _, name := range []string{"username", "apikey_name", "secret_name", "ak_secret_name", "vault_secret_kv_key", "title", "ips", "client_cert"} {
		if masking.IsSecretParam(name) {
			t.Errorf("%s must not be secret", name)
		}
	}
}

// A secret holding characters that %q escapes must still be masked in the
// quoted body snippet of an error.
func TestSnippetRedactsSecretsBeforeQuoting(t *testing.T) {
	const canary = `CANARY"quote\back`
	env := setup(t)
	env.mux.HandleFunc("/api/2.0/fo/auth/unix/", func(w http.ResponseWriter, r *http.Request) {
		writeXML(w, 400, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Bad</title></head><body>you sent `+canary+`<br></body></html>`)
	})
	_, err := env.client.CreateRecord(context.Background(), Unix, url.Values{"password": {canary}})
	if err == nil || strings.Contains(err.Error(), "CANARY") || !strings.Contains(err.Error(), "HTML page") {
		t.Fatalf("err = %v", err)
	}
}

// TestConfiguredSecretParamsAreMasked: a parameter the heuristics do not recognise ("pin") is
// masked in the trace, and quoted in an error body, once Config.SecretParams names it; without
// it, it shows (so the test would notice SecretParams being ignored).
func TestConfiguredSecretParamsAreMasked(t *testing.T) {
	const canary = "CANARY-pin-5521"
	if masking.IsSecretParam("pin") {
		t.Fatal("the heuristics already treat pin as secret; pick a name they miss")
	}
	for _, configured := range []bool{true, false} {
		trace := &syncBuffer{}
		env := setup(t, func(c *Config) {
			c.Debug = trace
			if configured {
				c.SecretParams = []string{"PIN"}
			}
		})
		env.mux.HandleFunc("/api/2.0/fo/auth/unix/", func(w http.ResponseWriter, r *http.Request) {
			writeXML(w, 400, "<html><body>rejected pin="+canary+"</body></html>")
		})
		c := env.client
		_, err := c.CreateRecord(context.Background(), Unix, url.Values{"pin": {canary}})
		leaked := strings.Contains(trace.String(), canary) || (err != nil && strings.Contains(err.Error(), canary))
		if configured && leaked {
			t.Errorf("configured secret pin leaked:\nerr: %v\ntrace:\n%s", err, trace.String())
		}
		if !configured && !leaked {
			t.Errorf("without SecretParams pin was masked anyway: the test no longer proves SecretParams is used")
		}
	}
}

func TestSecretNamesText(t *testing.T) {
	sn := masking.NewSecretNames([]string{"pin", " Token_X ", ""})
	got := sn.Text("pin=1234&other=5 TOKEN_X: abcd spin=9")
	if want := "pin=********&other=5 TOKEN_X: ******** spin=9"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
	if !sn.Secret("PIN") || sn.Secret("pinned") || !sn.Secret("password") {
		t.Errorf("secret(): PIN %v, pinned %v, password %v", sn.Secret("PIN"), sn.Secret("pinned"), sn.Secret("password"))
	}
	var zero masking.SecretNames
	if zero.Secret("pin") || zero.Text("pin=1") != "pin=1" {
		t.Errorf("zero secretNames must name nothing")
	}
}
