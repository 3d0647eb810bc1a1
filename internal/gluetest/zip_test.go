package gluetest_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"io/fs"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// Ensure BlueprintZip writes the folder, blueprint.cfg, then the files in
// name order, each as given.
func TestBlueprintZip(t *testing.T) {
	t.Parallel()
	data := gluetest.BlueprintZip(t, "bp", "{}", map[string]string{"z.py": "z", "a.py": "a"})
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	var names []string
	for _, f := range r.File {
		names = append(names, f.Name)
	}
	require.Equal(t, []string{"bp/", "bp/blueprint.cfg", "bp/a.py", "bp/z.py"}, names)
	require.Equal(t, "z", readEntry(t, r.File[3]))

	root := gluetest.BlueprintEntries("", "{}", nil)
	require.Equal(t, []gluetest.Entry{gluetest.File("blueprint.cfg", "{}")}, root)
}

// Ensure Zip keeps modes and the stored method as given.
func TestZip_Entries(t *testing.T) {
	t.Parallel()
	stored := gluetest.File("s", "stored")
	stored.Stored = true
	data := gluetest.Zip(t, gluetest.Symlink("link", "/etc/passwd"), stored)
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	require.Equal(t, fs.ModeSymlink, r.File[0].Mode().Type())
	require.Equal(t, "/etc/passwd", readEntry(t, r.File[0]))
	require.Equal(t, zip.Store, r.File[1].Method)
}

// Ensure a LyingBomb's last entry declares 100 bytes and inflates to
// BombSize.
func TestLyingBomb(t *testing.T) {
	t.Parallel()
	data := gluetest.LyingBomb(t, "bp/zeros.bin", gluetest.File("bp/blueprint.cfg", "{}"))
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	require.Len(t, r.File, 2)
	bomb := r.File[1]
	require.Equal(t, "bp/zeros.bin", bomb.Name)
	require.Equal(t, uint64(100), bomb.UncompressedSize64)
	require.Less(t, len(data), 64<<10, "the archive itself is small")
	raw, err := bomb.OpenRaw()
	require.NoError(t, err)
	n, err := io.Copy(io.Discard, flate.NewReader(raw))
	require.NoError(t, err)
	require.Equal(t, int64(gluetest.BombSize), n)
}

func readEntry(t *testing.T, f *zip.File) string {
	t.Helper()
	rc, err := f.Open()
	require.NoError(t, err)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	return string(b)
}
