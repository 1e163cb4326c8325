package qualysemu

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/qualysemu/kinds"
)

// TestNoRecordTypeNamesOutsideTable keeps record_types*.go the emulator's only tables of record types:
// no other file of the package spells a record type's name or a sub_type value as a string literal
// (a switch on one is a second table that drifts), so adding a record type is one table entry.
func TestNoRecordTypeNamesOutsideTable(t *testing.T) {
	names := map[string]bool{}
	for _, rt := range kinds.RecordTypes {
		names[rt.Name] = true
		if f := rt.Field("sub_type"); f != nil {
			for _, v := range f.Values {
				names[v] = true
			}
		}
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasPrefix(f, "record_types") || strings.HasSuffix(f, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && names[s] {
				t.Errorf("%s: record type name %s outside record_types.go: put the rule in the recordType table", fset.Position(lit.Pos()), lit.Value)
			}
			return true
		})
	}
}

// TestSecretParamsFromTables: every secret field of a record type and every secret parameter of a
// vault type is masked, and nothing else the tables name is.
func TestSecretParamsFromTables(t *testing.T) {
	for _, rt := range kinds.RecordTypes {
		for _, f := range rt.Fields {
			if kinds.IsSecretParam(f.Param) != f.Secret {
				t.Errorf("%s %s: isSecretParam = %v, table says secret = %v", rt.Name, f.Param, !f.Secret, f.Secret)
			}
		}
	}
	for _, vt := range kinds.VaultTypes {
		for _, vp := range vt.Params {
			if vp.Secret && !kinds.IsSecretParam(vp.Name) {
				t.Errorf("vault %s %s: secret in the table but not masked", vt.Name, vp.Name)
			}
		}
	}
}

// TestNewRecordTypeIsOneTableEntry adds a throwaway record type to the table and drives it through
// the API: routing, required fields, a one-of pair, a secret, the listing and fault matching all
// follow from the entry alone.
func TestNewRecordTypeIsOneTableEntry(t *testing.T) {
	saved := kinds.RecordTypes
	t.Cleanup(func() { kinds.RecordTypes = saved })
	kinds.RecordTypes = append(append([]*kinds.RecordType(nil), saved...), &kinds.RecordType{
		Name: "throwaway", VaultTypes: []string{kinds.VtThycotic},
		Required: []string{"username"}, RequiredBasic: []string{"password"},
		OneOf: [][]string{{"sid", "servicename"}},
		Fields: []kinds.Field{
			{Param: "username", Elem: "USERNAME", Before: true, Always: true},
			{Param: "password", Secret: true, MaxLen: 100},
			{Param: "sid", Elem: "SID"},
			{Param: "servicename", Elem: "SERVICENAME"},
			{Param: "port", Elem: "PORT", Kind: kinds.KindInt, IntMin: 1, IntMax: 65535},
		},
	})
	const path = "/api/2.0/fo/auth/throwaway/"
	e := newEmu(t)
	e.post(path, "action=create&title=t1&ips=10.0.0.1&username=u&sid=ORCL").wantError(t, 400, 1903, "Missing required parameter(s): password")
	e.post(path, "action=create&title=t1&ips=10.0.0.1&username=u&password=pw").wantError(t, 400, 1922, "Please specify at least one of the following parameters: sid, servicename")
	e.post(path, "action=create&title=t1&ips=10.0.0.1&username=u&password=pw&sid=A&servicename=B").wantError(t, 400, 1904, "Please specify only one of these parameters: sid, servicename")
	id := e.ok(path, "action=create&title=t1&ips=10.0.0.1&username=u&password=pw-canary&sid=ORCL&port=1521").createdID(t)
	e.ok(path, "action=update&ids="+id+"&servicename=orcl.example.com")
	r := e.ok(path, "action=list&ids="+id)
	rec := r.doc.find("RESPONSE/AUTH_THROWAWAY_LIST/AUTH_THROWAWAY")
	if rec == nil || rec.text("SERVICENAME") != "orcl.example.com" || rec.find("SID") != nil || rec.text("PORT") != "1521" {
		t.Fatalf("record after switching sid to servicename:\n%s", r.body)
	}
	if strings.Contains(r.body, "pw-canary") {
		t.Errorf("secret returned:\n%s", r.body)
	}
	if _, err := ParseFault("throwaway/create:1:status=500"); err != nil {
		t.Errorf("fault on the new endpoint: %v", err)
	}
}
