package kinds

import "strings"

// secretParams are never returned and are masked in logs and echoes
// (contract row 15): the secret fields of every record type and the secret
// parameters of every vault type.
var secretParams = func() map[string]bool {
	m := map[string]bool{}
	for _, rt := range RecordTypes {
		for _, f := range rt.Fields {
			if f.Secret {
				m[f.Param] = true
			}
		}
	}
	for _, vt := range VaultTypes {
		for _, vp := range vt.Params {
			if vp.Secret {
				m[vp.Name] = true
			}
		}
	}
	return m
}()

// publicParams are the parameters the record tables declare and do not mark
// secret (a password_encryption flag is not a password).
var publicParams = func() map[string]bool {
	m := map[string]bool{}
	for _, rt := range RecordTypes {
		for _, f := range rt.Fields {
			if !f.Secret {
				m[f.Param] = true
			}
		}
	}
	return m
}()

// IsSecretParam also treats other *password*, *secret* and *_key* names as
// secret, for the vault types whose parameters are not documented. Flags and
// lookup names that merely contain those words are not secrets.
func IsSecretParam(k string) bool {
	if secretParams[k] {
		return true
	}
	if publicParams[k] {
		return false
	}
	switch k {
	case "cleartext_password", "skip_password", "secret_name", "ak_secret_name", "apikey_name":
		return false
	}
	if strings.HasPrefix(k, "vault_") {
		return false
	}
	return strings.Contains(k, "password") || strings.Contains(k, "secret") || strings.HasSuffix(k, "_key")
}
