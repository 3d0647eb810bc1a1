package s3server

import (
	"io/fs"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/johannesboyne/gofakes3"
)

// walker visits the objects of a bucket in S3's order (by key, byte by
// byte) without listing more than one directory at a time: the entries of
// a directory are sorted as their keys sort, a directory d as "d/".
// Directories that hold no key under prefix, or only keys up to after,
// or only keys under skip, are not entered.
type walker struct {
	s      *Store
	bucket string
	prefix string
	after  string
	// skip, when set, is a prefix whose keys are not wanted.
	skip string
	// visit is called with each key; it returns true to stop.
	visit func(key string, info fs.FileInfo) (bool, error)
}

// errStop ends a walk early.
type errStop struct{}

func (errStop) Error() string { return "stop" }

// run walks the whole bucket.
func (w *walker) run() error {
	err := w.dir("", "")
	if _, ok := err.(errStop); ok {
		return nil
	}
	return err
}

// dir walks the directory rel, whose keys start with keyPrefix.
func (w *walker) dir(rel, keyPrefix string) error {
	entries, err := w.s.readDir(filepath.Join(w.bucket, rel))
	if err != nil {
		return err
	}
	sortKey := func(e fs.DirEntry) string {
		if e.IsDir() {
			return e.Name() + "/"
		}
		return e.Name()
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(sortKey(a), sortKey(b)) })
	for _, e := range entries {
		key := keyPrefix + sortKey(e)
		if err := w.entry(e, filepath.Join(rel, e.Name()), key); err != nil {
			return err
		}
	}
	return nil
}

// entry visits one directory entry, whose key (with a final slash for a
// directory) is key.
func (w *walker) entry(e fs.DirEntry, rel, key string) error {
	if e.IsDir() {
		if !w.wantsDir(key) {
			return nil
		}
		return w.dir(rel, key)
	}
	if !e.Type().IsRegular() || !strings.HasPrefix(key, w.prefix) || key <= w.after || (w.skip != "" && strings.HasPrefix(key, w.skip)) {
		return nil
	}
	info, err := e.Info()
	if err != nil {
		return nil // removed meanwhile
	}
	stop, err := w.visit(key, info)
	if err == nil && stop {
		err = errStop{}
	}
	return err
}

// wantsDir reports whether the directory whose keys start with dir (which
// ends in a slash) can hold a wanted key.
func (w *walker) wantsDir(dir string) bool {
	if !strings.HasPrefix(dir, w.prefix) && !strings.HasPrefix(w.prefix, dir) {
		return false
	}
	if w.after > dir && !strings.HasPrefix(w.after, dir) {
		return false // every key under dir sorts before after
	}
	return w.skip == "" || !strings.HasPrefix(dir, w.skip)
}

// ListBucket lists a page of a bucket's keys under a prefix, rolling keys
// up to common prefixes at the delimiter. Page.Marker is the last key or
// common prefix of the previous page.
func (s *Store) ListBucket(bucket string, prefix *gofakes3.Prefix, page gofakes3.ListBucketPage) (*gofakes3.ObjectList, error) {
	if prefix == nil {
		prefix = &gofakes3.Prefix{}
	}
	s.ns.RLock()
	defer s.ns.RUnlock()
	if !s.bucketExistsLocked(bucket) {
		return nil, gofakes3.BucketNotFound(bucket)
	}
	l := &lister{s: s, bucket: bucket, prefix: prefix, marker: page.Marker, max: page.MaxKeys, list: gofakes3.NewObjectList()}
	l.w = &walker{s: s, bucket: bucket, prefix: prefix.Prefix, after: page.Marker, visit: l.visit}
	if err := l.w.run(); err != nil {
		return nil, err
	}
	if !l.list.IsTruncated {
		l.list.NextMarker = ""
	}
	return l.list, nil
}

// lister builds one page of a listing.
type lister struct {
	s      *Store
	w      *walker
	bucket string
	prefix *gofakes3.Prefix
	marker string
	max    int64
	count  int64
	list   *gofakes3.ObjectList
}

func (l *lister) visit(key string, info fs.FileInfo) (bool, error) {
	var m gofakes3.PrefixMatch
	if !l.prefix.Match(key, &m) {
		return false, nil
	}
	if m.CommonPrefix && m.MatchedPart <= l.marker {
		l.w.skip = m.MatchedPart // listed on an earlier page
		return false, nil
	}
	if l.count >= l.max {
		l.list.IsTruncated = l.max > 0
		return true, nil
	}
	l.count++
	if m.CommonPrefix {
		l.list.AddPrefix(m.MatchedPart)
		l.list.NextMarker = m.MatchedPart
		l.w.skip = m.MatchedPart
		return false, nil
	}
	md, err := l.s.loadMeta(l.bucket, filepath.FromSlash(key), info)
	if err != nil {
		return false, err
	}
	l.list.Add(&gofakes3.Content{Key: key, LastModified: gofakes3.NewContentTime(info.ModTime()),
		ETag: gofakes3.FormatETag(md.hash()), Size: info.Size(), StorageClass: gofakes3.StorageStandard})
	l.list.NextMarker = key
	return false, nil
}

// parseHTTPTime parses a Last-Modified header.
func parseHTTPTime(s string) (time.Time, error) { return http.ParseTime(s) }
