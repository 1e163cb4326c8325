package qualysclient

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// platforms maps Qualys platform names to API server URLs (REFERENCE.md §9).
var platforms = map[string]string{
	"US1":  "https://qualysapi.qualys.com",
	"US2":  "https://qualysapi.qg2.apps.qualys.com",
	"US3":  "https://qualysapi.qg3.apps.qualys.com",
	"US4":  "https://qualysapi.qg4.apps.qualys.com",
	"EU1":  "https://qualysapi.qualys.eu",
	"EU2":  "https://qualysapi.qg2.apps.qualys.eu",
	"EU3":  "https://qualysapi.qg3.apps.qualys.it",
	"IN1":  "https://qualysapi.qg1.apps.qualys.in",
	"CA1":  "https://qualysapi.qg1.apps.qualys.ca",
	"AE1":  "https://qualysapi.qg1.apps.qualys.ae",
	"UK1":  "https://qualysapi.qg1.apps.qualys.co.uk",
	"AU1":  "https://qualysapi.qg1.apps.qualys.com.au",
	"KSA1": "https://qualysapi.qg1.apps.qualysksa.com",
}

// Platforms returns the known platform names, sorted.
func Platforms() []string {
	return slices.Sorted(maps.Keys(platforms))
}

// PlatformURL returns the API server URL of a Qualys platform ("US1" ->
// "https://qualysapi.qualys.com"). Names are case-insensitive. A value that
// is already an http(s) URL is returned unchanged (minus a trailing slash),
// so that private-cloud servers can be given the same way.
func PlatformURL(platform string) (string, error) {
	p := strings.TrimSpace(platform)
	if u, ok := platforms[strings.ToUpper(p)]; ok {
		return u, nil
	}
	if strings.Contains(p, "://") {
		pu, err := url.Parse(p)
		if err == nil && (pu.Scheme == "https" || pu.Scheme == "http") && pu.Host != "" {
			return strings.TrimRight(p, "/"), nil
		}
	}
	return "", fmt.Errorf("unknown Qualys platform %q: want one of %s, or an https:// API server URL", platform, strings.Join(Platforms(), ", "))
}
