package load

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

// TestSlugOnlyKindsCannotBeDeclared: every kind known by its slug only is listed (RecordEndpoints,
// so live reads it) and refused by the loader with the reason.
func TestSlugOnlyKindsCannotBeDeclared(t *testing.T) {
	var opaque []spec.KindDef
	for _, d := range spec.RecordKinds() {
		if d.Opaque != "" {
			opaque = append(opaque, d)
			if len(d.Fields) > 0 {
				t.Errorf("%s: an opaque kind has no fields", d.Kind)
			}
		}
	}
	if len(opaque) != 8 {
		t.Fatalf("%d slug-only kinds, want 8", len(opaque))
	}
	for _, d := range opaque {
		found := false
		for _, k := range spec.RecordEndpoints() {
			found = found || k == d.Kind
		}
		if !found {
			t.Errorf("%s is not a record endpoint, so live would not read it", d.Kind)
		}
		dir := writeFiles(t, map[string]string{"a.yaml": "version: 1\nowner: secops\nrecords:\n  - type: " + string(d.Kind) +
			"\n    title: x\n    ips: [10.0.0.1]\n"})
		_, ds := Files(Options{}, dir)
		want := filepath.Join(dir, "a.yaml") + ":4:11: records/0/type: " + string(d.Kind) +
			" records cannot be declared: qsync knows only their endpoint (parameters not publicly documented), so it lists live ones as opaque and never changes them"
		if ds.Error() != want {
			t.Errorf("%s:\ngot  %q\nwant %q", d.Kind, ds.Error(), want)
		}
	}
}

// TestSharePointIPsExclusive: an IP may be in one microsoft_sharepoint record only (a primary
// rule, an error), while other kinds share it.
func TestSharePointIPsExclusive(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": `version: 1
owner: secops
records:
  - {type: microsoft_sharepoint, title: a, ips: [10.0.0.1-10.0.0.9], username: u, password: {env: P}}
  - {type: microsoft_sharepoint, title: b, ips: [10.0.0.9], username: u, password: {env: P}}
  - {type: ms_exchange, title: c, ips: [10.0.0.9]}
`})
	_, ds := Files(Options{}, dir)
	if ds.ErrorCount() != 1 || !strings.Contains(ds.Error(), `10.0.0.9 is in both microsoft_sharepoint record "b" and microsoft_sharepoint record "a"`) {
		t.Errorf("got %v", ds)
	}
}

// TestNetworkSSHOverlapWarns: a network_ssh IP in a unix-family record is a warning (secondary
// source), not an error; two network_ssh records may share an IP.
func TestNetworkSSHOverlapWarns(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": `version: 1
owner: secops
records:
  - {type: unix, sub_type: cisco, title: sw, ips: [10.0.0.1-10.0.0.9], username: u, password: {env: P}}
  - {type: network_ssh, title: ssh, ips: [10.0.1.1, 10.0.0.5], username: u}
  - {type: network_ssh, title: ssh2, ips: [10.0.1.1], username: u}
`})
	_, ds := Files(Options{}, dir)
	if ds.HasErrors() || len(ds) != 1 || ds[0].Severity != spec.SeverityWarning ||
		ds[0].Path != "records/1/ips/1" ||
		!strings.Contains(ds[0].Message, `10.0.0.5 is in both network_ssh record "ssh" and unix (cisco) record "sw"`) {
		t.Errorf("got %v", ds)
	}
}

// TestInfraRulesAtLoad: the one-of, together and required-when rules of the infrastructure kinds,
// and credential-free kinds without username or password.
func TestInfraRulesAtLoad(t *testing.T) {
	for _, tc := range []struct{ name, rec, want string }{
		{"http needs vhost or realm", `{type: http, title: h, ips: [10.0.0.1], username: u, password: {env: P}}`, "set exactly one of vhost, realm (0 set)"},
		{"http not both", `{type: http, title: h, ips: [10.0.0.1], username: u, password: {env: P}, vhost: a.example.com, realm: R}`, "set exactly one of vhost, realm (2 set)"},
		{"snmp v3 together", `{type: snmp, title: s, ips: [10.0.0.1], username: u, password: {env: P}}`, "username and password and auth_alg go together: add auth_alg or remove username, password"},
		{"sharepoint domain", `{type: microsoft_sharepoint, title: s, ips: [10.0.0.1], username: u, password: {env: P}, db_local: false}`, "db_local false needs windows_domain"},
		{"docker without credentials", `{type: docker, title: d, ips: [10.0.0.1]}`, ""},
		{"ms_exchange without credentials", `{type: ms_exchange, title: d, ips: [10.0.0.1]}`, ""},
		{"nsx vault is hashicorp only", `{type: nsx, title: n, ips: [10.0.0.1], username: u, login: {vault: TS, secret_name: s}}`, "cannot log in through a thycotic vault"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"a.yaml": "version: 1\nowner: secops\nvaults:\n  - {type: thycotic, title: TS, url: https://ts.example.com, username: u, password: {env: P}}\nrecords:\n  - " + tc.rec + "\n"})
			_, ds := Files(Options{}, dir)
			if tc.want == "" {
				if len(ds) > 0 {
					t.Errorf("got %v", ds)
				}
				return
			}
			if !strings.Contains(ds.Error(), tc.want) {
				t.Errorf("got %v, want %q", ds, tc.want)
			}
		})
	}
}
