package build

import (
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// keyItem is a desired RSA key given directly, with a passphrase.
func keyItem(env string) spec.Item {
	return spec.Item{Attrs: map[string]string{"type": "rsa", "key": spec.SourceBasic, "passphrase": spec.SourceBasic},
		Secrets: map[string]spec.SecretRef{"key": {Env: env}, "passphrase": {Env: env + "_PASS"}}}
}

// liveKey is how Qualys lists keyItem.
func liveKey() spec.Item {
	return spec.Item{ID: 70006922, Attrs: map[string]string{"type": "rsa", "key": spec.SourceBasic, "passphrase": spec.SourceBasic}}
}

// toolItem is a sudo root tool whose password comes from vault title.
func toolItem(title string) spec.Item {
	return spec.Item{Attrs: map[string]string{"tool": "sudo"},
		Vaults: map[string]*spec.VaultLogin{"password": {Vault: title, Params: map[string]string{"username": "root"}}}}
}

func unixWithItems(t *testing.T, id int64, keys, tools []spec.Item) *spec.Object {
	o := unix(t, "web", id, "10.0.0.1")
	o.Items = map[string][]spec.Item{}
	if keys != nil {
		o.Items["private_keys"] = keys
	}
	if tools != nil {
		o.Items["root_tools"] = tools
	}
	return o
}

func onlyStep(t *testing.T, p *plan.Plan) plan.Step {
	t.Helper()
	if len(p.Steps) != 1 {
		t.Fatalf("want one step, got %d: %+v", len(p.Steps), p.Steps)
	}
	return p.Steps[0]
}

// TestItemsCreateFlattened: a create sends every entry as flattened parameters, secrets as
// references, a live vault by ID and a vault created by the plan as a VaultRefs entry.
func TestItemsCreateFlattened(t *testing.T) {
	d := unixWithItems(t, 0, []spec.Item{keyItem("KEY")}, []spec.Item{toolItem("pam")})
	p := mustBuild(t, doc(d, vault("pam", 0)), doc(), baseOpts())
	var st plan.Step
	for _, s := range p.Steps {
		if s.Kind == spec.KindUnix {
			st = s
		}
	}
	for k, v := range map[string]string{"private_keys": "1", "private_keys.0.type": "rsa", "root_tools": "1",
		"root_tools.0.tool": "sudo", "root_tools.0.password.vault_type": "CA PAM", "root_tools.0.password.username": "root"} {
		if st.Params[k] != v {
			t.Errorf("param %s = %q, want %q (params %v)", k, st.Params[k], v, st.Params)
		}
	}
	if st.Secrets["private_keys.0.key"].Env != "KEY" || st.Secrets["private_keys.0.passphrase"].Env != "KEY_PASS" {
		t.Errorf("secrets %v", st.Secrets)
	}
	if st.VaultRefs["root_tools.0.password.vault_id"] != "pam" || len(st.DependsOn) != 1 {
		t.Errorf("vault refs %v, depends on %v", st.VaultRefs, st.DependsOn)
	}
	live := vault("pam", 9)
	p = mustBuild(t, doc(d, vault("pam", 0)), doc(live), baseOpts())
	if st := onlyStep(t, p); st.Params["root_tools.0.password.vault_id"] != "9" {
		t.Errorf("live vault: params %v", st.Params)
	}
}

// TestItemsRotation: with a key, a changed key of a managed record is one update sending the
// whole list; an unchanged one sends nothing; --push-secrets sends it.
func TestItemsRotation(t *testing.T) {
	value := "v1"
	opts := plan.Options{SecretKey: testKey, Resolve: func(o *spec.Object, p string) (string, error) { return canary + value + p, nil }}
	d := unixWithItems(t, 0, []spec.Item{keyItem("KEY")}, nil)
	fps := map[string]string{}
	b := &builder{opts: opts}
	b.itemFingerprints(d, fps)
	l := unixWithItems(t, 1, []spec.Item{liveKey()}, nil)
	l.Marker = marker("private_keys", fps["private_keys"])
	dd := unixWithItems(t, 0, []spec.Item{keyItem("KEY")}, nil)
	dd.Secrets = nil
	l.Marker.Fingerprints["password"] = "x"
	if p := mustBuild(t, doc(dd), doc(l), opts); !p.Empty() {
		t.Fatalf("unchanged key: %+v", p.Steps)
	}
	value = "v2"
	p := mustBuild(t, doc(dd), doc(l), opts)
	st := onlyStep(t, p)
	if st.Params["private_keys"] != "1" || st.Secrets["private_keys.0.key"].Env != "KEY" {
		t.Errorf("rotation step %+v", st)
	}
	out := renderAll(t, p)
	for f, s := range out {
		if strings.Contains(s, canary) {
			t.Errorf("%s holds the canary", f)
		}
	}
	if !strings.Contains(out["text"], "private_keys") || !strings.Contains(out["text"], sensitiveChanged) {
		t.Errorf("text plan:\n%s", out["text"])
	}
	if p := mustBuild(t, doc(dd), doc(l), plan.Options{PushSecrets: true}); onlyStep(t, p).Params["private_keys"] != "1" {
		t.Errorf("push-secrets does not send the list")
	}
}

// TestItemsRemoveAndOmit: a managed record declaring an empty list drops the live entries (the
// section is sent empty); an omitted list leaves them alone.
func TestItemsRemoveAndOmit(t *testing.T) {
	l := unixWithItems(t, 1, nil, []spec.Item{{ID: 5, Attrs: map[string]string{"tool": "sudo"}}})
	d := unixWithItems(t, 0, nil, []spec.Item{})
	d.Secrets = nil
	st := onlyStep(t, mustBuild(t, doc(d), doc(l), baseOpts()))
	if v, ok := st.Params["root_tools"]; !ok || v != "0" {
		t.Errorf("remove: params %v", st.Params)
	}
	d.Items = nil
	if p := mustBuild(t, doc(d), doc(l), baseOpts()); !p.Empty() {
		t.Errorf("omitted list changes: %+v", p.Steps)
	}
}

// TestItemsAdoptRefusesDrop: adopting a record whose live keys the configuration does not
// mention would drop them (the body replaces every key, and their secrets are unknown): refused.
func TestItemsAdoptRefusesDrop(t *testing.T) {
	l := unixWithItems(t, 1, []spec.Item{liveKey(), {ID: 2, Attrs: map[string]string{"type": "dsa", "key": spec.SourceBasic}}}, nil)
	l.Marker = nil
	d := unixWithItems(t, 0, []spec.Item{keyItem("KEY")}, nil)
	d.Adopt = true
	_, err := Plan(doc(d), doc(l), baseOpts())
	if err == nil || !strings.Contains(err.Error(), "would drop 1 live entries") {
		t.Fatalf("want a refusal, got %v", err)
	}
	d.Items = nil
	p := mustBuild(t, doc(d), doc(l), baseOpts())
	if st := onlyStep(t, p); st.Params["private_keys"] != "" {
		t.Errorf("adopt with keys omitted sends them: %v", st.Params)
	}
}

// TestItemsRootToolsOrdered: root tools are tried in turn, so the same tools in another order
// are a change that sends the list in the configuration's order; private keys are a set, so a
// reorder of them is no change.
func TestItemsRootToolsOrdered(t *testing.T) {
	sudo, pimsu := toolItem("pam"), toolItem("pam")
	pimsu.Attrs = map[string]string{"tool": "pimsu"}
	live := func(items ...spec.Item) []spec.Item {
		out := make([]spec.Item, len(items))
		for i, it := range items {
			it.ID = int64(100 + i)
			out[i] = it
		}
		return out
	}
	l := unixWithItems(t, 1, nil, live(sudo, pimsu))
	d := unixWithItems(t, 0, nil, []spec.Item{pimsu, sudo})
	d.Secrets = nil
	p := mustBuild(t, doc(d, vault("pam", 0)), doc(l, vault("pam", 9)), baseOpts())
	st := onlyStep(t, p)
	if st.Params["root_tools"] != "2" || st.Params["root_tools.0.tool"] != "pimsu" || st.Params["root_tools.1.tool"] != "sudo" {
		t.Errorf("reorder: params %v", st.Params)
	}
	if out := renderAll(t, p)["text"]; !strings.Contains(out, "root_tools") || !strings.Contains(out, "tool=pimsu") {
		t.Errorf("text plan does not show the reorder:\n%s", out)
	}
	d.Items["root_tools"] = []spec.Item{sudo, pimsu}
	if p := mustBuild(t, doc(d, vault("pam", 0)), doc(l, vault("pam", 9)), baseOpts()); !p.Empty() {
		t.Errorf("same order: %+v", p.Steps)
	}

	rsa, dsa := liveKey(), spec.Item{ID: 2, Attrs: map[string]string{"type": "dsa", "key": spec.SourceBasic}}
	l = unixWithItems(t, 1, []spec.Item{rsa, dsa}, nil)
	d = unixWithItems(t, 0, []spec.Item{{Attrs: dsa.Attrs}, {Attrs: rsa.Attrs}}, nil)
	d.Secrets = nil
	if p := mustBuild(t, doc(d), doc(l), baseOpts()); !p.Empty() {
		t.Errorf("reordered private keys (a set) change: %+v", p.Steps)
	}
}
