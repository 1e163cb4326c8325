package release

import "testing"

// TestCheckVersion: only tags make release publishes are release versions.
func TestCheckVersion(t *testing.T) {
	for v, ok := range map[string]bool{"v0.1.0": true, "v1.2.3": true, "v1.3.0-rc.1": true, "v2.0.0-beta": true,
		"v0.1.0-3-g1a2b3c4": false, "v0.1.0-dirty": false, "dev": false, "0.1.0": false, "v01.2.3": false, "": false,
		"v0.0.0-20261207153000-0123456789ab": false} {
		if err := CheckVersion(v); (err == nil) != ok {
			t.Errorf("CheckVersion(%q) = %v, want ok %v", v, err, ok)
		}
	}
}

// TestArchiveName: the names installers download.
func TestArchiveName(t *testing.T) {
	if got := ArchiveName("v1.2.0", "linux", "amd64"); got != "qsync_1.2.0_linux_amd64.tar.gz" {
		t.Errorf("linux: %s", got)
	}
	if got := ArchiveName("v1.2.0", "windows", "arm64"); got != "qsync_1.2.0_windows_arm64.zip" {
		t.Errorf("windows: %s", got)
	}
}
