package prcomment

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/qsync/qsync/internal/safeio"
	"github.com/qsync/qsync/internal/spec/load"
)

// OwnerOf returns the owner a configuration declares: the value of the first top-level "owner:"
// line of its YAML files (in path order), read line by line so that a configuration with other
// errors still names its comment. It returns "" when no file declares one.
func OwnerOf(path string) (string, error) {
	var files []string
	err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") || p == path) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("find the owner of %s: %w", path, err)
	}
	sort.Strings(files)
	for _, f := range files {
		data, err := safeio.ReadFile(f, load.MaxFileBytes) // regular files only, bounded
		if err != nil {
			return "", fmt.Errorf("find the owner of %s: %w", path, err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			v, ok := strings.CutPrefix(sc.Text(), "owner:")
			if !ok {
				continue
			}
			if i := strings.Index(v, " #"); i >= 0 {
				v = v[:i]
			}
			if v = strings.Trim(strings.TrimSpace(v), `"'`); v != "" {
				return v, nil
			}
		}
	}
	return "", nil
}
