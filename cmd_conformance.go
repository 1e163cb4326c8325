package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"os"

	"github.com/qsync/qsync/internal/conformance"
	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/safeio"
)

// ConformanceCmd creates, reads, updates and deletes one throwaway object per kind, to confirm or
// contradict every guess qsync makes about Qualys (see docs/conformance.md).
type ConformanceCmd struct {
	IP         string   `name:"ip" required:"" placeholder:"ADDRESS" help:"The one IP address every probe record holds: an address no scan uses."`
	Kinds      []string `sep:"," placeholder:"LIST" help:"Record kinds or kind/variant (unix/cisco) to probe; default every kind qsync types; none for no record kind."`
	VaultTypes []string `name:"vault-types" sep:"," placeholder:"LIST" help:"Vault types to probe; default every type with documented create parameters; none for no vault."`
	Prefix     string   `default:"qsync-conformance" help:"Start of every probe title (followed by the run id and the kind)."`
	Yes        bool     `help:"Create the throwaway objects. Without it, only print what would be created and its API-call cost."`
	Format     string   `enum:"text,json" default:"text" help:"Report format: text or json (see docs/conformance.md)."`
	Out        string   `type:"path" placeholder:"FILE" help:"Write the report to FILE instead of standard output."`
	Capture    string   `type:"path" placeholder:"DIR" help:"Write every answer to DIR, probe values replaced by their labels and addresses by 192.0.2.1, to attach to a bug report."`
}

// Run states the cost, then (with --yes) probes and writes the report. It exits 0 only when
// nothing was contradicted and every probe removed its object.
func (c *ConformanceCmd) Run(ctx context.Context, g *Globals, env *Env) error {
	addr, err := netip.ParseAddr(c.IP)
	if err != nil {
		return fmt.Errorf("--ip %q: not an IP address", c.IP)
	}
	rec := &conformance.Recorder{}
	opts := conformance.Options{Address: addr.String(), Kinds: c.Kinds, VaultTypes: c.VaultTypes, Prefix: c.Prefix,
		Recorder: rec, Capture: c.Capture, Username: env.Getenv("QUALYS_USERNAME"), Progress: env.Stderr}
	p, err := conformance.Prepare(opts)
	if err != nil {
		return err
	}
	if !c.Yes {
		if c.Format == "json" {
			return conformance.WritePlanJSON(env.Stdout, &p.Plan)
		}
		return conformance.WritePlanText(env.Stdout, &p.Plan)
	}
	rec.Next, err = conformanceTransport(g.CABundle)
	if err != nil {
		return err
	}
	client, err := g.clientWith(env, &http.Client{Transport: rec})
	if err != nil {
		return err
	}
	base, platform, _ := g.server(env) // clientWith has already checked them
	if base == "" {
		base, _ = qualysclient.PlatformURL(platform)
	}
	opts.BaseURL = base
	p.SetBaseURL(opts.BaseURL)
	fmt.Fprintf(env.Stderr, "qsync conformance run %s: %d throwaway objects, about %d API calls (Qualys allows about 300 an hour; waits are honoured).\n",
		p.RunID(), p.Plan.Cost.Probes, p.Plan.Cost.Calls)
	rep, runErr := conformance.Run(ctx, client, p)
	if rep != nil {
		var buf bytes.Buffer
		if c.Format == "json" {
			err = conformance.WriteJSON(&buf, rep)
		} else {
			err = conformance.WriteText(&buf, rep)
		}
		if err == nil {
			if c.Out != "" {
				err = safeio.WriteFile(c.Out, env.redactBytes(buf.Bytes()), 0o644)
			} else {
				_, err = env.Stdout.Write(buf.Bytes())
			}
		}
		if err != nil {
			return fmt.Errorf("write conformance report: %w", err)
		}
	}
	if runErr != nil {
		return runErr
	}
	if !rep.OK() {
		return &exitErr{code: exitError, err: errors.New("conformance: Qualys contradicted some of qsync's guesses, or a probe failed; see the report")}
	}
	return nil
}

// conformanceTransport is the transport under the conformance Recorder: the default one, trusting
// the --ca-bundle certificates besides the system roots when given.
func conformanceTransport(caBundle string) (http.RoundTripper, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if caBundle == "" {
		return t, nil
	}
	pem, err := os.ReadFile(caBundle)
	if err != nil {
		return nil, fmt.Errorf("read --ca-bundle: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--ca-bundle %s: no PEM certificate found", caBundle)
	}
	t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return t, nil
}
