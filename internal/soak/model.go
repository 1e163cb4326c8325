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
	// next numbers new records, titles and secret values.
	next int
}

func (m *model) clone() *model {
	c := &model{e: m.e.Clone(), prev: map[string][]string{}, allowReplace: map[string]bool{}, env: map[string]string{}, next: m.next}
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
	if len(m.prev) == 0 && len(m.allowReplace) == 0 {
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
	}
	return out.Bytes()
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

// keys returns the keys of the model's objects.
func (m *model) keys() map[spec.Key]bool {
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

// newSecret returns a new secret value: the canary and a number, short enough for every secret
// field (password2 takes at most 31 characters).
func (m *model) newSecret() string {
	m.next++
	return Canary + "-" + strconv.Itoa(m.next)
}
