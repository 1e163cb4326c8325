package build

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/render"
	"github.com/qsync/qsync/internal/spec"
)

// stepsSummary is a compact description of steps for assertions: "phase kind op [titles] params deps".
func stepsSummary(p *plan.Plan) []string {
	var out []string
	for _, s := range p.Steps {
		var titles []string
		for _, k := range s.Keys {
			titles = append(titles, k.Title)
		}
		var params []string
		for _, k := range slices.Sorted(maps.Keys(s.Params)) {
			if k == "comments" {
				continue
			}
			params = append(params, k+"="+s.Params[k])
		}
		line := fmt.Sprintf("%d:%d %s %s %v %s", s.ID, s.Phase, s.Kind, s.Op, titles, strings.Join(params, "&"))
		if s.VaultRef != "" {
			line += " vault_ref=" + s.VaultRef
		}
		if len(s.DependsOn) > 0 {
			line += fmt.Sprintf(" after%v", s.DependsOn)
		}
		out = append(out, line)
	}
	return out
}

func wantSteps(t *testing.T, p *plan.Plan, want ...string) {
	t.Helper()
	got := stepsSummary(p)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("steps:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// applyAndConverge applies p to an in-memory Qualys and checks that the result plans empty.
func applyAndConverge(t *testing.T, desired, live *spec.Document, p *plan.Plan, opts plan.Options) *spec.Document {
	t.Helper()
	m := newModel(live, func(r spec.SecretRef) string { return "value of " + r.String() })
	if err := m.apply(p); err != nil {
		t.Fatalf("apply: %v\n%s", err, planText(p))
	}
	after := m.live()
	opts.PushSecrets = false
	opts.SecretKey = nil
	p2 := mustBuild(t, desired, after, opts)
	if !p2.Empty() {
		t.Fatalf("not converged:\n%s", planText(p2))
	}
	return after
}

func TestOrderIPMovesBetweenUnixRecords(t *testing.T) {
	live := doc(unix(t, "a", 1, "10.0.0.1-10.0.0.2"), unix(t, "b", 2, "10.0.0.3"))
	desired := doc(noSecrets(unix(t, "a", 0, "10.0.0.1")), noSecrets(unix(t, "b", 0, "10.0.0.2-10.0.0.3")))
	p := mustBuild(t, desired, live, baseOpts())
	wantSteps(t, p,
		"1:2 unix update [a] remove_ips=10.0.0.2",
		"2:2 unix update [b] add_ips=10.0.0.2 after[1]")
	applyAndConverge(t, desired, live, p, baseOpts())
}

func TestOrderIPMovesWithOtherChangesSplitsUpdate(t *testing.T) {
	live := doc(unix(t, "a", 1, "10.0.0.1-10.0.0.2"))
	a := noSecrets(unix(t, "a", 0, "10.0.0.1", "10.0.0.9"))
	a.Attrs["port"] = "2222"
	c := noSecrets(unix(t, "c", 0, "10.0.0.2"))
	c.Secrets = map[string]spec.SecretRef{"password": {Env: "C_PW"}}
	desired := doc(a, c)
	p := mustBuild(t, desired, live, baseOpts())
	wantSteps(t, p,
		"1:2 unix update [a] remove_ips=10.0.0.2",
		"2:2 unix create [c] ips=10.0.0.2&title=c&username=root after[1]",
		"3:3 unix update [a] add_ips=10.0.0.9&port=2222")
	applyAndConverge(t, desired, live, p, baseOpts())
}

func TestOrderIPFreedByDeleteMovesDeleteEarly(t *testing.T) {
	live := doc(unix(t, "old", 1, "10.0.0.5"), unix(t, "gone", 2, "10.0.0.7"))
	n := unix(t, "new", 0, "10.0.0.5")
	desired := doc(n)
	p := mustBuild(t, desired, live, baseOpts())
	wantSteps(t, p,
		"1:2 unix delete [old] ",
		"2:2 unix create [new] ips=10.0.0.5&title=new&username=root after[1]",
		"3:4 unix delete [gone] ")
	applyAndConverge(t, desired, live, p, baseOpts())
}

func TestOrderIPUnixFamilyAcrossSubTypes(t *testing.T) {
	cisco := unix(t, "switches", 1, "10.1.0.1-10.1.0.40")
	cisco.Type = "cisco"
	live := doc(withDefaults(cisco))
	d1 := noSecrets(unix(t, "switches", 0, "10.1.0.1-10.1.0.30"))
	d1.Type = "cisco"
	d2 := unix(t, "linux", 0, "10.1.0.31-10.1.0.40")
	desired := doc(withDefaults(d1), d2)
	p := mustBuild(t, desired, live, baseOpts())
	wantSteps(t, p,
		"1:2 unix update [switches] remove_ips=10.1.0.31-10.1.0.40",
		"2:2 unix create [linux] ips=10.1.0.31-10.1.0.40&title=linux&username=root after[1]")
	applyAndConverge(t, desired, live, p, baseOpts())
}

func TestOrderTitleMovesBetweenRecords(t *testing.T) {
	live := doc(mysql(t, "a", 1, "10.0.0.1"), mysql(t, "b", 2, "10.0.0.2"))
	x := noSecrets(mysql(t, "c", 0, "10.0.0.1"))
	x.PreviousTitles = []string{"a"}
	y := noSecrets(mysql(t, "a", 0, "10.0.0.2"))
	y.PreviousTitles = []string{"b"}
	desired := doc(x, y)
	p := mustBuild(t, desired, live, baseOpts())
	wantSteps(t, p,
		"1:2 mysql update [c] title=c",
		"2:2 mysql update [a] title=a after[1]")
	for _, c := range p.Changes {
		if c.Action != plan.ActionRename {
			t.Errorf("%s: action %s, want rename", c.Key, c.Action)
		}
	}
	applyAndConverge(t, desired, live, p, baseOpts())
}

func TestOrderTitleFreedForCreate(t *testing.T) {
	live := doc(mysql(t, "a", 1, "10.0.0.1"))
	x := noSecrets(mysql(t, "c", 0, "10.0.0.1"))
	x.PreviousTitles = []string{"a"}
	desired := doc(x, mysql(t, "a", 0, "10.0.0.2"))
	p := mustBuild(t, desired, live, baseOpts())
	wantSteps(t, p,
		"1:2 mysql update [c] title=c",
		"2:2 mysql create [a] database=mysql&ips=10.0.0.2&port=3306&title=a&username=scanner after[1]")
	applyAndConverge(t, desired, live, p, baseOpts())
}

func TestOrderRenameChainAndSwap(t *testing.T) {
	// a -> b while b -> c: b must move first.
	live := doc(mysql(t, "a", 1, "10.0.0.1"), mysql(t, "b", 2, "10.0.0.2"))
	x := noSecrets(mysql(t, "b", 0, "10.0.0.1"))
	x.PreviousTitles = []string{"a"}
	y := noSecrets(mysql(t, "c", 0, "10.0.0.2"))
	y.PreviousTitles = []string{"b"}
	desired := doc(x, y)
	p := mustBuild(t, desired, live, baseOpts())
	wantSteps(t, p,
		"1:2 mysql update [c] title=c",
		"2:2 mysql update [b] title=b after[1]")
	applyAndConverge(t, desired, live, p, baseOpts())

	// a <-> b: both titles exist live and stay, so each desired object matches its own title and
	// previous_titles means nothing (this is also what keeps a finished rename stable).
	y2 := noSecrets(mysql(t, "a", 0, "10.0.0.2"))
	y2.PreviousTitles = []string{"b"}
	p = mustBuild(t, doc(x, y2), live, baseOpts())
	wantSteps(t, p, "1:3 mysql update [a] ips=10.0.0.2", "2:3 mysql update [b] ips=10.0.0.1")
}

func TestOrderVaultCreatedAndReferenced(t *testing.T) {
	r := noSecrets(mysql(t, "billing-db", 0, "10.0.0.1"))
	r.Login = &spec.VaultLogin{Vault: "Thycotic prod", Params: map[string]string{"secret_name": "billing"}}
	moved := noSecrets(mysql(t, "moved-db", 0, "10.0.0.2"))
	moved.Login = &spec.VaultLogin{Vault: "Thycotic prod", Params: map[string]string{"secret_name": "moved"}}
	v := &spec.Object{Kind: spec.KindVault, Type: "thycotic", Title: "Thycotic prod",
		Attrs: map[string]string{"url": "https://ss.example.com", "username": "qualys"}}
	desired := doc(v, r, moved)
	live := doc(mysql(t, "moved-db", 4, "10.0.0.2"))
	p := mustBuild(t, desired, live, baseOpts())
	wantSteps(t, p,
		"1:1 vault create [Thycotic prod] title=Thycotic prod&type=Thycotic Secret Server&url=https://ss.example.com&username=qualys",
		"2:3 mysql create [billing-db] database=mysql&ips=10.0.0.1&login_type=vault&port=3306&secret_name=billing&title=billing-db&username=scanner&vault_type=Thycotic Secret Server vault_ref=Thycotic prod after[1]",
		"3:3 mysql update [moved-db] login_type=vault&secret_name=moved&vault_type=Thycotic Secret Server vault_ref=Thycotic prod after[1]")
	applyAndConverge(t, desired, live, p, baseOpts())
}

func TestVaultRenameKeepsRecordLogin(t *testing.T) {
	lv := vault("Old name", 900)
	lr := mysql(t, "db", 5, "10.0.0.1")
	lr.Attrs = map[string]string{"username": "scanner", "database": "mysql", "port": "3306", "ssl_verify": "false", "network_id": "0"}
	lv.Type = "thycotic"
	lv.Attrs = map[string]string{"url": "https://ss", "username": "q"}
	lr.Login = &spec.VaultLogin{Vault: "Old name", Params: map[string]string{"secret_name": "s"}}
	live := doc(lv, lr)
	dv := noSecrets(cloneObj(lv))
	dv.Title, dv.PreviousTitles, dv.ID, dv.Marker = "New name", []string{"Old name"}, 0, nil
	dr := noSecrets(cloneObj(lr))
	dr.Login.Vault, dr.ID, dr.Marker = "New name", 0, nil
	desired := doc(dv, dr)
	p := mustBuild(t, desired, live, baseOpts())
	wantSteps(t, p, "1:1 vault update [New name] title=New name&type=Thycotic Secret Server")
	applyAndConverge(t, desired, live, p, baseOpts())
}

func TestBatchPasswordRotation(t *testing.T) {
	var liveObjs, desiredObjs []*spec.Object
	old := spec.Fingerprint(testKey, "password", "old password")
	for i := range 400 {
		title := fmt.Sprintf("db-%03d", i)
		l := mysql(t, title, int64(100+i), fmt.Sprintf("10.0.%d.%d", i/200, i%200))
		l.Marker = marker("password", old)
		liveObjs = append(liveObjs, l)
		d := mysql(t, title, 0, fmt.Sprintf("10.0.%d.%d", i/200, i%200))
		d.Secrets = map[string]spec.SecretRef{"password": {Env: "SHARED_PW"}}
		desiredObjs = append(desiredObjs, d)
	}
	opts := baseOpts()
	opts.SecretKey = testKey
	p := mustBuild(t, doc(desiredObjs...), doc(liveObjs...), opts)
	if len(p.Steps) != 1 {
		t.Fatalf("%d steps, want 1 batched update:\n%s", len(p.Steps), strings.Join(stepsSummary(p), "\n"))
	}
	s := p.Steps[0]
	if s.Op != plan.OpUpdate || len(s.IDs) != 400 || len(s.Keys) != 400 || s.Secrets["password"].Env != "SHARED_PW" {
		t.Fatalf("step = %s with %d ids", s.Endpoint(), len(s.IDs))
	}
	want := "[managed by qsync: owner=secops fp=password:" + spec.Fingerprint(testKey, "password", canary+"-password") + "]"
	if !reflect.DeepEqual(s.Params, map[string]string{"comments": want}) {
		t.Errorf("params = %v", s.Params)
	}
	if p.Calls["mysql update"] != 1 || len(p.Changes) != 400 {
		t.Errorf("calls = %v, changes = %d", p.Calls, len(p.Changes))
	}
	for i := 1; i < len(s.IDs); i++ {
		if s.IDs[i] <= s.IDs[i-1] {
			t.Fatal("ids not sorted")
		}
	}
	// Secrets unchanged afterwards: no step at all.
	for _, l := range liveObjs {
		l.Marker = marker("password", spec.Fingerprint(testKey, "password", canary+"-password"))
	}
	if p := mustBuild(t, doc(desiredObjs...), doc(liveObjs...), opts); !p.Empty() {
		t.Errorf("unchanged secrets planned:\n%s", planText(p))
	}
}

func TestBatchDeletes(t *testing.T) {
	var liveObjs []*spec.Object
	for i := range 300 {
		liveObjs = append(liveObjs, mysql(t, fmt.Sprintf("db-%03d", i), int64(1000+i), "10.0.0.1"))
		liveObjs = append(liveObjs, unix(t, fmt.Sprintf("host-%03d", i), int64(5000+i), fmt.Sprintf("10.1.%d.%d", i/200, i%200)))
	}
	opts := baseOpts()
	opts.AllowDeletes = true
	p := mustBuild(t, doc(), doc(liveObjs...), opts)
	wantSteps(t, p, "1:4 mysql delete ["+titles("db-%03d", 300)+"] ", "2:4 unix delete ["+titles("host-%03d", 300)+"] ")
	if len(p.Steps[0].IDs) != 300 || p.Calls["mysql delete"] != 1 || p.Calls["unix delete"] != 1 {
		t.Errorf("calls = %v", p.Calls)
	}
}

func titles(format string, n int) string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf(format, i))
	}
	return strings.Join(out, " ")
}

