package qualysemu

import (
	"net/http"
	"strings"

	"github.com/qsync/qsync/internal/qualysemu/wire"
)

// The conformance variants play a Qualys whose answers differ from qsync's guesses in the ways
// `qsync conformance` must discover and name: renamed elements, other value formats, refused
// parameters. Each changes a few names only, so a test can expect exactly those differences.
var conformanceVariantDocs = map[string]string{
	"conformance-renamed": "oracle SERVICENAME listed as SERVICE_NAME, mysql DATABASE as DATABASE_NAME, windows NTLMV2 as NTLM_V2, " +
		"the CA PAM vault view's APIKEY_NAME as API_KEY_NAME, a record's DIGITAL_VAULT/VAULT_APP_NAME as VAULT_APPLICATION_NAME",
	"conformance-formats": "windows flags listed as Enabled/Disabled instead of true/false, mysql HOSTS as one HOSTS text \"a; b\"",
	"conformance-refuses": "creates and updates with postgresql pgsql_win_conf_path or unix agentless_tracking_path answer 1901",
}

// conformanceRenames maps a record element (AUTH_<TYPE>) to its renamed children.
var conformanceRenames = map[string]map[string]string{
	"AUTH_ORACLE":  {"SERVICENAME": "SERVICE_NAME"},
	"AUTH_MYSQL":   {"DATABASE": "DATABASE_NAME"},
	"AUTH_WINDOWS": {"NTLMV2": "NTLM_V2"},
}

// windowsFlags are the flag elements of a windows record that conformance-formats rewrites.
var windowsFlags = map[string]bool{"NTLM": true, "NTLMV2": true, "KERBEROS": true, "REQUIRE_SMB_SIGNING": true, "USE_AGENTLESS_TRACKING": true}

// conformanceRefused maps a record type's element (AUTH_<TYPE>) to the parameter
// conformance-refuses refuses on its endpoint.
var conformanceRefused = map[string]string{"AUTH_POSTGRESQL": "pgsql_win_conf_path", "AUTH_UNIX": "agentless_tracking_path"}

func init() {
	for n, d := range conformanceVariantDocs {
		variantDocs[n] = d
	}
}

// conformanceRecord rewrites one listed record for the conformance variants.
func conformanceRecord(vs map[string]bool, rec *wire.Node) {
	if vs["conformance-renamed"] {
		for _, k := range rec.Kids {
			if to := conformanceRenames[rec.Name][k.Name]; to != "" {
				k.Name = to
			}
		}
		if dv := rec.Child("DIGITAL_VAULT"); dv != nil {
			if k := dv.Child("VAULT_APP_NAME"); k != nil {
				k.Name = "VAULT_APPLICATION_NAME"
			}
		}
	}
	if !vs["conformance-formats"] {
		return
	}
	switch rec.Name {
	case "AUTH_WINDOWS":
		for _, k := range rec.Kids {
			switch {
			case !k.HasText || !windowsFlags[k.Name]:
			case k.Text == "true" || k.Text == "1":
				k.Text = "Enabled"
			case k.Text == "false" || k.Text == "0":
				k.Text = "Disabled"
			}
		}
	case "AUTH_MYSQL":
		if h := rec.Child("HOSTS"); h != nil {
			items := make([]string, 0, len(h.Kids))
			for _, k := range h.Kids {
				items = append(items, k.Text)
			}
			h.Kids, h.Text, h.HasText = nil, strings.Join(items, "; "), true
		}
	}
}

// conformanceVaultView rewrites a vault view's AUTH_VAULT for conformance-renamed.
func conformanceVaultView(vs map[string]bool, av *wire.Node) {
	if !vs["conformance-renamed"] {
		return
	}
	if k := av.Child("APIKEY_NAME"); k != nil {
		k.Name = "API_KEY_NAME"
	}
}

// conformanceRefusal is the answer of conformance-refuses to a create or update of a record type
// it refuses a parameter of, or nil.
func (c *reqCtx) conformanceRefusal() *response {
	if !c.variants["conformance-refuses"] {
		return nil
	}
	if a := c.p.Get("action"); a != "create" && a != "update" {
		return nil
	}
	typ := strings.TrimSuffix(strings.TrimPrefix(c.r.URL.Path, "/api/2.0/fo/auth/"), "/")
	if param := conformanceRefused["AUTH_"+strings.ToUpper(typ)]; param != "" && c.p.Has(param) {
		return c.errorResp(&wire.Error{Status: http.StatusBadRequest, Code: 1901, Text: "Unrecognized parameter(s): " + param})
	}
	return nil
}
