// Package safefs keeps Epoxy's file handling safe from the names that
// requests carry. Every name that becomes a path element under the data
// directory passes Name; file operations under the data directory go
// through a Root, an os.Root, so neither ".." nor a symbolic link leads out
// of it; and files a user names (a blueprint location, a script) are read
// with ReadRegular, which never blocks on a FIFO or device, never follows a
// final symbolic link, and reads regular files only.
//
// Files Epoxy writes under the data directory are private to the user
// running it: FileMode for files, DirMode for directories.
package safefs

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// Permissions of what Epoxy creates under its data directory.
const (
	FileMode = 0o600
	DirMode  = 0o700
)

// ErrUnsafeName is the error of a name that cannot be a path element.
var ErrUnsafeName = errors.New("cannot be used as a file name")

// Name returns an error wrapping ErrUnsafeName unless name can be one path
// element under a directory: not empty, not "." or "..", and without a
// path separator or NUL byte.
func Name(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00") || !filepath.IsLocal(name) {
		return fmt.Errorf("%q %w", name, ErrUnsafeName)
	}
	return nil
}

// Join checks every element with Name and joins them into a relative path.
func Join(elems ...string) (string, error) {
	for _, e := range elems {
		if err := Name(e); err != nil {
			return "", err
		}
	}
	return filepath.Join(elems...), nil
}
