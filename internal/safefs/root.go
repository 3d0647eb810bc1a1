package safefs

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Root is a directory, such as the data directory, whose files are reached
// only through an os.Root: no path given to its methods reaches outside it,
// whether through ".." or a symbolic link. Its methods may be called
// concurrently.
type Root struct {
	dir  string
	root *os.Root
}

// OpenRoot creates dir (mode DirMode) if it is missing, makes it private to
// its owner (DirMode) if it already exists, and opens it.
func OpenRoot(dir string) (*Root, error) {
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	if err := os.Chmod(dir, DirMode); err != nil {
		return nil, fmt.Errorf("restrict %s to its owner: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &Root{dir: dir, root: root}, nil
}

// Close closes the root.
func (r *Root) Close() error { return r.root.Close() }

// Dir returns the directory's path, as given to OpenRoot.
func (r *Root) Dir() string { return r.dir }

// Path returns the path of rel under the directory, for handing to other
// programs; Epoxy's own file operations use Root's methods.
func (r *Root) Path(rel string) string { return filepath.Join(r.dir, rel) }

// Rel returns the path of path relative to the directory, or an error
// wrapping ErrUnsafeName if path is not strictly inside it.
func (r *Root) Rel(path string) (string, error) {
	rel, err := filepath.Rel(r.dir, path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if err := local(rel); err != nil {
		return "", err
	}
	return rel, nil
}

// local returns an error wrapping ErrUnsafeName unless rel names something
// strictly inside a directory (not the directory itself).
func local(rel string) error {
	if !filepath.IsLocal(rel) || filepath.Clean(rel) == "." {
		return fmt.Errorf("%q %w", rel, ErrUnsafeName)
	}
	return nil
}

// WriteFile writes data to rel (mode FileMode), creating missing parent
// directories (mode DirMode). The data goes to a temporary file renamed
// over rel, so a reader sees the old or the new content, never a part.
func (r *Root) WriteFile(rel string, data []byte) error {
	if err := local(rel); err != nil {
		return err
	}
	if err := r.root.MkdirAll(filepath.Dir(rel), DirMode); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(rel), ".tmp-"+filepath.Base(rel)+"-"+rand.Text())
	f, err := r.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, FileMode)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = r.root.Rename(tmp, rel)
	}
	if err != nil {
		_ = r.root.Remove(tmp)
	}
	return err
}

// ReadFile reads at most limit bytes of the regular file rel, without
// blocking on a FIFO, stopping when ctx is done.
func (r *Root) ReadFile(ctx context.Context, rel string, limit int64) ([]byte, error) {
	if err := local(rel); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := r.root.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpened(ctx, f, rel, limit)
}

// RemoveAll removes rel and everything under it; a missing rel is not an
// error. rel must name something strictly inside the directory.
func (r *Root) RemoveAll(rel string) error {
	if err := local(rel); err != nil {
		return err
	}
	err := r.root.RemoveAll(rel)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// CreatePrivate creates rel empty if it is missing and makes it private to
// its owner (FileMode).
func (r *Root) CreatePrivate(rel string) error {
	if err := local(rel); err != nil {
		return err
	}
	f, err := r.root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|syscall.O_NONBLOCK, FileMode)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return r.root.Chmod(rel, FileMode)
}

// Restrict makes rel, if it exists, private to its owner (FileMode).
func (r *Root) Restrict(rel string) error {
	if err := local(rel); err != nil {
		return err
	}
	err := r.root.Chmod(rel, FileMode)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}
