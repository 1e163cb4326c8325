// Package secret reads and polices the values spec.SecretRef references point at: Resolve reads
// an {env: NAME} or {file: path} reference (bounded, never into an error text), and the policy
// (policy.go) says which references a configuration may make at all: no environment variable of
// qsync's own credentials or the CI platform's, no file outside the configuration's repository
// (or QSYNC_SECRET_DIR), no value too short to mask. The loader applies the policy to every
// reference before any call; apply reads values only when it sends them.
package secret
