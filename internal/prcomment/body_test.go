package prcomment_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/prcomment"
)

func TestPlanBody(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rc := prcomment.RenderContext{Owner: "secops", Commit: "c0ffee"}
	for _, tc := range []struct {
		name, file string
		stdin      string
		want, not  []string
	}{
		{"plan with commit footer", write("plan.md", "### plan\n\n\n"), "", []string{"### plan\n\n<sub>Plan for commit `c0ffee`."}, []string{"failed"}},
		{"stdin", "-", "from stdin\n", []string{"from stdin\n"}, nil},
		{"empty file: plan stopped", write("empty.md", "\n"), "", []string{"`qsync plan` failed", "is empty: qsync plan stopped before writing a plan"}, []string{"<sub>Plan for"}},
		{"missing file: no plan made", filepath.Join(dir, "none.md"), "", []string{"does not exist: no plan was made"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := prcomment.PlanBody(tc.file, strings.NewReader(tc.stdin), rc)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("body lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("body has %q:\n%s", w, got)
				}
			}
		})
	}
	if _, err := prcomment.PlanBody(dir, nil, rc); err == nil || !strings.Contains(err.Error(), "read the comment body") {
		t.Errorf("a directory: err = %v", err)
	}
}

func TestApplyBodyMissingFileSaysApplyStopped(t *testing.T) {
	got, err := prcomment.ApplyBody(filepath.Join(t.TempDir(), "result.json"), prcomment.RenderContext{Owner: "secops"})
	if err != nil || !strings.Contains(got, "stopped before it wrote a result") {
		t.Fatalf("err %v, body:\n%s", err, got)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := prcomment.ApplyBody(bad, prcomment.RenderContext{}); err == nil || !strings.HasPrefix(err.Error(), bad+": ") {
		t.Errorf("bad JSON: err = %v", err)
	}
}

func TestAppendSummaryAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary.md")
	for _, b := range []string{"one\n", "two\n"} {
		if err := prcomment.AppendSummary(path, b); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := os.ReadFile(path); string(got) != "one\n\ntwo\n\n" {
		t.Errorf("summary %q", got)
	}
}

func TestWhere(t *testing.T) {
	for _, tc := range []struct{ artifact, run, want string }{
		{"", "", ""},
		{"", "https://ci/run/1", "the artifacts of [this run](https://ci/run/1)"},
		{"plan.txt", "https://ci/run/1", "plan.txt"},
	} {
		if got := prcomment.Where(tc.artifact, tc.run); got != tc.want {
			t.Errorf("Where(%q, %q) = %q, want %q", tc.artifact, tc.run, got, tc.want)
		}
	}
}

// TestFailureLogCapsAndRenders: the log keeps only the first max bytes but passes everything on,
// and the block ends with the error.
func TestFailureLogCapsAndRenders(t *testing.T) {
	var stderr, md bytes.Buffer
	l := prcomment.NewFailureLog(8)
	w := l.Tee(&stderr)
	if _, err := w.Write([]byte("0123456789\n")); err != nil {
		t.Fatal(err)
	}
	if stderr.String() != "0123456789\n" {
		t.Errorf("stderr %q", stderr.String())
	}
	ci := prcomment.CI{Getenv: func(string) string { return "" }}
	if err := l.Render(&md, "qsync plan", errors.New("boom"), ci); err != nil {
		t.Fatal(err)
	}
	if got := md.String(); !strings.Contains(got, "```text\n01234567qsync: boom\n```") || !prcomment.Balanced(got) {
		t.Errorf("failure block:\n%s", got)
	}
}

// TestApplyBodyScoped: a scoped apply (--only) that converged says so within its scope, not that
// Qualys matches the configuration.
func TestApplyBodyScoped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "result.json")
	result := `{"result":{"steps":[],"applied":1},"planned_calls":1,"verified":true,"converged":true,"only":["unix/linux-*"]}`
	if err := os.WriteFile(path, []byte(result), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := prcomment.ApplyBody(path, prcomment.RenderContext{Owner: "secops"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "Converged within the scope `unix/linux-*` (--only)") || strings.Contains(got, "Qualys matches the configuration") {
		t.Errorf("body:\n%s", got)
	}
}

// TestApplyBodyScopeLeftOut: a scoped apply (--only, --secrets-only, --without-secrets) whose
// verification found changes outside the scope, or could not look, is "converged within the
// scope only", never "Qualys matches the configuration"; one that left nothing out says so.
func TestApplyBodyScopeLeftOut(t *testing.T) {
	for _, tc := range []struct {
		result, want, not string
	}{
		{`"converged":false,"scope":"--secrets-only","left_out":2`,
			"**Converged within the scope `--secrets-only` only:** 2 changes outside it were left out", "Qualys matches"},
		{
			`"converged":false,"scope":"--without-secrets: secret drift not checked","outside_unchecked":"a plan of the whole configuration has 1 problem(s)"`,
			"was not checked (a plan of the whole configuration has 1 problem(s))", "Qualys matches"},
		{`"converged":true,"scope":"unix/linux-*","only":["unix/linux-*"]`,
			"Converged within the scope `unix/linux-*`, and nothing outside it differs: Qualys matches the configuration.", "not converged"},
	} {
		path := filepath.Join(t.TempDir(), "result.json")
		result := `{"result":{"steps":[],"applied":1},"planned_calls":1,"verified":true,` + tc.result + `}`
		if err := os.WriteFile(path, []byte(result), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := prcomment.ApplyBody(path, prcomment.RenderContext{Owner: "secops"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, tc.want) || strings.Contains(got, tc.not) {
			t.Errorf("%s: body:\n%s", tc.result, got)
		}
	}
}
