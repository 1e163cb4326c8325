package unverified

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec/load"
)

// TestUnverifiedInUse: the note names exactly the unverified parameters a configuration sets, its
// own fields, an entry's sub-field and a login parameter of a declared vault, once each, sorted;
// a field an omission still sets (a documented default, sent and compared) counts; a
// configuration of documented parameters only gets no note.
func TestUnverifiedInUse(t *testing.T) {
	dir := t.TempDir()
	cfg := `version: 1
owner: secops
vaults:
  - title: pim
    type: cyberark_pim
    server_address: pim.example.com
    safe: s
    username: u
    password: {env: PIM_PW}
records:
  - type: unix
    title: a
    ips: [10.0.0.1]
    username: root
    password: {env: PW}
    cleartext_password: true
    root_tools:
      - tool: sudo
  - type: unix
    title: b
    ips: [10.0.0.2]
    username: root
    login: {vault: pim, folder: root, file: f}
  - type: mysql
    title: db
    ips: [10.0.0.3]
    port: 3306
    database: mysql
    username: scanner
    password: {env: PW}
`
	if err := os.WriteFile(filepath.Join(dir, "qsync.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, diags := load.Files(load.Options{}, dir)
	if diags.HasErrors() {
		t.Fatalf("%v", diags)
	}
	want := []string{"unix cleartext_password", "unix root_tools.tool", "vault/cyberark_pim login file", "vault/cyberark_pim login folder",
		"vault/cyberark_pim password", "vault/cyberark_pim port", "vault/cyberark_pim safe", "vault/cyberark_pim server_address", "vault/cyberark_pim username"}
	if got := InUse(doc); !reflect.DeepEqual(got, want) {
		t.Errorf("InUse = %v\nwant %v", got, want)
	}
	if note := Note(doc); !strings.HasPrefix(note, "note: this configuration uses 9 parameter name(s)") ||
		!strings.HasSuffix(note, "\n  unix: cleartext_password, root_tools.tool\n  vault/cyberark_pim: login file, login folder, password, port, safe, server_address, username") {
		t.Errorf("note %q", note)
	}

	mysqlOnly := filepath.Join(t.TempDir(), "qsync.yaml")
	if err := os.WriteFile(mysqlOnly, []byte("version: 1\nowner: secops\nrecords:\n  - type: mysql\n    title: db\n    ips: [10.0.0.3]\n    port: 3306\n    database: mysql\n    username: scanner\n    password: {env: PW}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, _ = load.Files(load.Options{}, mysqlOnly)
	if note := Note(doc); note != "" {
		t.Errorf("documented parameters only, note %q", note)
	}
}
