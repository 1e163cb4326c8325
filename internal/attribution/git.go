package attribution

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/spec/load"
)

// Base is the configuration as of a git revision.
type Base struct {
	// Ref is the revision as given; Commit the commit it names.
	Ref, Commit string
	// Doc is the configuration at Commit; nil when none of the configuration's paths existed
	// then (every change is then the pull request's own).
	Doc *spec.Document
	// Files are the files Doc was loaded from, as paths in the repository at Commit.
	Files []string
}

// Label is how a plan names its base: "REF (commit 0123456789ab)".
func (b *Base) Label() string {
	c := b.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	if b.Ref == b.Commit || strings.HasPrefix(b.Commit, b.Ref) {
		return "commit " + c
	}
	return fmt.Sprintf("%s (commit %s)", b.Ref, c)
}

// git runs the git CLI in dir and returns its standard output; errors carry git's message.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0")
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			msg := strings.TrimSpace(errb.String())
			if msg == "" {
				msg = err.Error()
			}
			return nil, fmt.Errorf("git %s: %s", args[0], msg)
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	return out.Bytes(), nil
}

// LoadBase loads the configuration in paths (files or directories, as given to plan) as it was at
// git revision ref of the repository the paths are in. Each path is read at ref under its
// repository-relative name; a configuration file that was renamed or moved since (git's rename
// detection between ref and the working tree) is read under its old name. A path that did not
// exist at ref contributes nothing; when none did, Doc is nil. The files are extracted into a
// temporary directory (removed before LoadBase returns) and loaded with spec's loader, so the
// configuration at ref is read exactly as plan reads the current one; one that does not load is
// an error naming ref.
func LoadBase(ctx context.Context, ref string, paths []string, current []string) (*Base, error) {
	if strings.HasPrefix(ref, "-") {
		return nil, fmt.Errorf("--base %q: not a git revision", ref)
	}
	if len(paths) == 0 {
		return nil, errors.New("--base: no configuration paths")
	}
	top, err := toplevel(ctx, paths[0])
	if err != nil {
		return nil, fmt.Errorf("--base %s: %w", ref, err)
	}
	out, err := git(ctx, top, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	if err != nil {
		return nil, fmt.Errorf("--base %s: not a commit in the git repository at %s", ref, top)
	}
	b := &Base{Ref: ref, Commit: strings.TrimSpace(string(out))}
	var rels []string
	for _, p := range paths {
		rel, err := relTo(top, p)
		if err != nil {
			return nil, fmt.Errorf("--base %s: %w", ref, err)
		}
		rels = append(rels, rel)
	}
	tmp, err := os.MkdirTemp("", "qsync-base-")
	if err != nil {
		return nil, fmt.Errorf("--base %s: %w", ref, err)
	}
	defer os.RemoveAll(tmp)

	var toLoad []string
	extracted := map[string]bool{}
	for _, rel := range rels {
		files, err := lsTree(ctx, top, b.Commit, rel)
		if err != nil {
			return nil, fmt.Errorf("--base %s: %w", ref, err)
		}
		for _, f := range files {
			if err := extract(ctx, top, b.Commit, f, tmp, extracted); err != nil {
				return nil, fmt.Errorf("--base %s: %w", ref, err)
			}
		}
		if len(files) > 0 {
			toLoad = append(toLoad, filepath.Join(tmp, filepath.FromSlash(rel)))
		}
	}
	// Files moved into the configuration since ref: read under their old names.
	moved, err := renamedFrom(ctx, top, b.Commit, current)
	if err != nil {
		return nil, fmt.Errorf("--base %s: %w", ref, err)
	}
	for _, old := range moved {
		if under(old, rels) {
			continue // already read with its directory
		}
		if err := extract(ctx, top, b.Commit, old, tmp, extracted); err != nil {
			return nil, fmt.Errorf("--base %s: %w", ref, err)
		}
		toLoad = append(toLoad, filepath.Join(tmp, filepath.FromSlash(old)))
	}
	if len(toLoad) == 0 {
		return b, nil
	}
	doc, diags := load.Files(load.Options{SecretDir: tmp}, toLoad...)
	if diags.HasErrors() {
		msg := strings.ReplaceAll(diags.Error(), tmp+string(filepath.Separator), ref+":")
		return nil, fmt.Errorf("--base %s: the configuration at %s does not load:\n%s", ref, ref, msg)
	}
	for _, f := range doc.Files {
		if rel, err := filepath.Rel(tmp, f); err == nil {
			b.Files = append(b.Files, filepath.ToSlash(rel))
		}
	}
	slices.Sort(b.Files)
	b.Doc = doc
	return b, nil
}

// toplevel returns the root of the git work tree path is in.
func toplevel(ctx context.Context, path string) (string, error) {
	dir := path
	if st, err := os.Stat(path); err != nil || !st.IsDir() {
		dir = filepath.Dir(path)
	}
	out, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", fmt.Errorf("%s is not in a git repository (%w)", path, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// relTo returns path relative to the work tree top, slash-separated ("." for top itself).
func relTo(top, path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	realTop, err := filepath.EvalSymlinks(top)
	if err != nil {
		return "", err
	}
	realAbs := abs
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		realAbs = r
	} else if r, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		realAbs = filepath.Join(r, filepath.Base(abs))
	}
	rel, err := filepath.Rel(realTop, realAbs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is outside the git repository at %s", path, top)
	}
	return filepath.ToSlash(rel), nil
}

// lsTree lists the files at commit under rel (a file or a directory), recursively.
func lsTree(ctx context.Context, top, commit, rel string) ([]string, error) {
	out, err := git(ctx, top, "ls-tree", "-r", "-z", "--name-only", "--full-tree", commit, "--", rel)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, f := range strings.Split(string(out), "\x00") {
		if f != "" {
			files = append(files, f)
		}
	}
	return files, nil
}

// extract writes the blob of file at commit to dir/file.
func extract(ctx context.Context, top, commit, file, dir string, done map[string]bool) error {
	if done[file] {
		return nil
	}
	done[file] = true
	data, err := git(ctx, top, "cat-file", "blob", commit+":"+file)
	if err != nil {
		return err
	}
	dst := filepath.Join(dir, filepath.FromSlash(file))
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o600)
}

// renamedFrom returns the names at commit of the current configuration files (paths as loaded)
// that git sees as renamed or moved since commit.
func renamedFrom(ctx context.Context, top, commit string, current []string) ([]string, error) {
	want := map[string]bool{}
	for _, f := range current {
		if rel, err := relTo(top, f); err == nil {
			want[rel] = true
		}
	}
	if len(want) == 0 {
		return nil, nil
	}
	out, err := git(ctx, top, "diff", "-z", "--name-status", "-M", commit)
	if err != nil {
		return nil, err
	}
	fields := strings.Split(string(out), "\x00")
	var olds []string
	for i := 0; i < len(fields); i++ {
		st := fields[i]
		switch {
		case strings.HasPrefix(st, "R") || strings.HasPrefix(st, "C"):
			if i+2 >= len(fields) {
				return olds, nil
			}
			old, now := fields[i+1], fields[i+2]
			i += 2
			if strings.HasPrefix(st, "R") && want[now] {
				olds = append(olds, old)
			}
		case st != "":
			i++ // one path follows
		}
	}
	slices.Sort(olds)
	return olds, nil
}

// under reports whether file is rel or inside one of the directories rels.
func under(file string, rels []string) bool {
	for _, r := range rels {
		if r == "." || file == r || strings.HasPrefix(file, r+"/") {
			return true
		}
	}
	return false
}
