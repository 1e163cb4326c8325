// Package export turns the live Qualys estate into qsync configuration (`qsync export`), so an
// existing subscription can be brought under management: export, review, commit, then plan and
// apply. It owns which live objects are exported (this owner's and unmanaged ones; never another
// owner's, nor objects qsync cannot represent), how they are laid out in files, how each file is
// rendered (yamlwrite.Write, with a comment naming each object's owner), the secrets.env.example file
// listing the secrets to provide, and the report of what was written. The caller reads Qualys
// (internal/pipeline.ReadKinds, with the kinds RecordKinds names) and passes the live document in.
package export

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/spec/load"
	"github.com/qsync/qsync/internal/spec/yamlwrite"
)

// Options are the choices of one export.
type Options struct {
	// Dir is the directory the files are written to (created if missing).
	Dir string
	// SplitBy is "kind" (one file per kind, see FileName) or "none" (one qsync.yaml).
	SplitBy string
	// Kinds limits the export to these kinds (vault or a record kind); empty means all.
	Kinds []spec.Kind
	// Owner is written to the configuration: objects carrying this owner's marker are exported as
	// managed.
	Owner string
	// Adopt sets adopt: true on every exported object without an ownership marker.
	Adopt bool
	// Force overwrites files that exist in Dir.
	Force bool
	// SchemaURL is the schema each file's yaml-language-server modeline names: the one of the
	// exporting qsync version (spec.SchemaURL); "" means spec.SchemaID (main's).
	SchemaURL string
	// Redact, when set, passes every file's content through qsync's redactor before it is
	// written (internal/redact; Qualys returns no secret, this makes sure of it).
	Redact func([]byte) []byte
}

// redact applies o.Redact to data, if set.
func (o Options) redact(data []byte) []byte {
	if o.Redact == nil {
		return data
	}
	return o.Redact(data)
}

// SecretsExample is the file export writes next to the YAML, listing the secret variables to fill in.
const SecretsExample = "secrets.env.example"

// file is one file export writes: its name within Dir and the objects it holds.
type file struct {
	name  string
	owner bool // carries the owner: key (exactly one file does)
	objs  []*spec.Object
}

// Check refuses options no export can succeed with, before Qualys is read.
func (opts *Options) Check() error {
	if !regexp.MustCompile(spec.OwnerPattern).MatchString(opts.Owner) {
		return fmt.Errorf("--owner %q must be 1-64 letters, digits, '.', '_' or '-'", opts.Owner)
	}
	return nil
}

// RecordKinds lists the record kinds to read from Qualys: those of Kinds, or every one when Kinds
// is empty; none when only vaults are exported. Vaults are always read: records name them.
func (opts *Options) RecordKinds() []spec.Kind {
	var out []spec.Kind
	for _, k := range spec.RecordEndpoints() {
		if len(opts.Kinds) == 0 || slices.Contains(opts.Kinds, k) {
			out = append(out, k)
		}
	}
	return out
}

