package logship

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/glue"
)

// Ensure Copy of shipped output returns exactly the file's bytes from any
// offset, across chunks, and stops at the stream's end.
func TestReader_CopyShipped(t *testing.T) {
	t.Parallel()
	s := newShipTest(t)
	s.write("jr_c", "stderr", strings.Repeat("0123456789\n", 30), 1000, true)
	s.end("jr_c")
	require.NoError(t, s.shipper(16).RunOnce(s.ctx))
	file, err := os.ReadFile(filepath.Join(executor.LogDir(s.data, "jr_c"), "stderr"))
	require.NoError(t, err)
	for _, span := range [][2]int64{{0, 330}, {5, 40}, {16, 16}, {100, 1000}, {329, 1}, {330, 5}} {
		var got bytes.Buffer
		require.NoError(t, s.remote.Copy(s.ctx, &got, "jr_c", "stderr", span[0], span[1]))
		want := file[min(span[0], 330):min(span[0]+span[1], 330)]
		require.Equal(t, string(want), got.String(), "bytes %d+%d", span[0], span[1])
	}
}

// Ensure the Reader prefers this node's files to the shipped copy, and
// says which stream is kept nowhere (EntityNotFound) or cannot be named
// (InvalidInput).
func TestReader_LocalFirstAndErrors(t *testing.T) {
	t.Parallel()
	s := newShipTest(t)
	s.write("jr_l", "stdout", "shipped\n", 1000, true)
	require.NoError(t, s.shipper(0).RunOnce(s.ctx))
	s.write("jr_l", "stdout", "not yet\n", 2000, true)
	both := &Reader{DataDir: s.data, Store: s.st}
	info, err := both.Info(s.ctx, "jr_l", "stdout")
	require.NoError(t, err)
	require.Equal(t, int64(16), info.Size, "the local file, not the shipped copy")
	require.False(t, info.Modified.IsZero())
	require.Equal(t, int64(8), s.info("jr_l", "stdout").Size)

	_, err = s.remote.Info(s.ctx, "jr_none", "stdout")
	require.True(t, glue.IsCode(err, glue.EntityNotFound), "%v", err)
	require.ErrorContains(t, err, "jr_none has no stdout")
	require.True(t, glue.IsCode(s.remote.Copy(s.ctx, &bytes.Buffer{}, "jr_none", "stdout", 0, 1), glue.EntityNotFound))
	require.NoError(t, s.remote.Lines(s.ctx, "jr_none", "stdout", func(executor.LogLine) bool { t.Fatal("no lines"); return false }))
	_, err = (&Reader{DataDir: s.data}).Info(s.ctx, "jr_remote", "stdout")
	require.True(t, glue.IsCode(err, glue.EntityNotFound), "without a store, only local files")
	_, err = s.remote.Info(s.ctx, "../x", "stdout")
	require.True(t, glue.IsCode(err, glue.InvalidInput), "%v", err)
	_, err = s.remote.Info(s.ctx, "jr_l", "times")
	require.True(t, glue.IsCode(err, glue.InvalidInput), "%v", err)
}
