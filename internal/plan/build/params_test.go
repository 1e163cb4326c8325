package build

import (
	"slices"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

// TestSettingNamesApart: settingParams tells a setting change from the other changes by its name,
// so no descriptor field may be named like one of them.
func TestSettingNamesApart(t *testing.T) {
	reserved := []string{"title", "ips", "login", "comments", "owner", "type", "sub_type"}
	for _, def := range spec.Kinds() {
		for _, f := range def.Fields {
			if slices.Contains(reserved, f.Name) || strings.Contains(f.Name, ".") {
				t.Errorf("%s %s: field %q is named like a change that is not a setting", def.Kind, def.Type, f.Name)
			}
		}
	}
}

// TestResendOnUpdateOnlyCAPAM pins the table: CA PAM's ssl_verify is the one setting resent on
// every update, so the rule cannot silently stop applying or spread.
func TestResendOnUpdateOnlyCAPAM(t *testing.T) {
	var got []string
	for _, def := range spec.Kinds() {
		for _, f := range def.Fields {
			if f.ResendOnUpdate {
				got = append(got, def.Type+"."+f.Name)
			}
		}
	}
	if len(got) != 1 || got[0] != "ca_pam.ssl_verify" {
		t.Errorf("fields resent on update: %v, want [ca_pam.ssl_verify]", got)
	}
}

// TestVaultUpdateResendsTable: an update of a CA PAM vault sends its type and ssl_verify even when
// only the URL changes; a BeyondTrust vault, whose ssl_verify is not ResendOnUpdate, sends
// only its type and what changed.
func TestVaultUpdateResendsTable(t *testing.T) {
	d, l := vault("CA PAM prod", 0), vault("CA PAM prod", 900)
	d.Secrets = nil
	d.Attrs["url"] = "https://capam2.example.com:8443"
	p := mustBuild(t, doc(d), doc(l), baseOpts())
	wantSteps(t, p, "1:1 vault update [CA PAM prod] ssl_verify=1&type=CA PAM&url=https://capam2.example.com:8443")

	bt := func(id int64, url string) *spec.Object {
		o := &spec.Object{Kind: spec.KindVault, Type: "beyondtrust", Title: "BT", ID: id,
			Attrs: map[string]string{"url": url, "username": "qualys"}}
		if id != 0 {
			o.Marker = marker()
		}
		return withDefaults(o)
	}
	p = mustBuild(t, doc(bt(0, "https://bt2.example.com")), doc(bt(901, "https://bt.example.com")), baseOpts())
	wantSteps(t, p, "1:1 vault update [BT] type=BeyondTrust PBPS&url=https://bt2.example.com")
}