// Write exports live (read with RecordKinds) into Dir and reports on w what was written, what was
// left out and what to do next. It refuses to overwrite any file unless Force, before writing
// anything, and reads the files back as plan would: the export's problems (live objects that
// break qsync's rules) are printed on w and make it fail after writing.
func Write(live *spec.Document, opts Options, w io.Writer) error {
	objs, unmanaged, skipped, warnings := opts.classify(live)
	names := yamlwrite.NewEnvNames(objs)
	for _, o := range objs {
		for param, ref := range o.Secrets {
			if ref.Env != "" {
				o.Secrets[param] = spec.SecretRef{Env: names.Name(o.Kind, o.Title, param)}
			}
		}
	}

	files := opts.layout(objs)
	var paths []string
	for _, f := range files {
		paths = append(paths, filepath.Join(opts.Dir, f.name))
	}
	if err := opts.checkTargets(append(append([]string(nil), paths...), filepath.Join(opts.Dir, SecretsExample))); err != nil {
		return err
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	for i, f := range files {
		var buf bytes.Buffer
		if err := opts.render(&buf, f, unmanaged, names); err != nil {
			return err
		}
		if err := writeNew(paths[i], opts.redact(buf.Bytes()), opts.Force); err != nil {
			return err
		}
	}

	// Read the export back as plan would: it proves the files are valid and yields the secret
	// references Write added, which the user has to provide.
	doc, diags := load.Files(load.Options{}, paths...)
	secrets := secretLines(doc)
	warnings = append(warnings, collisions(secrets, names)...)
	if len(secrets) > 0 {
		if err := writeNew(filepath.Join(opts.Dir, SecretsExample), opts.redact([]byte(secretsFile(secrets))), opts.Force); err != nil {
			return err
		}
	}
	nUnmanaged := 0
	for _, u := range unmanaged {
		if u {
			nUnmanaged++
		}
	}
	opts.report(w, paths, len(objs)-nUnmanaged, nUnmanaged, skipped, warnings, secrets)
	if diags.HasErrors() {
		_ = diags.Write(w, "text")
		return fmt.Errorf("the export has %d problem(s) qsync cannot accept as they are (the live objects break qsync's rules); fix them in the files before planning", diags.ErrorCount())
	}
	return nil
}

// classify sorts the live objects of the kinds to export: this owner's objects and unmanaged ones
// (exported, adopted with Adopt; unmanaged maps them to true), other owners' objects (skipped:
// qsync never takes over another owner's object, listed by owner) and objects qsync cannot
// represent (skipped with a warning).
func (opts *Options) classify(liveDoc *spec.Document) (objs []*spec.Object,
	unmanaged map[*spec.Object]bool, skipped map[string][]string, warnings []string) {
	want := map[spec.Kind]bool{}
	for _, k := range opts.Kinds {
		want[k] = true
	}
	all := len(want) == 0
	unmanaged = map[*spec.Object]bool{}
	skipped = map[string][]string{}
	exported := map[string]bool{} // vault titles in the export
	var left []string             // this owner's objects --kinds leaves out
	var opaque []string           // objects qsync cannot represent, with the reason
	for _, lo := range liveDoc.Objects {
		if !all && !want[lo.Kind] {
			if lo.Marker != nil && lo.Marker.Owner == opts.Owner {
				left = append(left, lo.Key().String())
			}
			continue
		}
		if lo.Opaque != "" {
			opaque = append(opaque, fmt.Sprintf("%s (id %d: %s)", lo.Key(), lo.ID, lo.Opaque))
			continue
		}
		if lo.Marker != nil && lo.Marker.Owner != opts.Owner {
			skipped[lo.Marker.Owner] = append(skipped[lo.Marker.Owner], lo.Key().String())
			continue
		}
		o := exportObject(lo, opts.Owner, opts.Adopt)
		unmanaged[o] = lo.Marker == nil
		if o.Kind == spec.KindVault {
			exported[o.Title] = true
		}
		objs = append(objs, o)
	}
	if len(left) > 0 {
		warnings = append(warnings, fmt.Sprintf("--kinds leaves out %d object(s) managed by owner %s (%s): a plan of this export alone would delete them; keep them in another file of the configuration",
			len(left), opts.Owner, strings.Join(left, ", ")))
	}
	if len(opaque) > 0 {
		warnings = append(warnings, fmt.Sprintf("skipped %d object(s) qsync cannot represent (left alone; upgrade qsync to manage them): %s",
			len(opaque), strings.Join(opaque, ", ")))
	}
	for _, o := range objs {
		if o.Login != nil && !exported[o.Login.Vault] {
			warnings = append(warnings, fmt.Sprintf("%s logs in through vault %q, which is not exported: qsync validate warns about it and qsync plan accepts it because it exists in Qualys", o.Key(), o.Login.Vault))
		}
	}

	return objs, unmanaged, skipped, warnings
}

// exportObject copies a live object for writing: no Qualys ID or marker, adopt: true when asked
// for an unmanaged object, and an {env: ...} reference for each optional secret the live marker
// shows qsync sent (Write adds the required ones).
func exportObject(lo *spec.Object, owner string, adopt bool) *spec.Object {
	o := *lo
	o.ID, o.Marker, o.Secrets = 0, nil, nil
	o.Adopt = adopt && lo.Marker == nil
	if lo.Marker != nil && lo.Marker.Owner == owner {
		for name := range lo.Marker.Fingerprints {
			def := lo.Def()
			f := def.Field(name)
			if f == nil || f.Type != spec.TypeSecret || (f.Basic && lo.Login != nil) {
				continue
			}
			if o.Secrets == nil {
				o.Secrets = map[string]spec.SecretRef{}
			}
			o.Secrets[name] = spec.SecretRef{Env: spec.SecretEnvName(o.Kind, o.Title, name)}
		}
	}
	return &o
}

// FileName names the file that holds the objects of kind k when the export is split by kind:
// vaults.yaml, mysql.yaml, unix.yaml, ...
func FileName(k spec.Kind) string {
	if k == spec.KindVault {
		return "vaults.yaml"
	}
	return string(k) + ".yaml"
}

// FileNames lists the files Write makes when split by kind, one per kind in spec.KindNames order.
func FileNames() []string {
	var out []string
	for _, k := range spec.KindNames() {
		out = append(out, FileName(spec.Kind(k)))
	}
	return out
}

// layout groups objects into files. The owner goes into the first file: vaults.yaml when there are
// vaults, else the first record kind's file.
func (opts *Options) layout(objs []*spec.Object) []file {
	if opts.SplitBy == "none" || len(objs) == 0 {
		return []file{{name: "qsync.yaml", owner: true, objs: objs}}
	}
	byName := map[string]*file{}
	var order []string
	for _, o := range objs { // objs are sorted: vaults first, then records by kind
		name := FileName(o.Kind)
		if byName[name] == nil {
			byName[name] = &file{name: name, owner: len(order) == 0}
			order = append(order, name)
		}
		byName[name].objs = append(byName[name].objs, o)
	}
	out := make([]file, len(order))
	for i, n := range order {
		out[i] = *byName[n]
	}
	return out
}

// render writes one file: a header, then the objects, each under a comment naming its owner
// (unmanaged holds the objects that carry no ownership marker in Qualys).
func (opts *Options) render(w io.Writer, f file, unmanaged map[*spec.Object]bool, names *yamlwrite.EnvNames) error {
	schemaURL := opts.SchemaURL
	if schemaURL == "" {
		schemaURL = spec.SchemaID
	}
	fmt.Fprintf(w, "# yaml-language-server: $schema=%s\n", schemaURL) // editors fetch the schema
	fmt.Fprintf(w, "# Exported from Qualys by qsync export for owner %s.\n", opts.Owner)
	fmt.Fprintf(w, "# Qualys never returns secrets: each one is an {env: NAME} reference (see %s).\n", SecretsExample)
	doc := &spec.Document{Objects: f.objs}
	if f.owner {
		doc.Owner = opts.Owner
	}
	return yamlwrite.Write(w, doc, yamlwrite.Options{SecretRefs: true, Live: true, EnvNames: names, Comment: func(o *spec.Object) string {
		switch {
		case o.Adopt:
			return "unmanaged in Qualys (no ownership marker): adopt: true takes it over on the next apply"
		case unmanaged[o]:
			return "unmanaged in Qualys (no ownership marker): set adopt: true or run qsync plan --adopt to take it over"
		}
		return "managed by qsync: owner " + opts.Owner
	}})
}

// checkTargets refuses to overwrite any existing file without --force, before writing anything.
func (opts *Options) checkTargets(paths []string) error {
	if opts.Force {
		return nil
	}
	var exist []string
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			exist = append(exist, p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("export: %w", err)
		}
	}
	if len(exist) > 0 {
		return fmt.Errorf("refusing to overwrite %s; nothing was written (pass --force to overwrite)", strings.Join(exist, ", "))
	}
	return nil
}

