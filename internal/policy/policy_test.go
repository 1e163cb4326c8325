package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"bytes"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/spec/load"
)

func loadSet(t *testing.T, paths ...string) *Set {
	t.Helper()
	s, diags := Load(paths...)
	if diags.HasErrors() {
		t.Fatalf("load %v:\n%s", paths, diags.Error())
	}
	return s
}

// TestFixtureCases runs testdata/fixtures: one case per built-in rule and custom rule kind, each
// with the exact violations expected (a rule that stops firing, or fires on the wrong object,
// fails its case).
func TestFixtureCases(t *testing.T) {
	s := loadSet(t, "testdata/policy")
	results, err := TestFixtures(s, "testdata/fixtures")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if !WriteResults(&out, results) {
		t.Fatalf("fixtures failed:\n%s", out.String())
	}
	if len(results) < 4 {
		t.Fatalf("only %d fixture cases ran", len(results))
	}
}

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLoadDiagnostics: every problem of a policy file is reported at once, at its position.
func TestLoadDiagnostics(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "bad.yaml", `version: 1
rules:
  - name: ok-rule
    expression: "true"
  - name: bad-severity
    severity: fatal
    expression: "true"
  - name: syntax
    expression: "object.title.startsWith("
  - name: not-bool
    expression: "size(object)"
  - name: unknown-var
    expression: "objekt.title == 'x'"
  - name: ok-rule
    expression: "true"
  - name: plan-var-in-object-rule
    expression: "totals.delete == 0"
`)
	_, diags := Load(p, "builtin:nope")
	got := diags.Error()
	for _, want := range []string{
		"--policy builtin:nope: no such built-in rule (max-deletes, max-ip-range, no-vault-deletes, ssl-verify, vault-logins)",
		p + ":6:15: rules/1/severity: value must be one of",
		p + ":9:17: rules/2/expression: rule syntax: ",
		p + ":11:17: rules/3/expression: rule not-bool: the expression's type is int, not bool",
		p + ":13:17: rules/4/expression: rule unknown-var: ERROR: <input>:1:1: undeclared reference to 'objekt'",
		p + ":14:5: rules/5: rule \"ok-rule\" is defined twice (also at " + p + ":3:5)",
		p + ":17:17: rules/6/expression: rule plan-var-in-object-rule: ERROR: <input>:1:1: undeclared reference to 'totals'",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, got)
		}
	}
	if n := diags.ErrorCount(); n != 7 {
		t.Errorf("%d errors, want 7:\n%s", n, got)
	}
}

// TestSecretsHidden: a rule sees the kind of a secret reference, never the variable or file it
// names (nor, a fortiori, its value).
func TestSecretsHidden(t *testing.T) {
	dir := t.TempDir()
	cfg := write(t, dir, "c.yaml", `version: 1
owner: secops
records:
  - type: mysql
    title: db
    ips: [10.0.0.1]
    port: 3306
    database: mysql
    username: scanner
    password: {env: CANARY_VAR_NAME}
    client_key: {file: canary-file-name.pem}
`)
	pol := write(t, dir, "p.yaml", `version: 1
rules:
  - name: kinds-seen
    expression: "object.password == {'kind': 'env'} && object.client_key == {'kind': 'file'}"
  - name: name-hidden
    expression: "object.password.env == 'CANARY_VAR_NAME'"
  - name: file-hidden
    expression: "'canary-file-name.pem' in object.client_key"
`)
	desired, diags := load.Files(load.Options{}, cfg)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	vs, err := loadSet(t, pol).Check(Input{Desired: desired})
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, v := range vs {
		rules = append(rules, v.Rule+": "+v.Message)
		if strings.Contains(v.Message, "CANARY") || strings.Contains(v.Message, "canary") {
			t.Errorf("violation names the reference: %s", v.Message)
		}
	}
	want := []string{"file-hidden: rule file-hidden does not hold",
		"name-hidden: the rule cannot be evaluated (no such key: env); fix the rule or the object"}
	if strings.Join(rules, "\n") != strings.Join(want, "\n") {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(rules, "\n"), strings.Join(want, "\n"))
	}
}

// TestDigest: the digest follows the policy's contents (and built-in rules' definitions and
// severities), not the paths it is read through.
func TestDigest(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	text := "version: 1\nrules:\n  - name: r\n    expression: \"true\"\n"
	pa, pb := write(t, a, "x.yaml", text), write(t, b, "y.yaml", text)
	da, db := loadSet(t, pa).Digest, loadSet(t, pb).Digest
	if da != db {
		t.Errorf("same contents, other path: digests %s and %s differ", da, db)
	}
	pc := write(t, b, "z.yaml", strings.Replace(text, "true", "1 == 1", 1))
	if loadSet(t, pc).Digest == da {
		t.Error("changed expression, same digest")
	}
	if loadSet(t, pa, "builtin:max-deletes").Digest == da {
		t.Error("added built-in rule, same digest")
	}
	w := write(t, a, "w.yaml", "version: 1\nrules:\n  - builtin: max-deletes\n    severity: warning\n")
	e := write(t, b, "w.yaml", "version: 1\nrules:\n  - builtin: max-deletes\n")
	if loadSet(t, w).Digest == loadSet(t, e).Digest {
		t.Error("built-in rule with another severity, same digest")
	}
}

