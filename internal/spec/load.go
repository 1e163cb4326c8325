package spec

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// Options change what Load accepts.
type Options struct {
	// AllowUndeclaredVaults accepts a record login through a vault that no loaded file declares,
	// because the caller will check it against the live vaults (see CheckVaultRefs).
	AllowUndeclaredVaults bool
	// SecretEnvPrefix restricts {env: NAME} references to names with this prefix; empty means the
	// QSYNC_SECRET_ENV_PREFIX environment variable (see CheckEnvName).
	SecretEnvPrefix string
	// SecretDir is the directory {file: path} references must resolve inside; empty means the
	// QSYNC_SECRET_DIR environment variable, else the configuration's git repository (see SecretRoot).
	SecretDir string
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
	stopped := map[string]bool{}
	for i, s := range srcs {
		l.doc.Files = append(l.doc.Files, s.name)
		f, pds := parseYAML(s.name, s.dir, s.data)
		srcs[i].data = nil // the file's values and positions are all that is needed from here on
		ds = append(ds, pds...)
		if f.value == nil {
			l.broken = true
			continue
		}
		sds := validateSchema(f)
		if len(sds) > MaxFileProblems {
			stopped[s.name] = true // validateSchema stopped early
		}
		l.ds, l.replaced = nil, nil
		l.file(f)
		f.value = nil // the cross-object checks need only the positions
		ds = append(ds, mergeDiagnostics(sds, l.ds, l.replaced)...)
	}
	l.ds = nil
	l.crossChecks(srcs)
	ds = append(ds, l.ds...)
	l.doc.Sort()
	return l.doc, capPerFile(ds, stopped)
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
