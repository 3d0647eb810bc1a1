package gluetest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io/fs"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// Entry is one entry of a test archive, written exactly as given (hostile
// names included).
type Entry struct {
	Name   string
	Body   []byte
	Mode   fs.FileMode // 0: a regular file, or a folder when Name ends in "/"
	Stored bool        // store instead of deflate
}

// File is a regular file entry.
func File(name, body string) Entry { return Entry{Name: name, Body: []byte(body)} }

// Folder is a folder entry; name ends in "/".
func Folder(name string) Entry { return Entry{Name: name} }

// Symlink is a symbolic link entry pointing to target.
func Symlink(name, target string) Entry {
	return Entry{Name: name, Body: []byte(target), Mode: fs.ModeSymlink | 0o777}
}

// Zip returns a ZIP archive of entries.
func Zip(t testing.TB, entries ...Entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	writeEntries(t, w, entries)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

// writeEntries adds entries to w.
func writeEntries(t testing.TB, w *zip.Writer, entries []Entry) {
	t.Helper()
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate}
		if e.Stored {
			h.Method = zip.Store
		}
		if e.Mode != 0 {
			h.SetMode(e.Mode)
		}
		fw, err := w.CreateHeader(h)
		require.NoError(t, err)
		_, err = fw.Write(e.Body)
		require.NoError(t, err)
	}
}

// BlueprintZip returns the archive of a blueprint: blueprint.cfg holding
// cfg and files (name → body) inside the top-level folder dir, or at the
// archive's root when dir is empty. Files come in name order.
func BlueprintZip(t testing.TB, dir, cfg string, files map[string]string) []byte {
	t.Helper()
	return Zip(t, BlueprintEntries(dir, cfg, files)...)
}

// BlueprintEntries returns the entries BlueprintZip writes, for tests that
// add hostile ones.
func BlueprintEntries(dir, cfg string, files map[string]string) []Entry {
	prefix := ""
	var entries []Entry
	if dir != "" {
		prefix = dir + "/"
		entries = append(entries, Folder(prefix))
	}
	entries = append(entries, File(prefix+"blueprint.cfg", cfg))
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		entries = append(entries, File(prefix+n, files[n]))
	}
	return entries
}

// BombSize is how many bytes the last entry of a LyingBomb inflates to.
const BombSize = 6 << 20

// LyingBomb returns an archive of entries followed by an entry named bomb
// whose header claims 100 bytes but which inflates to BombSize zeros, so
// only a reader that counts what it inflates (not the declared sizes) can
// stop it.
func LyingBomb(t testing.TB, bomb string, entries ...Entry) []byte {
	t.Helper()
	var packed bytes.Buffer
	fw, err := flate.NewWriter(&packed, flate.BestCompression)
	require.NoError(t, err)
	_, err = fw.Write(make([]byte, BombSize))
	require.NoError(t, err)
	require.NoError(t, fw.Close())

	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	writeEntries(t, w, entries)
	raw, err := w.CreateRaw(&zip.FileHeader{Name: bomb, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(make([]byte, 100)),
		CompressedSize64: uint64(packed.Len()), UncompressedSize64: 100})
	require.NoError(t, err)
	_, err = raw.Write(packed.Bytes())
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}
