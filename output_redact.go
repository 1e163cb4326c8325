package main

import (
	"io"

	"github.com/qsync/qsync/internal/redact"
	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/spec/secret"
)

// credentialEnv names the environment variables whose values are credentials qsync may use: they
// are masked in every output from the start, whether or not the command reads them.
var credentialEnv = []string{"QUALYS_PASSWORD", "QSYNC_SECRET_KEY", "GITHUB_TOKEN", "QSYNC_GITLAB_TOKEN", "CI_JOB_TOKEN"}

// redacting returns env with its stdout and stderr passed through one redactor (internal/redact)
// that knows the credentials of the environment, and a function that writes what the writers
// still hold back; every secret resolved later is added to the same redactor (Env.resolve). An env
// that already redacts is returned as is.
func (env *Env) redacting() (*Env, func()) {
	if env.redactor != nil {
		return env, func() {}
	}
	r := redact.New()
	for _, name := range credentialEnv {
		r.Add(env.Getenv(name))
	}
	if user, pass := env.Getenv("QUALYS_USERNAME"), env.Getenv("QUALYS_PASSWORD"); pass != "" {
		r.Add(user + ":" + pass) // Basic credentials, base64 included (see redact.Encodings)
	}
	out, errw := r.Writer(env.Stdout), r.Writer(env.Stderr)
	e := *env
	e.Stdout, e.Stderr, e.Trace, e.redactor = out, errw, errw, r
	return &e, func() {
		_ = out.Flush()
		_ = errw.Flush()
	}
}

// redact masks every known secret in s (for files and pull request bodies, which do not go
// through env's writers). Without a redactor (an Env not made by run) s is returned as is.
func (env *Env) redact(s string) string {
	if env.redactor == nil {
		return s
	}
	return env.redactor.String(s)
}

// redactBytes is redact for file contents.
func (env *Env) redactBytes(b []byte) []byte {
	if env.redactor == nil {
		return b
	}
	return env.redactor.Bytes(b)
}

// resolve is secret.Resolve that teaches the redactor the value: every secret qsync reads is
// masked in every output from then on.
func (env *Env) resolve(ref spec.SecretRef) (string, error) {
	v, err := secret.Resolve(ref)
	if err == nil && env.redactor != nil {
		env.redactor.Add(v)
	}
	return v, err
}

// learnSecrets adds to the redactor every secret value the configuration references that can be
// read (quietly: a reference that cannot be resolved is reported by plan, with its position), so
// that a value is masked even in output qsync writes before, or without, sending it.
func (env *Env) learnSecrets(doc *spec.Document) {
	if env.redactor == nil || doc == nil {
		return
	}
	seen := map[spec.SecretRef]bool{}
	learn := func(ref spec.SecretRef) {
		if !seen[ref] {
			seen[ref] = true
			_, _ = env.resolve(ref)
		}
	}
	for _, o := range doc.Objects {
		for _, ref := range o.Secrets {
			learn(ref)
		}
		for _, items := range o.Items {
			for _, it := range items {
				for _, ref := range it.Secrets {
					learn(ref)
				}
			}
		}
	}
}

// traceWriter is where the debug HTTP trace goes: stderr, but never a recording of it (the
// failure block of plan --format markdown carries diagnostics and the error, not a trace of
// every record of the subscription).
func (env *Env) traceWriter() io.Writer {
	if env.Trace != nil {
		return env.Trace
	}
	return env.Stderr
}
