package load

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/qsync/qsync/internal/safeio"
	"github.com/qsync/qsync/internal/spec"
)

// Options change what Files accepts.
type Options struct {
	// SecretEnvPrefix restricts {env: NAME} references to names with this prefix; empty means the
	// QSYNC_SECRET_ENV_PREFIX environment variable (see secret.CheckEnvName).
	SecretEnvPrefix string
	// SecretDir is the directory {file: path} references must resolve inside; empty means the
	// QSYNC_SECRET_DIR environment variable, else the configuration's git repository (see secret.Root).
	SecretDir string
}

// Files reads the YAML files named by paths into one Document. A directory stands for every *.yaml
// and *.yml file directly in it, in lexical order. Its subdirectories are never loaded, and never
// silently skipped either: a YAML file below it that looks like qsync configuration (a top-level
// version, owner, records or vaults key, or YAML that does not parse) is an error naming the file,
// unless that file is also named explicitly; other YAML (CI workflows such as examples/ci/*.yml)
// and hidden directories (.git, .github) are ignored. So a directory is never half-loaded. A file
// reached more than once (named and in a named directory, or through a symlink) is loaded once,
// from the first path that reaches it: files are compared by real path. It reports every
// problem at once, sorted by position: YAML and JSON Schema errors, unknown keys, duplicate titles,
// IP overlaps, vault logins, limits and secret references. The Document is returned even with
// errors, but is only valid when the Diagnostics hold no error (HasErrors). Secrets are not read:
// see secret.Resolve.
func Files(opts Options, paths ...string) (*spec.Document, spec.Diagnostics) {
	var ds spec.Diagnostics
	var srcs []source
	seen := map[string]bool{}
	add := func(name string) {
		abs, err := filepath.Abs(name)
		if err != nil {
			ds.Errorf(spec.Pos{File: name}, "", "%v", err)
			return
		}
		// A file named twice (a directory and a file in it, or through a symlink) is loaded once:
		// otherwise every record in it would be a duplicate title.
		real := realPath(abs)
		if seen[real] {
			return
		}
		seen[real] = true
		// A regular file, its size checked before reading: a link to /dev/zero is refused.
		data, err := safeio.ReadFile(name, MaxFileBytes)
		switch {
		case errors.Is(err, safeio.ErrTooLarge):
			ds.Errorf(spec.Pos{File: name, Line: 1, Col: 1}, "", "file is %v, more than the %d MiB qsync reads from one configuration file: split it into several files",
				fileSize(name), MaxFileBytes>>20)
			return
		case err != nil:
			ds.Errorf(spec.Pos{File: name}, "", "read: %v", err)
			return
		}
		srcs = append(srcs, source{name: name, dir: filepath.Dir(abs), data: data})
	}
	if len(paths) == 0 {
		ds.Errorf(spec.Pos{}, "", "no configuration files given")
	}
	explicit := map[string]bool{}
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			if abs, err := filepath.Abs(p); err == nil {
				explicit[realPath(abs)] = true
			}
		}
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			ds.Errorf(spec.Pos{File: p}, "", "%v", unwrapPathError(err))
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
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				for _, f := range nestedConfigs(filepath.Join(p, e.Name()), explicit) {
					ds.Errorf(spec.Pos{File: f}, "", "this file below %s looks like qsync configuration, and subdirectories are not loaded; "+
						"pass it explicitly (qsync plan %s %s) or move it into %s, so that the plan does not delete what it declares", p, p, f, p)
				}
			}
		}
		if err != nil {
			ds.Errorf(spec.Pos{File: p}, "", "read directory: %v", err)
		}
		if len(found) == 0 && err == nil {
			ds.Errorf(spec.Pos{File: p}, "", "no .yaml or .yml files in this directory")
		}
		slices.Sort(found)
		for _, f := range found {
			add(f)
		}
	}
	doc, lds := load(opts, srcs)
	ds = append(ds, lds...)
	ds.Sort()
	return doc, ds
}

// maxNestedFiles bounds the YAML files nestedConfigs reads below one directory, and
// maxSniffBytes the size of each (a larger one is taken for configuration).
const (
	maxNestedFiles = 1000
	maxSniffBytes  = 8 << 20
)

// nestedConfigs returns the YAML files below dir (recursively, hidden directories skipped) that
// look like qsync configuration and are not in explicit: a top-level version, owner, records or
// vaults key, or content that does not parse as YAML (then qsync cannot tell), sorted.
func nestedConfigs(dir string, explicit map[string]bool) []string {
	var out []string
	n := 0
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable: nothing qsync could load from it either
		}
		if d.IsDir() {
			if path != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if ext := filepath.Ext(path); ext != ".yaml" && ext != ".yml" {
			return nil
		}
		if n++; n > maxNestedFiles {
			return filepath.SkipAll
		}
		if abs, err := filepath.Abs(path); err == nil && explicit[realPath(abs)] {
			return nil
		}
		if looksLikeConfig(path) {
			out = append(out, path)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// looksLikeConfig reports whether the YAML file at path has a top-level key of a qsync
// configuration, or cannot be parsed (so qsync cannot tell that it is not one).
func looksLikeConfig(path string) bool {
	data, err := safeio.ReadFile(path, maxSniffBytes) // a link to /dev/zero is refused, not read
	if err != nil {
		return true
	}
	var doc yaml.Node // a node tree: aliases are not expanded
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return true
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return false
	}
	top := doc.Content[0]
	config := false
	for i := 0; i+1 < len(top.Content); i += 2 {
		switch top.Content[i].Value {
		case "version", "owner", "records", "vaults":
			config = true
		case "rules":
			return false // a policy file (docs/policy.md), kept next to the configuration
		}
	}
	return config
}

// realPath returns abs with every symlink resolved, or abs itself when that fails (the read that
// follows reports why).
func realPath(abs string) string {
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	return abs
}

// fileSize describes the size of the file at name for a message, e.g. "16777300 bytes".
func fileSize(name string) string {
	if st, err := os.Stat(name); err == nil {
		return fmt.Sprintf("%d bytes", st.Size())
	}
	return "too large"
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
func load(opts Options, srcs []source) (*spec.Document, spec.Diagnostics) {
	l := &loader{opts: opts, doc: &spec.Document{}, extra: map[*spec.Object]*objExtra{}}
	var ds spec.Diagnostics
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
		// The cross-object checks need only the positions the objects and objExtra keep: the values
		// and the file's tree of positions can go (76 MB of a 100,000-record file).
		f.value, f.tree = nil, nil
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
func mergeDiagnostics(schemaDs, loaderDs spec.Diagnostics, replaced map[string]bool) spec.Diagnostics {
	own := replaced
	out := append(spec.Diagnostics(nil), loaderDs...)
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
