package s3server

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
	"time"
)

// meta is what Epoxy keeps about an object beside its file: its MD5 (the
// ETag) and the headers S3 returns with it. Size and MTime identify the
// file content the MD5 belongs to: a file changed by hand gets its MD5
// recomputed.
type meta struct {
	Size    int64             `json:"size"`
	MTime   int64             `json:"mtime_ns"`
	MD5     string            `json:"md5"`
	Headers map[string]string `json:"headers,omitempty"`
}

// maxMetaFile is the largest metadata file read; S3 allows 2 KiB of user
// metadata.
const maxMetaFile = 64 << 10

// keptHeader reports whether a request header is stored with the object
// and returned with it, as S3 does: content headers, user metadata and
// checksums, not the request's own signing headers.
func keptHeader(name string) bool {
	switch name {
	case "Content-Type", "Content-Disposition", "Content-Encoding", "Content-Language", "Cache-Control", "Expires":
		return true
	}
	return strings.HasPrefix(name, "X-Amz-Meta-") ||
		(strings.HasPrefix(name, "X-Amz-Checksum-") && name != "X-Amz-Checksum-Algorithm" && name != "X-Amz-Checksum-Type")
}

// keptHeaders returns the headers of h to store with an object.
func keptHeaders(h map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		if keptHeader(k) {
			out[k] = v
		}
	}
	return out
}

// metaPath is where the metadata of key in bucket is kept.
func metaPath(bucket, rel string) string {
	return filepath.Join(metaDir, bucket, rel)
}

// loadMeta returns the metadata of the object file rel of bucket whose
// file info is info, recomputing (and saving) the MD5 if the file is not
// the one the stored metadata describes.
func (s *Store) loadMeta(bucket, rel string, info fs.FileInfo) (*meta, error) {
	m := &meta{}
	b, err := s.readSmall(metaPath(bucket, rel), maxMetaFile)
	if err == nil && json.Unmarshal(b, m) == nil && m.Size == info.Size() && m.MTime == info.ModTime().UnixNano() && m.MD5 != "" {
		return m, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	sum, err := s.md5Of(filepath.Join(bucket, rel))
	if err != nil {
		return nil, err
	}
	m.Size, m.MTime, m.MD5 = info.Size(), info.ModTime().UnixNano(), sum
	_ = s.saveMeta(bucket, rel, m) // a read-only data directory still serves
	return m, nil
}

// md5Of returns the hex MD5 of the file at rel.
func (s *Store) md5Of(rel string) (string, error) {
	f, err := s.root.Open(rel)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := md5.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// saveMeta writes the metadata of rel in bucket.
func (s *Store) saveMeta(bucket, rel string, m *meta) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return s.writeSmall(metaPath(bucket, rel), b)
}

// headers returns the headers of the object m describes, with its
// Last-Modified time.
func (m *meta) headers() map[string]string {
	out := map[string]string{}
	for k, v := range m.Headers {
		out[k] = v
	}
	out["Last-Modified"] = time.Unix(0, m.MTime).UTC().Format(http.TimeFormat)
	return out
}

// hash returns the MD5 as bytes, for gofakes3's ETag.
func (m *meta) hash() []byte {
	b, _ := hex.DecodeString(m.MD5)
	return b
}
