package s3server

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/johannesboyne/gofakes3"

	"github.com/epoxy-run/epoxy/internal/auth"
	"github.com/epoxy-run/epoxy/internal/safefs"
)

// Epoxy's own directories beside the buckets; no bucket name starts with
// a dot.
const (
	metaDir    = ".meta"
	tmpDir     = ".tmp"
	uploadsDir = ".uploads"
)

// Store keeps buckets and objects as plain files: bucket B is the
// directory B, object K of it the file B/K (K's slashes are directories).
// Every file operation goes through an os.Root, so no key or bucket name
// leads out of the directory. It is the gofakes3 Backend (and
// MultipartBackend) of the S3 endpoint.
//
// Objects are written to a temporary file and renamed into place, so a
// reader sees the old or the new content, never a part; the rename and
// the directory changes around it are serialised by ns, while bodies are
// streamed without holding it.
type Store struct {
	root *os.Root
	// files writes and reads the small files: metadata, upload records.
	files *safefs.Root
	ns    sync.RWMutex
}

var (
	_ gofakes3.Backend          = (*Store)(nil)
	_ gofakes3.MultipartBackend = (*Store)(nil)
)

// OpenStore opens (creating it if needed) the store in dir.
func OpenStore(dir string) (*Store, error) {
	files, err := safefs.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("s3 store: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		files.Close()
		return nil, fmt.Errorf("s3 store: %w", err)
	}
	s := &Store{root: root, files: files}
	for _, d := range []string{metaDir, tmpDir, uploadsDir} {
		if err := root.MkdirAll(d, safefs.DirMode); err != nil {
			s.Close()
			return nil, fmt.Errorf("s3 store: %w", err)
		}
	}
	return s, nil
}

// Close closes the store's directory.
func (s *Store) Close() error { return errors.Join(s.root.Close(), s.files.Close()) }

// readSmall reads the small file rel, at most limit bytes of it.
func (s *Store) readSmall(rel string, limit int64) ([]byte, error) {
	return s.files.ReadFile(context.Background(), rel, limit)
}

// writeSmall writes the small file rel, atomically.
func (s *Store) writeSmall(rel string, data []byte) error { return s.files.WriteFile(rel, data) }

// tempFile creates a new file in the temporary directory.
func (s *Store) tempFile() (*os.File, string, error) {
	name := filepath.Join(tmpDir, rand.Text())
	f, err := s.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, safefs.FileMode)
	return f, name, err
}

// received is an object body written to a temporary file.
type received struct {
	tmp  string
	size int64
	md5  string
}

// receive streams r into a temporary file, synced to disk, and returns it
// with its size and MD5. Read errors are returned as they are, so that
// gofakes3's own (a bad Content-MD5) keep their S3 code.
func (s *Store) receive(r io.Reader) (*received, error) {
	f, tmp, err := s.tempFile()
	if err != nil {
		return nil, err
	}
	h := md5.New()
	n, err := io.Copy(io.MultiWriter(f, h), r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = s.root.Remove(tmp)
		return nil, readError(err)
	}
	return &received{tmp: tmp, size: n, md5: hex.EncodeToString(h.Sum(nil))}, nil
}

// discard removes a received body that is not committed.
func (s *Store) discard(rc *received) { _ = s.root.Remove(rc.tmp) }

// commit renames a received body into place as key of bucket and records
// its metadata.
func (s *Store) commit(bucket, key string, rc *received, headers map[string]string) error {
	rel, err := keyPath(key)
	if err != nil {
		s.discard(rc)
		return err
	}
	s.ns.Lock()
	defer s.ns.Unlock()
	if err := s.commitLocked(bucket, key, rel, rc); err != nil {
		s.discard(rc)
		return err
	}
	info, err := s.root.Stat(filepath.Join(bucket, rel))
	if err != nil {
		return err
	}
	return s.saveMeta(bucket, rel, &meta{Size: info.Size(), MTime: info.ModTime().UnixNano(), MD5: rc.md5, Headers: keptHeaders(headers)})
}

func (s *Store) commitLocked(bucket, key, rel string, rc *received) error {
	if !s.bucketExistsLocked(bucket) {
		return gofakes3.BucketNotFound(bucket)
	}
	path := filepath.Join(bucket, rel)
	err := s.root.MkdirAll(filepath.Dir(path), safefs.DirMode)
	if err == nil {
		err = s.root.Rename(rc.tmp, path)
	}
	if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EEXIST) || errors.Is(err, syscall.EISDIR) {
		return gofakes3.ErrorMessagef(gofakes3.ErrInvalidArgument,
			"Key %q conflicts with another key of the bucket: Epoxy's S3 keeps objects as files, so a key cannot be both an object and the folder of others (a and a/b)", key)
	}
	return err
}

// readError turns the payload-hash failure of a signed upload into S3's
// error; others are returned unchanged.
func readError(err error) error {
	if errors.Is(err, auth.ErrPayloadHash) {
		return gofakes3.ErrorMessage(gofakes3.ErrBadDigest, "The provided 'x-amz-content-sha256' header does not match what was computed.")
	}
	return err
}

// statObject returns the file info and path of key in bucket, or S3's
// NoSuchBucket or NoSuchKey. Keys that cannot be files do not exist.
func (s *Store) statObject(bucket, key string) (fs.FileInfo, string, error) {
	if !s.bucketExistsLocked(bucket) {
		return nil, "", gofakes3.BucketNotFound(bucket)
	}
	rel, err := keyPath(key)
	if err != nil {
		return nil, "", gofakes3.KeyNotFound(key)
	}
	info, err := s.root.Stat(filepath.Join(bucket, rel))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || (err == nil && !info.Mode().IsRegular()) {
		return nil, "", gofakes3.KeyNotFound(key)
	}
	return info, rel, err
}
