package spec

import (
	"slices"
	"testing"
)

// TestSecretParamNamesCoverEverySecret: every TypeSecret field and login parameter of every kind is
// named, nothing else is, and the list is sorted without duplicates.
func TestSecretParamNamesCoverEverySecret(t *testing.T) {
	names := SecretParamNames()
	if !slices.IsSorted(names) || len(slices.Compact(slices.Clone(names))) != len(names) {
		t.Fatalf("SecretParamNames() = %v: want sorted, no duplicates", names)
	}
	secret := map[string]bool{}
	for _, d := range Kinds() {
		for _, f := range append(slices.Clone(d.Fields), d.LoginParams...) {
			for _, sf := range f.SubFields {
				if sf.Type == TypeSecret {
					secret[sf.Name] = true
				}
			}
			if f.Type == TypeSecret {
				secret[f.Name] = true
				if !slices.Contains(names, f.Name) {
					t.Errorf("%s %s: secret field missing from SecretParamNames", kindTitle(&d), f.Name)
				}
			}
		}
	}
	for _, n := range names {
		if !secret[n] {
			t.Errorf("SecretParamNames names %s, which no kind has as a secret", n)
		}
	}
	for _, n := range []string{"password", "apikey", "client_key", "enable_password"} {
		if !slices.Contains(names, n) {
			t.Errorf("SecretParamNames() lacks %s", n)
		}
	}
}

func TestKindNamesAreVaultThenRecordEndpoints(t *testing.T) {
	got := KindNames()
	if len(got) == 0 || got[0] != string(KindVault) {
		t.Fatalf("KindNames() = %v: want vault first", got)
	}
	eps := RecordEndpoints()
	if len(got) != len(eps)+1 {
		t.Fatalf("KindNames() = %v, record endpoints %v", got, eps)
	}
	for i, k := range eps {
		if got[i+1] != string(k) {
			t.Errorf("KindNames()[%d] = %q, want %q", i+1, got[i+1], k)
		}
	}
}

// TestResendOnUpdateFieldsHaveAValue: a field re-sent on every update needs a value even when the
// configuration omits it, so it must be required or have a default; and CA PAM's ssl_verify is one.
func TestResendOnUpdateFieldsHaveAValue(t *testing.T) {
	for _, d := range Kinds() {
		for _, f := range d.Fields {
			if f.ResendOnUpdate && !f.Required && f.Default == "" {
				t.Errorf("%s %s: ResendOnUpdate without Required or Default", kindTitle(&d), f.Name)
			}
			if f.ResendOnUpdate && f.Type == TypeSecret {
				t.Errorf("%s %s: a secret cannot be re-sent on every update", kindTitle(&d), f.Name)
			}
		}
	}
	if f := Lookup(KindVault, "ca_pam").Field("ssl_verify"); f == nil || !f.ResendOnUpdate {
		t.Errorf("ca_pam ssl_verify must be ResendOnUpdate")
	}
}
