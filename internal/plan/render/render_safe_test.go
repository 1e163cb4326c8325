package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/plan"
	"github.com/qsync/qsync/internal/spec"
)

// hostile holds what a live comment or title may carry to deceive a reviewer: cursor up and
// erase line (ESC and C1 CSI), a bidi override, a carriage return, DEL and a bell.
const hostile = "ok\x1b[2A\x1b[2K\u009b2J\u202eevil\u2066\rX\x7f\a"

// unsafeOutput returns the first unsafe rune (other than line breaks) of out, or -1.
func unsafeOutput(out string) rune {
	for _, r := range out {
		if r != '\n' && unsafeRune(r) {
			return r
		}
	}
	return -1
}

func TestRenderEscapesControlCharacters(t *testing.T) {
	l := mysql(t, "db", 5, "10.0.0.1")
	l.Comments = "first line\n" + hostile
	d := noSecrets(mysql(t, "db", 0, "10.0.0.1"))
	d.Comments = "first line\nsecond"
	gone := mysql(t, "gone"+hostile, 6, "10.0.0.2")
	p := mustBuild(t, doc(d), doc(l, gone), baseOpts())
	// What a plan carries from elsewhere: reasons and notes may quote live values.
	p.Refused = append(p.Refused, plan.Refusal{Key: spec.Key{Kind: spec.KindUnix, Title: hostile}, Action: plan.ActionReplace, Reason: "sub_type " + hostile})
	p.Unmanaged = append(p.Unmanaged, spec.Key{Kind: spec.KindVault, Title: "v" + hostile})
	p.Opaque = append(p.Opaque, plan.Opaque{Key: spec.Key{Kind: spec.KindVault, Title: "v" + hostile}, Reason: "unknown vault type " + hostile})
	p.Notes = append(p.Notes, "note "+hostile)
	p.Owner = "secops" + hostile
	for _, format := range []string{"text", "markdown", "json"} {
		for _, color := range []bool{false, true} {
			if color && format != "text" {
				continue
			}
			var b bytes.Buffer
			if err := Plan(&b, p, format, Options{Color: color}); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if color {
				// The renderer's own colours are the only escape sequences allowed.
				out = strings.NewReplacer(ansiReset, "", ansiBold, "", ansiRed, "", ansiGreen, "", ansiYellow, "", ansiMagenta, "").Replace(out)
			}
			if r := unsafeOutput(out); r != -1 {
				t.Errorf("%s (color %v): raw %U in output:\n%s", format, color, r, out)
			}
			if !strings.Contains(out, `\u202e`) && !strings.Contains(out, `\\u202e`) {
				t.Errorf("%s: the bidi override is not shown escaped:\n%s", format, out)
			}
		}
	}
	// The json escapes decode to the original text.
	var b bytes.Buffer
	if err := Save(&b, p); err != nil {
		t.Fatal(err)
	}
	var back plan.Plan
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Owner != p.Owner || back.Notes[len(back.Notes)-1] != "note "+hostile {
		t.Errorf("json round trip: owner %q, notes %q", back.Owner, back.Notes)
	}
}

func TestSafe(t *testing.T) {
	for in, want := range map[string]string{
		"plain":           "plain",
		"emoji 👩‍💻 ü":     "emoji 👩‍💻 ü",
		"a\x1b[2Kb":       `a\x1b[2Kb`,
		"a\u202eb":        `a\u202eb`,
		"a\u009bb":        `a\u009bb`,
		"line\nbreak\r\t": `line\nbreak\r\t`,
		"bad \xff utf8":   `bad \xff utf8`,
		"keeps \uFFFD":    "keeps \uFFFD",
		"del\x7f":         `del\x7f`,
	} {
		if got := safe(in); got != want {
			t.Errorf("safe(%q) = %q, want %q", in, got, want)
		}
	}
}
