package objectstore

import (
	"context"
	"fmt"
	"io"
)

// Objects is a local object store: Epoxy's built-in S3.
type Objects interface {
	// Open opens an object for reading, with its size.
	Open(ctx context.Context, bucket, key string) (io.ReadCloser, int64, error)
	// Walk calls fn with every key under prefix in bucket, in order.
	Walk(ctx context.Context, bucket, prefix string, fn func(key string) error) error
}

// Builtin reads s3:// locations from Epoxy's built-in S3 directly, not
// through its HTTP endpoint: it is what job scripts, blueprint archives
// and crawler targets on s3:// are read from when no --s3-endpoint is
// given.
type Builtin struct {
	objects Objects
}

// NewBuiltin returns a reader of the objects of o.
func NewBuiltin(o Objects) *Builtin { return &Builtin{objects: o} }

// Get reads an object, at most limit bytes of it.
func (b *Builtin) Get(ctx context.Context, uri string, limit int64) ([]byte, error) {
	bucket, key, err := ParseURI(uri)
	if err != nil {
		return nil, err
	}
	r, _, err := b.objects.Open(ctx, bucket, key)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", uri, err)
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, limit))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", uri, err)
	}
	return data, nil
}

// Fetch copies an object to a local file, creating its directory.
func (b *Builtin) Fetch(ctx context.Context, uri, dst string) error { return fetch(ctx, b, uri, dst) }

// List calls fn with the key of every object under prefix in bucket.
func (b *Builtin) List(ctx context.Context, bucket, prefix string, fn func(key string) error) error {
	if err := b.objects.Walk(ctx, bucket, prefix, fn); err != nil {
		return fmt.Errorf("list s3://%s/%s: %w", bucket, prefix, err)
	}
	return nil
}
