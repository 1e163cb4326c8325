package qualysclient

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"time"
)

func TestListVaultsSample(t *testing.T) {
	env := setup(t)
	env.mux.HandleFunc("/api/2.0/fo/vault/", func(w http.ResponseWriter, r *http.Request) {
		if f := formOf(t, r); f.Get("action") != "list" {
			t.Errorf("form = %v", f)
		}
		writeXML(w, 200, readSample(t, "vault_list_output_ca_pam.normalized.xml"))
	})
	vs, err := env.client.ListVaults(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []Vault{{ID: 910196, Title: "CA PAM VAULT", Type: "CA PAM",
		ModifiedAt: time.Date(2019, 9, 30, 12, 4, 29, 0, time.UTC), ModifiedBy: "amp_at",
		Fields: map[string]string{}}}
	want[0].Fields = nil
	if !reflect.DeepEqual(vs, want) {
		t.Errorf("vaults = %+v", vs)
	}
}

func TestViewVaultBothShapes(t *testing.T) {
	for _, tc := range []struct{ name, body string }{
		{"AUTH_VAULT_VIEW_OUTPUT", `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE AUTH_VAULT_VIEW_OUTPUT SYSTEM "https://qualysapi.qualys.com/api/2.0/fo/vault/vault_view_output.dtd">
<AUTH_VAULT_VIEW_OUTPUT><RESPONSE><DATETIME>2024-01-01T00:00:00Z</DATETIME><AUTH_VAULT>
<ID>7004</ID><TITLE><![CDATA[My CA PAM Vault]]></TITLE><VAULT_TYPE><![CDATA[CA PAM]]></VAULT_TYPE>
<COMMENTS>  <![CDATA[Creating CA PAM Vault]]>  </COMMENTS>
<LAST_MODIFIED><DATETIME>2016-09-30T06:10:02Z</DATETIME><BY>amp_at</BY></LAST_MODIFIED>
<URL><![CDATA[https://capam.example.com:8443]]></URL><SSL_VERIFY>false</SSL_VERIFY><APIKEY_NAME><![CDATA[aaa]]></APIKEY_NAME>
</AUTH_VAULT></RESPONSE></AUTH_VAULT_VIEW_OUTPUT>`},
		{"SIMPLE_RETURN ITEM_LIST", simpleReturnXML(0, "Success",
			"ID", "7004", "TITLE", "My CA PAM Vault", "TYPE", "CA PAM", "COMMENTS", "Creating CA PAM Vault",
			"LAST_MODIFIED", "2016-09-30T06:10:02Z", "LAST_MODIFIED_BY", "amp_at",
			"URL", "https://capam.example.com:8443", "SSL_VERIFY", "false", "APIKEY_NAME", "aaa")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := setup(t)
			env.mux.HandleFunc("/api/2.0/fo/vault/", func(w http.ResponseWriter, r *http.Request) {
				if f := formOf(t, r); f.Get("action") != "view" || f.Get("id") != "7004" {
					t.Errorf("form = %v", f)
				}
				writeXML(w, 200, tc.body)
			})
			v, err := env.client.ViewVault(context.Background(), 7004)
			if err != nil {
				t.Fatal(err)
			}
			want := Vault{ID: 7004, Title: "My CA PAM Vault", Type: "CA PAM", Comments: "Creating CA PAM Vault",
				ModifiedAt: time.Date(2016, 9, 30, 6, 10, 2, 0, time.UTC), ModifiedBy: "amp_at",
				Fields: map[string]string{"URL": "https://capam.example.com:8443", "SSL_VERIFY": "false", "APIKEY_NAME": "aaa"}}
			want.Shape = map[string]string{"AUTH_VAULT_VIEW_OUTPUT": "AUTH_VAULT_VIEW_OUTPUT/RESPONSE/AUTH_VAULT",
				"SIMPLE_RETURN ITEM_LIST": "SIMPLE_RETURN/RESPONSE/ITEM_LIST"}[tc.name]
			if !reflect.DeepEqual(v, want) {
				t.Errorf("vault =\n%+v\nwant\n%+v", v, want)
			}
		})
	}
}

func TestVaultWrites(t *testing.T) {
	env := setup(t)
	var forms []url.Values
	env.mux.HandleFunc("/api/2.0/fo/vault/", func(w http.ResponseWriter, r *http.Request) {
		f := formOf(t, r)
		forms = append(forms, f)
		switch f.Get("action") {
		case "create":
			writeXML(w, 200, readSample(t, "vault_create_ca_pam_simple_return.normalized.xml"))
		case "update":
			writeXML(w, 200, readSample(t, "vault_update_ca_pam_simple_return.normalized.xml"))
		case "delete":
			writeXML(w, 200, simpleReturnXML(0, "Success", "ID", "910196"))
		}
	})
	ctx := context.Background()
	id, err := env.client.CreateVault(ctx, url.Values{"type": {"CA PAM"}, "title": {"My CA PAM Vault"}, "apikey": {"12345"}})
	if err != nil || id != 7004 {
		t.Fatalf("CreateVault = %d, %v", id, err)
	}
	if err := env.client.UpdateVault(ctx, 910196, url.Values{"type": {"CA PAM"}, "ssl_verify": {"1"}, "id": {"1"}}); err != nil {
		t.Fatal(err)
	}
	if err := env.client.DeleteVault(ctx, 910196); err != nil {
		t.Fatal(err)
	}
	if forms[0].Get("type") != "CA PAM" || forms[0].Has("id") ||
		forms[1].Get("id") != "910196" || forms[1].Get("ssl_verify") != "1" ||
		forms[2].Get("id") != "910196" || forms[2].Get("action") != "delete" {
		t.Errorf("forms = %v", forms)
	}
}

func TestCreateVaultWithoutIDIsOutcomeUnknown(t *testing.T) {
	env := setup(t)
	env.mux.HandleFunc("/api/2.0/fo/vault/", func(w http.ResponseWriter, r *http.Request) {
		writeXML(w, 200, simpleReturnXML(0, "Success"))
	})
	_, err := env.client.CreateVault(context.Background(), url.Values{"title": {"v"}})
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v", err)
	}
}

func TestVaultInUseError(t *testing.T) {
	env := setup(t)
	env.mux.HandleFunc("/api/2.0/fo/vault/", func(w http.ResponseWriter, r *http.Request) {
		writeXML(w, 400, simpleReturnXML(1905, "parameter id has invalid value: 12 (vault is used by 2 authentication record(s))"))
	})
	err := env.client.DeleteVault(context.Background(), 12)
	want := "delete vault 12: qualys error 1905 (HTTP 400): parameter id has invalid value: 12 (vault is used by 2 authentication record(s))"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v", err)
	}
}