func TestBatchOnlyIdenticalUpdates(t *testing.T) {
	live := doc(mysql(t, "a", 1, "10.0.0.1"), mysql(t, "b", 2, "10.0.0.1"), mysql(t, "c", 3, "10.0.0.1"))
	var ds []*spec.Object
	for _, title := range []string{"a", "b", "c"} {
		d := noSecrets(mysql(t, title, 0, "10.0.0.1"))
		d.Attrs["port"] = "3307"
		if title == "c" {
			d.Comments = "different"
		}
		ds = append(ds, d)
	}
	p := mustBuild(t, doc(ds...), live, baseOpts())
	wantSteps(t, p, "1:3 mysql update [a b] port=3307", "2:3 mysql update [c] port=3307")
}

func TestDeleteThreshold(t *testing.T) {
	var liveObjs []*spec.Object
	for i := range 10 {
		liveObjs = append(liveObjs, mysql(t, fmt.Sprintf("db-%d", i), int64(i+1), "10.0.0.1"))
	}
	keep := func(n int) *spec.Document {
		var ds []*spec.Object
		for i := range n {
			ds = append(ds, noSecrets(mysql(t, fmt.Sprintf("db-%d", i), 0, "10.0.0.1")))
		}
		return doc(ds...)
	}
	_, err := Plan(keep(6), doc(liveObjs...), baseOpts())
	var re *plan.RefusedError
	if !errors.As(err, &re) || re.Kind != spec.KindMySQL || re.Deletes != 4 || re.Managed != 10 {
		t.Fatalf("4 of 10: err = %v, want *RefusedError", err)
	}
	if !strings.Contains(err.Error(), "refusing to delete 4 of 10 managed mysql objects") || !strings.Contains(err.Error(), "--allow-deletes") {
		t.Errorf("message = %q", err)
	}
	if _, err := Plan(keep(7), doc(liveObjs...), baseOpts()); err != nil {
		t.Errorf("3 of 10 (exactly 30%%) refused: %v", err)
	}
	opts := baseOpts()
	opts.AllowDeletes = true
	if _, err := Plan(keep(0), doc(liveObjs...), opts); err != nil {
		t.Errorf("--allow-deletes: %v", err)
	}
	if _, err := Plan(keep(0), doc(liveObjs[:9]...), baseOpts()); err != nil {
		t.Errorf("9 managed (below the minimum count): %v", err)
	}
	opts = baseOpts()
	opts.DeleteThreshold, opts.DeleteMinCount = 0.5, 4
	if _, err := Plan(keep(7), doc(liveObjs[:4]...), opts); !errors.As(err, &re) {
		// 4 managed, desired keeps db-0..db-3: nothing deleted.
		if err != nil {
			t.Errorf("custom threshold: %v", err)
		}
	}
}

