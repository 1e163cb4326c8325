package build

import (
	"errors"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// This file covers the per-kind semantics the kind tables declare: "no port means All Ports"
// (spec.FieldDef.OmittedMeans, NoClear), exclusive groups cleared on a switch
// (spec.KindDef.Exclusive), unique rules checked against live records (spec.KindDef.Unique) and
// whole-section writes that must not drop a part (spec.FieldDef.WholeSection, ShownBy).

func oracle(t testing.TB, title string, id int64, port string, ipList ...string) *spec.Object {
	o := &spec.Object{Kind: spec.KindOracle, Title: title, ID: id, IPs: ips(t, ipList...),
		Attrs: map[string]string{"username": "scan", "sid": "ORCL"}}
	if port != "" {
		o.Attrs["port"] = port
	}
	if id != 0 {
		o.Marker = marker()
	}
	return o
}

func wantDiag(t *testing.T, err error, substrings ...string) {
	t.Helper()
	var ds spec.Diagnostics
	if !errors.As(err, &ds) {
		t.Fatalf("want diagnostics containing %q, got %v", substrings, err)
	}
	for _, s := range substrings {
		if !strings.Contains(ds.Error(), s) {
			t.Errorf("diagnostics do not contain %q:\n%s", s, ds.Error())
		}
	}
}

// TestOraclePortRemovalIsNeverNoChanges: removing an Oracle record's port means All Ports, which
// Qualys documents no way to set in place: without consent the replacement is refused (and
// listed), with consent the record is replaced; it is never "No changes".
func TestOraclePortRemovalIsNeverNoChanges(t *testing.T) {
	d, l := oracle(t, "ora", 0, "", "10.0.0.1"), oracle(t, "ora", 7, "1521", "10.0.0.1")
	p := mustBuild(t, doc(d), doc(l), baseOpts())
	if len(p.Refused) != 1 || !strings.Contains(p.Refused[0].Reason, `port changes from "1521" to (none: "All Ports")`) {
		t.Fatalf("refused %+v, steps %v", p.Refused, stepsSummary(p))
	}
	if len(p.Steps) != 0 {
		t.Fatalf("a refused port removal sends %v", stepsSummary(p))
	}
	opts := baseOpts()
	opts.AllowReplace = true
	p = mustBuild(t, doc(d), doc(l), opts)
	if len(p.Changes) != 1 || p.Changes[0].Action != plan.ActionReplace {
		t.Fatalf("changes %+v", p.Changes)
	}
	for _, st := range p.Steps {
		if st.Op == plan.OpCreate {
			if _, sent := st.Params["port"]; sent {
				t.Errorf("the All-Ports create sends port: %v", st.Params)
			}
		}
	}
	// Setting a port on an All-Ports record is an ordinary update.
	p = mustBuild(t, doc(oracle(t, "ora", 0, "1521", "10.0.0.1")), doc(oracle(t, "ora", 7, "", "10.0.0.1")), baseOpts())
	wantSteps(t, p, "1:3 oracle update [ora] port=1521")
	// An unreported port is unknown: nothing to do, and no note for an All-Ports record.
	u := oracle(t, "ora", 7, "", "10.0.0.1")
	u.Unknown = []string{"port"}
	if p = mustBuild(t, doc(d), doc(u), baseOpts()); !p.Empty() || len(p.Notes) != 0 {
		t.Fatalf("unreported port: %v, notes %v", stepsSummary(p), p.Notes)
	}
}

func msSQL(t *testing.T, id int64, attrs map[string]string) *spec.Object {
	o := &spec.Object{Kind: spec.KindMSSQL, Title: "sql", ID: id, IPs: ips(t, "10.0.0.9"),
		Attrs: map[string]string{"username": "sa"}}
	for k, v := range attrs {
		o.Attrs[k] = v
	}
	if id != 0 {
		o.Marker = marker()
	}
	return o
}

// TestExclusiveSwitchClearsTheOtherSide: switching ms_sql from auto-discovery to an explicit port
// (or back) sends the clearing of the side the configuration leaves out, so Qualys never keeps
// both; a false flag, or a side already clear, is left alone.
func TestExclusiveSwitchClearsTheOtherSide(t *testing.T) {
	p := mustBuild(t, doc(msSQL(t, 0, map[string]string{"port": "1433"})),
		doc(msSQL(t, 5, map[string]string{"auto_discover_ports": "true"})), baseOpts())
	wantSteps(t, p, "1:3 ms_sql update [sql] auto_discover_ports=0&port=1433")
	if fs := p.Changes[0].Fields; len(fs) != 2 || fs[0].Name != "auto_discover_ports" || fs[0].After != "false" {
		t.Errorf("fields %+v", fs)
	}
	p = mustBuild(t, doc(msSQL(t, 0, map[string]string{"auto_discover_ports": "true", "auto_discover_instances": "true"})),
		doc(msSQL(t, 5, map[string]string{"port": "1433", "instance": "MSSQLSERVER"})), baseOpts())
	wantSteps(t, p, "1:3 ms_sql update [sql] auto_discover_instances=1&auto_discover_ports=1&instance=&port=")
	p = mustBuild(t, doc(msSQL(t, 0, map[string]string{"port": "1433"})),
		doc(msSQL(t, 5, map[string]string{"port": "1433", "auto_discover_ports": "false"})), baseOpts())
	if !p.Empty() {
		t.Errorf("a false flag is cleared again: %v", stepsSummary(p))
	}
	// A secret chosen instead of a live flag: skip_password is cleared and the password sent,
	// even without a key (nothing else would ever send it).
	d0, l0 := unix(t, "u", 0, "10.0.0.1"), unix(t, "u", 3, "10.0.0.1")
	l0.Attrs["skip_password"] = "true"
	p = mustBuild(t, doc(d0), doc(l0), baseOpts())
	wantSteps(t, p, "1:3 unix update [u] skip_password=0")
	if st := p.Steps[0]; st.Secrets["password"].Env != "UNIX_PW" {
		t.Errorf("secrets %v", st.Secrets)
	}
	if fs := p.Changes[0].Fields; len(fs) != 2 || fs[1].After != sensitiveSwitch {
		t.Errorf("fields %+v", fs)
	}
	// Members sharing one element (unix port and ports) are one setting: sending one replaces
	// the other.
	d, l := unix(t, "u", 0, "10.0.0.1"), unix(t, "u", 3, "10.0.0.1")
	d.Secrets = nil
	d.Attrs["port"], l.Attrs["ports"] = "22", "22,23"
	wantSteps(t, mustBuild(t, doc(d), doc(l), baseOpts()), "1:3 unix update [u] port=22")
}

// TestExclusiveClearOfImmutableMemberReplaces: switching a windows record from windows_domain to
// windows_ad_domain while Qualys does not report windows_ad_domain (never set) clears the live
// windows_domain, which is immutable: that clear cannot be sent as an update (Qualys refuses it),
// so without consent the replacement is refused (and listed, naming the member chosen instead)
// and nothing is sent; with consent the record is replaced and converges.
func TestExclusiveClearOfImmutableMemberReplaces(t *testing.T) {
	l := withDefaults(&spec.Object{Kind: spec.KindWindows, Title: "dc", ID: 4, IPs: ips(t, "10.0.0.1"), Marker: marker(),
		Attrs: map[string]string{"username": "scan", "windows_domain": "CORP"}, Unknown: []string{"windows_ad_domain"}})
	d := withDefaults(&spec.Object{Kind: spec.KindWindows, Title: "dc", IPs: ips(t, "10.0.0.1"),
		Attrs:   map[string]string{"username": "scan", "windows_ad_domain": "corp.example.com"},
		Secrets: map[string]spec.SecretRef{"password": {Env: "WIN_PW"}}})
	p := mustBuild(t, doc(d), doc(l), baseOpts())
	want := `windows_domain changes from "CORP" to (none) (the configuration sets windows_ad_domain instead`
	if len(p.Refused) != 1 || !strings.Contains(p.Refused[0].Reason, want) {
		t.Fatalf("refused %+v, steps %v", p.Refused, stepsSummary(p))
	}
	if len(p.Steps) != 0 {
		t.Fatalf("a refused replacement sends %v", stepsSummary(p))
	}
	d.AllowReplace = true
	p = mustBuild(t, doc(d), doc(l), baseOpts())
	if len(p.Changes) != 1 || p.Changes[0].Action != plan.ActionReplace || !strings.Contains(p.Changes[0].Reason, want) {
		t.Fatalf("plan:\n%s", planText(p))
	}
	wantSteps(t, p,
		"1:3 windows delete [dc] ",
		"2:3 windows create [dc] ips=10.0.0.1&title=dc&username=scan&windows_ad_domain=corp.example.com after[1]")
	applyAndConverge(t, doc(d), doc(l), p, baseOpts())
}

// TestRuleSlotsCheckedAgainstLive: a declared record that would break a unique rule with a live
// record qsync does not manage (unmarked, another owner's) is an error at plan time, not a
// failed apply; a record qsync manages and deletes, or one with another port, is no conflict.
func TestRuleSlotsCheckedAgainstLive(t *testing.T) {
	other := oracle(t, "theirs", 40, "", "10.0.0.0/30")
	other.Marker = &spec.Marker{Owner: "dba"}
	d := oracle(t, "ora", 0, "", "10.0.0.2")
	d.Secrets = map[string]spec.SecretRef{"password": {Env: "PW"}}
	_, err := Plan(doc(d), doc(other), baseOpts())
	wantDiag(t, err, `oracle "ora": ips 10.0.0.2 are in oracle "theirs" (id 40), which is not managed by owner "secops", and both have no port: Qualys allows one Oracle record with All Ports`)

	if _, err := Plan(doc(oracle(t, "ora", 0, "1521", "10.0.0.2")), doc(other), baseOpts()); err != nil {
		t.Errorf("a port-specific record beside an All-Ports one: %v", err)
	}
	mine := oracle(t, "old", 41, "", "10.0.0.0/30")
	if _, err := Plan(doc(d), doc(mine), baseOpts()); err != nil {
		t.Errorf("the slot of a managed record the plan deletes: %v", err)
	}

	db2 := func(title string, id int64, port, database string) *spec.Object {
		o := &spec.Object{Kind: spec.KindIBMDB2, Title: title, ID: id, IPs: ips(t, "10.0.1.1"),
			Attrs: map[string]string{"username": "db2", "database": database, "port": port}}
		if id == 0 {
			o.Secrets = map[string]spec.SecretRef{"password": {Env: "PW"}}
		}
		return o
	}
	_, err = Plan(doc(db2("new", 0, "50000", "A")), doc(db2("unmarked", 50, "50000", "B")), baseOpts())
	wantDiag(t, err, `ips 10.0.1.1 are in ibm_db2 "unmarked" (id 50)`, "both have port 50000: a DB2 instance is unique by IP and port")
	if _, err := Plan(doc(db2("new", 0, "50001", "A")), doc(db2("unmarked", 50, "50000", "B")), baseOpts()); err != nil {
		t.Errorf("another port: %v", err)
	}
}

// certKey is a desired key entry with a certificate of type openssh; cert says whether the
// configuration gives the certificate's value.
func certKey(cert bool) spec.Item {
	it := keyItem("KEY")
	it.Attrs["certificate_type"] = "openssh"
	it.Pos = spec.Pos{File: "unix.yaml", Line: 9, Col: 7}
	if cert {
		it.Attrs["certificate"] = spec.SourceBasic
		it.Secrets["certificate"] = spec.SecretRef{Env: "KEY_CERT"}
	}
	return it
}

// TestWholeSectionKeepsCertificates: a unix key listed with a certificate (Qualys lists only its
// type) is never sent without the certificate: every write of the section (--push-secrets, a
// rotation, a key's first fingerprint) is a positioned error until the configuration gives it,
// and with it the certificate is sent.
func TestWholeSectionKeepsCertificates(t *testing.T) {
	live := unixWithItems(t, 3, []spec.Item{liveKey()}, nil)
	live.Items["private_keys"][0].Attrs["certificate_type"] = "openssh"
	d := unixWithItems(t, 0, []spec.Item{certKey(false)}, nil)
	d.Pos = spec.Pos{File: "unix.yaml", Line: 4, Col: 5}

	// Nothing sent, nothing lost: equal by what Qualys lists.
	if p := mustBuild(t, doc(d), doc(live), baseOpts()); !p.Empty() {
		t.Fatalf("steps %v", stepsSummary(p))
	}
	for name, opts := range map[string]plan.Options{
		"push-secrets": {Resolve: resolveCanary, PushSecrets: true},
		"first key":    {Resolve: resolveCanary, SecretKey: testKey},
	} {
		_, err := Plan(doc(d), doc(live), opts)
		wantDiag(t, err, `unix.yaml:9:7: records/0/private_keys: unix "web": private_keys: this entry has certificate_type openssh but no certificate`)
		if err != nil && strings.Contains(err.Error(), canary) {
			t.Errorf("%s: the error shows a secret", name)
		}
	}
	d = unixWithItems(t, 0, []spec.Item{certKey(true)}, nil)
	p := mustBuild(t, doc(d), doc(live), plan.Options{Resolve: resolveCanary, PushSecrets: true})
	if st := onlyStep(t, p); st.Secrets["private_keys.0.certificate"].Env != "KEY_CERT" || st.Params["private_keys.0.certificate_type"] != "openssh" {
		t.Errorf("step %+v", st)
	}

	// A passphrase Qualys lists as basic must come back too.
	noPass := keyItem("KEY")
	delete(noPass.Secrets, "passphrase")
	delete(noPass.Attrs, "passphrase")
	_, err := Plan(doc(unixWithItems(t, 0, []spec.Item{noPass}, nil)), doc(unixWithItems(t, 3, []spec.Item{liveKey()}, nil)),
		plan.Options{Resolve: resolveCanary, PushSecrets: true})
	wantDiag(t, err, "the live entry (id 70006922) holds a passphrase this entry does not give")

	// A new record: the certificate type alone cannot be sent either.
	_, err = Plan(doc(unixWithItems(t, 0, []spec.Item{certKey(false)}, nil)), doc(), baseOpts())
	wantDiag(t, err, "no certificate; sending private_keys replaces every entry")
}

// TestWholeSectionsDeclared pins the table: every TypeItems field is a whole section (Qualys
// replaces each list it is sent), so a later list inherits the checks.
func TestWholeSectionsDeclared(t *testing.T) {
	for _, def := range spec.Kinds() {
		for _, f := range def.Fields {
			if f.Type == spec.TypeItems && !f.WholeSection {
				t.Errorf("%s %s: %s is not declared WholeSection", def.Kind, def.Type, f.Name)
			}
		}
	}
}

// TestWholeSectionKeepsRootToolPasswords: a root tool Qualys lists with a password given directly
// keeps it: reordering the tools (which sends the section) without the password is refused at the
// tool's entry; with the password it is sent.
func TestWholeSectionKeepsRootToolPasswords(t *testing.T) {
	liveTools := []spec.Item{{ID: 1, Attrs: map[string]string{"tool": "sudo", "password": spec.SourceBasic}},
		{ID: 2, Attrs: map[string]string{"tool": "su"}}}
	bare := spec.Item{Attrs: map[string]string{"tool": "sudo"}, Pos: spec.Pos{File: "unix.yaml", Line: 12, Col: 9}}
	su := spec.Item{Attrs: map[string]string{"tool": "su"}}
	_, err := Plan(doc(unixWithItems(t, 0, nil, []spec.Item{su, bare})), doc(unixWithItems(t, 3, nil, liveTools)), baseOpts())
	wantDiag(t, err, "unix.yaml:12:9: records/0/root_tools", "the live entry (id 1) holds a password this entry does not give")
	withPW := bare
	withPW.Attrs = map[string]string{"tool": "sudo", "password": spec.SourceBasic}
	withPW.Secrets = map[string]spec.SecretRef{"password": {Env: "SUDO_PW"}}
	p := mustBuild(t, doc(unixWithItems(t, 0, nil, []spec.Item{su, withPW})), doc(unixWithItems(t, 3, nil, liveTools)), baseOpts())
	if st := onlyStep(t, p); st.Secrets["root_tools.1.password"].Env != "SUDO_PW" || st.Params["root_tools.0.tool"] != "su" {
		t.Errorf("step %+v", st)
	}
}
