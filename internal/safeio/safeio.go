// Package safeio owns how qsync reads and writes the files a user names: configuration files,
// secret files ({file: ...}), saved plans. Input must be a regular file (a symbolic link to one
// is followed), its size is checked before reading and the read is bounded, so a link to
// /dev/zero, a FIFO or a device is refused with a clear error instead of being read without end.
// Output is written to a new file beside the target and renamed over it: it is never written
// through a symbolic link (one at the target is refused) and never left half-written.
package safeio

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrTooLarge is wrapped by ReadFile's error for a file over its limit.
var ErrTooLarge = errors.New("file too large")

// ReadFile reads the regular file at path, refusing anything else (a directory, a device such as
// /dev/zero, a FIFO, a socket, whatever a symbolic link points at) and a file larger than max
// bytes, before reading. The error does not name path (the caller does, or gives a position):
// "not a regular file (a character device)", "no such file or directory".
func ReadFile(path string, max int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, unwrapPath(err)
	}
	if err := checkRegular(st, max); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer f.Close()
	// The file may have been swapped between Stat and Open: check what was opened.
	if st, err = f.Stat(); err != nil {
		return nil, unwrapPath(err)
	}
	if err := checkRegular(st, max); err != nil {
		return nil, err
	}
	b, err := readSized(io.LimitReader(f, max+1), min(st.Size(), max))
	if err != nil {
		return nil, unwrapPath(err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("grew past %d bytes while being read: %w", max, ErrTooLarge)
	}
	return b, nil
}

// readSized reads r to its end into a buffer sized for the size bytes the file had when it was
// checked (and one more, to see the end without growing): a large configuration file is read
// into one allocation of its size instead of io.ReadAll's doublings. A file that grew since is
// still read whole, the buffer growing as needed.
func readSized(r io.Reader, size int64) ([]byte, error) {
	b := make([]byte, 0, max(size+1, 512))
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

func checkRegular(st fs.FileInfo, max int64) error {
	if !st.Mode().IsRegular() {
		return fmt.Errorf("not a regular file (%s)", describe(st.Mode()))
	}
	if st.Size() > max {
		return fmt.Errorf("%d bytes, more than the %d allowed: %w", st.Size(), max, ErrTooLarge)
	}
	return nil
}

// describe names a file type for an error.
func describe(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "mode " + m.String()
}

// WriteFile writes data to path with permissions perm, atomically: to a new file in path's
// directory, then renamed over path. A symbolic link or any other non-regular file at path is
// refused, never written through or replaced.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	if st, err := os.Lstat(path); err == nil {
		switch {
		case st.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("refusing to write %s: it is a symbolic link (remove it, or name the file it points to)", path)
		case !st.Mode().IsRegular():
			return fmt.Errorf("refusing to write %s: it is not a regular file (%s)", path, describe(st.Mode()))
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("write %s: %w", path, unwrapPath(err))
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, unwrapPath(err))
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(perm); err != nil {
		return fail(err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, unwrapPath(err))
	}
	return nil
}

// unwrapPath returns the error of an *fs.PathError without its operation and path ("no such file
// or directory"); errors.Is still finds fs.ErrNotExist in it.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
