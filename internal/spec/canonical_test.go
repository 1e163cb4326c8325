package spec

import "testing"

func TestCanonical(t *testing.T) {
	boolF := &FieldDef{Type: TypeBool, Default: "false"}
	intF := &FieldDef{Type: TypeInt, Max: 65535}
	netF := &FieldDef{Type: TypeInt, Default: "0"}
	enumF := &FieldDef{Type: TypeEnum, Enum: []string{"userpass", "cert"}}
	for _, c := range []struct {
		name    string
		f       *FieldDef
		raw     string
		want    string
		wantErr bool
	}{
		{"bool 1 is true", boolF, "1", "true", false},
		{"bool 0 is false", boolF, "0", "false", false},
		{"bool upper case TRUE", boolF, "TRUE", "true", false},
		{"bool omitted is the default", boolF, "", "false", false},
		{"bool garbage", boolF, "maybe", "", true},
		{"int leading zeros dropped", intF, "03306", "3306", false},
		{"int at the maximum", intF, "65535", "65535", false},
		{"int above the maximum", intF, "65536", "", true},
		{"int negative", intF, "-1", "", true},
		{"int omitted without default is unset", intF, "", "", false},
		{"int omitted with default", netF, " ", "0", false},
		{"string trimmed", &FieldDef{Type: TypeString}, "  scanner ", "scanner", false},
		{"text keeps inner lines, drops trailing newlines", &FieldDef{Type: TypeText}, "a\r\nb\n\n", "a\nb", false},
		{"text of only white space is unset", &FieldDef{Type: TypeText}, " \n ", "", false},
		{"list sorted and deduplicated", &FieldDef{Type: TypeList}, "b.example.com, a.example.com,b.example.com,", "a.example.com,b.example.com", false},
		{"enum case-insensitive", enumF, "CERT", "cert", false},
		{"enum unknown", enumF, "token", "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Canonical(c.f, c.raw)
			if (err != nil) != c.wantErr || got != c.want {
				t.Errorf("Canonical(%q) = %q, %v; want %q (error %v)", c.raw, got, err, c.want, c.wantErr)
			}
		})
	}
}

func TestQualysValue(t *testing.T) {
	for _, c := range []struct {
		name, typ, in, want string
	}{
		{"true is 1", string(TypeBool), "true", "1"},
		{"false is 0", string(TypeBool), "false", "0"},
		{"int unchanged", string(TypeInt), "3306", "3306"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := QualysValue(&FieldDef{Type: FieldType(c.typ)}, c.in); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
