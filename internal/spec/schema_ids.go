package spec

import (
	"strings"
)

// SchemaID is the $id of the generated JSON Schema: the URL of schema/qsync.schema.json on main,
// which editors fetch (export writes it in each file's yaml-language-server modeline). The schema of
// a given qsync build is "qsync schema" (docs/configuration.md "Editors").
const SchemaID = "https://raw.githubusercontent.com/qsync/qsync/main/schema/qsync.schema.json"

// SchemaURL returns the URL of schema/qsync.schema.json as of the git ref (a release tag or a
// commit; see version.Info.SchemaRef): the schema of the qsync that wrote a file.
func SchemaURL(ref string) string {
	return strings.Replace(SchemaID, "/main/", "/"+ref+"/", 1)
}

// EnvNamePattern is the syntax of an environment variable named by a secret reference.
const EnvNamePattern = `^[A-Za-z_][A-Za-z0-9_]*$`

// CommonRecordKeys and CommonVaultKeys are the keys every record or vault accepts besides the
// fields of its descriptor table.
var (
	CommonRecordKeys = []string{"type", "title", "previous_titles", "comments", "ips", "login", "adopt", "protect", "allow_replace"}
	CommonVaultKeys  = []string{"type", "title", "previous_titles", "comments", "adopt", "protect", "allow_replace"}
)
