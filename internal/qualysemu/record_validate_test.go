package qualysemu

import (
	"slices"
	"testing"

	"github.com/qsync/qsync/internal/qualysemu/record"
)

// TestRecordRulesCiteTheirSource: every rule of the ordered list names what it checks, the Qualys
// code it answers (one of the validation codes of REFERENCE.md §7.1, or 0 for an effect) and its
// source, and the first four come in the order Qualys reports its errors.
func TestRecordRulesCiteTheirSource(t *testing.T) {
	codes := []int{0, 1903, 1904, 1905, 1907, 1922}
	for i, r := range record.Rules {
		if r.Name == "" || r.Source == "" || r.Check == nil {
			t.Errorf("rule %d (%q) lacks a name, a source or a check", i, r.Name)
		}
		if !slices.Contains(codes, r.Code) {
			t.Errorf("rule %q answers code %d, not a validation code", r.Name, r.Code)
		}
	}
	var first []int
	for _, r := range record.Rules[:4] {
		first = append(first, r.Code)
	}
	if !slices.IsSorted(first) {
		t.Errorf("the first rules answer codes %v: missing (1903), exclusive (1904) and values (1905) must come in that order", first)
	}
}

// TestRuleOrderDecidesTheCode: a request breaking several rules gets the code of the first.
func TestRuleOrderDecidesTheCode(t *testing.T) {
	e := newEmu(t)
	// missing username (1903) and both windows domains (1904) and a bad flag (1905)
	e.post(windowsPath, "action=create&title=x&ips=10.0.0.1&password=p&windows_domain=A&windows_ad_domain=a.example&ntlm=yes").
		wantError(t, 400, 1903, "Missing required parameter(s): username")
	e.post(windowsPath, winBasic+"&title=x&ips=10.0.0.1&windows_domain=A&windows_ad_domain=a.example&ntlm=yes").
		wantError(t, 400, 1904, "Please specify only one of these parameters: windows_domain, windows_ad_domain")
	e.post(unixPath, unixBasic+"&title=x&ips=10.0.0.1&port=0&enable_password=e").
		wantError(t, 400, 1905, "parameter port has invalid value: 0 (must be an integer from 1 to 65535)")
}
