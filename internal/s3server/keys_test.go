package s3server

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/stretchr/testify/require"
)

func TestKeyPath(t *testing.T) {
	for key, want := range map[string]string{
		"a.csv":                  "a.csv",
		"dt=2024-01-01/part.csv": filepath.Join("dt=2024-01-01", "part.csv"),
		"..a/b..":                filepath.Join("..a", "b.."),
		"sp ace/ü.txt":           filepath.Join("sp ace", "ü.txt"),
	} {
		got, err := keyPath(key)
		require.NoError(t, err, key)
		require.Equal(t, want, got)
	}
	for _, key := range []string{"", "..", "../x", "a/../../x", "a/..", "./a", "a/./b", "/abs", "a//b", "dir/", `a\b`, "a\x00b"} {
		_, err := keyPath(key)
		require.True(t, gofakes3.HasErrorCode(err, gofakes3.ErrInvalidArgument), "%q: %v", key, err)
	}
	_, err := keyPath(strings.Repeat("x", 256))
	require.True(t, gofakes3.HasErrorCode(err, gofakes3.ErrKeyTooLong), "a part longer than a file name")
	_, err = keyPath(strings.Repeat("x/", 600))
	require.True(t, gofakes3.HasErrorCode(err, gofakes3.ErrKeyTooLong), "a key longer than S3 allows")
}
