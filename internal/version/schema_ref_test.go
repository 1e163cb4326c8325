package version

import "testing"

// TestSchemaRef: a release names its tag, a clean build its commit, anything else main.
func TestSchemaRef(t *testing.T) {
	rev := "0123456789abcdef0123456789abcdef01234567"
	for _, tc := range []struct {
		name string
		in   Info
		want string
	}{
		{"release", Info{Version: "v1.2.0", Revision: rev}, "v1.2.0"},
		{"prerelease", Info{Version: "v1.3.0-rc.1"}, "v1.3.0-rc.1"},
		{"pseudo_version", Info{Version: "v0.0.0-20261207153000-0123456789ab", Revision: rev}, rev},
		{"dev_clean", Info{Version: "dev-0123456789ab", Revision: rev}, rev},
		{"dev_dirty", Info{Version: "dev-0123456789ab-dirty", Revision: rev, Modified: true}, "main"},
		{"release_tag_of_dirty_tree", Info{Version: "v1.2.0-dirty", Revision: rev, Modified: true}, "main"},
		{"unknown", Info{Version: "dev"}, "main"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.in.SchemaRef(); got != tc.want {
				t.Fatalf("SchemaRef of %+v = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
