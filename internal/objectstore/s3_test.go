package objectstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/objectstore"
)

// Ensure a disabled S3 answers every call with ErrNoEndpoint, after
// checking the URI, and writes nothing.
func TestDisabled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s3 := objectstore.Disabled()
	_, err := s3.Get(ctx, "s3://bucket/key", 10)
	require.ErrorIs(t, err, objectstore.ErrNoEndpoint)
	_, err = s3.Get(ctx, "http://bucket/key", 10)
	require.ErrorContains(t, err, "not an s3:// URI")
	dst := filepath.Join(t.TempDir(), "sub", "script.py")
	require.ErrorIs(t, s3.Fetch(ctx, "s3://bucket/script.py", dst), objectstore.ErrNoEndpoint)
	require.NoFileExists(t, dst)
	called := false
	require.ErrorIs(t, s3.List(ctx, "bucket", "", func(string) error { called = true; return nil }), objectstore.ErrNoEndpoint)
	require.False(t, called)
}
