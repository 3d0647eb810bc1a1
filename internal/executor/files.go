package executor

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Directory layout under the data directory:
//
//	logs/jobruns/<id>/   the job's working directory: stdout, stderr, fetched script
//	runs/<id>/           Epoxy's own files about the run, outside the job's directory:
//	    launch           nonce of the current launch (written durably before the process starts)
//	    started-<nonce>  start marker: "<pid> <start>" from the process, or "fenced" from a recovering server
//	    status-<nonce>.json  how the script ended, written by the bootstrap
//	    ended            written once Epoxy has recorded the process's end
//	home/                HOME of every job
//
// What the executor creates is private to the server's user: directories
// 0700, files 0600.
const (
	dirMode  = 0o700
	fileMode = 0o600
)

// errBadRunID is returned for a job run id that is not a plain file name.
var errBadRunID = errors.New("not a job run id")

// CheckRunID reports whether id is safe to build paths from: a single local
// path element, without separators. (A shared helper for names used in
// paths is being written separately; this is the executor's own minimal
// check until then.)
func CheckRunID(id string) error {
	if id == "" || id == "." || !filepath.IsLocal(id) || strings.ContainsAny(id, `/\`) {
		return fmt.Errorf("%q: %w", id, errBadRunID)
	}
	return nil
}

// LogDir returns the directory holding a job run's stdout and stderr (the
// job's working directory). jobRunID must pass CheckRunID.
func LogDir(dataDir, jobRunID string) string {
	return filepath.Join(LogsDir(dataDir), jobRunID)
}

// LogsDir returns the directory holding every job run's LogDir.
func LogsDir(dataDir string) string {
	return filepath.Join(dataDir, "logs", "jobruns")
}

// RunDir returns the directory of Epoxy's own files about a job run.
func RunDir(dataDir, jobRunID string) string {
	return filepath.Join(dataDir, "runs", jobRunID)
}

// HomeDir is the HOME of job processes: one directory for all jobs, owned
// by Epoxy, so nothing of the server user's home (~/.aws) is read.
func HomeDir(dataDir string) string {
	return filepath.Join(dataDir, "home")
}

// EndedFile is the file that exists once Epoxy has recorded the end of the
// job run's current process; `epoxy logs --follow` stops when it appears.
func EndedFile(dataDir, jobRunID string) string {
	return filepath.Join(RunDir(dataDir, jobRunID), "ended")
}

func newNonce() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// writeDurably writes data to path so that after a crash the file either
// does not exist or is complete: a temporary file, fsynced, renamed into
// place, then the directory fsynced.
func writeDurably(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC|syscall.O_NOFOLLOW, fileMode)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// OpenRegular opens path for reading without following a symlink and
// without blocking on a FIFO, and refuses anything but a regular file: a
// job can replace the files in its directory with anything.
func OpenRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s is not a regular file", path)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// readSmall reads a small server-owned file (at most limit bytes) through
// openRegular.
func readSmall(path string, limit int64) ([]byte, error) {
	f, err := OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}
