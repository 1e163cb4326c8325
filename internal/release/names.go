package release

import (
	"fmt"
	"regexp"
	"strings"
)

// ArchiveName is the name of the release archive of version for one platform, as make release
// writes it and installers (action.yml, templates/qsync.yml) download it:
// qsync_1.2.0_linux_amd64.tar.gz, qsync_1.2.0_windows_arm64.zip.
func ArchiveName(version, goos, goarch string) string {
	ext := ".tar.gz"
	if goos == "windows" {
		ext = ".zip"
	}
	return fmt.Sprintf("qsync_%s_%s_%s%s", strings.TrimPrefix(version, "v"), goos, goarch, ext)
}

// SBOMName is the name of a release's CycloneDX SBOM: qsync_1.2.0.cdx.json.
func SBOMName(version string) string {
	return fmt.Sprintf("qsync_%s.cdx.json", strings.TrimPrefix(version, "v"))
}

// releaseVersion is the form of a version make release publishes: a tag vMAJOR.MINOR.PATCH,
// optionally -alpha, -beta or -rc with a number. git describe's v1.2.0-3-gabc1234 or -dirty is
// not one: such a build is no release, and nothing may pin it.
var releaseVersion = regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-(alpha|beta|rc)(\.[0-9]+)?)?$`)

// CheckVersion returns an error saying why version cannot be the version of a release, or nil.
func CheckVersion(version string) error {
	if !releaseVersion.MatchString(version) {
		return fmt.Errorf("%q is not a release version: want a tag such as v1.2.0 or v1.3.0-rc.1 (check out the tag, with a clean tree)", version)
	}
	return nil
}
