package build

import (
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// scenario is one kind of change, rendered in every format into testdata/golden/<name>.txt, .md
// and .json.
type scenario struct {
	name    string
	desired func(t *testing.T) *spec.Document
	live    func(t *testing.T) *spec.Document
	opts    func(o *plan.Options)
}

func scenarios() []scenario {
	return []scenario{
		{name: "create",
			desired: func(t *testing.T) *spec.Document {
				d := mysql(t, "billing-db", 0, "10.10.10.181", "10.10.20.0/28", "10.10.30.1-10.10.30.9")
				d.Attrs["ssl_verify"] = "true"
				d.Attrs["hosts"] = "db1.example.com,db2.example.com"
				d.Comments = "Billing database (team payments)"
				return doc(d)
			},
			live: func(t *testing.T) *spec.Document { return doc() }},
		{name: "update_attrs",
			desired: func(t *testing.T) *spec.Document {
				d := mysql(t, "billing-db", 0, "10.0.0.1")
				d.Attrs["port"] = "3307"
				d.Attrs["ssl_verify"] = "true"
				d.Attrs["hosts"] = "db1.example.com,db3.example.com"
				return doc(d)
			},
			live: func(t *testing.T) *spec.Document {
				l := mysql(t, "billing-db", 5, "10.0.0.1")
				l.Attrs["hosts"] = "db1.example.com,db2.example.com"
				l.Attrs["unix_config_file"] = "/etc/my.cnf"
				return doc(l)
			}},
		{name: "update_ips",
			desired: func(t *testing.T) *spec.Document {
				return doc(unix(t, "web", 0, "10.0.0.0/28", "10.0.1.5", "2001:db8::1-2001:db8::ff"))
			},
			live: func(t *testing.T) *spec.Document {
				return doc(unix(t, "web", 7, "10.0.0.0-10.0.0.7", "10.0.0.9", "10.0.1.5-10.0.1.6"))
			}},
		{name: "comments_diff",
			desired: func(t *testing.T) *spec.Document {
				d := mysql(t, "billing-db", 0, "10.0.0.1")
				d.Comments = "Billing database\nowner: payments\nticket: SEC-42"
				d.Attrs["client_cert"] = "-----BEGIN CERTIFICATE-----\nMIIB\nNEW2\n-----END CERTIFICATE-----"
				return doc(d)
			},
			live: func(t *testing.T) *spec.Document {
				l := mysql(t, "billing-db", 5, "10.0.0.1")
				l.Comments = "Billing database\nowner: finance\nticket: SEC-42"
				l.Attrs["client_cert"] = "-----BEGIN CERTIFICATE-----\nMIIB\nOLD1\n-----END CERTIFICATE-----"
				return doc(l)
			}},
		{name: "login_change",
			desired: func(t *testing.T) *spec.Document {
				toVault := unix(t, "to-vault", 0, "10.0.0.1")
				delete(toVault.Secrets, "password")
				toVault.Login = &spec.VaultLogin{Vault: "CA PAM prod", Params: map[string]string{"vault_app_name": "scan", "vault_device_host": "${ip}"}}
				toBasic := unix(t, "to-basic", 0, "10.0.0.2")
				params := unix(t, "params", 0, "10.0.0.3")
				delete(params.Secrets, "password")
				params.Login = &spec.VaultLogin{Vault: "CA PAM prod", Params: map[string]string{"vault_app_name": "scan2", "vault_device_name": "dev-${ip_dash}"}}
				return doc(vault("CA PAM prod", 0), toVault, toBasic, params)
			},
			live: func(t *testing.T) *spec.Document {
				v := vault("CA PAM prod", 900)
				toVault := unix(t, "to-vault", 11, "10.0.0.1")
				toBasic := unix(t, "to-basic", 12, "10.0.0.2")
				toBasic.Login = &spec.VaultLogin{Vault: "CA PAM prod", Params: map[string]string{"vault_app_name": "scan", "vault_device_host": "${ip}"}}
				delete(toBasic.Attrs, "cleartext_password")
				params := unix(t, "params", 13, "10.0.0.3")
				params.Login = &spec.VaultLogin{Vault: "CA PAM prod", Params: map[string]string{"vault_app_name": "scan", "vault_device_host": "${ip}"}}
				delete(params.Attrs, "cleartext_password")
				return doc(v, toVault, toBasic, params)
			},
			opts: func(o *plan.Options) { o.SecretKey = testKey }},
		{name: "secret_changed",
			desired: func(t *testing.T) *spec.Document {
				return doc(mysql(t, "billing-db", 0, "10.0.0.1"), mysql(t, "same-db", 0, "10.0.0.2"))
			},
			live: func(t *testing.T) *spec.Document {
				a := mysql(t, "billing-db", 5, "10.0.0.1")
				a.Marker = marker("password", spec.Fingerprint(testKey, "password", "old value"))
				b := mysql(t, "same-db", 6, "10.0.0.2")
				b.Marker = marker("password", spec.Fingerprint(testKey, "password", canary+"-password"))
				return doc(a, b)
			},
			opts: func(o *plan.Options) { o.SecretKey = testKey }},
		{name: "push_secrets",
			desired: func(t *testing.T) *spec.Document { return doc(mysql(t, "billing-db", 0, "10.0.0.1")) },
			live:    func(t *testing.T) *spec.Document { return doc(mysql(t, "billing-db", 5, "10.0.0.1")) },
			opts:    func(o *plan.Options) { o.PushSecrets = true }},
		{name: "no_key_note",
			desired: func(t *testing.T) *spec.Document { return doc(mysql(t, "billing-db", 0, "10.0.0.1")) },
			live:    func(t *testing.T) *spec.Document { return doc(mysql(t, "billing-db", 5, "10.0.0.1")) }},
		{name: "rename",
			desired: func(t *testing.T) *spec.Document {
				d := mysql(t, "billing-db-eu", 0, "10.0.0.1")
				d.PreviousTitles = []string{"billing-db"}
				return doc(d)
			},
			live: func(t *testing.T) *spec.Document { return doc(mysql(t, "billing-db", 5, "10.0.0.1")) }},
		{name: "adopt",
			desired: func(t *testing.T) *spec.Document {
				d := mysql(t, "legacy-db", 0, "10.0.0.1")
				d.Adopt = true
				d.Attrs["port"] = "3307"
				return doc(d)
			},
			live: func(t *testing.T) *spec.Document {
				l := mysql(t, "legacy-db", 5, "10.0.0.1")
				l.Marker = nil
				l.Comments = "created by hand"
				return doc(l)
			}},
		{name: "replace",
			desired: func(t *testing.T) *spec.Document {
				d := unix(t, "core-fw", 0, "10.1.0.1-10.1.0.40")
				d.Type = "checkpoint_firewall"
				d.AllowReplace = true
				return doc(withDefaults(d))
			},
			live: func(t *testing.T) *spec.Document {
				l := unix(t, "core-fw", 21, "10.1.0.1-10.1.0.40")
				l.Type = "cisco"
				return doc(withDefaults(l))
			}},
		{name: "delete",
			desired: func(t *testing.T) *spec.Document { return doc(mysql(t, "keep-db", 0, "10.0.0.1")) },
			live: func(t *testing.T) *spec.Document {
				return doc(mysql(t, "keep-db", 5, "10.0.0.1"), mysql(t, "old-db", 17, "10.0.0.9", "10.0.0.10"), vault("Old vault", 901))
			}},
		{name: "unmanaged",
			desired: func(t *testing.T) *spec.Document { return doc(mysql(t, "keep-db", 0, "10.0.0.1")) },
			live: func(t *testing.T) *spec.Document {
				u := mysql(t, "hand-made", 8, "10.0.0.2")
				u.Marker = nil
				o := unix(t, "other-team", 9, "10.0.0.3")
				o.Marker = &spec.Marker{Owner: "netops"}
				return doc(mysql(t, "keep-db", 5, "10.0.0.1"), u, o)
			}},
		{name: "opaque",
			desired: func(t *testing.T) *spec.Document { return doc(mysql(t, "keep-db", 0, "10.0.0.1")) },
			live: func(t *testing.T) *spec.Document {
				j := &spec.Object{Kind: spec.KindUnix, Title: "core-juniper", ID: 30, IPs: ips(t, "10.9.0.0/30"),
					Opaque: `unknown sub_type "juniper"`}
				k := &spec.Object{Kind: spec.KindVault, Title: "Keeper prod", ID: 32, Marker: &spec.Marker{Owner: "netops"},
					Opaque: `unknown vault type "Keeper"`}
				u := mysql(t, "hand-made", 8, "10.0.0.2")
				u.Marker = nil
				return doc(mysql(t, "keep-db", 5, "10.0.0.1"), j, k, u)
			}},
		{name: "no_changes",
			desired: func(t *testing.T) *spec.Document {
				d := mysql(t, "keep-db", 0, "10.0.0.0/30")
				d.Secrets = nil
				return doc(d)
			},
			live: func(t *testing.T) *spec.Document { return doc(mysql(t, "keep-db", 5, "10.0.0.0-10.0.0.3")) }},
		{name: "refused",
			desired: func(t *testing.T) *spec.Document {
				d := unix(t, "core-fw", 0, "10.1.0.1")
				d.Type, d.Protect = "checkpoint_firewall", true
				return doc(withDefaults(d))
			},
			live: func(t *testing.T) *spec.Document {
				l := unix(t, "core-fw", 21, "10.1.0.1")
				l.Type = "cisco"
				return doc(withDefaults(l))
			}},
		{name: "vault_create_ref",
			desired: func(t *testing.T) *spec.Document {
				r := mysql(t, "billing-db", 0, "10.0.0.1")
				delete(r.Secrets, "password")
				r.Login = &spec.VaultLogin{Vault: "Thycotic prod", Params: map[string]string{"secret_name": "billing"}}
				v := &spec.Object{Kind: spec.KindVault, Type: "thycotic", Title: "Thycotic prod",
					Attrs:   map[string]string{"url": "https://ss.example.com", "username": "qualys"},
					Secrets: map[string]spec.SecretRef{"password": {File: "/run/secrets/thycotic"}}}
				return doc(v, r)
			},
			live: func(t *testing.T) *spec.Document { return doc() }},
		handoverMove, handoverRename, handoverSlot,
	}
}

func TestGolden(t *testing.T) {
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			opts := baseOpts()
			if sc.opts != nil {
				sc.opts(&opts)
			}
			p := mustBuild(t, sc.desired(t), sc.live(t), opts)
			out := renderAll(t, p)
			for _, f := range []string{"text", "markdown", "json"} {
				golden(t, sc.name+goldenExt[f], out[f])
			}
			for f, s := range out {
				if strings.Contains(s, canary) {
					t.Errorf("%s output contains the canary secret", f)
				}
			}
		})
	}
}

// TestGoldenColor renders update_attrs as text with colour into testdata/golden/update_attrs.color.txt.
func TestGoldenColor(t *testing.T) {
	sc := scenarios()[1]
	p := mustBuild(t, sc.desired(t), sc.live(t), baseOpts())
	golden(t, sc.name+".color.txt", renderAll(t, p)["color"])
}
