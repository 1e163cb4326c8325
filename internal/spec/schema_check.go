package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// schemaSet is the generated schema compiled whole and in the parts validateSchema checks one by
// one. The parts come from a copy of the schema (partsID) that leaves the items of the vault and
// record lists to them; their errors are exactly the whole schema's.
type schemaSet struct {
	whole *jsonschema.Schema
	top   *jsonschema.Schema // the document, without looking into the items of vaults and records
	vault *jsonschema.Schema // #/$defs/vault
	// record is #/$defs/record: the record's own keywords, then an if/then branch per kind.
	record *jsonschema.Schema
	// recordShell is #/$defs/record without its branches, and kinds holds the schema each branch
	// refers to (#/$defs/record_<kind>[_<sub_type>]), keyed by kind and sub_type.
	recordShell *jsonschema.Schema
	kinds       map[kindSel]*jsonschema.Schema
}

// partsID is the $id of the copy of the generated schema that the parts are compiled from.
const partsID = "https://github.com/qsync/qsync/schema/qsync.parts.schema.json"

var compiled = sync.OnceValues(func() (*schemaSet, error) {
	doc, err := GenerateSchema()
	if err != nil {
		return nil, fmt.Errorf("generate schema: %w", err)
	}
	c := newCompiler()
	if err := c.AddResource(SchemaID, bytes.NewReader(doc)); err != nil {
		return nil, fmt.Errorf("load generated schema: %w", err)
	}
	parts, err := schemaParts(doc)
	if err != nil {
		return nil, fmt.Errorf("load generated schema: %w", err)
	}
	if err := c.AddResource(partsID, bytes.NewReader(parts)); err != nil {
		return nil, fmt.Errorf("load generated schema: %w", err)
	}
	s := &schemaSet{kinds: map[kindSel]*jsonschema.Schema{}}
	compile := func(dst **jsonschema.Schema, url string) {
		if err == nil {
			*dst, err = c.Compile(url)
		}
	}
	compile(&s.whole, SchemaID)
	compile(&s.top, partsID)
	compile(&s.vault, partsID+"#/$defs/vault")
	compile(&s.record, partsID+"#/$defs/record")
	compile(&s.recordShell, partsID+"#/$defs/"+recordShellDef)
	for i := range recordKinds {
		d := &recordKinds[i]
		var k *jsonschema.Schema
		compile(&k, partsID+"#/$defs/"+recordDefName(d))
		s.kinds[kindSel{d.Kind, d.Type}] = k
	}
	if err != nil {
		return nil, fmt.Errorf("compile generated schema: %w", err)
	}
	return s, nil
})

// recordShellDef names #/$defs/record without its per-kind branches in the parts schema.
const recordShellDef = "record_without_kinds"

// recordDefName is the $defs name GenerateSchema gives a record kind's schema.
func recordDefName(d *KindDef) string {
	if d.Type != "" {
		return "record_" + string(d.Kind) + "_" + d.Type
	}
	return "record_" + string(d.Kind)
}

// kindSel selects a record kind's schema: the kind and the sub_type ("" for none).
type kindSel struct {
	kind Kind
	typ  string
}

// schemaParts returns the copy of the schema that the parts are compiled from: a new $id, the
// vaults and records lists without items, and #/$defs/record without its allOf as recordShellDef.
func schemaParts(whole []byte) ([]byte, error) {
	var root map[string]any
	if err := json.Unmarshal(whole, &root); err != nil {
		return nil, err
	}
	root["$id"] = partsID
	props, _ := root["properties"].(map[string]any)
	for _, list := range []string{"vaults", "records"} {
		p, ok := props[list].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("no properties/%s", list)
		}
		delete(p, "items")
	}
	defs, _ := root["$defs"].(map[string]any)
	rec, ok := defs["record"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("no $defs/record")
	}
	shell := map[string]any{}
	for k, v := range rec {
		if k != "allOf" {
			shell[k] = v
		}
	}
	defs[recordShellDef] = shell
	return json.Marshal(root)
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