func TestFailClosedWhenLiveIncomplete(t *testing.T) {
	opts := baseOpts()
	live := doc(mysql(t, "a", 1, "10.0.0.1"), mysql(t, "gone", 2, "10.0.0.2"))
	live.Complete = false // a partial read
	_, err := Plan(doc(mysql(t, "a", 0, "10.0.0.1")), live, opts)
	if !errors.Is(err, plan.ErrLiveIncomplete) {
		t.Fatalf("delete: err = %v", err)
	}
	_, err = Plan(doc(mysql(t, "a", 0, "10.0.0.1"), mysql(t, "gone", 0, "10.0.0.2"), mysql(t, "new", 0, "10.0.0.3")), live, opts)
	if !errors.Is(err, plan.ErrLiveIncomplete) || !strings.Contains(err.Error(), "1 create(s)") {
		t.Fatalf("create: err = %v", err)
	}
	d := mysql(t, "a", 0, "10.0.0.1")
	d.Attrs["port"] = "1"
	p, err := Plan(doc(d, mysql(t, "gone", 0, "10.0.0.2")), live, opts)
	if err != nil || len(p.Steps) != 1 {
		t.Fatalf("updates only: %v", err)
	}
}

func TestOwnership(t *testing.T) {
	unmanaged := mysql(t, "legacy", 5, "10.0.0.1")
	unmanaged.Marker = nil
	other := mysql(t, "theirs", 6, "10.0.0.2")
	other.Marker = &spec.Marker{Owner: "netops"}
	live := doc(unmanaged, other)

	d := mysql(t, "legacy", 0, "10.0.0.1")
	d.Pos = spec.Pos{File: "records.yaml", Line: 3, Col: 5}
	_, err := Plan(doc(d), live, baseOpts())
	want := `records.yaml:3:5: records/0: mysql "legacy": exists in Qualys (id 5) but is not managed by owner "secops"; set adopt: true or pass --adopt`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
	var de spec.Diagnostics
	if !errors.As(err, &de) || len(de) != 1 || de[0].Pos.Line != 3 || de[0].Path != "records/0" {
		t.Fatalf("not a positioned diagnostic: %#v", err)
	}

	opts := baseOpts()
	opts.Adopt = true
	p := mustBuild(t, doc(d), live, opts)
	if len(p.Changes) != 1 || p.Changes[0].Action != plan.ActionAdopt || p.Steps[0].Params["comments"] != "[managed by qsync: owner=secops]" {
		t.Fatalf("adopt:\n%s", planText(p))
	}
	if !reflect.DeepEqual(p.Unmanaged, []spec.Key{other.Key()}) {
		t.Errorf("unmanaged = %v", p.Unmanaged)
	}

	theirs := mysql(t, "theirs", 0, "10.0.0.2")
	theirs.Adopt = true
	_, err = Plan(doc(theirs), live, opts)
	if err == nil || !strings.Contains(err.Error(), `managed by owner "netops", not "secops"`) {
		t.Fatalf("other owner: err = %v", err)
	}

	// A rename onto an unmanaged object is checked the same way.
	r := mysql(t, "renamed", 0, "10.0.0.1")
	r.PreviousTitles = []string{"legacy"}
	_, err = Plan(doc(r), live, baseOpts())
	if err == nil || !strings.Contains(err.Error(), `previous title "legacy" exists in Qualys (id 5) but is not managed`) {
		t.Fatalf("rename of unmanaged: err = %v", err)
	}
}