// writeNew writes data to path with mode 0644, refusing an existing file unless force. With
// force it never writes through a symbolic link (nor into anything but a regular file): the data
// goes to a new file in the same directory, renamed over the old one.
func writeNew(path string, data []byte, force bool) error {
	if !force {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		return finish(f, path, data)
	}
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("export: refusing to overwrite %s: it is not a regular file (a symbolic link, directory or device); export writes only regular files, so remove it first", path)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("export: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := finish(f, path, data); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// finish writes data to the new file f (for path) with mode 0644 and closes it.
func finish(f *os.File, path string, data []byte) error {
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return fmt.Errorf("export: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("export: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("export: write %s: %w", path, err)
	}
	return nil
}

// secretLine is one secret the exported configuration references.
type secretLine struct {
	env   string
	usage string // e.g. `mysql "billing-db": password`
}

// secretLines lists the environment variables the document's secrets reference, sorted by name.
func secretLines(doc *spec.Document) []secretLine {
	var out []secretLine
	for _, o := range doc.Objects {
		names := make([]string, 0, len(o.Secrets))
		for n := range o.Secrets {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if ref := o.Secrets[n]; ref.Env != "" {
				out = append(out, secretLine{env: ref.Env, usage: fmt.Sprintf("%s: %s", o.Key(), n)})
			}
		}
		out = append(out, itemSecretLines(o)...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].env < out[j].env })
	return out
}

// collisions tells the user, sorted, which variables several objects would have shared (see
// yamlwrite.EnvNames) and the names they got instead.
func collisions(lines []secretLine, names *yamlwrite.EnvNames) []string {
	byBase := map[string][]string{}
	for _, l := range lines {
		if base, ok := names.Shared(l.env); ok {
			byBase[base] = append(byBase[base], fmt.Sprintf("%s for %s", l.env, l.usage))
		}
	}
	var out []string
	for _, base := range slices.Sorted(maps.Keys(byBase)) {
		out = append(out, fmt.Sprintf("%d secrets would share the variable %s (their titles differ only in case or punctuation), so each got a suffix from a hash of its title: %s",
			len(byBase[base]), base, strings.Join(byBase[base], ", ")))
	}
	return out
}

// itemSecretLines lists the secret references of o's unix private keys and root tools
// (spec.TypeItems entries), named like "private_keys.0.key".
func itemSecretLines(o *spec.Object) []secretLine {
	var out []secretLine
	for _, field := range slices.Sorted(maps.Keys(o.Items)) {
		for i, it := range o.Items[field] {
			for _, sub := range slices.Sorted(maps.Keys(it.Secrets)) {
				if ref := it.Secrets[sub]; ref.Env != "" {
					out = append(out, secretLine{env: ref.Env, usage: fmt.Sprintf("%s: %s", o.Key(), spec.ItemSecretName(field, sub, i))})
				}
			}
		}
	}
	return out
}

// secretsFile renders secrets.env.example: every variable with an empty value, for the user (or
// the CI secret store) to fill in.
func secretsFile(lines []secretLine) string {
	var b strings.Builder
	b.WriteString("# Secrets the exported configuration references. Qualys never returns secret values,\n")
	b.WriteString("# so export could not: set each variable (e.g. in your CI secret store) before qsync\n")
	b.WriteString("# apply has to send it. Never commit the filled-in values.\n")
	b.WriteString("# Optional secrets (enable_password, expert_password, client_key, private_key, ...) cannot\n")
	b.WriteString("# be seen in Qualys: add an {env: NAME} reference where an object uses one.\n")
	for _, l := range lines {
		fmt.Fprintf(&b, "\n# %s\n%s=\n", l.usage, l.env)
	}
	return b.String()
}

// report tells the user what was written, what was left out and what to do next.
func (opts *Options) report(w io.Writer, paths []string, managed, unmanaged int, skipped map[string][]string, warnings []string, secrets []secretLine) {
	fmt.Fprintf(w, "Exported %d object(s) to %s: %d managed by owner %s, %d unmanaged", managed+unmanaged, strings.Join(paths, ", "), managed, opts.Owner, unmanaged)
	if opts.Adopt {
		fmt.Fprint(w, " (marked adopt: true)")
	}
	fmt.Fprintln(w, ".")
	owners := make([]string, 0, len(skipped))
	for o := range skipped {
		owners = append(owners, o)
	}
	sort.Strings(owners)
	for _, o := range owners {
		fmt.Fprintf(w, "Skipped %d object(s) managed by owner %s: %s.\n", len(skipped[o]), o, strings.Join(skipped[o], ", "))
	}
	for _, m := range warnings {
		fmt.Fprintf(w, "Warning: %s.\n", m)
	}
	if len(secrets) > 0 {
		fmt.Fprintf(w, "Secrets to provide (Qualys never returns them), listed in %s:\n", filepath.Join(opts.Dir, SecretsExample))
		for _, s := range secrets {
			fmt.Fprintf(w, "  %s  (%s)\n", s.env, s.usage)
		}
	}
	next := "qsync plan " + opts.Dir
	if unmanaged > 0 && !opts.Adopt {
		next = "qsync plan --adopt " + opts.Dir
	}
	fmt.Fprintf(w, "Next: qsync validate %s && %s\n", opts.Dir, next)
}
