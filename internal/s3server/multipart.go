package s3server

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/johannesboyne/gofakes3"
)

// A multipart upload is the directory .uploads/<id>: upload.json says
// what it is for, each part n is the file n with its MD5 in n.md5. Parts
// are files, so uploading and completing never hold more than a copy
// buffer in memory.

// upload describes a multipart upload in progress.
type upload struct {
	Bucket    string            `json:"bucket"`
	Key       string            `json:"key"`
	Headers   map[string]string `json:"headers,omitempty"`
	Initiated time.Time         `json:"initiated"`
}

const uploadFile = "upload.json"

// CreateMultipartUpload starts an upload of key in bucket.
func (s *Store) CreateMultipartUpload(bucket, key string, headers map[string]string) (gofakes3.UploadID, error) {
	if _, err := keyPath(key); err != nil {
		return "", err
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	data, err := json.Marshal(upload{Bucket: bucket, Key: key, Headers: keptHeaders(headers), Initiated: time.Now().UTC()})
	if err != nil {
		return "", err
	}
	if err := s.writeSmall(filepath.Join(uploadsDir, id, uploadFile), data); err != nil {
		return "", err
	}
	return gofakes3.UploadID(id), nil
}

// uploadOf returns the upload id, which must be for key in bucket.
func (s *Store) uploadOf(bucket, key string, id gofakes3.UploadID) (*upload, error) {
	if len(id) != 32 || strings.Trim(string(id), "0123456789abcdef") != "" {
		return nil, gofakes3.ErrNoSuchUpload
	}
	b, err := s.readSmall(filepath.Join(uploadsDir, string(id), uploadFile), maxMetaFile)
	if err != nil {
		return nil, gofakes3.ErrNoSuchUpload
	}
	var u upload
	if json.Unmarshal(b, &u) != nil || u.Bucket != bucket || u.Key != key {
		return nil, gofakes3.ErrNoSuchUpload
	}
	return &u, nil
}

// UploadPart stores part n of an upload, replacing an earlier one.
func (s *Store) UploadPart(bucket, key string, id gofakes3.UploadID, n int, contentLength int64, input io.Reader) (string, error) {
	if _, err := s.uploadOf(bucket, key, id); err != nil {
		return "", err
	}
	if n < 1 || n > gofakes3.MaxUploadPartNumber {
		return "", gofakes3.ErrInvalidPart
	}
	rc, err := s.receive(input)
	if err != nil {
		return "", err
	}
	if rc.size != contentLength {
		s.discard(rc)
		return "", gofakes3.ErrIncompleteBody
	}
	part := filepath.Join(uploadsDir, string(id), strconv.Itoa(n))
	if err := s.writeSmall(part+".md5", []byte(rc.md5)); err != nil {
		s.discard(rc)
		return "", err
	}
	if err := s.root.Rename(rc.tmp, part); err != nil {
		s.discard(rc)
		return "", gofakes3.ErrNoSuchUpload // aborted meanwhile
	}
	return gofakes3.FormatETag(mustHex(rc.md5)), nil
}

func mustHex(s string) []byte {
	b, _ := hex.DecodeString(s)
	return b
}

// storedPart is a part on disk.
type storedPart struct {
	n    int
	etag string
	info fs.FileInfo
}

// parts returns the parts of an upload, by number.
func (s *Store) parts(id gofakes3.UploadID) ([]storedPart, error) {
	dir := filepath.Join(uploadsDir, string(id))
	entries, err := s.readDir(dir)
	if err != nil {
		return nil, gofakes3.ErrNoSuchUpload
	}
	var out []storedPart
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		info, err1 := e.Info()
		sum, err2 := s.readSmall(filepath.Join(dir, e.Name()+".md5"), 64)
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, storedPart{n: n, etag: gofakes3.FormatETag(mustHex(string(sum))), info: info})
	}
	slices.SortFunc(out, func(a, b storedPart) int { return a.n - b.n })
	return out, nil
}

// ListParts lists an upload's parts after marker.
func (s *Store) ListParts(bucket, key string, id gofakes3.UploadID, marker int, limit int64) (*gofakes3.ListMultipartUploadPartsResult, error) {
	if _, err := s.uploadOf(bucket, key, id); err != nil {
		return nil, err
	}
	parts, err := s.parts(id)
	if err != nil {
		return nil, err
	}
	res := &gofakes3.ListMultipartUploadPartsResult{Bucket: bucket, Key: key, UploadID: id, PartNumberMarker: marker, MaxParts: limit}
	for _, p := range parts {
		if p.n <= marker {
			continue
		}
		if int64(len(res.Parts)) >= limit {
			res.IsTruncated = true
			break
		}
		res.Parts = append(res.Parts, gofakes3.ListMultipartUploadPartItem{PartNumber: p.n, ETag: p.etag, Size: p.info.Size(),
			LastModified: gofakes3.NewContentTime(p.info.ModTime())})
		res.NextPartNumberMarker = p.n
	}
	return res, nil
}

