package conformance

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/qsync/qsync/internal/safeio"
	"github.com/qsync/qsync/internal/spec"
)

// CaptureAddress replaces the probe address (and any other IPv4 address) in captured answers.
const CaptureAddress = "192.0.2.1"

// captureError is a failure to write the capture: it stops the run.
type captureError struct{ err error }

func (e *captureError) Error() string { return e.err.Error() }
func (e *captureError) Unwrap() error { return e.err }

func mkCaptureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return &captureError{fmt.Errorf("capture directory: %w", err)}
	}
	return nil
}

var (
	ipv4RE     = regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b`)
	fileSafeRE = regexp.MustCompile(`[^a-z0-9_-]+`)
)

// capture writes one answer to the capture directory, with every probe value replaced by its
// label ("probe:oracle.sid.create"), addresses by CaptureAddress, and the API user and server
// by placeholders.
func (r *run) capture(subject, step string, a answer) error {
	name := fmt.Sprintf("%03d-%s-%s.xml", r.seq, fileSafeRE.ReplaceAllString(strings.ToLower(subject), "-"), step)
	body := r.redactCapture(string(a.Body))
	if err := safeio.WriteFile(filepath.Join(r.opts.Capture, name), []byte(body), 0o644); err != nil {
		return &captureError{fmt.Errorf("write capture %s: %w", name, err)}
	}
	return nil
}

// replacement is one value of the run and its label.
type replacement struct {
	old, label string
}

// labels returns every distinctive value the run sends, longest first.
func (r *run) labels() []replacement {
	if r.repl != nil {
		return r.repl
	}
	var out []replacement
	add := func(old, label string) {
		if old != "" {
			out = append(out, replacement{old: old, label: label})
		}
	}
	add(r.vals.certs[0], "probe:certificate.create")
	add(r.vals.certs[1], "probe:certificate.update")
	add(r.vals.key, "probe:private_key")
	for _, p := range r.probes {
		add(p.title(r.opts), "probe:"+p.name+".title")
		for phase, vals := range []map[string]string{p.create, p.update} {
			for field, v := range vals {
				f := p.def.Field(field)
				label := fmt.Sprintf("probe:%s.%s.%s", p.name, field, [2]string{"create", "update"}[phase])
				switch {
				case f == nil || f.Type == spec.TypeInt || f.Type == spec.TypeBool || f.Type == spec.TypeEnum || f.Type == spec.TypeText:
					// Numbers, flags and enum values do not depend on the run (a fixture keeps
					// them readable); certificates and keys are labelled above.
				case f.Type == spec.TypeList:
					for i, item := range strings.Split(v, ",") {
						add(item, fmt.Sprintf("%s.%d", label, i))
					}
				default:
					add(v, label)
				}
			}
		}
	}
	add(r.vals.token(99, 0), "probe:login.username")
	for _, p := range r.probes {
		if p.login {
			send, _ := p.loginValues(r.vals)
			for name, v := range send {
				add(v, fmt.Sprintf("probe:%s.login.%s", p.name, name))
			}
		}
	}
	add(r.opts.Username, "probe-user")
	if u, err := url.Parse(r.opts.BaseURL); err == nil && u.Host != "" {
		add(u.Host, "qualysapi.example.com")
	}
	add("run "+r.opts.RunID, "run RUNID")
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].old) > len(out[j].old) })
	r.repl = out
	return out
}

// redactCapture replaces the run's values in an answer body.
func (r *run) redactCapture(body string) string {
	for _, rp := range r.labels() {
		body = strings.ReplaceAll(body, rp.old, rp.label)
	}
	return ipv4RE.ReplaceAllString(body, CaptureAddress)
}
