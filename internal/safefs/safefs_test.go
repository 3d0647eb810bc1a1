package safefs_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/safefs"
)

func TestName(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", ".", "..", "a/b", "../x", "../../x", "/abs", `a\b`, "a\x00b"} {
		require.ErrorIs(t, safefs.Name(bad), safefs.ErrUnsafeName, "%q", bad)
	}
	for _, good := range []string{"a", "a.b", "..a", "a..", "...", "-x", "A_b-1.zip"} {
		require.NoError(t, safefs.Name(good), "%q", good)
	}
	_, err := safefs.Join("blueprints", "..", "v1.zip")
	require.ErrorIs(t, err, safefs.ErrUnsafeName)
	p, err := safefs.Join("blueprints", "bp", "v1.zip")
	require.NoError(t, err)
	require.Equal(t, filepath.Join("blueprints", "bp", "v1.zip"), p)
}

// openRoot returns a Root on <tmp>/data and <tmp>, whose sibling directory
// "sibling" holds a file.
func openRoot(t *testing.T) (*safefs.Root, string) {
	t.Helper()
	parent := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(parent, "sibling"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(parent, "sibling", "keep"), []byte("x"), 0o644))
	r, err := safefs.OpenRoot(filepath.Join(parent, "data"))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, r.Close()) })
	return r, parent
}

func TestRootRemoveAllStaysInside(t *testing.T) {
	t.Parallel()
	r, parent := openRoot(t)
	require.NoError(t, r.WriteFile(filepath.Join("blueprints", "bp", "v1.zip"), []byte("zip")))
	for _, rel := range []string{"", ".", "..", "../sibling", "blueprints/../..", "/"} {
		require.ErrorIs(t, r.RemoveAll(rel), safefs.ErrUnsafeName, "%q", rel)
	}
	// A link inside the root that points out of it is not followed out.
	require.NoError(t, os.Symlink(filepath.Join(parent, "sibling"), filepath.Join(r.Dir(), "link")))
	require.ErrorContains(t, r.RemoveAll("link/keep"), "escapes")
	require.FileExists(t, filepath.Join(parent, "sibling", "keep"))
	require.NoError(t, r.RemoveAll("missing"))
	require.NoError(t, r.RemoveAll("blueprints/bp"))
	require.NoDirExists(t, filepath.Join(r.Dir(), "blueprints", "bp"))
	require.DirExists(t, r.Dir())
}

func TestRootWriteFileIsPrivate(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	data := filepath.Join(parent, "data")
	require.NoError(t, os.Mkdir(data, 0o755))
	r, err := safefs.OpenRoot(data)
	require.NoError(t, err)
	defer r.Close()
	requireMode(t, data, safefs.DirMode)
	require.NoError(t, r.WriteFile("a/b/c", []byte("one")))
	require.NoError(t, r.WriteFile("a/b/c", []byte("two")))
	requireMode(t, filepath.Join(data, "a"), safefs.DirMode)
	requireMode(t, filepath.Join(data, "a", "b"), safefs.DirMode)
	requireMode(t, filepath.Join(data, "a", "b", "c"), safefs.FileMode)
	got, err := r.ReadFile(context.Background(), "a/b/c", 100)
	require.NoError(t, err)
	require.Equal(t, "two", string(got))
	entries, err := os.ReadDir(filepath.Join(data, "a", "b"))
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left")
	require.ErrorIs(t, r.WriteFile("../x", nil), safefs.ErrUnsafeName)
	require.NoFileExists(t, filepath.Join(parent, "x"))
}

func TestRootRel(t *testing.T) {
	t.Parallel()
	r, parent := openRoot(t)
	rel, err := r.Rel(r.Path("blueprints/bp/v1.zip"))
	require.NoError(t, err)
	require.Equal(t, filepath.Join("blueprints", "bp", "v1.zip"), rel)
	for _, p := range []string{r.Dir(), parent, filepath.Join(parent, "sibling", "keep"), "relative"} {
		_, err := r.Rel(p)
		require.Error(t, err, p)
	}
}

func TestReadRegular(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, []byte("0123456789"), 0o644))

	got, err := safefs.ReadRegular(ctx, file, 4)
	require.NoError(t, err)
	require.Equal(t, "0123", string(got))

	// A FIFO with no writer: opening it must not wait for one.
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	_, err = safefs.ReadRegular(ctx, fifo, 4)
	require.ErrorIs(t, err, safefs.ErrNotRegular)
	require.ErrorContains(t, err, "named pipe")

	_, err = safefs.ReadRegular(ctx, dir, 4)
	require.ErrorContains(t, err, "directory")

	link := filepath.Join(dir, "link")
	require.NoError(t, os.Symlink(file, link))
	_, err = safefs.ReadRegular(ctx, link, 4)
	require.ErrorIs(t, err, safefs.ErrNotRegular)
	require.ErrorContains(t, err, "symbolic link")

	_, err = safefs.ReadRegular(ctx, "/dev/null", 4)
	require.ErrorContains(t, err, "device")

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = safefs.ReadRegular(cancelled, file, 4)
	require.ErrorIs(t, err, context.Canceled)
}

func TestRootReadFileRefusesFIFO(t *testing.T) {
	t.Parallel()
	r, _ := openRoot(t)
	require.NoError(t, syscall.Mkfifo(r.Path("fifo"), 0o600))
	_, err := r.ReadFile(context.Background(), "fifo", 4)
	require.ErrorIs(t, err, safefs.ErrNotRegular)
	_, err = r.ReadFile(context.Background(), "../sibling/keep", 4)
	require.ErrorIs(t, err, safefs.ErrUnsafeName)
}

func requireMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, want, info.Mode().Perm(), path)
}
