// Package s3server is Epoxy's built-in S3 endpoint: S3's REST API,
// path-style (/bucket/key), answered by github.com/johannesboyne/gofakes3
// over a Store that keeps buckets and objects as plain files in a
// directory of the data directory.
package s3server

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/johannesboyne/gofakes3"
)

// Clock tells the time.
type Clock interface{ Now() time.Time }

// Config configures a Server.
type Config struct {
	// Dir is the directory of the buckets, created if missing.
	Dir    string
	Clock  Clock
	Logger *slog.Logger
}

// Server serves the S3 REST API over a Store.
type Server struct {
	store   *Store
	handler http.Handler
}

// New opens the store in cfg.Dir and returns its server.
func New(cfg Config) (*Server, error) {
	st, err := OpenStore(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	// Request times are checked by the authentication (RequestTimeTooSkewed)
	// when it is on, and only then, as S3 checks them for signed requests.
	g := gofakes3.New(st, gofakes3.WithTimeSource(timeSource{cfg.Clock}), gofakes3.WithTimeSkewLimit(0),
		gofakes3.WithoutVersioning(), gofakes3.WithLogger(logger{cfg.Logger}))
	return &Server{store: st, handler: g.Server()}, nil
}

// ServeHTTP serves one S3 request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Store returns the server's store.
func (s *Server) Store() *Store { return s.store }

// Close closes the store.
func (s *Server) Close() error { return s.store.Close() }

// timeSource adapts a Clock to gofakes3.
type timeSource struct{ c Clock }

func (t timeSource) Now() time.Time                   { return t.c.Now() }
func (t timeSource) Since(at time.Time) time.Duration { return t.c.Now().Sub(at) }

// logger sends gofakes3's errors and warnings to the log; its per-request
// information lines are dropped (the front door logs every request).
type logger struct{ log *slog.Logger }

func (l logger) Print(level gofakes3.LogLevel, v ...any) {
	switch level {
	case gofakes3.LogErr:
		l.log.Error("s3: " + fmt.Sprint(v...))
	case gofakes3.LogWarn:
		l.log.Warn("s3: " + fmt.Sprint(v...))
	}
}

// Operation names the S3 operation of a request, for logs and metrics;
// "unknown" for a request that is none.
func Operation(r *http.Request) string {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ := strings.Cut(path, "/")
	q := r.URL.Query()
	switch {
	case q.Has("uploadId"):
		return pick(r.Method, map[string]string{"GET": "ListParts", "PUT": "UploadPart", "POST": "CompleteMultipartUpload", "DELETE": "AbortMultipartUpload"})
	case q.Has("uploads"):
		return pick(r.Method, map[string]string{"GET": "ListMultipartUploads", "POST": "CreateMultipartUpload"})
	case bucket == "":
		return pick(r.Method, map[string]string{"GET": "ListBuckets"})
	case key != "":
		if r.Method == http.MethodPut && r.Header.Get("X-Amz-Copy-Source") != "" {
			return "CopyObject"
		}
		return pick(r.Method, map[string]string{"GET": "GetObject", "HEAD": "HeadObject", "PUT": "PutObject", "DELETE": "DeleteObject"})
	case q.Has("delete"):
		return pick(r.Method, map[string]string{"POST": "DeleteObjects"})
	case q.Has("location"):
		return pick(r.Method, map[string]string{"GET": "GetBucketLocation"})
	case q.Get("list-type") == "2":
		return pick(r.Method, map[string]string{"GET": "ListObjectsV2"})
	}
	return pick(r.Method, map[string]string{"GET": "ListObjects", "HEAD": "HeadBucket", "PUT": "CreateBucket", "DELETE": "DeleteBucket"})
}

func pick(method string, ops map[string]string) string {
	if op, ok := ops[method]; ok {
		return op
	}
	return "unknown"
}

// Open opens the object key of bucket for reading, with its size.
func (s *Store) Open(ctx context.Context, bucket, key string) (io.ReadCloser, int64, error) {
	obj, err := s.GetObject(bucket, key, nil)
	if err != nil {
		return nil, 0, err
	}
	return obj.Contents, obj.Size, nil
}

// Walk calls fn with every key of bucket that starts with prefix, in
// order, listing one directory at a time.
func (s *Store) Walk(ctx context.Context, bucket, prefix string, fn func(key string) error) error {
	if ok, _ := s.BucketExists(bucket); !ok {
		return gofakes3.BucketNotFound(bucket)
	}
	w := &walker{s: s, bucket: bucket, prefix: prefix, visit: func(key string, _ fs.FileInfo) (bool, error) {
		if err := ctx.Err(); err != nil {
			return true, err
		}
		return false, fn(key)
	}}
	return w.run()
}
