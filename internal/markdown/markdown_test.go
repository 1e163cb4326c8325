package markdown

import "testing"

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
