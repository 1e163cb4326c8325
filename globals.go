package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/term"
)

// Globals are the connection settings shared by every command that talks to Qualys. Credentials
// come from the environment only, so they never appear in shell history or process listings.
type Globals struct {
	APIURL    string `group:"connection" name:"api-url" env:"QUALYS_API_URL" placeholder:"URL" help:"Qualys API server URL, e.g. https://qualysapi.qg2.apps.qualys.com (or the emulator's)."`
	Platform  string `group:"connection" env:"QUALYS_PLATFORM" placeholder:"NAME" help:"Qualys platform instead of --api-url: US1-US4, EU1-EU3, IN1, CA1, AE1, UK1, AU1, KSA1."`
	CABundle  string `group:"connection" name:"ca-bundle" env:"QUALYS_CA_BUNDLE" type:"existingfile" placeholder:"PEM" help:"Extra CA certificates (PEM) to trust, for TLS-inspecting proxies. TLS verification cannot be turned off."`
	DebugHTTP bool   `group:"connection" name:"debug-http" help:"Trace HTTP requests and responses on stderr, secrets redacted (also QSYNC_LOG=debug)."`
	NoColor   bool   `name:"no-color" help:"Disable colour in text output (also NO_COLOR; FORCE_COLOR or CLICOLOR_FORCE force it on in a pipe)."`
	// MaxWait caps a single wait for a Qualys rate or concurrency limit: a longer wait fails at
	// once (with the wait Qualys asked for and its code) instead of hanging a CI job for hours.
	MaxWait time.Duration `group:"connection" name:"max-wait" env:"QSYNC_MAX_WAIT" default:"5m" placeholder:"DURATION" help:"Longest single wait for a Qualys rate or concurrency limit (e.g. 90s, 10m; 0 for no limit); a longer wait fails at once."`
}

// server returns the API server the flags and the environment name: a flag beats the
// environment, so --platform works with QUALYS_API_URL exported (and --api-url with
// QUALYS_PLATFORM); both flags, or both variables, are an error.
func (g *Globals) server(env *Env) (apiURL, platform string, err error) {
	apiURL, platform = g.APIURL, g.Platform
	if apiURL == "" || platform == "" {
		return apiURL, platform, nil
	}
	urlFromEnv, platformFromEnv := apiURL == env.Getenv("QUALYS_API_URL"), platform == env.Getenv("QUALYS_PLATFORM")
	switch {
	case urlFromEnv && !platformFromEnv:
		return "", platform, nil
	case platformFromEnv && !urlFromEnv:
		return apiURL, "", nil
	case urlFromEnv && platformFromEnv:
		return "", "", fmt.Errorf("QUALYS_API_URL and QUALYS_PLATFORM are both set: unset one, or pass --api-url or --platform")
	}
	return "", "", fmt.Errorf("give either --api-url or --platform, not both")
}

// client builds a Qualys client from the global flags and the environment.
func (g *Globals) client(env *Env) (*qualysclient.Client, error) { return g.clientWith(env, nil) }

// clientWith is client sending through hc when it is not nil (whose transport then carries the
// --ca-bundle roots, see conformanceTransport).
func (g *Globals) clientWith(env *Env, hc *http.Client) (*qualysclient.Client, error) {
	base, platform, err := g.server(env)
	if err != nil {
		return nil, err
	}
	switch {
	case base == "" && platform != "":
		u, err := qualysclient.PlatformURL(platform)
		if err != nil {
			return nil, err
		}
		base = u
	case base == "":
		return nil, fmt.Errorf("no Qualys API server: set QUALYS_API_URL or pass --api-url or --platform")
	}
	user, pass := env.Getenv("QUALYS_USERNAME"), env.Getenv("QUALYS_PASSWORD")
	if user == "" || pass == "" {
		return nil, fmt.Errorf("no Qualys credentials: set QUALYS_USERNAME and QUALYS_PASSWORD")
	}
	var debug io.Writer
	if g.DebugHTTP || strings.EqualFold(env.Getenv("QSYNC_LOG"), "debug") {
		debug = env.traceWriter()
	}
	caBundle := g.CABundle
	if hc != nil {
		caBundle = ""
	}
	c, err := qualysclient.New(qualysclient.Config{
		BaseURL:    base,
		Username:   user,
		Password:   pass,
		UserAgent:  "qsync/" + version,
		CABundle:   caBundle,
		HTTPClient: hc,
		Stderr:     noticeWriter(env),
		Sleep:      waitSleeper(env),
		Debug:      debug,
		// The secret names come from the descriptor tables, so a new secret field is masked too.
		SecretParams: spec.SecretParamNames(),
		MaxWait:      maxWait(g.MaxWait),
	})
	if err != nil {
		return nil, err // already says "qualys client: ..."
	}
	return c, nil
}

// maxWait maps the flag to qualysclient.Config.MaxWait: the flag's 0 means no cap.
func maxWait(d time.Duration) time.Duration {
	if d <= 0 {
		return -1
	}
	return d
}

// color reports whether text output may use colour (term.Color: on a terminal, or forced with
// FORCE_COLOR or CLICOLOR_FORCE; never with --no-color or NO_COLOR).
func (g *Globals) color(env *Env, w io.Writer) bool {
	return term.Color(env.Getenv, g.NoColor, w)
}
