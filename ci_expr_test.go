package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// ciExpr evaluates the conditions of CI files offline, as the tests of action.yml, the GitLab
// component and the examples need them: GitHub's `if:` expressions (inputs.mode == 'plan',
// always() && steps.run.outputs.plan-file != ”, (a || b) && c) and GitLab's rules
// ($CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH). Values are strings;
// a value is true unless it is empty or "false". Anything else (another operator, an unknown
// function or name) is an error, so a condition the tests cannot judge fails them.
type ciExpr struct {
	lookup func(name string) (string, bool) // an identifier (GitHub) or $VARIABLE (GitLab)
	funcs  map[string]bool                  // always(), success(), failure(), cancelled()
}

type exprParser struct {
	toks []string
	pos  int
	env  ciExpr
}

var exprToken = regexp.MustCompile(`^(\(|\)|&&|\|\||==|!=|!|'[^']*'|"[^"]*"|\$?[A-Za-z_][A-Za-z0-9_.\-]*(\(\))?|[0-9]+)`)

func (e ciExpr) eval(s string) (bool, error) {
	s = strings.TrimSpace(s)
	if inner, ok := strings.CutPrefix(s, "${{"); ok {
		s = strings.TrimSuffix(inner, "}}")
	}
	var toks []string
	for rest := strings.TrimSpace(s); rest != ""; rest = strings.TrimLeftFunc(rest, unicode.IsSpace) {
		m := exprToken.FindString(rest)
		if m == "" {
			return false, fmt.Errorf("condition %q: cannot read %q", s, rest)
		}
		toks = append(toks, m)
		rest = rest[len(m):]
	}
	p := &exprParser{toks: toks, env: e}
	v, err := p.or()
	if err == nil && p.pos != len(toks) {
		err = fmt.Errorf("condition %q: unexpected %q", s, toks[p.pos])
	}
	return truthy(v), err
}

func truthy(v string) bool { return v != "" && v != "false" }

func boolString(b bool) string {
	if b {
		return "true"
	}
	return ""
}

func (p *exprParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *exprParser) or() (string, error) {
	v, err := p.and()
	for err == nil && p.peek() == "||" {
		p.pos++
		var w string
		w, err = p.and()
		v = boolString(truthy(v) || truthy(w))
	}
	return v, err
}

func (p *exprParser) and() (string, error) {
	v, err := p.unary()
	for err == nil && p.peek() == "&&" {
		p.pos++
		var w string
		w, err = p.unary()
		v = boolString(truthy(v) && truthy(w))
	}
	return v, err
}

func (p *exprParser) unary() (string, error) {
	if p.peek() == "!" {
		p.pos++
		v, err := p.unary()
		return boolString(!truthy(v)), err
	}
	v, err := p.operand()
	if err != nil {
		return "", err
	}
	if op := p.peek(); op == "==" || op == "!=" {
		p.pos++
		w, err := p.operand()
		return boolString((v == w) == (op == "==")), err
	}
	return v, nil
}

func (p *exprParser) operand() (string, error) {
	t := p.peek()
	p.pos++
	switch {
	case t == "(":
		v, err := p.or()
		if err == nil && p.peek() != ")" {
			err = fmt.Errorf("missing )")
		}
		p.pos++
		return v, err
	case t == "":
		return "", fmt.Errorf("condition ends early")
	case t[0] == '\'' || t[0] == '"':
		return t[1 : len(t)-1], nil
	case strings.HasSuffix(t, "()"):
		v, ok := p.env.funcs[strings.TrimSuffix(t, "()")]
		if !ok {
			return "", fmt.Errorf("unknown function %s", t)
		}
		return boolString(v), nil
	case t[0] >= '0' && t[0] <= '9':
		return t, nil
	}
	v, ok := p.env.lookup(t)
	if !ok {
		return "", fmt.Errorf("unknown name %s", t)
	}
	return v, nil
}

// interpolate replaces each ${{ NAME }} in s by NAME's value (GitHub's expression syntax, for
// names only).
func (e ciExpr) interpolate(s string) (string, error) {
	var firstErr error
	out := regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`).ReplaceAllStringFunc(s, func(m string) string {
		name := strings.TrimSpace(m[3 : len(m)-2])
		v, ok := e.lookup(name)
		if !ok && firstErr == nil {
			firstErr = fmt.Errorf("%q: unknown name %s", s, name)
		}
		return v
	})
	return out, firstErr
}

// TestCIExpr covers the condition evaluator the CI tests rely on.
func TestCIExpr(t *testing.T) {
	vals := map[string]string{"inputs.mode": "plan", "github.event_name": "push", "github.ref": "refs/heads/main",
		"steps.run.outputs.plan-file": "", "$CI_PIPELINE_SOURCE": "push", "$CI_COMMIT_BRANCH": "main", "$CI_DEFAULT_BRANCH": "main"}
	e := ciExpr{lookup: func(n string) (string, bool) { v, ok := vals[n]; return v, ok }, funcs: map[string]bool{"always": true, "success": false, "cancelled": false}}
	for cond, want := range map[string]bool{
		"inputs.mode == 'plan'": true,
		"inputs.mode != 'plan'": false,
		"always() && inputs.mode == 'plan' && steps.run.outputs.plan-file != ''":                                       false,
		"(github.event_name == 'push' || github.event_name == 'workflow_dispatch') && github.ref == 'refs/heads/main'": true,
		"github.event_name == 'merge_group' || github.event_name == 'pull_request'":                                    false,
		"${{ !cancelled() }}": true,
		"success()":           false,
		`$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && ($CI_PIPELINE_SOURCE == "web" || $CI_PIPELINE_SOURCE == "api")`: false,
		`$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"`:                                  true,
	} {
		got, err := e.eval(cond)
		if err != nil || got != want {
			t.Errorf("%s = %v, %v; want %v", cond, got, err, want)
		}
	}
	for _, bad := range []string{"contains(inputs.mode, 'p')", "inputs.nope == 'x'", "inputs.mode =~ 'x'", "(inputs.mode == 'plan'"} {
		if _, err := e.eval(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	if s, err := e.interpolate("qsync ${{ inputs.mode }} on ${{github.ref}}"); err != nil || s != "qsync plan on refs/heads/main" {
		t.Errorf("interpolate: %q, %v", s, err)
	}
}
