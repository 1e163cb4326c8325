package term

import (
	"bytes"
	"testing"
)

// TestColor: the flag and NO_COLOR win, FORCE_COLOR and CLICOLOR_FORCE force colour into a pipe,
// TERM=dumb and a pipe are plain.
func TestColor(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		noColor bool
		want    bool
	}{
		{"pipe", nil, false, false},
		{"force_color", map[string]string{"FORCE_COLOR": "1"}, false, true},
		{"force_color_level", map[string]string{"FORCE_COLOR": "3"}, false, true},
		{"force_color_zero", map[string]string{"FORCE_COLOR": "0"}, false, false},
		{"clicolor_force", map[string]string{"CLICOLOR_FORCE": "1"}, false, true},
		{"force_over_dumb", map[string]string{"FORCE_COLOR": "true", "TERM": "dumb"}, false, true},
		{"no_color_wins", map[string]string{"FORCE_COLOR": "1", "NO_COLOR": "1"}, false, false},
		{"flag_wins", map[string]string{"CLICOLOR_FORCE": "1"}, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Color(func(k string) string { return tc.env[k] }, tc.noColor, &bytes.Buffer{}); got != tc.want {
				t.Fatalf("Color = %v, want %v", got, tc.want)
			}
		})
	}
}
