package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/google/cel-go/cel"
	"gopkg.in/yaml.v3"

	"github.com/qsync/qsync/internal/safeio"
	"github.com/qsync/qsync/internal/spec"
)

// BuiltinPrefix starts a --policy value naming a built-in rule: builtin:NAME.
const BuiltinPrefix = "builtin:"

// maxPolicyBytes bounds one policy file.
const maxPolicyBytes = 1 << 20

// Rule is one compiled rule.
type Rule struct {
	Name        string
	Description string
	Severity    spec.Severity
	// Kinds the rule applies to; empty means every kind.
	Kinds []string
	// Level is "object" or "plan".
	Level      string
	Expression string
	Message    string
	// Source is the policy file, or builtin:NAME.
	Source string
	// Pos is where the rule is written (zero for a built-in rule given as --policy builtin:NAME).
	Pos spec.Pos
	// applies narrows a built-in rule to the types it is about (see Builtin.Applies).
	applies func(d *spec.KindDef) bool

	prg cel.Program
}

// appliesTo reports whether the rule checks objects of kind k and descriptor def (nil when
// unknown, e.g. an opaque live object: then only the kind decides).
func (r *Rule) appliesTo(k spec.Kind, def *spec.KindDef) bool {
	if len(r.Kinds) > 0 && !slices.Contains(r.Kinds, string(k)) {
		return false
	}
	return r.applies == nil || def == nil || r.applies(def)
}

// Set is a loaded policy: every rule of every policy file and built-in rule given.
type Set struct {
	Rules []*Rule
	// Sources names the policy files and built-in rules, sorted.
	Sources []string
	// Digest identifies the policy: the contents of its files and the definitions of its
	// built-in rules, not their paths (see Digest).
	Digest string
}

// Load reads the policy files, directories of them (every *.yaml and *.yml file directly in
// one) and builtin:NAME rules in paths, validates each file against Schema, compiles every
// expression and reports every problem at once as positioned diagnostics. No paths is no
// policy: a nil Set.
func Load(paths ...string) (*Set, spec.Diagnostics) {
	if len(paths) == 0 {
		return nil, nil
	}
	l := loader{set: &Set{}, names: map[string]spec.Pos{}, seen: map[string]bool{}}
	for _, p := range paths {
		l.path(p)
	}
	slices.Sort(l.set.Sources)
	l.set.Sources = slices.Compact(l.set.Sources)
	l.set.Digest = digest(l.parts)
	l.diags.Sort()
	return l.set, l.diags
}

type loader struct {
	set   *Set
	diags spec.Diagnostics
	names map[string]spec.Pos
	// parts are the digest's inputs: one per file (its contents) or built-in rule.
	parts []string
	// seen holds the real paths of the files loaded.
	seen map[string]bool
	envs map[string]*cel.Env
}

func (l *loader) errorf(pos spec.Pos, path, format string, args ...any) {
	l.diags = append(l.diags, spec.Diagnostic{Pos: pos, Path: path, Message: fmt.Sprintf(format, args...)})
}

func (l *loader) path(p string) {
	if name, ok := strings.CutPrefix(p, BuiltinPrefix); ok {
		b := builtin(name)
		if b == nil {
			l.errorf(spec.Pos{}, "", "--policy %s: no such built-in rule (%s)", p, strings.Join(builtinNames(), ", "))
			return
		}
		l.builtin(b, "", spec.Pos{}, BuiltinPrefix+name)
		return
	}
	st, err := os.Stat(p)
	if err != nil {
		l.errorf(spec.Pos{File: p}, "", "policy: %v", unwrapPath(err))
		return
	}
	if !st.IsDir() {
		l.file(p)
		return
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		l.errorf(spec.Pos{File: p}, "", "policy: read directory: %v", unwrapPath(err))
		return
	}
	found := 0
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
			l.file(filepath.Join(p, e.Name()))
			found++
		}
	}
	if found == 0 {
		l.errorf(spec.Pos{File: p}, "", "policy: no .yaml or .yml files in this directory")
	}
}

