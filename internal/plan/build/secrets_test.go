package build

import (
	"errors"
	"maps"
	"reflect"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// TestFingerprintsShared checks that objects with equal secret references share one map of
// fingerprints, and that everything the fingerprints depend on keeps objects apart.
func TestFingerprintsShared(t *testing.T) {
	resolves := 0
	opts := plan.Options{SecretKey: testKey, Resolve: func(o *spec.Object, p string) (string, error) {
		resolves++
		return "value-of-" + p, nil
	}}
	b := &builder{opts: opts}
	same := func(x, y map[string]string) bool {
		return reflect.ValueOf(x).UnsafePointer() == reflect.ValueOf(y).UnsafePointer()
	}

	a1, a2 := mysql(t, "a1", 0), mysql(t, "a2", 0) // equal references in two maps
	fa1, fa2 := b.fingerprints(a1, a1.Def()), b.fingerprints(a2, a2.Def())
	if !same(fa1, fa2) || len(fa1) != 1 || fa1["password"] == "" {
		t.Errorf("equal references: %v and %v, shared %v", fa1, fa2, same(fa1, fa2))
	}
	if want := b.computeFingerprints(a1, a1.Def()); !maps.Equal(fa1, want) {
		t.Errorf("shared fingerprints %v, computed %v", fa1, want)
	}
	if resolves != 1 {
		t.Errorf("resolved %d times, want 1", resolves)
	}

	other := mysql(t, "o", 0)
	other.Secrets = map[string]spec.SecretRef{"password": {Env: "OTHER_PW"}}
	if fo := b.fingerprints(other, other.Def()); same(fo, fa1) || !maps.Equal(fo, fa1) {
		// Another reference is another entry (the value resolved happens to be the same here).
		t.Errorf("another reference: %v, shared %v", fo, same(fo, fa1))
	}

	vaulted := mysql(t, "v", 0) // a vault login: the basic password does not apply
	vaulted.Login = &spec.VaultLogin{Vault: "pam"}
	if fv := b.fingerprints(vaulted, vaulted.Def()); same(fv, fa1) || len(fv) != 0 {
		t.Errorf("vault login: %v, shared %v", fv, same(fv, fa1))
	}

	empty := mysql(t, "e", 0)
	empty.Secrets = nil
	if fe := b.fingerprints(empty, empty.Def()); fe != nil {
		t.Errorf("no secrets: %v, want nil", fe)
	}

	two := mysql(t, "t", 0)
	two.Secrets = map[string]spec.SecretRef{"password": {Env: "MYSQL_PW"}, "x": {File: "f"}}
	if ft := b.fingerprints(two, two.Def()); same(ft, fa1) || len(ft) != 2 {
		t.Errorf("a superset of references: %v, shared %v", ft, same(ft, fa1))
	}
}

// TestFingerprintsFailureNotShared: a reference that cannot be resolved is reported for every
// object that names it.
func TestFingerprintsFailureNotShared(t *testing.T) {
	b := &builder{opts: plan.Options{SecretKey: testKey, Resolve: func(o *spec.Object, p string) (string, error) {
		return "", errors.New("not set")
	}}}
	for _, title := range []string{"a", "b", "c"} {
		d := mysql(t, title, 0)
		b.fingerprints(d, d.Def())
	}
	if len(b.diags) != 3 {
		t.Errorf("%d diagnostics, want 3: %v", len(b.diags), b.diags)
	}
}