// TestValidateMode: without a plan, object rules see action "" and an empty live, and plan rules
// are not checked.
func TestValidateMode(t *testing.T) {
	dir := t.TempDir()
	cfg := write(t, dir, "c.yaml", "version: 1\nowner: secops\nrecords:\n  - type: mysql\n    title: db\n    ips: [10.0.0.1]\n    port: 3306\n    database: mysql\n    username: u\n    password: {env: X}\n")
	pol := write(t, dir, "p.yaml", `version: 1
rules:
  - name: sees
    expression: "action == '' && live == {} && kind == 'mysql' && owner == 'secops' && vaults == []"
  - name: plan-rule
    level: plan
    expression: "false"
`)
	desired, diags := load.Files(load.Options{}, cfg)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	vs, err := loadSet(t, pol).Check(Input{Desired: desired})
	if err != nil || len(vs) != 0 {
		t.Fatalf("violations %+v, err %v", vs, err)
	}
	p := &plan.Plan{}
	vs, err = loadSet(t, pol).Check(Input{Desired: desired, Live: &spec.Document{}, Plan: p})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Rule != "sees" || vs[0].Action != "" || vs[1].Rule != "plan-rule" {
		t.Fatalf("in a plan: %+v", vs)
	}
}

// TestIPCount covers the ipCount function on every entry form.
func TestIPCount(t *testing.T) {
	dir := t.TempDir()
	cfg := write(t, dir, "c.yaml", "version: 1\nowner: o\nrecords:\n  - type: mysql\n    title: db\n    ips: [10.0.0.1]\n    port: 3306\n    database: mysql\n    username: u\n    password: {env: X}\n")
	desired, diags := load.Files(load.Options{}, cfg)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	for expr, ok := range map[string]bool{
		"ipCount('10.0.0.1') == 1":                         true,
		"ipCount('10.0.0.0/16') == 65536":                  true,
		"ipCount('10.0.0.1-10.0.0.10') == 10":              true,
		"ipCount(['10.0.0.0/24', '10.0.0.128/25']) == 256": true,
		"ipCount('2001:db8::/32') == 9223372036854775807":  true,
		"ipCount('2001:db8::/120') == 256":                 true,
		"ipCount('not an ip') == 1":                        false,
		"object.ips.all(e, ipCount(e) <= 1)":               true,
		"ipCount(object.ips) == 2":                         false,
	} {
		pol := write(t, dir, "p.yaml", "version: 1\nrules:\n  - name: r\n    expression: \""+expr+"\"\n")
		vs, err := loadSet(t, pol).Check(Input{Desired: desired})
		if err != nil {
			t.Fatal(err)
		}
		if (len(vs) == 0) != ok {
			t.Errorf("%s: violations %+v, want ok=%v", expr, vs, ok)
		}
	}
}

// TestItemSecretsHidden: the secrets of a unix record's private keys and root tools are seen as
// the kind of their source only ({kind: env}, {kind: vault, vault: TITLE}); no variable name
// reaches the rules' input.
func TestItemSecretsHidden(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("../../examples/unix.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := write(t, dir, "unix.yaml", strings.Replace(string(data), "version: 1\n", "version: 1\nowner: secops\n", 1))
	desired, diags := load.Files(load.Options{}, cfg)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	pol := write(t, dir, "p.yaml", `version: 1
rules:
  - name: items
    kinds: [unix]
    expression: >-
      object.title != 'ssh-key-fleet' || (
      object.private_keys[0].key == {'kind': 'env'} &&
      object.private_keys[0].passphrase == {'kind': 'env'} &&
      object.private_keys[0].certificate == {'kind': 'env'} &&
      object.private_keys[0].type == 'rsa' &&
      object.private_keys[1].key == {'kind': 'vault', 'vault': 'CyberArk AIM'} &&
      object.root_tools[0].password == {'kind': 'vault', 'vault': 'Secret Server'} &&
      object.root_tools[0].tool == 'sudo')
`)
	vs, err := loadSet(t, pol).Check(Input{Desired: desired})
	if err != nil || len(vs) != 0 {
		t.Fatalf("violations %+v, err %v", vs, err)
	}
	ins, err := objectInputs(Input{Desired: desired})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(ins[0].vars)
	for _, in := range ins[1:] {
		more, _ := json.Marshal(in.vars)
		b = append(b, more...)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"FLEET_SSH_KEY", "FLEET_SSH_PASSPHRASE", "FLEET_SSH_CERT", "CISCO_PW", "LINUX_WEB_PW"} {
		if strings.Contains(string(b), name) {
			t.Errorf("the rules' input names %s", name)
		}
	}
}

// TestLoadOnce: a file reached twice (named, and in a named directory) is loaded once, not
// reported as defining its rules twice.
func TestLoadOnce(t *testing.T) {
	s, diags := Load("testdata/policy", "testdata/policy/team.yaml")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if one := loadSet(t, "testdata/policy"); len(s.Rules) != len(one.Rules) || s.Digest != one.Digest {
		t.Errorf("%d rules (digest %s), want %d (%s)", len(s.Rules), s.Digest, len(one.Rules), one.Digest)
	}
}

// TestLoadRefusesNonRegular: a policy path that is a link to a device is refused before reading,
// like configuration and secret files (it would otherwise be read without end).
func TestLoadRefusesNonRegular(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	link := filepath.Join(t.TempDir(), "zero.yaml")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Skip(err)
	}
	_, diags := Load(link)
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "not a regular file") {
		t.Fatalf("want a refusal naming a non-regular file, got %v", diags)
	}
}
