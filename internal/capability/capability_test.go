package capability

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qsync/qsync/internal/apply"
	"github.com/qsync/qsync/internal/pipeline"
	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/qualysclient"
	"github.com/qsync/qsync/internal/qualysemu"
	"github.com/qsync/qsync/internal/spec"
)

// TestConformance: every parameter qsync can send (each field, enum value, login type and vault
// type a kind accepts, for every record kind and variant and every vault type) is accepted by the
// emulator and listed back equal, by qsync's own path: the configuration is validated, planned,
// applied and read back. Each gap fails the test by name as MISSING. It runs against the
// emulator's default answers and against the answer variants that change list shapes.
func TestConformance(t *testing.T) {
	set, err := Build()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "qsync.yaml")
	if err := os.WriteFile(path, set.YAML, 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	pl := &pipeline.Pipeline{Stderr: &stderr, DiagnosticsFormat: "text", Resolve: func(ref spec.SecretRef) (string, error) {
		if v, ok := set.Secrets[ref.Env]; ok {
			return v, nil
		}
		return "", fmt.Errorf("no secret %s", ref.Env)
	}}
	desired, err := pl.Load(path)
	if err != nil {
		t.Fatalf("the generated configuration does not validate: %v\n%s", err, stderr.String())
	}
	variants := [][]string{nil, {"list-booleans-words", "list-all-doc-sample"}, {"list-all-mixed"}}
	if testing.Short() {
		variants = variants[:2]
	}
	for _, vs := range variants {
		t.Run("variants="+strings.Join(vs, "+"), func(t *testing.T) {
			gaps, res := run(t, set, pl, desired, vs)
			byGroup := map[string][]Gap{}
			for _, g := range gaps {
				byGroup[g.Group] = append(byGroup[g.Group], g)
			}
			groups := slices.Sorted(maps.Keys(set.Exercised))
			for g := range byGroup {
				if !slices.Contains(groups, g) {
					groups = append(groups, g)
				}
			}
			for _, group := range groups {
				t.Run(group, func(t *testing.T) {
					for _, g := range byGroup[group] {
						t.Error(g)
					}
				})
			}
			if res != nil {
				t.Logf("%d object(s) applied in %d write call(s)", res.Applied, res.Calls)
			}
		})
	}
	groups := 0
	for g, ex := range set.Exercised {
		groups++
		t.Logf("%s: %d parameter(s) and value(s) exercised", g, len(ex))
	}
	for g, sk := range set.Skipped {
		t.Logf("%s: not sent: %s", g, strings.Join(sk, "; "))
	}
	if want := len(spec.Kinds()); groups+len(onlySkipped(set)) < want {
		t.Errorf("%d groups exercised or skipped, want one per kind table (%d)", groups+len(onlySkipped(set)), want)
	}
}

// onlySkipped are the groups the set skips entirely.
func onlySkipped(set *Set) []string {
	var out []string
	for g := range set.Skipped {
		if _, ok := set.Exercised[g]; !ok {
			out = append(out, g)
		}
	}
	return out
}

// run applies the set to a fresh emulator answering with variants and returns the gaps.
func run(t *testing.T, set *Set, pl *pipeline.Pipeline, desired *spec.Document, variants []string) ([]Gap, *apply.Result) {
	t.Helper()
	srv, err := qualysemu.New(qualysemu.Config{Username: "capability", Password: "capability-password", RateUnlimited: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.LoadSeed(bytes.NewReader(set.Seed)); err != nil {
		t.Fatal(err)
	}
	if err := srv.SetVariants(variants...); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	c, err := qualysclient.New(qualysclient.Config{BaseURL: hs.URL, Username: "capability", Password: "capability-password",
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r, err := pl.Plan(ctx, c, desired, plan.Flags{})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	res, err := pl.Apply(ctx, r, nil)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	var gaps []Gap
	for _, sr := range res.Steps {
		if sr.Status != apply.Applied {
			for _, k := range sr.Keys {
				o := findObject(desired, k)
				g := Group(k.Kind, "")
				if o != nil {
					g = Group(o.Kind, o.Type)
				}
				gaps = append(gaps, Gap{Group: g, Object: k.Title, Why: fmt.Sprintf("%s %s: %s", sr.Op, sr.Status, firstNonEmpty(sr.Text, sr.Error, sr.Reason))})
			}
		}
	}
	live, err := pipeline.ReadLive(ctx, c)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	return append(gaps, Compare(desired, live)...), res
}

func findObject(doc *spec.Document, k spec.Key) *spec.Object {
	for _, o := range doc.Objects {
		if o.Key() == k {
			return o
		}
	}
	return nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// TestConformanceNamesGaps: against answers that leave elements out (variant missing-elements:
// no SUB_TYPE, WINDOWS_DOMAIN or CLEARTEXT_PASSWORD on any record), the comparison names exactly
// those parameters, for every kind and variant that sends them, and nothing else.
func TestConformanceNamesGaps(t *testing.T) {
	set, err := Build()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "qsync.yaml")
	if err := os.WriteFile(path, set.YAML, 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	pl := &pipeline.Pipeline{Stderr: &stderr, Resolve: func(ref spec.SecretRef) (string, error) { return set.Secrets[ref.Env], nil }}
	desired, err := pl.Load(path)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	gaps, _ := run(t, set, pl, desired, []string{"missing-elements"})
	named := map[string]bool{}
	for _, g := range gaps {
		named[g.Group+" "+g.Param] = true
	}
	var got []string
	for k := range named {
		got = append(got, k)
	}
	slices.Sort(got)
	want := []string{"microsoft_sharepoint windows_domain", "ms_sql windows_domain", "network_ssh cleartext_password",
		"unix cleartext_password", "unix/checkpoint_firewall cleartext_password", "unix/checkpoint_firewall sub_type",
		"unix/cisco cleartext_password", "unix/cisco sub_type", "windows windows_domain"}
	if !slices.Equal(got, want) {
		t.Errorf("gaps named %v\nwant %v", got, want)
	}
}
