package prcomment_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qsync/qsync/internal/prcomment"
)

// bigPlan is a plan as plan --format markdown writes it, with n changes: a summary, the deletes
// and refusals up front, then one <details> block with a diff per change, then a tail.
func bigPlan(n int) string {
	var b strings.Builder
	b.WriteString("### qsync plan for owner `secops`\n\n**Plan: 2 to delete, 1 refused.**\n\n| kind | delete |\n|---|---:|\n| mysql | **2** |\n\n")
	b.WriteString("> [!CAUTION]\n> **2 objects will be deleted or replaced:**\n> - delete `mysql \"old-a\"`\n> - delete `mysql \"old-b\"`\n\n")
	b.WriteString("> [!WARNING]\n> **Refused (not planned):**\n> - delete `unix \"core\"`: protect: true\n\n")
	for i := range n {
		fmt.Fprintf(&b, "<details><summary><code>~ mysql \"db-%d\"</code> will be updated</summary>\n\n```diff\n- port: 3306\n+ port: 3307\n\n  # (4 unchanged attributes hidden)\n```\n\n</details>\n\n", i)
	}
	b.WriteString("<details><summary>3 unmanaged objects left alone</summary>\n\n- `mysql \"x\"`\n\n</details>\n\nAPI calls: 12.\n")
	return b.String()
}

func TestFit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		body  string
		limit int
		keep  []string // must survive
	}{
		{"details dropped, deletes and refusals kept", bigPlan(2000), 65536,
			[]string{"delete `mysql \"old-a\"`", "delete `mysql \"old-b\"`", "Refused (not planned)", "protect: true", "API calls: 12.", "db-0\""}},
		{"cut inside one huge fence, closed again", "### `qsync plan` failed\n\n```text\n" + strings.Repeat("config/a.yaml:1:1: records/0: bad\n", 5000) + "```\n", 20000,
			[]string{"### `qsync plan` failed", "config/a.yaml:1:1"}},
		{"cut inside nested details", "# t\n\n<details><summary>a</summary>\n\n<details><summary>b</summary>\n\n" + strings.Repeat("line\n", 10000) + "\n</details>\n\n</details>\n", 3000,
			[]string{"# t"}},
		{"a long deletes list is cut at a line, keeping its head", strings.Repeat("x", 10) + "\n\n> [!CAUTION]\n" + strings.Repeat("> - delete `mysql \"db\"`\n", 5000), 5000,
			[]string{"> [!CAUTION]"}},
		{"multi-byte characters count as one", strings.Repeat("é", 3000) + "\n\n<details>\n\n" + strings.Repeat("ü", 5000) + "\n\n</details>\n", 4000,
			[]string{"ééé"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, cut := prcomment.Fit(tc.body, tc.limit, "the artifact `qsync-plan`")
			if !cut {
				t.Fatal("not cut")
			}
			if n := utf8.RuneCountInString(got); n > tc.limit {
				t.Fatalf("%d characters, limit %d", n, tc.limit)
			}
			if !prcomment.Balanced(got) {
				t.Fatalf("unbalanced:\n%s", tail(got))
			}
			if !strings.Contains(got, "The full text is in the artifact `qsync-plan`.") || !strings.Contains(got, "left out") {
				t.Fatalf("no pointer to the artifact:\n%s", tail(got))
			}
			for _, k := range tc.keep {
				if !strings.Contains(got, k) {
					t.Errorf("lost %q", k)
				}
			}
			if len(got) < tc.limit/2 {
				t.Errorf("only %d bytes kept of a %d limit: too eager", len(got), tc.limit)
			}
		})
	}
	small := bigPlan(3)
	if got, cut := prcomment.Fit(small, 65536, "x"); cut || got != small {
		t.Fatal("a body within the limit must be left as it is")
	}
}

func TestBalanced(t *testing.T) {
	for s, want := range map[string]bool{
		"```\ncode\n```\n":                            true,
		"```\ncode\n":                                 false,
		"````\n```\n````\n":                           true,
		"<details>\n\n```\n</details>\n```\n":         false, // the closer is inside the fence
		"<details><summary>x</summary>\n</details>\n": true,
		"~~~\n```\n~~~\n<details>\n":                  false,
	} {
		if got := prcomment.Balanced(s); got != want {
			t.Errorf("Balanced(%q) = %v, want %v", s, got, want)
		}
	}
}

func tail(s string) string {
	if len(s) > 600 {
		return "..." + s[len(s)-600:]
	}
	return s
}
