// Package objectstore reads S3 objects for Epoxy: job scripts, blueprint
// archives and crawler targets, from AWS S3 or any S3-compatible server
// (MinIO, moto) through aws-sdk-go-v2 with path-style addressing.
package objectstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3 is a client for one S3 endpoint, or, from Disabled, the answer of a
// server that has none.
type S3 struct {
	client *s3.Client // nil: disabled
}

// ErrNoEndpoint is what a disabled S3 answers to every call.
var ErrNoEndpoint = errors.New("no S3 endpoint is configured (epoxy serve --s3-endpoint)")

// Disabled returns an S3 for a server started without an endpoint: every
// call fails with ErrNoEndpoint, so callers need no nil checks.
func Disabled() *S3 { return &S3{} }

// New returns a client for the S3 endpoint (for example
// http://127.0.0.1:9000). Credentials come from the usual AWS environment
// variables and files; with none, a dummy key is used, which local S3
// servers accept.
func New(ctx context.Context, endpoint, region string) (*S3, error) {
	opts := []func(*config.LoadOptions) error{config.WithRegion(region), config.WithEC2IMDSClientEnableState(0)}
	if os.Getenv("AWS_ACCESS_KEY_ID") == "" && os.Getenv("AWS_PROFILE") == "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("epoxy", "epoxy", "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("objectstore: %w", err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.UsePathStyle = true
		// Local S3 servers often store no checksums; that is not worth a log line.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	return &S3{client: client}, nil
}

// ParseURI splits s3://bucket/key.
func ParseURI(uri string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(uri, "s3://")
	if !ok {
		return "", "", fmt.Errorf("%q is not an s3:// URI", uri)
	}
	bucket, key, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("%q names no bucket", uri)
	}
	return bucket, key, nil
}

// Get reads an object, at most limit bytes of it: a caller that must refuse
// larger objects asks for one byte more than it accepts and checks the
// length.
func (s *S3) Get(ctx context.Context, uri string, limit int64) ([]byte, error) {
	bucket, key, err := ParseURI(uri)
	if err != nil {
		return nil, err
	}
	if s.client == nil {
		return nil, ErrNoEndpoint
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", uri, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, limit))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", uri, err)
	}
	return b, nil
}

// maxScript is the largest job script Fetch copies.
const maxScript = 64 << 20

// Fetch copies an object to a local file, creating its directory.
func (s *S3) Fetch(ctx context.Context, uri, dst string) error { return fetch(ctx, s, uri, dst) }

// getter reads at most limit bytes of an object.
type getter interface {
	Get(ctx context.Context, uri string, limit int64) ([]byte, error)
}

// fetch copies the object uri, read with g, to the local file dst.
func fetch(ctx context.Context, g getter, uri, dst string) error {
	b, err := g.Get(ctx, uri, maxScript+1)
	if err != nil {
		return err
	}
	if len(b) > maxScript {
		return fmt.Errorf("%s is larger than %d bytes", uri, maxScript)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}

// List calls fn with the key of every object under prefix in bucket.
func (s *S3) List(ctx context.Context, bucket, prefix string, fn func(key string) error) error {
	if s.client == nil {
		return ErrNoEndpoint
	}
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list s3://%s/%s: %w", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			if err := fn(aws.ToString(o.Key)); err != nil {
				return err
			}
		}
	}
	return nil
}
