package qualysclient

import (
	"reflect"
	"strings"
	"testing"
)

func TestPlatformURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"US1", "https://qualysapi.qualys.com"},
		{"us3", "https://qualysapi.qg3.apps.qualys.com"},
		{"EU3", "https://qualysapi.qg3.apps.qualys.it"},
		{"UK1", "https://qualysapi.qg1.apps.qualys.co.uk"},
		{" ksa1 ", "https://qualysapi.qg1.apps.qualysksa.com"},
		{"https://qualysapi.private.example/", "https://qualysapi.private.example"},
	} {
		got, err := PlatformURL(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("PlatformURL(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	_, err := PlatformURL("US9")
	if err == nil || !strings.Contains(err.Error(), "AE1, AU1, CA1, EU1, EU2, EU3, IN1, KSA1, UK1, US1, US2, US3, US4") {
		t.Errorf("error must list valid names: %v", err)
	}
	if _, err := PlatformURL("ftp://x"); err == nil {
		t.Error("ftp URL accepted")
	}
}

func TestPlatforms(t *testing.T) {
	want := []string{"AE1", "AU1", "CA1", "EU1", "EU2", "EU3", "IN1", "KSA1", "UK1", "US1", "US2", "US3", "US4"}
	if got := Platforms(); !reflect.DeepEqual(got, want) {
		t.Errorf("Platforms() = %v", got)
	}
}
