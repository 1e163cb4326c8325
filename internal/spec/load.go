package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/qsync/qsync/schema"
)

// Options change what Load accepts.
type Options struct {
	// AllowUndeclaredVaults accepts a record login through a vault that no loaded file declares,
	// because the caller will check it against the live vaults (see CheckVaultRefs).
	AllowUndeclaredVaults bool
}

// Load reads the YAML files named by paths into one Document. A directory stands for every *.yaml
// and *.yml file directly in it, in lexical order; subdirectories are not read, so a directory of
// CI workflow files (examples/ci/*.yml) is never taken for configuration. Load reports every
// problem at once, sorted by position: YAML and JSON Schema errors, unknown keys, duplicate titles,
// IP overlaps, vault logins, limits and secret references. The Document is returned even with
// errors, but is only valid when the Diagnostics hold no error (HasErrors). Secrets are not read:
// see Resolve.
func Load(paths ...string) (*Document, Diagnostics) {
	return LoadWithOptions(Options{}, paths...)
}

// LoadWithOptions is Load with options.
func LoadWithOptions(opts Options, paths ...string) (*Document, Diagnostics) {
	var ds Diagnostics
	var srcs []source
	seen := map[string]bool{}
	add := func(name string) {
		abs, err := filepath.Abs(name)
		if err != nil {
			ds.errorf(Pos{File: name}, "", "%v", err)
			return
		}
		if seen[abs] {
			return
		}
		seen[abs] = true
		data, err := os.ReadFile(name)
		if err != nil {
			ds.errorf(Pos{File: name}, "", "read: %v", unwrapPathError(err))
			return
		}
		srcs = append(srcs, source{name: name, dir: filepath.Dir(abs), data: data})
	}
	if len(paths) == 0 {
		ds.errorf(Pos{}, "", "no configuration files given")
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			ds.errorf(Pos{File: p}, "", "%v", unwrapPathError(err))
			continue
		}
		if !st.IsDir() {
			add(p)
			continue
		}
		var found []string
		entries, err := os.ReadDir(p)
		for _, e := range entries {
			if ext := filepath.Ext(e.Name()); !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
				found = append(found, filepath.Join(p, e.Name()))
			}
		}
		if err != nil {
			ds.errorf(Pos{File: p}, "", "read directory: %v", err)
		}
		if len(found) == 0 && err == nil {
			ds.errorf(Pos{File: p}, "", "no .yaml or .yml files in this directory")
		}
		sort.Strings(found)
		for _, f := range found {
			add(f)
		}
	}
	doc, lds := load(opts, srcs)
	ds = append(ds, lds...)
	ds.Sort()
	return doc, ds
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// source is one file's name (as given), absolute directory and content.
type source struct {
	name string
	dir  string
	data []byte
}

// load parses, validates and converts sources into a Document.
func load(opts Options, srcs []source) (*Document, Diagnostics) {
	l := &loader{opts: opts, doc: &Document{}, extra: map[*Object]*objExtra{}}
	var ds Diagnostics
	for _, s := range srcs {
		l.doc.Files = append(l.doc.Files, s.name)
		f, pds := parseYAML(s.name, s.dir, s.data)
		ds = append(ds, pds...)
		if f.value == nil {
			l.broken = true
			continue
		}
		sds := validateSchema(f)
		l.ds, l.replaced = nil, nil
		l.file(f)
		ds = append(ds, mergeDiagnostics(sds, l.ds, l.replaced)...)
	}
	l.ds = nil
	l.crossChecks(srcs)
	ds = append(ds, l.ds...)
	l.doc.Sort()
	ds.Sort()
	return l.doc, ds
}

// mergeDiagnostics joins the schema's and the loader's diagnostics of one file. Where the loader
// reported on a value more precisely (replaced), the schema's errors at that path are dropped.
// The schema's additionalProperties errors never get here: the loader reports each unknown key
// with a suggestion.
func mergeDiagnostics(schemaDs, loaderDs Diagnostics, replaced map[string]bool) Diagnostics {
	own := replaced
	out := append(Diagnostics(nil), loaderDs...)
	seen := map[string]bool{}
	for _, d := range schemaDs {
		if own[d.Path] || d.Message == "" {
			continue
		}
		k := d.Path + "\x00" + d.Message
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, d)
	}
	return out
}

var (
	compileOnce    sync.Once
	compiledSchema *jsonschema.Schema
	compileErr     error
)

// Schema returns the compiled embedded JSON Schema (schema/qsync.schema.json). It never touches the
// network or the disk.
func Schema() (*jsonschema.Schema, error) {
	compileOnce.Do(func() {
		c := newCompiler()
		if err := c.AddResource(SchemaID, bytes.NewReader(schema.JSON)); err != nil {
			compileErr = fmt.Errorf("load embedded schema: %w", err)
			return
		}
		compiledSchema, compileErr = c.Compile(SchemaID)
		if compileErr != nil {
			compileErr = fmt.Errorf("compile embedded schema: %w", compileErr)
		}
	})
	return compiledSchema, compileErr
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
func validateSchema(f *yamlFile) Diagnostics {
	var ds Diagnostics
	s, err := Schema()
	if err != nil {
		ds.errorf(f.pos(1, 1), "", "%v", err)
		return ds
	}
	err = s.Validate(f.value)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		ds.errorf(f.pos(1, 1), "", "schema validation: %v", err)
		return ds
	}
	for _, leaf := range leaves(ve) {
		if strings.HasSuffix(leaf.KeywordLocation, "/additionalProperties") {
			continue
		}
		path := pointerToPath(leaf.InstanceLocation)
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

var missingRE = regexp.MustCompile(`^missing properties?: (.*)$`)

// schemaMessages rewords a JSON Schema message for a YAML reader; one message may become several.
func schemaMessages(m string) []string {
	if g := missingRE.FindStringSubmatch(m); g != nil {
		var out []string
		for _, k := range strings.Split(g[1], ", ") {
			out = append(out, fmt.Sprintf("missing required key %q", strings.Trim(k, "'")))
		}
		return out
	}
	r := strings.NewReplacer("expected object", "expected a mapping", "expected array", "expected a list",
		"but got object", "but got a mapping", "but got array", "but got a list",
		"expected string", "expected a string", "but got string", "but got a string",
		"expected integer", "expected an integer", "but got number", "but got a number",
		"expected boolean", "expected true or false", "but got boolean", "but got a boolean")
	return []string{r.Replace(m)}
}
