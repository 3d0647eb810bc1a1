package s3server

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/johannesboyne/gofakes3"

	"github.com/epoxy-run/epoxy/internal/safefs"
)

// ListBuckets lists the bucket directories. A bucket's creation date is
// its directory's modification time.
func (s *Store) ListBuckets() ([]gofakes3.BucketInfo, error) {
	s.ns.RLock()
	defer s.ns.RUnlock()
	entries, err := s.readDir(".")
	if err != nil {
		return nil, err
	}
	var out []gofakes3.BucketInfo
	for _, e := range entries {
		if !e.IsDir() || !validBucket(e.Name()) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, gofakes3.BucketInfo{Name: e.Name(), CreationDate: gofakes3.NewContentTime(info.ModTime())})
	}
	return out, nil
}

// readDir lists the directory rel, sorted by name.
func (s *Store) readDir(rel string) ([]fs.DirEntry, error) {
	f, err := s.root.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil, err
	}
	return entries, nil
}

// CreateBucket creates the bucket's directory.
func (s *Store) CreateBucket(name string) error {
	if !validBucket(name) {
		return gofakes3.ValidateBucketName(name)
	}
	s.ns.Lock()
	defer s.ns.Unlock()
	err := s.root.Mkdir(name, safefs.DirMode)
	if errors.Is(err, fs.ErrExist) {
		return gofakes3.ResourceError(gofakes3.ErrBucketAlreadyExists, name)
	}
	return err
}

// BucketExists reports whether the bucket's directory exists.
func (s *Store) BucketExists(name string) (bool, error) {
	s.ns.RLock()
	defer s.ns.RUnlock()
	return s.bucketExistsLocked(name), nil
}

func (s *Store) bucketExistsLocked(name string) bool {
	if !validBucket(name) {
		return false
	}
	info, err := s.root.Stat(name)
	return err == nil && info.IsDir()
}

// DeleteBucket removes an empty bucket.
func (s *Store) DeleteBucket(name string) error {
	s.ns.Lock()
	defer s.ns.Unlock()
	if !s.bucketExistsLocked(name) {
		return gofakes3.BucketNotFound(name)
	}
	entries, err := s.readDir(name)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return gofakes3.ResourceError(gofakes3.ErrBucketNotEmpty, name)
	}
	if err := s.root.Remove(name); err != nil {
		return err
	}
	return s.root.RemoveAll(filepath.Join(metaDir, name))
}

// ForceDeleteBucket removes a bucket and everything in it.
func (s *Store) ForceDeleteBucket(name string) error {
	s.ns.Lock()
	defer s.ns.Unlock()
	if !s.bucketExistsLocked(name) {
		return gofakes3.BucketNotFound(name)
	}
	if err := s.root.RemoveAll(name); err != nil {
		return err
	}
	return s.root.RemoveAll(filepath.Join(metaDir, name))
}

// HeadObject returns an object's metadata, without its content.
func (s *Store) HeadObject(bucket, key string) (*gofakes3.Object, error) {
	s.ns.RLock()
	defer s.ns.RUnlock()
	info, rel, err := s.statObject(bucket, key)
	if err != nil {
		return nil, err
	}
	m, err := s.loadMeta(bucket, rel, info)
	if err != nil {
		return nil, err
	}
	return &gofakes3.Object{Name: key, Metadata: m.headers(), Size: info.Size(), Hash: m.hash(), Contents: io.NopCloser(strings.NewReader(""))}, nil
}

// GetObject opens an object, or the requested range of it; the content is
// read from the open file, so an object replaced meanwhile is read whole
// in its old version.
func (s *Store) GetObject(bucket, key string, rangeRequest *gofakes3.ObjectRangeRequest) (*gofakes3.Object, error) {
	s.ns.RLock()
	defer s.ns.RUnlock()
	info, rel, err := s.statObject(bucket, key)
	if err != nil {
		return nil, err
	}
	f, err := s.root.Open(filepath.Join(bucket, rel))
	if err != nil {
		return nil, err
	}
	obj, err := s.object(bucket, key, rel, f, info, rangeRequest)
	if err != nil {
		f.Close()
	}
	return obj, err
}

// object describes the open object file f.
func (s *Store) object(bucket, key, rel string, f *os.File, info fs.FileInfo, rangeRequest *gofakes3.ObjectRangeRequest) (*gofakes3.Object, error) {
	m, err := s.loadMeta(bucket, rel, info)
	if err != nil {
		return nil, err
	}
	rng, err := rangeRequest.Range(info.Size())
	if err != nil {
		return nil, err
	}
	var body io.ReadCloser = f
	if rng != nil {
		body = struct {
			io.Reader
			io.Closer
		}{io.NewSectionReader(f, rng.Start, rng.Length), f}
	}
	return &gofakes3.Object{Name: key, Metadata: m.headers(), Size: info.Size(), Hash: m.hash(), Range: rng, Contents: body}, nil
}

