package conformance

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
)

// TestRefusedParamsNamesOnlySentOnes: 1901 lists unrecognised parameters, 1905 names the one
// with an invalid value; only parameters the write carried are dropped, and any other error
// drops nothing.
func TestRefusedParamsNamesOnlySentOnes(t *testing.T) {
	sent := url.Values{"ports": {"1,2"}, "port": {"22"}, "title": {"x"}}
	for _, tc := range []struct {
		name string
		err  error
		want []string
	}{
		{"1901 list", &qualysclient.APIError{Code: 1901, Text: "Unrecognized parameter(s): ports, other"}, []string{"ports"}},
		{"1905 value", &qualysclient.APIError{Code: 1905, Text: "parameter port has invalid value: 22"}, []string{"port"}},
		{"1903 missing", &qualysclient.APIError{Code: 1903, Text: "Missing required parameter(s): database"}, nil},
		{"wrapped", fmt.Errorf("create: %w", &qualysclient.APIError{Code: 1901, Text: "Unrecognized parameter(s): title"}), []string{"title"}},
		{"not an API error", fmt.Errorf("connection reset"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := refusedParams(tc.err, sent)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestFlattenStructureListAndSet: repeated leaves are a list, a structure of distinct leaves
// (DIGITAL_VAULT) gives paths, an IP_SET is a list even with one entry.
func TestFlattenStructureListAndSet(t *testing.T) {
	root, err := parseAnswer([]byte(`<AUTH_UNIX><ID>7</ID><HOSTS><HOST>a</HOST><HOST>b</HOST></HOSTS>
<IP_SET><IP>10.0.0.1</IP></IP_SET><DIGITAL_VAULT><DIGITAL_VAULT_ID>3</DIGITAL_VAULT_ID><VAULT_APP_NAME><![CDATA[app]]></VAULT_APP_NAME></DIGITAL_VAULT></AUTH_UNIX>`))
	if err != nil {
		t.Fatal(err)
	}
	o := flatten(root)
	if !slices.Equal(o.Lists["HOSTS"], []string{"a", "b"}) || !slices.Equal(o.Lists["IP_SET"], []string{"10.0.0.1"}) {
		t.Errorf("lists %v", o.Lists)
	}
	if o.Leaves["DIGITAL_VAULT/VAULT_APP_NAME"] != "app" || o.Leaves["ID"] != "7" {
		t.Errorf("leaves %v", o.Leaves)
	}
	if _, ok := o.Lists["DIGITAL_VAULT"]; ok {
		t.Error("DIGITAL_VAULT read as a list")
	}
}

// TestProbeValuesFitTheTable: every value a probe sends fits its field's rules (length, pattern,
// format, range), differs between create and update where both are sent, and text values are
// unique within the probe, so that finding one names one element.
func TestProbeValuesFitTheTable(t *testing.T) {
	v, err := newValues("0a1b2c")
	if err != nil {
		t.Fatal(err)
	}
	defs, err := selectKinds(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range defs {
		p := newProbe(d, v, "")
		seen := map[string]string{}
		for phase, vals := range []map[string]string{p.create, p.update} {
			for name, val := range vals {
				f := d.Field(name)
				if f == nil {
					t.Errorf("%s: probe sends %s, which the table does not have", p.name, name)
					continue
				}
				if f.MaxLen > 0 && len(val) > f.MaxLen || len(val) < f.MinLen {
					t.Errorf("%s %s: %q does not fit length %d-%d", p.name, name, val, f.MinLen, f.MaxLen)
				}
				if f.Pattern != "" && !regexp.MustCompile(f.Pattern).MatchString(val) {
					t.Errorf("%s %s: %q does not match %s", p.name, name, val, f.Pattern)
				}
				if _, err := spec.Canonical(f, val); err != nil && f.Type != spec.TypeSecret {
					t.Errorf("%s %s: %q: %v", p.name, name, val, err)
				}
				if f.Type == spec.TypeString && strings.HasPrefix(val, "qc") {
					if other, dup := seen[val]; dup && other != name {
						t.Errorf("%s: %s and %s both send %q", p.name, name, other, val)
					}
					seen[val] = name
				}
				if phase == 1 && p.create[name] != "" && p.create[name] == val && f.Type == spec.TypeString {
					t.Errorf("%s %s: the update sends the created value %q", p.name, name, val)
				}
			}
		}
	}
}

// TestSelectKindsRefusesUnknownNames: a misspelt kind or a vault type no probe can create is
// refused with its name, before anything is sent.
func TestSelectKindsRefusesUnknownNames(t *testing.T) {
	if _, err := selectKinds([]string{"mysqll"}, nil); err == nil || !strings.Contains(err.Error(), "mysqll") {
		t.Errorf("err = %v", err)
	}
	if _, err := selectKinds(nil, []string{"arcon_pam"}); err == nil || !strings.Contains(err.Error(), "arcon_pam") {
		t.Errorf("err = %v (arcon_pam's create parameters are not documented)", err)
	}
	defs, err := selectKinds([]string{"unix/cisco", "oracle"}, []string{"none"})
	if err != nil || len(defs) != 2 {
		t.Errorf("defs %d, err %v", len(defs), err)
	}
}
