package markdown

import (
	"strings"
	"testing"
)

func TestCode(t *testing.T) {
	for in, want := range map[string]string{
		"plain": "`plain`",
		"a`b":   "``a`b``",
		"`edge": "`` `edge ``",
		"x``y":  "```x``y```",
		"":      "``",
	} {
		if got := Code(in); got != want {
			t.Errorf("Code(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEscape(t *testing.T) {
	in := "*bold* _it_ [link](x) <b> `c` \\ line\nbreak"
	want := "\\*bold\\* \\_it\\_ \\[link\\](x) &lt;b&gt; \\`c\\` \\\\ line break"
	if got := Escape(in); got != want {
		t.Errorf("Escape = %q, want %q", got, want)
	}
}

// hostile are user-controlled strings (titles, previous titles, comments, values quoted in
// reasons) that would ping people, cross-link issues or autolink if shown as text.
var hostile = []string{
	"ping @alice please", "@acme/security-team", "fixes #12", "see GH-34", "acme/repo#5",
	"MR !7 and epic &8 and snippet $9", "~bug and ~\"needs review\" for %\"Q3 release\" and %v1",
	"https://evil.example/x", "http://10.0.0.1/", "www.evil.example", "mail bob@example.com",
	"mailto:bob@example.com", "`@alice`", "a\n@bob on a new line", "*@carol*",
}

// TestEscapeMakesMentionsAndReferencesInert: after Escape (markdown) and HTML (inside an HTML
// element), nothing a platform links or notifies is left outside code.
func TestEscapeMakesMentionsAndReferencesInert(t *testing.T) {
	for _, s := range hostile {
		for name, esc := range map[string]func(string) string{"Escape": Escape, "HTML": HTML} {
			out := esc(s)
			if active := ActiveOutsideCode(out); len(active) > 0 {
				t.Errorf("%s(%q) = %q: %q active outside code", name, s, out, active)
			}
			if strings.Contains(out, "\n") && name == "Escape" {
				t.Errorf("%s(%q) = %q spans lines", name, s, out)
			}
		}
	}
}

func TestEscapeKeepsPlainTextReadable(t *testing.T) {
	for in, want := range map[string]string{
		"ping @alice please":         "ping `@alice` please",
		"a & b; 30% done; x!":        "a & b; 30% done; x!",
		"title \"db\" has <b> in it": "title \"db\" has &lt;b&gt; in it",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
	if got, want := HTML(`renamed from "@alice" in place`), `renamed from <code>&quot;@alice&quot;</code> in place`; got != want {
		t.Errorf("HTML = %q, want %q", got, want)
	}
}

func TestActiveOutsideCode(t *testing.T) {
	md := "plain @alice `@bob` <code>#3</code> &#64;carol\n```text\n@dave #4\n```\n~~~\nwww.x.example\n~~~\nend #5\n"
	got := ActiveOutsideCode(md)
	if strings.Join(got, " ") != "@alice @carol #5" {
		t.Errorf("ActiveOutsideCode = %q", got)
	}
}