// ListMultipartUploads lists the uploads in progress in bucket, by key
// and initiation time.
func (s *Store) ListMultipartUploads(bucket string, marker *gofakes3.UploadListMarker, prefix gofakes3.Prefix, limit int64) (*gofakes3.ListMultipartUploadsResult, error) {
	entries, err := s.readDir(uploadsDir)
	if err != nil {
		return nil, err
	}
	type item struct {
		id gofakes3.UploadID
		u  upload
	}
	var items []item
	for _, e := range entries {
		b, err := s.readSmall(filepath.Join(uploadsDir, e.Name(), uploadFile), maxMetaFile)
		var u upload
		if err == nil && json.Unmarshal(b, &u) == nil && u.Bucket == bucket && prefix.Match(u.Key, nil) {
			items = append(items, item{gofakes3.UploadID(e.Name()), u})
		}
	}
	slices.SortFunc(items, func(a, b item) int {
		return cmpOr(strings.Compare(a.u.Key, b.u.Key), a.u.Initiated.Compare(b.u.Initiated), strings.Compare(string(a.id), string(b.id)))
	})
	res := &gofakes3.ListMultipartUploadsResult{Bucket: bucket, MaxUploads: limit, Prefix: prefix.Prefix, Delimiter: prefix.Delimiter}
	if marker != nil {
		res.KeyMarker, res.UploadIDMarker = marker.Object, marker.UploadID
	}
	for _, it := range items {
		if marker != nil && (it.u.Key < marker.Object || (it.u.Key == marker.Object && (marker.UploadID == "" || it.id <= marker.UploadID))) {
			continue
		}
		if int64(len(res.Uploads)) >= limit {
			res.IsTruncated = true
			break
		}
		res.Uploads = append(res.Uploads, gofakes3.ListMultipartUploadItem{Key: it.u.Key, UploadID: it.id,
			StorageClass: gofakes3.StorageStandard, Initiated: gofakes3.NewContentTime(it.u.Initiated)})
		res.NextKeyMarker, res.NextUploadIDMarker = it.u.Key, it.id
	}
	return res, nil
}

// cmpOr returns the first non-zero comparison.
func cmpOr(cs ...int) int {
	for _, c := range cs {
		if c != 0 {
			return c
		}
	}
	return 0
}

// AbortMultipartUpload removes an upload and its parts.
func (s *Store) AbortMultipartUpload(bucket, key string, id gofakes3.UploadID) error {
	if _, err := s.uploadOf(bucket, key, id); err != nil {
		return err
	}
	return s.root.RemoveAll(filepath.Join(uploadsDir, string(id)))
}

// CompleteMultipartUpload concatenates the listed parts, file by file,
// into the object and removes the upload. The ETag is the MD5 of the
// whole object, the same that HeadObject then returns.
func (s *Store) CompleteMultipartUpload(bucket, key string, id gofakes3.UploadID, in *gofakes3.CompleteMultipartUploadRequest) (gofakes3.VersionID, string, error) {
	u, err := s.uploadOf(bucket, key, id)
	if err != nil {
		return "", "", err
	}
	files, err := s.completedParts(id, in)
	if err != nil {
		return "", "", err
	}
	parts := &concatReader{s: s, files: files}
	rc, err := s.receive(parts)
	parts.close()
	if err != nil {
		return "", "", err
	}
	if err := s.commit(bucket, key, rc, u.Headers); err != nil {
		return "", "", err
	}
	if err := s.root.RemoveAll(filepath.Join(uploadsDir, string(id))); err != nil {
		return "", "", err
	}
	return "", gofakes3.FormatETag(mustHex(rc.md5)), nil
}

// completedParts checks the parts a completion lists (ascending numbers,
// each uploaded with that ETag) and returns their files.
func (s *Store) completedParts(id gofakes3.UploadID, in *gofakes3.CompleteMultipartUploadRequest) ([]string, error) {
	if len(in.Parts) == 0 {
		return nil, gofakes3.ErrorMessage(gofakes3.ErrMalformedXML, "The XML you provided did not list any part.")
	}
	parts, err := s.parts(id)
	if err != nil {
		return nil, err
	}
	byNumber := map[int]storedPart{}
	for _, p := range parts {
		byNumber[p.n] = p
	}
	var files []string
	for i, p := range in.Parts {
		if i > 0 && p.PartNumber <= in.Parts[i-1].PartNumber {
			return nil, gofakes3.ErrInvalidPartOrder
		}
		got, ok := byNumber[p.PartNumber]
		if !ok || strings.Trim(p.ETag, `"`) != strings.Trim(got.etag, `"`) {
			return nil, gofakes3.ErrorMessagef(gofakes3.ErrInvalidPart, "Part %d was not uploaded with ETag %s.", p.PartNumber, p.ETag)
		}
		files = append(files, filepath.Join(uploadsDir, string(id), strconv.Itoa(p.PartNumber)))
	}
	return files, nil
}

// concatReader reads files one after the other, opening each in turn.
type concatReader struct {
	s     *Store
	files []string
	cur   io.ReadCloser
}

func (c *concatReader) Read(p []byte) (int, error) {
	for {
		if c.cur == nil {
			if len(c.files) == 0 {
				return 0, io.EOF
			}
			f, err := c.s.root.Open(c.files[0])
			if err != nil {
				return 0, fmt.Errorf("open part: %w", err)
			}
			c.cur, c.files = f, c.files[1:]
		}
		n, err := c.cur.Read(p)
		if errors.Is(err, io.EOF) {
			c.cur.Close()
			c.cur = nil
			if n == 0 {
				continue
			}
			err = nil
		}
		return n, err
	}
}

// close closes the part being read, if any.
func (c *concatReader) close() {
	if c.cur != nil {
		c.cur.Close()
		c.cur = nil
	}
}
