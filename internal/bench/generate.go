package bench

import (
	"fmt"

	"github.com/qsync/qsync/internal/spec"
)

// Owner is the owner of every managed object the generator makes.
const Owner = "bench"

// SecretKey is the QSYNC_SECRET_KEY the benchmarks plan with, so fingerprints are checked.
const SecretKey = "bench-secret-key"

// Env returns the secret environment variables the generated estates reference, with their
// values. Every value contains canary, so a test can search outputs for it.
func Env(canary string) map[string]string {
	env := map[string]string{}
	for _, name := range []string{"BENCH_VAULT_APIKEY", "BENCH_VAULT_PW", "BENCH_MYSQL_PW", "BENCH_UNIX_PW",
		"BENCH_CISCO_ENABLE", "BENCH_FW_EXPERT", "BENCH_WIN_PW", "BENCH_SHARED_PW"} {
		env[name] = canary + "-" + name
	}
	return env
}

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

// Shapes is the number of distinct record shapes GenRecord cycles through.
const Shapes = 8

// GenRecord returns the i-th generated record. Records cycle through Shapes shapes covering every
// record kind and unix sub_type, with basic and vault logins (CA PAM and Thycotic vaults from
// the given list). Each record has its own IPs, so
// records of the exclusive unix and windows groups never overlap; every fifth holds a range.
func GenRecord(i int, owner string, vaults []*Vault) *Record {
	shape := i % Shapes
	r := &Record{Owner: owner, Title: fmt.Sprintf("rec-%06d", i)}
	first := 10
	switch shape {
	case 0, 1:
		r.Kind = spec.KindMySQL
	case 2, 3, 4, 5:
		r.Kind, first = spec.KindUnix, 11
	default:
		r.Kind, first = spec.KindWindows, 12
	}
	if i%5 == 0 {
		r.IPs = IPv4(first, 4*i) + "-" + IPv4(first, 4*i+3)
	} else {
		r.IPs = IPv4(first, 4*i)
	}
	if i%10 == 0 {
		r.Comments = fmt.Sprintf("Generated record %d.", i)
	}
	capam := func() string { return vaultOfType(vaults, "ca_pam", i) }
	thycotic := func() string { return vaultOfType(vaults, "thycotic", i) }
	switch shape {
	case 0:
		r.Attrs = map[string]string{"username": "scanner", "database": "mysql", "port": "3306", "ssl_verify": "true"}
		r.Secrets = map[string]string{"password": "BENCH_MYSQL_PW"}
	case 1:
		r.Attrs = map[string]string{"username": "scanner", "database": "billing", "port": "3307"}
		if thycotic() != "" {
			r.Vault, r.Login = thycotic(), map[string]string{"secret_name": fmt.Sprintf("db-%d", i)}
		} else {
			r.Secrets = map[string]string{"password": "BENCH_MYSQL_PW"}
		}
	case 2:
		r.Attrs = map[string]string{"username": "qscan", "use_agentless_tracking": "true"}
		r.Secrets = map[string]string{"password": "BENCH_UNIX_PW"}
	case 3:
		r.SubType = "cisco"
		r.Attrs = map[string]string{"username": "qscan", "target_type": "auto"}
		r.Secrets = map[string]string{"password": "BENCH_UNIX_PW", "enable_password": "BENCH_CISCO_ENABLE"}
	case 4:
		r.SubType = "checkpoint_firewall"
		r.Attrs = map[string]string{"username": "admin"}
		r.Secrets = map[string]string{"password": "BENCH_UNIX_PW", "expert_password": "BENCH_FW_EXPERT"}
	case 5:
		r.Attrs = map[string]string{"username": "root", "port": "2222"}
		if capam() != "" {
			r.Vault, r.Login = capam(), map[string]string{"vault_app_name": "unix", "vault_device_host": "${ip}"}
		} else {
			r.Secrets = map[string]string{"password": "BENCH_UNIX_PW"}
		}
	case 6:
		r.Attrs = map[string]string{"username": "svc-qualys", "windows_ad_domain": "corp.example.com", "ntlmv2": "true"}
		r.Secrets = map[string]string{"password": "BENCH_WIN_PW"}
	case 7:
		r.Attrs = map[string]string{"username": "svc-qualys", "require_smb_signing": "true"}
		if capam() != "" {
			r.Vault, r.Login = capam(), map[string]string{"vault_app_name": "windows", "vault_device_name": "${nbhost}"}
		} else {
			r.Secrets = map[string]string{"password": "BENCH_WIN_PW"}
		}
	}
	return r
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
