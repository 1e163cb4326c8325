// Package schemacheck validates configuration documents, decoded from YAML into plain JSON-like
// values (see internal/spec/yamltree), against qsync's JSON Schema. The schema is passed in (spec
// generates it from its kind tables); the package knows nothing of kinds beyond what the schema
// says. Problems come back by path; internal/spec gives them their source positions.
package schemacheck

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// Validator validates decoded YAML documents against one JSON Schema document, qsync's generated
// schema, in parts: the document without the items of its vault and record lists, each vault, and
// each record against its own kind's branch. The parts report exactly what the whole schema
// reports. Compiling the whole schema costs a third of a second, most of it on kinds a file does
// not use, so every definition of the schema becomes a resource of its own and each part is
// compiled, with the definitions it refers to, once per Validator and only when a document needs
// it.
type Validator struct {
	prepare func() (*parts, error)
}

// New returns a Validator of the schema document load returns. load is called once, when the first
// document is validated. The schema must follow the shape schemagen.Generate gives it in
// internal/spec: an object with vaults and records lists, #/$defs/vault, and #/$defs/record, whose
// allOf holds one if/then branch per record kind selected by the constant type and, for kinds with
// variants, the constant (or absent) variant key; every $ref names one of its $defs.
func New(load func() ([]byte, error)) *Validator {
	return &Validator{prepare: sync.OnceValues(func() (*parts, error) {
		doc, err := load()
		if err != nil {
			return nil, fmt.Errorf("generate schema: %w", err)
		}
		p, err := newParts(doc)
		if err != nil {
			return nil, fmt.Errorf("load generated schema: %w", err)
		}
		return p, nil
	})}
}

// Prepare reads and splits the schema (not compiling any part yet), in the background when
// called with go: a caller that knows a document will be validated lets this overlap with decoding
// it.
func (val *Validator) Prepare() { _, _ = val.prepare() }

// CompileAll compiles every part of the schema, as Validate would when a document needs it, and
// returns the first error.
func (val *Validator) CompileAll() error {
	_, err := val.all()
	return err
}

