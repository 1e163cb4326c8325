package soak

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/qsync/qsync/internal/bench"
	"github.com/qsync/qsync/internal/redact"
	"github.com/qsync/qsync/internal/spec"
)

// Owner is the owner of the configuration the soak test changes.
const Owner = bench.Owner

// Canary is contained in every secret value of a soak run, so that a search for it finds any
// secret in any output.
const Canary = "CANARY-50a4-secret"

// model is what the configuration means: the managed estate (bench records and vaults, all of
// Owner), the previous titles and replacement consents the YAML declares, and the secret values
// the {env: NAME} references resolve to.
type model struct {
	e *bench.Estate
	// prev holds previous_titles per record title (titles are unique across kinds here).
	prev map[string][]string
	// allowReplace holds the titles of records with allow_replace: true.
	allowReplace map[string]bool
	env          map[string]string
	// keys and tools are the unix private_keys and root_tools per record title (absent: the
	// configuration omits the list).
	keys  map[string][]keyItem
	tools map[string][]toolItem
	// next numbers new records, titles and secret values.
	next int
}

// keyItem is one private_keys entry; Key, Pass and Cert name environment variables ("" absent).
type keyItem struct{ Type, Key, Pass, CertType, Cert string }

// toolItem is one root_tools entry; Password names an environment variable ("" absent).
type toolItem struct{ Tool, Password string }

func (m *model) clone() *model {
	c := &model{e: m.e.Clone(), prev: map[string][]string{}, allowReplace: map[string]bool{}, env: map[string]string{}, next: m.next,
		keys: map[string][]keyItem{}, tools: map[string][]toolItem{}}
	for k, v := range m.keys {
		c.keys[k] = slices.Clone(v)
	}
	for k, v := range m.tools {
		c.tools[k] = slices.Clone(v)
	}
	for k, v := range m.prev {
		c.prev[k] = slices.Clone(v)
	}
	for k, v := range m.allowReplace {
		c.allowReplace[k] = v
	}
	for k, v := range m.env {
		c.env[k] = v
	}
	return c
}

// yaml renders the model as one configuration file: bench's YAML with previous_titles and
// allow_replace added after each record's title line.
func (m *model) yaml() []byte {
	src := m.e.YAML(Owner)
	if len(m.prev) == 0 && len(m.allowReplace) == 0 && len(m.keys) == 0 && len(m.tools) == 0 {
		return src
	}
	var out bytes.Buffer
	for _, line := range strings.SplitAfter(string(src), "\n") {
		out.WriteString(line)
		rest, ok := strings.CutPrefix(strings.TrimRight(line, "\n"), "    title: ")
		if !ok {
			continue
		}
		title, err := strconv.Unquote(rest)
		if err != nil {
			continue
		}
		if prev := m.prev[title]; len(prev) > 0 {
			quoted := make([]string, len(prev))
			for i, p := range prev {
				quoted[i] = strconv.Quote(p)
			}
			fmt.Fprintf(&out, "    previous_titles: [%s]\n", strings.Join(quoted, ", "))
		}
		if m.allowReplace[title] {
			out.WriteString("    allow_replace: true\n")
		}
		if keys, ok := m.keys[title]; ok {
			writeKeys(&out, keys)
		}
		if tools, ok := m.tools[title]; ok {
			writeTools(&out, tools)
		}
	}
	return out.Bytes()
}

func writeKeys(out *bytes.Buffer, keys []keyItem) {
	if len(keys) == 0 {
		out.WriteString("    private_keys: []\n")
		return
	}
	out.WriteString("    private_keys:\n")
	for _, k := range keys {
		fmt.Fprintf(out, "      - type: %s\n        key: {env: %s}\n", k.Type, k.Key)
		if k.Pass != "" {
			fmt.Fprintf(out, "        passphrase: {env: %s}\n", k.Pass)
		}
		if k.CertType != "" {
			fmt.Fprintf(out, "        certificate_type: %s\n", k.CertType)
		}
		if k.Cert != "" {
			fmt.Fprintf(out, "        certificate: {env: %s}\n", k.Cert)
		}
	}
}

func writeTools(out *bytes.Buffer, tools []toolItem) {
	if len(tools) == 0 {
		out.WriteString("    root_tools: []\n")
		return
	}
	out.WriteString("    root_tools:\n")
	for _, t := range tools {
		fmt.Fprintf(out, "      - tool: %s\n", t.Tool)
		if t.Password != "" {
			fmt.Fprintf(out, "        password: {env: %s}\n", t.Password)
		}
	}
}

// write writes the configuration to dir/qsync.yaml and returns its path.
func (m *model) write(dir string) (string, error) {
	path := filepath.Join(dir, "qsync.yaml")
	if err := os.WriteFile(path, m.yaml(), 0o600); err != nil {
		return "", fmt.Errorf("write the configuration: %w", err)
	}
	return path, nil
}

// record returns the model's record titled title, or nil.
func (m *model) record(title string) *bench.Record {
	for _, r := range m.e.Records {
		if r.Title == title {
			return r
		}
	}
	return nil
}

// vault returns the model's vault titled title, or nil.
func (m *model) vault(title string) *bench.Vault {
	for _, v := range m.e.Vaults {
		if v.Title == title {
			return v
		}
	}
	return nil
}

// objectKeys returns the keys of the model's objects.
func (m *model) objectKeys() map[spec.Key]bool {
	out := map[spec.Key]bool{}
	for _, v := range m.e.Vaults {
		out[spec.Key{Kind: spec.KindVault, Title: v.Title}] = true
	}
	for _, r := range m.e.Records {
		out[spec.Key{Kind: r.Kind, Title: r.Title}] = true
	}
	return out
}

// newTitle returns a title no object of the run has had.
func (m *model) newTitle(prefix string) string {
	m.next++
	return fmt.Sprintf("%s-%04d", prefix, m.next)
}

// newSecret returns a new secret value: the canary, a number and, every other time, characters
// each encoding qsync produces changes (XML, CDATA's end, URL form, JSON), so that a secret
// leaking in any encoding still shows the canary; short enough for every secret field (password2
// takes at most 31 characters).
func (m *model) newSecret() string {
	m.next++
	return Canary + "-" + strconv.Itoa(m.next) + secretTails[m.next%len(secretTails)]
}

// secretTails are the endings newSecret cycles through.
var secretTails = []string{"", "]]>", "", "&+%", "", ` <'"`}

// redactor returns qsync's redactor as the CLI sets it up for this configuration
// (output_redact.go's learnSecrets: every secret value the configuration references, in every
// encoding qsync produces), for the outputs production passes through it.
func (m *model) redactor() *redact.Redactor {
	r := redact.New()
	add := func(name string) {
		if v, ok := m.env[name]; ok && name != "" {
			r.Add(v)
		}
	}
	for _, v := range m.e.Vaults {
		for _, name := range v.Secrets {
			add(name)
		}
	}
	for _, rec := range m.e.Records {
		for _, name := range rec.Secrets {
			add(name)
		}
	}
	for _, keys := range m.keys {
		for _, k := range keys {
			add(k.Key)
			add(k.Pass)
			add(k.Cert)
		}
	}
	for _, tools := range m.tools {
		for _, t := range tools {
			add(t.Password)
		}
	}
	return r
}