// unwrapPath drops the path an *os.PathError repeats (the diagnostic's position names it).
func unwrapPath(err error) error {
	if pe := (*os.PathError)(nil); errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// builtinNames lists the built-in rules' names.
func builtinNames() []string {
	var out []string
	for _, b := range Builtins() {
		out = append(out, b.Name)
	}
	return out
}

// builtin adds built-in rule b, with severity overriding its own when set.
func (l *loader) builtin(b *Builtin, severity string, pos spec.Pos, source string) {
	if severity == "" {
		severity = b.Severity
	}
	kinds := b.Kinds()
	l.set.Sources = append(l.set.Sources, source)
	l.parts = append(l.parts, fmt.Sprintf("builtin\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s", b.Name, severity, b.Level, strings.Join(kinds, ","), b.Expression, b.Message))
	l.add(&Rule{Name: b.Name, Description: b.Description, Severity: parseSeverity(severity), Kinds: kinds, Level: b.Level,
		Expression: b.Expression, Message: b.Message, Source: BuiltinPrefix + b.Name, Pos: pos, applies: b.Applies}, pos, "")
}

func parseSeverity(s string) spec.Severity {
	if s == "warning" {
		return spec.SeverityWarning
	}
	return spec.SeverityError
}

// file loads one policy file, once however many paths reach it.
func (l *loader) file(name string) {
	if abs, err := filepath.Abs(name); err == nil {
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			abs = real
		}
		if l.seen[abs] {
			return
		}
		l.seen[abs] = true
	}
	data, err := safeio.ReadFile(name, maxPolicyBytes) // a regular file, its size checked before reading
	if err != nil {
		l.errorf(spec.Pos{File: name}, "", "policy: read: %v", err)
		return
	}
	l.set.Sources = append(l.set.Sources, name)
	sum := sha256.Sum256(data)
	l.parts = append(l.parts, "file\x00"+hex.EncodeToString(sum[:]))
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		l.errorf(spec.Pos{File: name}, "", "policy: YAML: %v", err)
		return
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 {
		l.errorf(spec.Pos{File: name}, "", "policy: empty file")
		return
	}
	doc := root.Content[0]
	v, err := nodeValue(doc)
	if err != nil {
		l.errorf(spec.Pos{File: name}, "", "policy: %v", err)
		return
	}
	sch, err := schema()
	if err != nil {
		l.errorf(spec.Pos{File: name}, "", "policy: schema: %v", err)
		return
	}
	// Rules without a schema error are still compiled, so that every problem is reported at once.
	badRules := map[int]bool{}
	if err := sch.Validate(v); err != nil {
		for _, e := range schemaErrors(err) {
			n := nodeAt(doc, e[0])
			l.errorf(spec.Pos{File: name, Line: n.Line, Col: n.Column}, strings.TrimPrefix(e[0], "/"), "%s", e[1])
			rest, ok := strings.CutPrefix(e[0], "/rules/")
			i, err := strconv.Atoi(strings.SplitN(rest, "/", 2)[0])
			if !ok || err != nil {
				return // the file as a whole is wrong
			}
			badRules[i] = true
		}
	}
	var f struct {
		Rules []struct {
			Name        string   `yaml:"name"`
			Description string   `yaml:"description"`
			Severity    string   `yaml:"severity"`
			Kinds       []string `yaml:"kinds"`
			Level       string   `yaml:"level"`
			Expression  string   `yaml:"expression"`
			Message     string   `yaml:"message"`
			Builtin     string   `yaml:"builtin"`
		} `yaml:"rules"`
	}
	if err := doc.Decode(&f); err != nil {
		l.errorf(spec.Pos{File: name}, "", "policy: %v", err)
		return
	}
	rules := nodeAt(doc, "/rules")
	for i, r := range f.Rules {
		path := "rules/" + strconv.Itoa(i)
		n := nodeAt(rules, "/"+strconv.Itoa(i))
		pos := spec.Pos{File: name, Line: n.Line, Col: n.Column}
		if badRules[i] {
			continue
		}
		if r.Builtin != "" {
			l.builtin(builtin(r.Builtin), r.Severity, pos, name)
			continue
		}
		level := r.Level
		if level == "" {
			level = "object"
		}
		msg := r.Message
		if msg == "" {
			msg = r.Description
		}
		if msg == "" {
			msg = "rule " + r.Name + " does not hold"
		}
		expr := nodeAt(n, "/expression")
		l.add(&Rule{Name: r.Name, Description: r.Description, Severity: parseSeverity(r.Severity), Kinds: r.Kinds, Level: level,
			Expression: r.Expression, Message: msg, Source: name, Pos: pos},
			spec.Pos{File: name, Line: expr.Line, Col: expr.Column}, path)
	}
}

// add compiles r and adds it; exprPos and path place compile errors.
func (l *loader) add(r *Rule, exprPos spec.Pos, path string) {
	if prev, dup := l.names[r.Name]; dup {
		l.errorf(r.Pos, path, "rule %q is defined twice (also at %s): names are printed with every violation and must be unique", r.Name, orBuiltin(prev))
		return
	}
	l.names[r.Name] = r.Pos
	if l.envs == nil {
		l.envs = map[string]*cel.Env{}
	}
	env := l.envs[r.Level]
	if env == nil {
		var err error
		if env, err = newEnv(r.Level); err != nil {
			l.errorf(r.Pos, path, "%v", err)
			return
		}
		l.envs[r.Level] = env
	}
	ast, iss := env.Compile(r.Expression)
	if iss != nil && iss.Err() != nil {
		l.errorf(exprPos, joinPath(path, "expression"), "rule %s: %s", r.Name, oneLine(iss.Err().Error()))
		return
	}
	if t := ast.OutputType(); !t.IsExactType(cel.BoolType) && !t.IsExactType(cel.DynType) {
		l.errorf(exprPos, joinPath(path, "expression"), "rule %s: the expression's type is %s, not bool", r.Name, t)
		return
	}
	prg, err := env.Program(ast, cel.CostLimit(costLimit))
	if err != nil {
		l.errorf(exprPos, joinPath(path, "expression"), "rule %s: %v", r.Name, err)
		return
	}
	r.prg = prg
	l.set.Rules = append(l.set.Rules, r)
}

func orBuiltin(p spec.Pos) string {
	if s := p.String(); s != "" {
		return s
	}
	return "--policy builtin:..."
}

func joinPath(path, key string) string {
	if path == "" {
		return ""
	}
	return path + "/" + key
}

// oneLine folds CEL's multi-line error (with its caret diagram) into one line.
func oneLine(s string) string {
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		if t := strings.TrimSpace(l); t != "" && strings.Trim(t, "|.^ ") != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, " ")
}

// digest hashes the policy's parts independent of their order.
func digest(parts []string) string {
	s := slices.Clone(parts)
	slices.Sort(s)
	h := sha256.New()
	for _, p := range s {
		fmt.Fprintf(h, "%s\x01", p)
	}
	return hex.EncodeToString(h.Sum(nil))
}