// validateSchema validates one file's value against the schema, each error at its value's position.
// It checks the document without the items of its lists, then each vault, then each record (in
// parallel) against the record's own kind: the errors are the same as the whole schema's.
func validateSchema(f *yamlFile) Diagnostics {
	var ds Diagnostics
	s, err := compiled()
	if err != nil {
		ds.errorf(f.pos(1, 1), "", "%v", err)
		return ds
	}
	root, ok := f.value.(map[string]any)
	if !ok {
		return schemaErrors(f, "", s.whole.Validate(f.value))
	}
	ds = schemaErrors(f, "", s.top.Validate(root))
	if list, ok := root["vaults"].([]any); ok {
		for i, v := range list {
			if len(ds) > MaxFileProblems {
				return ds // enough to fix first; see capPerFile
			}
			if quickValid(s.vault, v) {
				continue
			}
			if err := s.vault.Validate(v); err != nil {
				ds = append(ds, schemaErrors(f, "/vaults/"+strconv.Itoa(i), err)...)
			}
		}
	}
	if list, ok := root["records"].([]any); ok && len(ds) <= MaxFileProblems {
		ds = append(ds, s.validateRecords(f, list, MaxFileProblems+1-len(ds))...)
	}
	return ds
}

// validateRecords validates the records of one file on GOMAXPROCS goroutines, in waves of one chunk
// of records per goroutine. It stops after the wave in which the problems reach budget: the
// problems of every record before the last wave are complete, so the first ones by position are
// the same on every run.
func (s *schemaSet) validateRecords(f *yamlFile, list []any, budget int) Diagnostics {
	const chunk = 512
	workers := max(1, min(runtime.GOMAXPROCS(0), (len(list)+chunk-1)/chunk))
	var ds Diagnostics
	for wave := 0; wave < len(list) && len(ds) < budget; wave += workers * chunk {
		out := make([]Diagnostics, workers)
		var wg sync.WaitGroup
		for w := range out {
			from := wave + w*chunk
			if from >= len(list) {
				break
			}
			wg.Go(func() { out[w] = s.validateRange(f, list, from, min(from+chunk, len(list))) })
		}
		wg.Wait()
		for _, d := range out {
			ds = append(ds, d...)
		}
	}
	return ds
}

func (s *schemaSet) validateRange(f *yamlFile, list []any, from, to int) Diagnostics {
	var ds Diagnostics
	for i := from; i < to; i++ {
		for _, sch := range s.recordSchemas(list[i]) {
			if sch == nil || quickValid(sch, list[i]) {
				continue
			}
			if err := sch.Validate(list[i]); err != nil {
				ds = append(ds, schemaErrors(f, "/records/"+strconv.Itoa(i), err)...)
			}
		}
	}
	return ds
}

// recordSchemas returns schemas that together report on the record v exactly what #/$defs/record
// reports. That schema is the record's own keywords (an object with a title and a known type) and
// then one if/then branch per kind, selected by type and sub_type: when v selects exactly one
// branch, the own keywords and that branch's schema say the same, without trying every branch.
func (s *schemaSet) recordSchemas(v any) [2]*jsonschema.Schema {
	whole := [2]*jsonschema.Schema{s.record}
	m, ok := v.(map[string]any)
	if !ok {
		return whole
	}
	typ, ok := m["type"].(string)
	if !ok {
		return whole
	}
	kind := Kind(typ)
	sel := kindSel{kind, ""}
	if hasSubTypes(kind) {
		// A unix record without sub_type is plain unix; with a sub_type that is not a string naming one
		// of the kind's sub_types, no branch (or the sub_type enum) applies: leave it to the whole.
		// Other kinds name their variant otherwise (ms_sql's provider_name).
		variant, _ := VariantKeys(kind)
		if st, present := m[variant]; present {
			sub, ok := st.(string)
			if !ok || sub == "" {
				return whole
			}
			sel = kindSel{kind, sub}
		}
	}
	k := s.kinds[sel]
	if k == nil {
		return whole
	}
	return [2]*jsonschema.Schema{s.recordShell, k}
}

// schemaErrors turns a validation error of the value at base (a JSON pointer; "" is the file's
// root) into diagnostics, one per leaf error at its value's position.
func schemaErrors(f *yamlFile, base string, err error) Diagnostics {
	if err == nil {
		return nil
	}
	var ds Diagnostics
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		ds.errorf(f.pos(1, 1), "", "schema validation: %v", err)
		return ds
	}
	for _, leaf := range leaves(ve) {
		if strings.HasSuffix(leaf.KeywordLocation, "/additionalProperties") {
			continue
		}
		path := pointerToPath(base + leaf.InstanceLocation)
		for _, msg := range schemaMessages(leaf.Message) {
			ds.errorf(f.at(path), path, "%s", msg)
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