func TestProtectRefusesReplacement(t *testing.T) {
	l := unix(t, "fw", 3, "10.0.0.1")
	l.Type = "cisco"
	d := unix(t, "fw", 0, "10.0.0.1")
	d.Protect = true
	p := mustBuild(t, doc(d), doc(withDefaults(l)), baseOpts())
	if len(p.Steps) != 0 || len(p.Changes) != 0 || len(p.Refused) != 1 || p.Refused[0].Action != plan.ActionReplace {
		t.Fatalf("plan:\n%s", planText(p))
	}
	// Without protect, and with consent, the replacement is planned: delete, then create.
	d.Protect, d.AllowReplace = false, true
	p = mustBuild(t, doc(d), doc(withDefaults(l)), baseOpts())
	wantSteps(t, p,
		"1:3 unix delete [fw] ",
		"2:3 unix create [fw] ips=10.0.0.1&title=fw&username=root after[1]")
}

func TestImmutableFieldReplaces(t *testing.T) {
	l := withDefaults(&spec.Object{Kind: spec.KindWindows, Title: "dc", ID: 4, IPs: ips(t, "10.0.0.1"), Marker: marker(),
		Attrs: map[string]string{"username": "scan", "windows_domain": "CORP"}})
	d := withDefaults(&spec.Object{Kind: spec.KindWindows, Title: "dc", IPs: ips(t, "10.0.0.1"),
		Attrs:   map[string]string{"username": "scan", "windows_ad_domain": "corp.example.com"},
		Secrets: map[string]spec.SecretRef{"password": {Env: "WIN_PW"}}})
	d.AllowReplace = true
	p := mustBuild(t, doc(d), doc(l), baseOpts())
	if len(p.Changes) != 1 || p.Changes[0].Action != plan.ActionReplace || !strings.Contains(p.Changes[0].Reason, "windows_ad_domain") {
		t.Fatalf("plan:\n%s", planText(p))
	}
	applyAndConverge(t, doc(d), doc(l), p, baseOpts())
}

