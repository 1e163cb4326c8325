package spec

import (
	"strings"
)

// SecretEnvName returns the environment variable name export writes for a secret parameter of an
// object: QSYNC_<KIND>_<TITLE>_<PARAM> in upper case, other characters turned into underscores,
// e.g. SecretEnvName(KindUnix, "core-switches", "password") is QSYNC_UNIX_CORE_SWITCHES_PASSWORD.
func SecretEnvName(kind Kind, title, param string) string {
	return "QSYNC_" + EnvPart(string(kind)) + "_" + EnvPart(title) + "_" + EnvPart(param)
}

// EnvPart turns s into one part of an environment variable name: upper case, every run of other
// characters one underscore, none at either end; "X" when nothing is left.
func EnvPart(s string) string {
	var b strings.Builder
	under := true // collapse runs and drop leading underscores
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			under = false
		} else if !under {
			b.WriteByte('_')
			under = true
		}
	}
	out := strings.TrimRight(b.String(), "_")
	if out == "" {
		return "X"
	}
	return out
}