// all returns every part, compiled: the whole schema, the document's, a vault's, a record's, the
// record shell's and each kind's, the kinds sorted by type and variant.
func (val *Validator) all() ([]*jsonschema.Schema, error) {
	s, err := val.prepare()
	if err != nil {
		return nil, err
	}
	ls := []*lazySchema{&s.whole, &s.top, &s.vault, &s.record, &s.recordShell}
	for _, sel := range slices.SortedFunc(maps.Keys(s.kinds), func(a, b kindSel) int {
		return cmp.Or(cmp.Compare(a.typ, b.typ), cmp.Compare(a.variant, b.variant))
	}) {
		ls = append(ls, s.kinds[sel])
	}
	out := make([]*jsonschema.Schema, len(ls))
	for i, l := range ls {
		if out[i], err = l.get(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parts holds the schema's resources and the parts compiled from them so far.
type parts struct {
	mu       sync.Mutex // guards compiler and docs, the compiler compiling one part at a time
	compiler *jsonschema.Compiler
	// docs holds the resources (partsBase+name -> JSON value) until the first compile hands them
	// to the compiler: a valid file compiles nothing, and need not pay for encoding them.
	docs map[string]any

	whole       lazySchema // the schema as written, for a document that is not a mapping
	top         lazySchema // the document, without looking into the items of vaults and records
	vault       lazySchema // #/$defs/vault
	record      lazySchema // #/$defs/record: the record's own keywords, then an if/then branch per kind
	recordShell lazySchema // #/$defs/record without its branches
	// kinds holds the schema each branch of #/$defs/record refers to, keyed by type and variant.
	kinds map[kindSel]*lazySchema
	// variants holds the variant key (sub_type, provider_name, ...) of the record types with variants.
	variants map[string]string
	// quick built the parts' quickSchemas from their resources; not safe for concurrent use.
	quick *quickBuilder
}

// kindSel selects a record kind's schema: the type and the variant ("" for none).
type kindSel struct {
	typ, variant string
}

// lazySchema is one part, compiled the first time it is asked for: quick, read from the part's
// JSON, lets quickValid accept most values without compiling it.
type lazySchema struct {
	quick  *quickSchema
	once   sync.Once
	build  func() (*jsonschema.Schema, error)
	schema *jsonschema.Schema
	err    error
}

func (l *lazySchema) get() (*jsonschema.Schema, error) {
	l.once.Do(func() { l.schema, l.err = l.build() })
	return l.schema, l.err
}

// partsBase is the URL the parts' resources are named under: partsBase+name holds #/$defs/name,
// partsBase+topResource the document.
const partsBase = "https://github.com/qsync/qsync/schema/parts/"

const (
	topResource    = "document"
	wholeResource  = "https://github.com/qsync/qsync/schema/whole.json"
	recordShellDef = "record_without_kinds" // #/$defs/record without its per-kind branches
)

func newParts(doc []byte) (*parts, error) {
	var root map[string]any
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber() // as the compiler reads numbers: quickSchema's bounds and constants
	if err := dec.Decode(&root); err != nil {
		return nil, err
	}
	p := &parts{compiler: newCompiler(), kinds: map[kindSel]*lazySchema{}, variants: map[string]string{}}
	defs, _ := root["$defs"].(map[string]any)
	props, _ := root["properties"].(map[string]any)
	rec, ok := defs["record"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("no $defs/record")
	}
	if _, ok := defs["vault"]; !ok {
		return nil, fmt.Errorf("no $defs/vault")
	}

	// The document without its $defs and without the items of its lists.
	top := maps.Clone(root)
	delete(top, "$defs")
	delete(top, "$id")
	top["properties"] = maps.Clone(props)
	for _, list := range []string{"vaults", "records"} {
		l, ok := props[list].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("no properties/%s", list)
		}
		l = maps.Clone(l)
		delete(l, "items")
		top["properties"].(map[string]any)[list] = l
	}
	shell := maps.Clone(rec)
	delete(shell, "allOf")
	resources := maps.Clone(defs)
	resources[recordShellDef] = shell
	resources[topResource] = top
	p.docs = make(map[string]any, len(resources))
	for name, r := range resources {
		p.docs[partsBase+name] = localRefs(r)
	}
	docs := p.docs

	p.whole.build = func() (*jsonschema.Schema, error) {
		c := newCompiler()
		if err := c.AddResource(wholeResource, bytes.NewReader(doc)); err != nil {
			return nil, err
		}
		return c.Compile(wholeResource)
	}
	quick := newQuickBuilder(docs)
	p.quick = quick
	p.top = lazySchema{quick: quick.at(partsBase + topResource), build: p.compiles(topResource)}
	p.vault = lazySchema{quick: quick.at(partsBase + "vault"), build: p.compiles("vault")}
	p.record = lazySchema{quick: quick.at(partsBase + "record"), build: p.compiles("record")}
	p.recordShell = lazySchema{quick: quick.at(partsBase + recordShellDef), build: p.compiles(recordShellDef)}
	branches, _ := rec["allOf"].([]any)
	for _, b := range branches {
		sel, variantKey, def, err := branch(b)
		if err != nil {
			return nil, err
		}
		if def == "" {
			continue
		}
		if _, ok := defs[def]; !ok {
			return nil, fmt.Errorf("$defs/record: no $defs/%s", def)
		}
		if variantKey != "" {
			p.variants[sel.typ] = variantKey
		}
		p.kinds[sel] = &lazySchema{quick: quick.at(partsBase + def), build: p.compiles(def)}
	}
	return p, nil
}

// compiles returns a function that compiles the resource name.
func (p *parts) compiles(name string) func() (*jsonschema.Schema, error) {
	return func() (*jsonschema.Schema, error) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if err := p.addResources(); err != nil {
			return nil, fmt.Errorf("load generated schema: %w", err)
		}
		s, err := p.compiler.Compile(partsBase + name)
		if err != nil {
			return nil, fmt.Errorf("compile generated schema: %w", err)
		}
		return s, nil
	}
}

// addResources hands the resources to the compiler, the first time a part is compiled. p.mu must be
// held.
func (p *parts) addResources() error {
	if p.docs == nil {
		return nil
	}
	for _, url := range slices.Sorted(maps.Keys(p.docs)) {
		b, err := json.Marshal(p.docs[url])
		if err != nil {
			return err
		}
		if err := p.compiler.AddResource(url, bytes.NewReader(b)); err != nil {
			return err
		}
	}
	p.docs = nil
	return nil
}

// localRefs returns a copy of v whose $ref keywords name the resource of the definition they
// refer to ("#/$defs/ips" becomes "ips", which resolves to partsBase+"ips").
func localRefs(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, c := range v {
			if r, ok := c.(string); ok && k == "$ref" {
				if name, ok := strings.CutPrefix(r, "#/$defs/"); ok {
					out[k] = name
					continue
				}
			}
			out[k] = localRefs(c)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, c := range v {
			out[i] = localRefs(c)
		}
		return out
	}
	return v
}

// branch reads one if/then branch of #/$defs/record: the type and variant it selects, the variant
// key ("" for a kind without variants) and the $defs name its then refers to. A branch whose then
// is not a $ref (the enum of a kind's variants) selects no kind: def is "".
func branch(b any) (sel kindSel, variantKey, def string, err error) {
	m, _ := b.(map[string]any)
	cond, _ := m["if"].(map[string]any)
	then, _ := m["then"].(map[string]any)
	ref, ok := then["$ref"].(string)
	if !ok {
		return sel, "", "", nil
	}
	def, found := strings.CutPrefix(ref, "#/$defs/")
	props, _ := cond["properties"].(map[string]any)
	typ, _ := props["type"].(map[string]any)
	sel.typ, _ = typ["const"].(string)
	if !found || sel.typ == "" {
		return sel, "", "", fmt.Errorf("$defs/record: a branch that selects no kind")
	}
	for k, v := range props {
		if k != "type" {
			variantKey = k
			sel.variant, _ = v.(map[string]any)["const"].(string)
		}
	}
	if not, ok := cond["not"].(map[string]any); ok {
		if req, _ := not["required"].([]any); len(req) == 1 {
			variantKey, _ = req[0].(string)
		}
	}
	return sel, variantKey, def, nil
}

// newCompiler returns a JSON Schema compiler that asserts formats and loads nothing from the
// network or the disk.
func newCompiler() *jsonschema.Compiler {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	c.LoadURL = func(u string) (io.ReadCloser, error) {
		return nil, fmt.Errorf("refusing to load %s: qsync's schema is self-contained", u)
	}
	return c
}

// Problem is one thing the schema refuses: Path is the path of the value it concerns
// ("records/3/ips/1"; "" is the document), Message says what, reworded for a YAML reader.
type Problem struct {
	Path    string
	Message string
}

// Validate validates the decoded document v. It checks the document without the items of its
// lists, then each vault, then each record (in parallel) against the record's own kind: the
// problems are the same as the whole schema's. It stops early once more than budget problems are
// found (the first ones by position are then the same on every run). The error says the schema
// itself could not be compiled.
func (val *Validator) Validate(v any, budget int) ([]Problem, error) {
	s, err := val.prepare()
	if err != nil {
		return nil, err
	}
	root, ok := v.(map[string]any)
	if !ok {
		return validateWith(&s.whole, "", v)
	}
	ds, err := validateWith(&s.top, "", root)
	if err != nil {
		return nil, err
	}
	if list, ok := root["vaults"].([]any); ok {
		for i, v := range list {
			if len(ds) > budget {
				return ds, nil // enough to fix first
			}
			if quickValid(s.vault.quick, v) {
				continue
			}
			vault, err := s.vault.get()
			if err != nil {
				return nil, err
			}
			if err := vault.Validate(v); err != nil {
				ds = append(ds, problems("/vaults/"+strconv.Itoa(i), err)...)
			}
		}
	}
	if list, ok := root["records"].([]any); ok && len(ds) <= budget {
		rs, err := s.validateRecords(list, budget+1-len(ds))
		if err != nil {
			return nil, err
		}
		ds = append(ds, rs...)
	}
	return ds, nil
}

// validateWith validates v, found at the JSON pointer base, against the part l, compiling it only
// when quickValid does not accept v.
func validateWith(l *lazySchema, base string, v any) ([]Problem, error) {
	if quickValid(l.quick, v) {
		return nil, nil
	}
	sch, err := l.get()
	if err != nil {
		return nil, err
	}
	return problems(base, sch.Validate(v)), nil
}

// validateRecords validates the records of one file on GOMAXPROCS goroutines, in waves of one chunk
// of records per goroutine. It stops after the wave in which the problems reach budget: the
// problems of every record before the last wave are complete, so the first ones by position are
// the same on every run.
func (s *parts) validateRecords(list []any, budget int) ([]Problem, error) {
	const chunk = 512
	workers := max(1, min(runtime.GOMAXPROCS(0), (len(list)+chunk-1)/chunk))
	var ds []Problem
	for wave := 0; wave < len(list) && len(ds) < budget; wave += workers * chunk {
		out := make([][]Problem, workers)
		errs := make([]error, workers)
		var wg sync.WaitGroup
		for w := range out {
			from := wave + w*chunk
			if from >= len(list) {
				break
			}
			wg.Go(func() { out[w], errs[w] = s.validateRange(list, from, min(from+chunk, len(list))) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
		for _, d := range out {
			ds = append(ds, d...)
		}
	}
	return ds, nil
}

func (s *parts) validateRange(list []any, from, to int) ([]Problem, error) {
	var ds []Problem
	for i := from; i < to; i++ {
		for _, l := range s.recordSchemas(list[i]) {
			if l == nil || quickValid(l.quick, list[i]) {
				continue
			}
			sch, err := l.get()
			if err != nil {
				return nil, err
			}
			if err := sch.Validate(list[i]); err != nil {
				ds = append(ds, problems("/records/"+strconv.Itoa(i), err)...)
			}
		}
	}
	return ds, nil
}

// recordSchemas returns the parts that together report on the record v exactly what
// #/$defs/record reports. That schema is the record's own keywords (an object with a title and a
// known type) and then one if/then branch per kind, selected by type and variant: when v selects
// exactly one branch, the own keywords and that branch's schema say the same, without trying
// every branch.
func (s *parts) recordSchemas(v any) [2]*lazySchema {
	sel, ok := s.selectKind(v)
	if !ok {
		return [2]*lazySchema{&s.record}
	}
	return [2]*lazySchema{&s.recordShell, s.kinds[sel]}
}

// selectKind returns the branch of #/$defs/record that the record v selects alone; false when it
// selects none, or its type or variant is not a string.
func (s *parts) selectKind(v any) (kindSel, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return kindSel{}, false
	}
	typ, ok := m["type"].(string)
	if !ok {
		return kindSel{}, false
	}
	sel := kindSel{typ: typ}
	// A unix record without sub_type is plain unix; with a sub_type that is not a string naming one
	// of the kind's sub_types, no branch (or the sub_type enum) applies: leave it to the whole.
	// Other kinds name their variant otherwise (ms_sql's provider_name).
	if key, ok := s.variants[typ]; ok {
		if st, present := m[key]; present {
			sub, ok := st.(string)
			if !ok || sub == "" {
				return kindSel{}, false
			}
			sel.variant = sub
		}
	}
	_, ok = s.kinds[sel]
	return sel, ok
}

// problems turns a validation error of the value at base (a JSON pointer; "" is the file's root)
// into problems, one per leaf error (some reworded into several).
func problems(base string, err error) []Problem {
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Problem{{Message: fmt.Sprintf("schema validation: %v", err)}}
	}
	var ds []Problem
	for _, leaf := range leaves(ve) {
		if strings.HasSuffix(leaf.KeywordLocation, "/additionalProperties") {
			continue
		}
		path := pointerToPath(base + leaf.InstanceLocation)
		for _, msg := range schemaMessages(leaf.Message) {
			ds = append(ds, Problem{Path: path, Message: msg})
		}
	}
	return ds
}

func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// pointerToPath turns the JSON pointer "/records/3/ips/1" into the path "records/3/ips/1"; tokens
// keep their pointer escaping, as paths do.
func pointerToPath(p string) string { return strings.TrimPrefix(p, "/") }

var (
	missingRE = regexp.MustCompile(`^missing properties?: (.*)$`)
	// schemaWords rewords the JSON Schema type names of messages for a YAML reader.
	schemaWords = strings.NewReplacer("expected object", "expected a mapping", "expected array", "expected a list",
		"but got object", "but got a mapping", "but got array", "but got a list",
		"expected string", "expected a string", "but got string", "but got a string",
		"expected integer", "expected an integer", "but got number", "but got a number",
		"expected boolean", "expected true or false", "but got boolean", "but got a boolean")
)

// schemaMessages rewords a JSON Schema message for a YAML reader; one message may become several.
func schemaMessages(m string) []string {
	if g := missingRE.FindStringSubmatch(m); g != nil {
		var out []string
		for _, k := range strings.Split(g[1], ", ") {
			out = append(out, fmt.Sprintf("missing required key %q", strings.Trim(k, "'")))
		}
		return out
	}
	return []string{schemaWords.Replace(m)}
}