func TestVaultDeleteInUse(t *testing.T) {
	v := vault("Old vault", 900)
	r := unix(t, "host", 5, "10.0.0.1")
	r.Marker = nil
	r.Login = &spec.VaultLogin{Vault: "Old vault", Params: map[string]string{"vault_app_name": "x", "vault_device_host": "${ip}"}}
	_, err := Plan(doc(), doc(v, r), baseOpts())
	if err == nil || !strings.Contains(err.Error(), `vault "Old vault": is not in the configuration but is still used by unix "host"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestNotationIsNotAChange(t *testing.T) {
	l := mysql(t, "db", 5, "10.0.0.0-10.0.0.15", "10.0.1.1")
	l.Attrs["hosts"] = "a.example.com,b.example.com"
	l.Attrs["ssl_verify"] = "true"
	l.Attrs["client_cert"] = "-----BEGIN-----\nAAA\n-----END-----"
	d := &spec.Object{Kind: spec.KindMySQL, Title: "db", IPs: ips(t, "10.0.0.0/28", "10.0.1.1/32"),
		Attrs: map[string]string{"username": "scanner", "database": "mysql", "port": "03306", "ssl_verify": "1",
			"hosts": "b.example.com, a.example.com", "client_cert": "-----BEGIN-----\r\nAAA\r\n-----END-----\n"}}
	p := mustBuild(t, doc(d), doc(l), baseOpts())
	if !p.Empty() {
		t.Fatalf("notation differences planned:\n%s", planText(p))
	}
}

// TestOmittedAttribute: an omitted field with a documented default (mysql ssl_verify: unset means
// no verification, REFERENCE.md §3.4) equals that default, so the live true is set back; one
// without (unix_config_file) is unmanaged: neither cleared nor compared.
func TestOmittedAttribute(t *testing.T) {
	l := mysql(t, "db", 5, "10.0.0.1")
	l.Attrs["unix_config_file"] = "/etc/my.cnf"
	l.Attrs["ssl_verify"] = "true"
	d := noSecrets(mysql(t, "db", 0, "10.0.0.1")) // ssl_verify false, filled in as the loader does
	p := mustBuild(t, doc(d), doc(l), baseOpts())
	wantSteps(t, p, "1:3 mysql update [db] ssl_verify=0")
}

// TestAdoptFlipsNothingOmitted: adopting a Windows record made in the UI with kerberos and
// ntlmv2 on, from a configuration that does not mention them, changes neither; the create of
// the same configuration sends no option it leaves out.
func TestAdoptFlipsNothingOmitted(t *testing.T) {
	l := &spec.Object{Kind: spec.KindWindows, Title: "dc", ID: 4, IPs: ips(t, "10.0.0.1"),
		Attrs: map[string]string{"username": "scan", "windows_domain": "CORP", "kerberos": "true", "ntlmv2": "true",
			"ntlm": "false", "require_smb_signing": "false", "use_agentless_tracking": "false", "network_id": "0"}}
	d := withDefaults(&spec.Object{Kind: spec.KindWindows, Title: "dc", IPs: ips(t, "10.0.0.1"), Adopt: true,
		Attrs: map[string]string{"username": "scan"}, Secrets: map[string]spec.SecretRef{"password": {Env: "WIN_PW"}}})
	p := mustBuild(t, doc(d), doc(l), baseOpts())
	wantSteps(t, p, "1:3 windows update [dc] ") // the marker only (comments)
	p = mustBuild(t, doc(d), doc(), baseOpts())
	wantSteps(t, p, "1:3 windows create [dc] ips=10.0.0.1&title=dc&username=scan")
}

func TestBuildIdentity(t *testing.T) {
	for _, sc := range scenarios() {
		live := sc.live(t)
		opts := baseOpts()
		opts.SecretKey = testKey
		if p := mustBuild(t, managedOnly(live), live, opts); !p.Empty() {
			t.Errorf("%s: Plan(live, live) not empty:\n%s", sc.name, planText(p))
		}
	}
}

func TestBuildDoesNotModifyInputs(t *testing.T) {
	for _, sc := range scenarios() {
		desired, live := sc.desired(t), sc.live(t)
		before := planTextDoc(desired) + planTextDoc(live)
		opts := baseOpts()
		if sc.opts != nil {
			sc.opts(&opts)
		}
		mustBuild(t, desired, live, opts)
		if after := planTextDoc(desired) + planTextDoc(live); after != before {
			t.Errorf("%s: Build modified its inputs", sc.name)
		}
	}
}

func planTextDoc(d *spec.Document) string {
	var b strings.Builder
	for _, o := range d.Objects {
		fmt.Fprintf(&b, "%+v %v %v %+v\n", *o, o.IPs, o.Marker, o.Login)
	}
	return b.String()
}

func TestSecretCanaryNeverLeaks(t *testing.T) {
	var outputs []string
	for _, sc := range scenarios() {
		for _, key := range [][]byte{nil, testKey} {
			opts := baseOpts()
			if sc.opts != nil {
				sc.opts(&opts)
			}
			opts.SecretKey = key
			opts.PushSecrets = key == nil
			p := mustBuild(t, sc.desired(t), sc.live(t), opts)
			for _, o := range renderAll(t, p) {
				outputs = append(outputs, o)
			}
			var b bytes.Buffer
			if err := render.Save(&b, p); err != nil {
				t.Fatal(err)
			}
			outputs = append(outputs, b.String(), fmt.Sprintf("%+v", *p))
			for _, c := range p.Changes {
				outputs = append(outputs, fmt.Sprintf("%+v", c))
			}
		}
	}
	for _, o := range outputs {
		if strings.Contains(o, canary) {
			t.Fatalf("canary secret found in output:\n%s", o)
		}
	}
}

func TestResolveErrorIsADiagnostic(t *testing.T) {
	opts := baseOpts()
	opts.SecretKey = testKey
	opts.Resolve = func(o *spec.Object, p string) (string, error) {
		return "", fmt.Errorf("environment variable %s is not set", o.Secrets[p].Env)
	}
	_, err := Plan(doc(mysql(t, "db", 0, "10.0.0.1")), doc(mysql(t, "db", 5, "10.0.0.1")), opts)
	if err == nil || !strings.Contains(err.Error(), `mysql "db": password: environment variable MYSQL_PW is not set`) {
		t.Fatalf("err = %v", err)
	}
}

func TestRateRemainingNote(t *testing.T) {
	opts := baseOpts()
	opts.RateRemaining = 1
	live := doc(mysql(t, "a", 1, "10.0.0.1"))
	p := mustBuild(t, doc(mysql(t, "b", 0, "10.0.0.1"), mysql(t, "c", 0, "10.0.0.1"), noSecrets(mysql(t, "a", 0, "10.0.0.1"))), live, opts)
	var b bytes.Buffer
	_ = render.Plan(&b, p, "text", render.Options{})
	if !strings.Contains(b.String(), "mysql create needs 2 calls but only 1 remain") ||
		!strings.Contains(b.String(), "API calls: mysql create 2 (2 in total; 1 remaining per endpoint in the current rate window)") {
		t.Errorf("text:\n%s", b.String())
	}
}

// TestRateNoteCountsVerificationReads: writes that fit in the rate window but leave no room for
// the verification's reads after apply are warned about; with room for both, nothing is said.
func TestRateNoteCountsVerificationReads(t *testing.T) {
	live := doc(mysql(t, "a", 1, "10.0.0.1"))
	desired := doc(mysql(t, "b", 0, "10.0.0.1"), mysql(t, "c", 0, "10.0.0.1"), noSecrets(mysql(t, "a", 0, "10.0.0.1")))
	for _, c := range []struct {
		remaining, verify int
		want              string
	}{
		{5, 4, "apply needs 6 calls (2 writes, then 4 reads to verify the result) but only 5 remain in the current rate window"},
		{6, 4, ""},
		{5, 0, ""},
	} {
		opts := baseOpts()
		opts.RateRemaining, opts.VerifyReads = c.remaining, c.verify
		p := mustBuild(t, desired, live, opts)
		var b bytes.Buffer
		_ = render.Plan(&b, p, "text", render.Options{})
		note := strings.Contains(b.String(), "reads to verify the result")
		if c.want == "" && note || c.want != "" && !strings.Contains(b.String(), c.want) {
			t.Errorf("remaining %d, verify %d: text:\n%s\nwant note %q", c.remaining, c.verify, b.String(), c.want)
		}
	}
}

func TestMarkdownSizeCap(t *testing.T) {
	var ds []*spec.Object
	for i := range 500 {
		d := mysql(t, fmt.Sprintf("db-%03d", i), 0, "10.0.0.1")
		d.Comments = strings.Repeat("a long comment line\n", 5)
		ds = append(ds, d)
	}
	p := mustBuild(t, doc(ds...), doc(), baseOpts())
	var b bytes.Buffer
	if err := render.Plan(&b, p, "markdown", render.Options{MaxBytes: 20000}); err != nil {
		t.Fatal(err)
	}
	if b.Len() > 20000 || !strings.Contains(b.String(), "changes are not detailed here (comment size limit)") {
		t.Errorf("len %d:\n%s", b.Len(), b.String()[b.Len()-500:])
	}
	b.Reset()
	_ = render.Plan(&b, p, "markdown", render.Options{})
	if b.Len() > render.DefaultMarkdownBytes {
		t.Errorf("default cap exceeded: %d", b.Len())
	}
}

func TestRenderUnknownFormat(t *testing.T) {
	if err := render.Plan(&bytes.Buffer{}, &plan.Plan{}, "yaml", render.Options{}); err == nil {
		t.Error("no error for an unknown format")
	}
}

func TestDeterministic(t *testing.T) {
	for _, sc := range scenarios() {
		var first string
		for i := range 5 {
			opts := baseOpts()
			if sc.opts != nil {
				sc.opts(&opts)
			}
			out := renderAll(t, mustBuild(t, sc.desired(t), sc.live(t), opts))
			s := out["text"] + out["markdown"] + out["json"]
			if i == 0 {
				first = s
			} else if s != first {
				t.Fatalf("%s: output differs between runs", sc.name)
			}
		}
	}
}

func TestVaultReplacement(t *testing.T) {
	l := vault("PAM", 900)
	d := &spec.Object{Kind: spec.KindVault, Type: "thycotic", Title: "PAM",
		Attrs:   map[string]string{"url": "https://ss.example.com", "username": "qualys"},
		Secrets: map[string]spec.SecretRef{"password": {Env: "SS_PW"}}, AllowReplace: true}
	p := mustBuild(t, doc(d), doc(l), baseOpts())
	wantSteps(t, p,
		"1:1 vault delete [PAM] ",
		"2:1 vault create [PAM] title=PAM&type=Thycotic Secret Server&url=https://ss.example.com&username=qualys after[1]")
	applyAndConverge(t, doc(d), doc(l), p, baseOpts())

	// With a record using it, Qualys cannot delete it first: an error that says what to do.
	r := unix(t, "host", 5, "10.0.0.1")
	r.Login = &spec.VaultLogin{Vault: "PAM", Params: map[string]string{"vault_app_name": "x", "vault_device_host": "${ip}"}}
	_, err := Plan(doc(d), doc(l, r), baseOpts())
	if err == nil || !strings.Contains(err.Error(), "declare the new vault under a new title") {
		t.Fatalf("err = %v", err)
	}
}

func TestLiveDigestsUseLiveKeys(t *testing.T) {
	live := doc(mysql(t, "old-name", 5, "10.0.0.1"), mysql(t, "gone", 6, "10.0.0.2"), mysql(t, "same", 7, "10.0.0.3"))
	d := noSecrets(mysql(t, "new-name", 0, "10.0.0.1"))
	d.PreviousTitles = []string{"old-name"}
	p := mustBuild(t, doc(d, noSecrets(mysql(t, "same", 0, "10.0.0.3"))), live, baseOpts())
	want := map[string]string{
		`mysql "old-name"`: plan.ObjectDigest(live.Find(spec.Key{Kind: spec.KindMySQL, Title: "old-name"})),
		`mysql "gone"`:     plan.ObjectDigest(live.Find(spec.Key{Kind: spec.KindMySQL, Title: "gone"})),
	}
	if !reflect.DeepEqual(p.LiveDigests, want) {
		t.Errorf("live digests = %v", p.LiveDigests)
	}
}

func TestObjectDigest(t *testing.T) {
	a := mysql(t, "db", 5, "10.0.0.1")
	b := cloneObj(a)
	if plan.ObjectDigest(a) != plan.ObjectDigest(b) || len(plan.ObjectDigest(a)) != 64 {
		t.Fatal("digest not stable")
	}
	for name, change := range map[string]func(o *spec.Object){
		"attr":     func(o *spec.Object) { o.Attrs["port"] = "1" },
		"ips":      func(o *spec.Object) { o.IPs = ips(t, "10.0.0.2") },
		"comments": func(o *spec.Object) { o.Comments = "x" },
		"marker":   func(o *spec.Object) { o.Marker = nil },
		"login":    func(o *spec.Object) { o.Login = &spec.VaultLogin{Vault: "v"} },
		"title":    func(o *spec.Object) { o.Title = "other" },
	} {
		c := cloneObj(a)
		change(c)
		if plan.ObjectDigest(c) == plan.ObjectDigest(a) {
			t.Errorf("%s change keeps the digest", name)
		}
	}
	if plan.ObjectDigest(nil) != "" {
		t.Error("nil digest")
	}
}

func TestUnviewedVaultIsAnError(t *testing.T) {
	l := vault("PAM", 900)
	l.Attrs = nil
	_, err := Plan(doc(vault("PAM", 0)), doc(l), baseOpts())
	if err == nil || !strings.Contains(err.Error(), "were not read") {
		t.Fatalf("err = %v", err)
	}
}

// replacedWindows returns n managed windows records with domain CORP and the desired ones with
// NEWCORP: each needs a replacement.
func replacedWindows(t *testing.T, n int) (desired, live *spec.Document) {
	desired, live = doc(), doc()
	for i := range n {
		title := fmt.Sprintf("dc-%d", i)
		live.Objects = append(live.Objects, withDefaults(&spec.Object{Kind: spec.KindWindows, Title: title, ID: int64(10 + i),
			IPs: ips(t, fmt.Sprintf("10.0.0.%d", i+1)), Marker: marker(), Attrs: map[string]string{"username": "scan", "windows_domain": "CORP"}}))
		desired.Objects = append(desired.Objects, withDefaults(&spec.Object{Kind: spec.KindWindows, Title: title,
			IPs: ips(t, fmt.Sprintf("10.0.0.%d", i+1)), Attrs: map[string]string{"username": "scan", "windows_domain": "NEWCORP"},
			Secrets: map[string]spec.SecretRef{"password": {Env: "WIN_PW"}}}))
	}
	return desired, live
}

func TestReplacementNeedsConsent(t *testing.T) {
	desired, live := replacedWindows(t, 2)
	p := mustBuild(t, desired, live, baseOpts())
	if len(p.Steps) != 0 || len(p.Refused) != 2 || !strings.Contains(p.Refused[0].Reason, "--allow-replace") {
		t.Fatalf("without consent: refused = %+v\n%s", p.Refused, planText(p))
	}
	desired.Objects[0].AllowReplace = true // per object
	p = mustBuild(t, desired, live, baseOpts())
	if len(p.Refused) != 1 || len(p.Changes) != 1 || p.Changes[0].Action != plan.ActionReplace {
		t.Fatalf("one consented: %+v\n%s", p.Refused, planText(p))
	}
	opts := baseOpts()
	opts.AllowReplace = true // every object
	p = mustBuild(t, desired, live, opts)
	if len(p.Refused) != 0 || len(p.Changes) != 2 {
		t.Fatalf("flag: %+v\n%s", p.Refused, planText(p))
	}
}

func TestReplacementsRunOneAtATime(t *testing.T) {
	desired, live := replacedWindows(t, 3)
	opts := baseOpts()
	opts.AllowReplace = true
	p := mustBuild(t, desired, live, opts)
	// Never one batch of deletes: delete, create, then the next delete after that create.
	var got []string
	for _, st := range p.Steps {
		got = append(got, fmt.Sprintf("%d:%d %s %s %v after%v", st.ID, st.Phase, st.Op, st.Keys[0].Title, st.IDs, st.DependsOn))
	}
	want := []string{
		"1:3 delete dc-0 [10] after[]", "2:3 create dc-0 [] after[1]",
		"3:3 delete dc-1 [11] after[2]", "4:3 create dc-1 [] after[3]",
		"5:3 delete dc-2 [12] after[4]", "6:3 create dc-2 [] after[5]",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("steps:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	applyAndConverge(t, desired, live, p, opts)
}

func TestAdoptNeverReplaces(t *testing.T) {
	desired, live := replacedWindows(t, 1)
	live.Objects[0].Marker = nil
	desired.Objects[0].Pos = spec.Pos{File: "q.yaml", Line: 3, Col: 5}
	desired.Objects[0].FieldPos.Set("windows_domain", spec.Pos{File: "q.yaml", Line: 7, Col: 21})
	for _, o := range []plan.Options{{Adopt: true, AllowReplace: true}, {Adopt: true}} {
		o.Resolve = resolveCanary
		_, err := Plan(desired, live, o)
		if err == nil || !strings.Contains(err.Error(), "q.yaml:7:21") || !strings.Contains(err.Error(), "adopting keeps the Qualys ID (id 10)") {
			t.Fatalf("opts %+v: err = %v", o, err)
		}
	}
}

// TestAzureVariantReplaces: ms_sql's variant is named by provider_name, not sub_type: a plain
// record configured as Azure is replaced (with consent), the create sends provider_name=azure,
// and a live record whose PROVIDER_NAME was not listed is matched, never replaced.
func TestAzureVariantReplaces(t *testing.T) {
	l := withDefaults(&spec.Object{Kind: spec.KindMSSQL, Title: "orders", ID: 6, IPs: ips(t, "10.0.0.1"), Marker: marker(),
		Attrs: map[string]string{"username": "qualys@orders.example.com"}})
	d := withDefaults(&spec.Object{Kind: spec.KindMSSQL, Type: "azure", Title: "orders", IPs: ips(t, "10.0.0.1"),
		Attrs:   map[string]string{"username": "qualys@orders.example.com"},
		Secrets: map[string]spec.SecretRef{"password": {Env: "AZ_PW"}}})
	d.AllowReplace = true
	p := mustBuild(t, doc(d), doc(l), baseOpts())
	if len(p.Changes) != 1 || p.Changes[0].Action != plan.ActionReplace || !strings.Contains(planText(p), `provider_name changes from (none) to "azure"`) {
		t.Fatalf("plan:\n%s", planText(p))
	}
	var create *plan.Step
	for i := range p.Steps {
		if p.Steps[i].Op == "create" {
			create = &p.Steps[i]
		}
	}
	if create == nil || create.Params["provider_name"] != "azure" || create.Params["sub_type"] != "" {
		t.Fatalf("create step: %+v", create)
	}

	l.Unknown = []string{"provider_name"}
	p = mustBuild(t, doc(d), doc(l), baseOpts())
	for _, c := range p.Changes {
		if c.Action == plan.ActionReplace {
			t.Fatalf("a record whose provider_name is not listed is replaced:\n%s", planText(p))
		}
	}
}
