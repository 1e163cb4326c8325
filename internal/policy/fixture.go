package policy

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/plan/build"
	"github.com/qsync/qsync/internal/safeio"
	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/spec/load"
)

// Fixture files of `qsync policy test DIR`: every subdirectory of DIR is one case.
const (
	FixtureConfigDir  = "config"      // the configuration: a directory of YAML files...
	FixtureConfigFile = "config.yaml" // ...or one file
	FixtureLive       = "live.yaml"   // optional: the live estate, written as configuration
	FixtureExpect     = "expect.yaml" // the expected violations
)

// CaseResult is the outcome of one fixture case.
type CaseResult struct {
	Name string
	// Err is set when the case could not be run (a missing or invalid file, a plan that fails).
	Err error
	// Got counts the violations found; Unexpected and Missing list the differences from the
	// expectation ("rule on kind \"title\"", or "rule (plan)"), sorted.
	Got                 int
	Unexpected, Missing []string
}

// OK reports whether the case ran and found exactly the expected violations.
func (r CaseResult) OK() bool { return r.Err == nil && len(r.Unexpected) == 0 && len(r.Missing) == 0 }

// TestFixtures runs every case below dir against s, offline: the configuration is loaded and
// validated, the live estate (live.yaml, every object managed by the configuration's owner;
// none when absent) is planned against, and the violations found are compared with expect.yaml:
//
//	violations:
//	  - rule: prod-dbs-use-vaults
//	    object: mysql/prod-billing   # KIND/TITLE; absent for a plan-level rule
//
// Cases run in name order.
func TestFixtures(s *Set, dir string) ([]CaseResult, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("policy test: %w", err)
	}
	var out []CaseResult
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		r := CaseResult{Name: e.Name()}
		r.Got, r.Unexpected, r.Missing, r.Err = runCase(s, filepath.Join(dir, e.Name()))
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("policy test: no cases in %s (one subdirectory per case, each with %s/ or %s, and %s)", dir, FixtureConfigDir, FixtureConfigFile, FixtureExpect)
	}
	return out, nil
}

// WriteResults prints one line per case (and its differences), then a summary; it reports
// whether every case passed.
func WriteResults(w io.Writer, results []CaseResult) bool {
	failed := 0
	for _, r := range results {
		switch {
		case r.Err != nil:
			failed++
			fmt.Fprintf(w, "FAIL  %s: %v\n", r.Name, r.Err)
		case !r.OK():
			failed++
			fmt.Fprintf(w, "FAIL  %s\n", r.Name)
			for _, u := range r.Unexpected {
				fmt.Fprintf(w, "      unexpected violation: %s\n", u)
			}
			for _, m := range r.Missing {
				fmt.Fprintf(w, "      missing violation:    %s\n", m)
			}
		default:
			fmt.Fprintf(w, "ok    %s (%d violation(s), as expected)\n", r.Name, r.Got)
		}
	}
	fmt.Fprintf(w, "%d case(s): %d passed, %d failed\n", len(results), len(results)-failed, failed)
	return failed == 0
}

func runCase(s *Set, dir string) (got int, unexpected, missing []string, err error) {
	cfg := filepath.Join(dir, FixtureConfigDir)
	if _, err := os.Stat(cfg); err != nil {
		cfg = filepath.Join(dir, FixtureConfigFile)
	}
	desired, diags := load.Files(load.Options{}, cfg)
	if diags.HasErrors() {
		return 0, nil, nil, fmt.Errorf("configuration:\n%s", indent(diags.Error()))
	}
	live := &spec.Document{Owner: desired.Owner, Complete: true}
	if _, err := os.Stat(filepath.Join(dir, FixtureLive)); err == nil {
		if live, err = LiveFromConfig(filepath.Join(dir, FixtureLive), desired.Owner); err != nil {
			return 0, nil, nil, err
		}
	}
	want, err := readExpect(filepath.Join(dir, FixtureExpect))
	if err != nil {
		return 0, nil, nil, err
	}
	// The guards are not what a fixture tests: it plans as with --allow-deletes --allow-replace.
	p, err := build.Plan(desired, live, plan.Options{Owner: desired.Owner, AllowDeletes: true, AllowReplace: true})
	if err != nil {
		return 0, nil, nil, fmt.Errorf("plan: %w", err)
	}
	vs, err := s.Check(Input{Desired: desired, Live: live, Plan: p})
	if err != nil {
		return 0, nil, nil, err
	}
	var have []string
	for _, v := range vs {
		have = append(have, violationText(v.Rule, v.Key))
	}
	unexpected, missing = multisetDiff(have, want)
	return len(vs), unexpected, missing, nil
}

func indent(s string) string { return "      " + strings.ReplaceAll(s, "\n", "\n      ") }

// violationText names a violation in fixture results: `rule on mysql "db"`, or `rule (plan)`.
func violationText(rule string, k *spec.Key) string {
	if k == nil {
		return rule + " (plan)"
	}
	return rule + " on " + k.String()
}

// readExpect reads expect.yaml into violationText strings.
func readExpect(path string) ([]string, error) {
	data, err := safeio.ReadFile(path, load.MaxFileBytes)
	if err != nil {
		return nil, fmt.Errorf("expectation %s: %w", path, err)
	}
	var f struct {
		Violations []struct {
			Rule   string `yaml:"rule"`
			Object string `yaml:"object"`
		} `yaml:"violations"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []string
	for i, v := range f.Violations {
		if v.Rule == "" {
			return nil, fmt.Errorf("%s: violations/%d: no rule", path, i)
		}
		if v.Object == "" {
			out = append(out, violationText(v.Rule, nil))
			continue
		}
		kind, title, ok := strings.Cut(v.Object, "/")
		if !ok || !slices.Contains(spec.KindNames(), kind) {
			return nil, fmt.Errorf("%s: violations/%d: object %q is not KIND/TITLE with a known kind", path, i, v.Object)
		}
		out = append(out, violationText(v.Rule, &spec.Key{Kind: spec.Kind(kind), Title: title}))
	}
	return out, nil
}

// multisetDiff returns what have holds beyond want, and what want holds beyond have, sorted.
func multisetDiff(have, want []string) (extra, missing []string) {
	count := map[string]int{}
	for _, h := range have {
		count[h]++
	}
	for _, w := range want {
		count[w]--
	}
	for k, n := range count {
		for ; n > 0; n-- {
			extra = append(extra, k)
		}
		for ; n < 0; n++ {
			missing = append(missing, k)
		}
	}
	slices.Sort(extra)
	slices.Sort(missing)
	return extra, missing
}

// LiveFromConfig loads a live estate written as configuration (a policy fixture's live.yaml):
// every object is managed by owner, has an ID (its position, from 1) and no secrets, and the
// document is complete.
func LiveFromConfig(path, owner string) (*spec.Document, error) {
	doc, diags := load.Files(load.Options{}, path)
	if diags.HasErrors() {
		return nil, fmt.Errorf("live estate:\n%s", indent(diags.Error()))
	}
	for i, o := range doc.Objects {
		o.ID = int64(i + 1)
		o.Marker = &spec.Marker{Owner: owner}
		o.Secrets = nil
		o.PreviousTitles = nil
		for f, items := range o.Items {
			for j := range items {
				items[j].Secrets = nil
			}
			o.Items[f] = items
		}
		o.Pos, o.FieldPos = spec.Pos{}, spec.FieldPositions{}
	}
	doc.Owner = owner
	doc.Complete = true
	return doc, nil
}
