package plan

import "testing"

// TestMatchesClaim: a plan with nothing to do says Qualys matches the configuration only for
// what it could check; notes about configured settings Qualys does not report qualify the claim
// (a windows_domain set where Qualys lists none is neither compared nor sent).
func TestMatchesClaim(t *testing.T) {
	for _, tc := range []struct {
		name  string
		notes []string
		want  string
	}{
		{"no notes", nil, "Qualys matches the configuration"},
		{"other notes only", []string{"secret drift is not checked (set QSYNC_SECRET_KEY or use --push-secrets)",
			`windows "dc" (id 7): kerberos: ` + NotReported + ", sent as configured (until Qualys reports it, every apply sends it)"},
			"Qualys matches the configuration"},
		{"one unchecked", []string{`windows "dc" (id 7): windows_domain: ` + NotReported},
			"Qualys matches the configuration in every setting it reports; 1 configured setting it does not report is not checked (see the notes above)"},
		{"two unchecked", []string{`windows "dc" (id 7): windows_domain: ` + NotReported,
			`unix "u" (id 3): sub_type: ` + NotReported + " (the configuration says cisco; qsync does not replace a record whose sub_type it cannot read)"},
			"Qualys matches the configuration in every setting it reports; 2 configured settings it does not report are not checked (see the notes above)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := (&Plan{Notes: tc.notes}).MatchesClaim(); got != tc.want {
				t.Errorf("MatchesClaim() = %q\nwant %q", got, tc.want)
			}
		})
	}
}