// PutObject streams input into the object key. Conditions (If-Match,
// If-None-Match) are checked when the new content is in place to be
// renamed.
func (s *Store) PutObject(bucket, key string, headers map[string]string, input io.Reader, size int64, conditions *gofakes3.PutConditions) (gofakes3.PutObjectResult, error) {
	if _, err := keyPath(key); err != nil {
		return gofakes3.PutObjectResult{}, err
	}
	if ok, _ := s.BucketExists(bucket); !ok {
		return gofakes3.PutObjectResult{}, gofakes3.BucketNotFound(bucket)
	}
	rc, err := s.receive(input)
	if err != nil {
		return gofakes3.PutObjectResult{}, err
	}
	if rc.size != size {
		s.discard(rc)
		return gofakes3.PutObjectResult{}, gofakes3.ErrIncompleteBody
	}
	if err := s.checkConditions(bucket, key, conditions); err != nil {
		s.discard(rc)
		return gofakes3.PutObjectResult{}, err
	}
	return gofakes3.PutObjectResult{}, s.commit(bucket, key, rc, headers)
}

// checkConditions checks a conditional put against the current object.
func (s *Store) checkConditions(bucket, key string, conditions *gofakes3.PutConditions) error {
	if conditions == nil || (conditions.IfMatch == nil && conditions.IfNoneMatch == nil) {
		return nil
	}
	info := &gofakes3.ConditionalObjectInfo{}
	obj, err := s.HeadObject(bucket, key)
	switch {
	case err == nil:
		info.Exists, info.Hash = true, obj.Hash
	case !gofakes3.HasErrorCode(err, gofakes3.ErrNoSuchKey):
		return err
	}
	return gofakes3.CheckPutConditions(conditions, info)
}

// CopyObject streams the source object into the destination, with the
// headers gofakes3 merged from the source and the request.
func (s *Store) CopyObject(srcBucket, srcKey, dstBucket, dstKey string, headers map[string]string) (gofakes3.CopyObjectResult, error) {
	src, err := s.GetObject(srcBucket, srcKey, nil)
	if err != nil {
		return gofakes3.CopyObjectResult{}, err
	}
	defer src.Contents.Close()
	if _, err := s.PutObject(dstBucket, dstKey, headers, src.Contents, src.Size, nil); err != nil {
		return gofakes3.CopyObjectResult{}, err
	}
	obj, err := s.HeadObject(dstBucket, dstKey)
	if err != nil {
		return gofakes3.CopyObjectResult{}, err
	}
	mod, _ := parseHTTPTime(obj.Metadata["Last-Modified"])
	return gofakes3.CopyObjectResult{ETag: gofakes3.FormatETag(obj.Hash), LastModified: gofakes3.NewContentTime(mod)}, nil
}

// DeleteObject removes an object; a missing one is no error, as in S3.
func (s *Store) DeleteObject(bucket, key string) (gofakes3.ObjectDeleteResult, error) {
	s.ns.Lock()
	defer s.ns.Unlock()
	if !s.bucketExistsLocked(bucket) {
		return gofakes3.ObjectDeleteResult{}, gofakes3.BucketNotFound(bucket)
	}
	return gofakes3.ObjectDeleteResult{}, s.deleteLocked(bucket, key)
}

// deleteLocked removes the file of key and its metadata, then the
// directories left empty up to the bucket's.
func (s *Store) deleteLocked(bucket, key string) error {
	rel, err := keyPath(key)
	if err != nil {
		return nil // no such file can exist
	}
	info, err := s.root.Lstat(filepath.Join(bucket, rel))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || (err == nil && info.IsDir()) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.root.Remove(filepath.Join(bucket, rel)); err != nil {
		return err
	}
	if err := s.root.Remove(metaPath(bucket, rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	s.pruneLocked(bucket, filepath.Dir(rel))
	s.pruneLocked(filepath.Join(metaDir, bucket), filepath.Dir(rel))
	return nil
}

// pruneLocked removes dir (relative to base) and its parents while they
// are empty, stopping at base.
func (s *Store) pruneLocked(base, dir string) {
	for dir != "." && dir != "" {
		if s.root.Remove(filepath.Join(base, dir)) != nil {
			return // not empty, or gone
		}
		dir = filepath.Dir(dir)
	}
}

// DeleteMulti deletes objects, reporting each.
func (s *Store) DeleteMulti(bucket string, keys ...string) (gofakes3.MultiDeleteResult, error) {
	s.ns.Lock()
	defer s.ns.Unlock()
	var res gofakes3.MultiDeleteResult
	if !s.bucketExistsLocked(bucket) {
		return res, gofakes3.BucketNotFound(bucket)
	}
	for _, key := range keys {
		if err := s.deleteLocked(bucket, key); err != nil {
			res.Error = append(res.Error, gofakes3.ErrorResult{Key: key, Code: gofakes3.ErrInternal, Message: err.Error()})
			continue
		}
		res.Deleted = append(res.Deleted, gofakes3.ObjectID{Key: key})
	}
	return res, nil
}
