package blueprint

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The shim: the awsglue.blueprint package and the runner script. Embedding
// a directory leaves out names starting with "." or "_" (so __pycache__
// stays out, and so would an __init__.py: the shim has none, as
// awsglue.blueprint is a namespace package); the python/tests directory is
// not embedded.
//
//go:embed python/awsglue python/epoxy_layout_runner.py
var shim embed.FS

// ShimFiles returns the Python files a Runner needs: awsglue/blueprint/*.py
// and epoxy_layout_runner.py.
func ShimFiles() fs.FS {
	sub, err := fs.Sub(shim, "python")
	if err != nil {
		panic(err) // "python" is a valid, embedded path
	}
	return sub
}

// InstallShim writes ShimFiles into dir (created if needed; files 0600,
// folders 0700, private to the user running Epoxy), replacing older copies. Each file is written to a
// temporary name and renamed, so a generator running meanwhile never sees
// a half-written module. The server calls it at startup and points
// Runner.ShimDir at dir.
func InstallShim(dir string) error {
	files := ShimFiles()
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		data, err := fs.ReadFile(files, p)
		if err != nil {
			return err
		}
		return writeFileAtomic(target, data)
	})
	if err != nil {
		return fmt.Errorf("install blueprint shim: %w", err)
	}
	return nil
}

func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}
