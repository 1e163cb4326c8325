package build

import (
	"reflect"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// opaqueRecord is a live record qsync cannot represent, as live.ConvertRecord builds it.
func opaqueRecord(t testing.TB, kind spec.Kind, title string, id int64, why string, ipList ...string) *spec.Object {
	return &spec.Object{Kind: kind, Title: title, ID: id, IPs: ips(t, ipList...), Opaque: why}
}

func opaqueVault(title string, id int64) *spec.Object {
	return &spec.Object{Kind: spec.KindVault, Title: title, ID: id, Opaque: `unknown vault type "Keeper"`}
}

func TestOpaqueNeverInSteps(t *testing.T) {
	juniper := opaqueRecord(t, spec.KindUnix, "juniper", 30, `unknown sub_type "juniper"`, "10.9.0.1")
	theirs := opaqueRecord(t, spec.KindMySQL, "theirs", 31, `logs in through unknown vault type "Keeper"`, "10.9.0.2")
	theirs.Marker = &spec.Marker{Owner: "netops"}
	theirs.Login = &spec.VaultLogin{Vault: "Keeper"}
	keeper := opaqueVault("Keeper", 32)
	// Deleting every managed object and creating new ones around the opaque ones plans no step on them.
	live := doc(juniper, theirs, keeper, mysql(t, "old-db", 5, "10.0.0.1"), vault("Old vault", 900))
	desired := doc(mysql(t, "new-db", 0, "10.0.0.9"))
	opts := baseOpts()
	opts.AllowDeletes = true
	p := mustBuild(t, desired, live, opts)
	opaqueKeys := map[spec.Key]bool{juniper.Key(): true, theirs.Key(): true, keeper.Key(): true}
	for _, s := range p.Steps {
		for _, k := range s.Keys {
			if opaqueKeys[k] {
				t.Errorf("step %d touches opaque %s", s.ID, k)
			}
		}
	}
	for _, c := range p.Changes {
		if opaqueKeys[c.Key] {
			t.Errorf("change on opaque %s", c.Key)
		}
	}
	wantUnmanaged := []spec.Key{keeper.Key(), theirs.Key(), juniper.Key()}
	if !reflect.DeepEqual(p.Unmanaged, wantUnmanaged) {
		t.Errorf("unmanaged = %v, want %v", p.Unmanaged, wantUnmanaged)
	}
	wantOpaque := []plan.Opaque{{Key: keeper.Key(), ID: 32, Reason: keeper.Opaque}, {Key: theirs.Key(), ID: 31, Reason: theirs.Opaque},
		{Key: juniper.Key(), ID: 30, Reason: juniper.Opaque}}
	if !reflect.DeepEqual(p.Opaque, wantOpaque) {
		t.Errorf("opaque = %+v, want %+v", p.Opaque, wantOpaque)
	}
	if _, ok := p.LiveDigests[juniper.Key().String()]; ok {
		t.Errorf("live digest of an opaque object: %v", p.LiveDigests)
	}

	// Plan(x, x) stays empty with opaque objects live.
	x := doc(mysql(t, "db", 0, "10.0.0.1"))
	p = mustBuild(t, x, doc(noSecrets(mysql(t, "db", 5, "10.0.0.1")), juniper, keeper), baseOpts())
	if !p.Empty() {
		t.Errorf("plan not empty:\n%s", planText(p))
	}
}

func TestOpaqueManagedIsAnError(t *testing.T) {
	for _, o := range []*spec.Object{
		opaqueRecord(t, spec.KindUnix, "juniper", 30, `unknown sub_type "juniper"`, "10.9.0.1"),
		opaqueVault("Keeper", 32),
	} {
		o.Marker = marker()
		_, err := Plan(doc(), doc(o), baseOpts())
		if err == nil || !strings.Contains(err.Error(), o.Key().String()+": exists in Qualys (id") ||
			!strings.Contains(err.Error(), o.Opaque) || !strings.Contains(err.Error(), "remove it from Qualys by hand or upgrade qsync") {
			t.Errorf("%s: err = %v", o.Key(), err)
		}
	}
}

func TestOpaqueSameKeyIsAnError(t *testing.T) {
	live := doc(opaqueRecord(t, spec.KindUnix, "core", 30, `unknown sub_type "juniper"`, "10.9.0.1"), opaqueVault("Keeper", 32))
	for _, tc := range []struct {
		d    *spec.Object
		want string
	}{
		{unix(t, "core", 0, "10.9.0.1"), `unix "core": matches unix "core" (id 30) in Qualys, which qsync cannot represent (unknown sub_type "juniper")`},
		{vault("Keeper", 0), `vault "Keeper": matches vault "Keeper" (id 32) in Qualys, which qsync cannot represent (unknown vault type "Keeper")`},
	} {
		for _, adopt := range []bool{false, true} {
			opts := baseOpts()
			opts.Adopt = adopt
			_, err := Plan(doc(tc.d), live, opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("adopt=%v: err = %v\nwant %s", adopt, err, tc.want)
			}
		}
	}
	// A rename onto an opaque object too.
	r := unix(t, "core-new", 0, "10.9.0.1")
	r.PreviousTitles = []string{"core"}
	if _, err := Plan(doc(r), live, baseOpts()); err == nil || !strings.Contains(err.Error(), `matches unix "core" (id 30)`) {
		t.Errorf("rename: err = %v", err)
	}
	// A login through an opaque vault.
	l := unix(t, "host", 0, "10.0.0.1")
	delete(l.Secrets, "password")
	l.Login = &spec.VaultLogin{Vault: "Keeper"}
	if _, err := Plan(doc(l), live, baseOpts()); err == nil || !strings.Contains(err.Error(), `login names vault "Keeper" (id 32), which qsync cannot represent`) {
		t.Errorf("login: err = %v", err)
	}
}

func TestOpaqueIPConflict(t *testing.T) {
	live := doc(opaqueRecord(t, spec.KindUnix, "juniper", 30, `unknown sub_type "juniper"`, "10.9.0.0/30"))
	d := unix(t, "web", 0, "10.9.0.2-10.9.0.9")
	d.Type = "cisco"
	_, err := Plan(doc(withDefaults(d)), live, baseOpts())
	want := `unix "web": ips 10.9.0.2-10.9.0.3 are in unix "juniper" (id 30), which qsync cannot represent (unknown sub_type "juniper") and leaves alone`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
	// Other kinds and other groups do not conflict.
	if _, err := Plan(doc(mysql(t, "db", 0, "10.9.0.1")), live, baseOpts()); err != nil {
		t.Fatal(err)
	}
}

func TestOpaqueRecordKeepsItsVaultInUse(t *testing.T) {
	r := opaqueRecord(t, spec.KindUnix, "juniper", 30, `unknown sub_type "juniper"`, "10.9.0.1")
	r.Login = &spec.VaultLogin{Vault: "Old vault"}
	_, err := Plan(doc(), doc(vault("Old vault", 900), r), baseOpts())
	if err == nil || !strings.Contains(err.Error(), `vault "Old vault": is not in the configuration but is still used by unix "juniper"`) {
		t.Fatalf("err = %v", err)
	}
}
