package secret

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/qsync/qsync/internal/spec"
)

// A configuration is written by anyone who can open a pull request, and qsync sends the values its
// secret references name to URLs that configuration chooses (a vault's url). So a reference may not
// name qsync's own credentials or the CI platform's, and a {file: ...} reference may not read
// outside the configuration's repository: otherwise a pull request could have qsync send those to a
// server it controls. See docs/secrets.md.

// Environment variables that change which secret references are allowed.
const (
	// EnvSecretEnvPrefix, when set, restricts {env: NAME} references to names starting with it
	// (e.g. QSYNC_SECRET_ENV_PREFIX=QUALYS_SECRET_).
	EnvSecretEnvPrefix = "QSYNC_SECRET_ENV_PREFIX"
	// EnvSecretDir, when set, is the directory {file: path} references must resolve inside, instead
	// of the configuration's repository.
	EnvSecretDir = "QSYNC_SECRET_DIR"
)

// MinLen is the fewest characters a secret value may have: shorter values cannot be masked
// in error texts without masking unrelated text too, so they are refused when resolved.
const MinLen = 4

// DeniedEnvPatterns are the environment variables (shell patterns, compared in upper case) a
// secret reference may not name: qsync's own credentials and settings, and the credentials CI
// platforms and cloud runners put in every job's environment. QSYNC_* is reserved for qsync's
// settings, except the QSYNC_<KIND>_ names qsync export writes (see exportEnvPrefixes).
var DeniedEnvPatterns = []string{
	// qsync
	"QUALYS_USERNAME", "QUALYS_PASSWORD", "QUALYS_API_URL", "QUALYS_PLATFORM", "QUALYS_CA_BUNDLE", "QSYNC_*",
	// GitHub Actions
	"GITHUB_*", "GH_TOKEN", "GH_ENTERPRISE_TOKEN", "ACTIONS_*", "RUNNER_*",
	// GitLab CI
	"CI_JOB_TOKEN", "CI_JOB_JWT*", "CI_*TOKEN*", "CI_*PASSWORD*", "CI_*SECRET*", "GITLAB_*TOKEN*",
	// Azure Pipelines, Bitbucket, CircleCI, Buildkite, Jenkins
	"SYSTEM_ACCESSTOKEN", "BITBUCKET_*TOKEN*", "CIRCLE_*TOKEN*", "BUILDKITE_*TOKEN*", "JENKINS_*TOKEN*",
	// cloud credentials of the runner
	"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID", "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN*",
	"ARM_CLIENT_SECRET", "GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_OAUTH_ACCESS_TOKEN", "VAULT_TOKEN",
}

// exportEnvPrefixes are the QSYNC_ prefixes of the references qsync export writes (SecretEnvName):
// one per kind of the descriptor tables.
func exportEnvPrefixes() []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range spec.Kinds() {
		p := "QSYNC_" + spec.EnvPart(string(d.Kind)) + "_"
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// CheckEnvName returns why a secret reference may not name the environment variable name, or "".
// prefix is the required prefix (EnvSecretEnvPrefix; "" for none).
func CheckEnvName(name, prefix string) string {
	if p := deniedPattern(name); p != "" {
		return fmt.Sprintf("%s is qsync's own or the CI platform's credential or setting (matches %s): "+
			"a secret reference may not name it (see docs/secrets.md)", name, p)
	}
	if prefix != "" && !strings.HasPrefix(name, prefix) {
		return fmt.Sprintf("%s does not start with %q: %s restricts secret references to such variables",
			name, prefix, EnvSecretEnvPrefix)
	}
	return ""
}

// deniedNames caches deniedPattern by name: a large configuration names the same few variables
// in every record, and matching each against every pattern took 0.12 s of a 100,000-record load.
var deniedNames sync.Map // name → pattern ("" when allowed)

// deniedPattern returns the pattern of DeniedEnvPatterns that name matches (compared in upper
// case), or "" when it matches none or is a name qsync export writes.
func deniedPattern(name string) string {
	if p, ok := deniedNames.Load(name); ok {
		return p.(string)
	}
	u := strings.ToUpper(name)
	denied := ""
	for _, p := range DeniedEnvPatterns {
		if ok, _ := path.Match(p, u); !ok {
			continue
		}
		if p == "QSYNC_*" && slices.ContainsFunc(exportEnvPrefixes(), func(e string) bool { return strings.HasPrefix(u, e) }) {
			continue
		}
		denied = p
		break
	}
	deniedNames.Store(name, denied)
	return denied
}

// Root returns the directory {file: ...} references of a configuration file in dir (absolute)
// must resolve inside: secretDir when set (EnvSecretDir), else the top level of the git work tree
// holding dir, else dir itself.
func Root(dir, secretDir string) (string, error) {
	if secretDir != "" {
		abs, err := filepath.Abs(secretDir)
		if err != nil {
			return "", fmt.Errorf("%s: %w", EnvSecretDir, err)
		}
		return filepath.Clean(abs), nil
	}
	for d := dir; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir, nil
		}
		d = parent
	}
}

// within reports whether the clean absolute path p is root or inside it.
func within(p, root string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// CheckFile reports why the secret file p (clean, absolute) may not be read, following
// symbolic links, or nil. A missing file passes: Resolve reports it.
func CheckFile(p, root string) error {
	if !within(p, root) {
		return fmt.Errorf("secret file %s is outside %s; {file: ...} reads only inside the configuration's repository (or %s)",
			p, root, EnvSecretDir)
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return nil
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		realRoot = root
	}
	if !within(real, realRoot) {
		return fmt.Errorf("secret file %s is a symbolic link to %s, outside %s; {file: ...} reads only inside the configuration's repository (or %s)",
			p, real, root, EnvSecretDir)
	}
	return nil
}
