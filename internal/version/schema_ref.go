package version

import "regexp"

var (
	// releaseTag is a tag make release publishes (git describe output such as v1.2.0-3-gabc or
	// v1.2.0-dirty, and Go pseudo-versions, are not).
	releaseTag = regexp.MustCompile(`^v\d+\.\d+\.\d+(-(alpha|beta|rc)(\.\d+)?)?$`)
	fullRev    = regexp.MustCompile(`^[0-9a-f]{40}$`)
)

// SchemaRef returns the git ref whose schema this build validates with, for links such as the
// yaml-language-server modeline export writes: the release tag (v1.2.0) of a release build, else
// the commit of a build from an unmodified checkout, else "main" (a modified tree or an unknown
// build has no published schema of its own).
func (v Info) SchemaRef() string {
	switch {
	case releaseTag.MatchString(v.Version) && !v.Modified:
		return v.Version
	case fullRev.MatchString(v.Revision) && !v.Modified:
		return v.Revision
	}
	return "main"
}
