package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/rand"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

// Ensure hostile and oversized archives are refused through the API with
// FAILED and an ErrorMessage naming the problem (and the offending entry),
// that nothing of them is written anywhere (the targets of "../" and
// absolute entries do not exist, the data directory holds no copy), and
// that such a blueprint cannot run.
func TestBlueprint_HostileArchives(t *testing.T) {
	t.Parallel()
	b := setup(t)
	good := []bpEntry{{name: "lc/"}, bpFile("lc/blueprint.cfg", `{"layoutGenerator": "lc.layout.generate_layout"}`),
		bpFile("lc/layout.py", lcLayout)}
	with := func(extra ...bpEntry) []byte { return bpZip(t, append(append([]bpEntry{}, good...), extra...)...) }
	// Unique names, so that a target found on disk can only come from here.
	evil := fmt.Sprintf("epoxy-evil-%s", strings.ToLower(rand.Text()[:12]))
	absTarget := filepath.Join(os.TempDir(), evil+"-abs")
	mib := func(n int) []byte { return make([]byte, n<<20) }
	random := make([]byte, 1<<20+100<<10)
	_, _ = rand.Read(random)
	sixParts := make([]bpEntry, 6)
	for i := range sixParts {
		sixParts[i] = bpEntry{name: fmt.Sprintf("lc/part-%d.bin", i), body: mib(1)}
	}
	tooBig := with(bpEntry{name: "lc/random.bin", body: random, stored: true})

	for _, c := range []struct {
		name      string
		archive   []byte
		fragments []string
	}{
		{"dotdot", with(bpFile("../"+evil, "escaped")), []string{`"../` + evil + `"`, `".." path elements are not allowed`}},
		{"dotdot-nested", with(bpFile("lc/../../"+evil+"-nested", "escaped")), []string{`"lc/../../` + evil + `-nested"`, `".."`}},
		{"absolute", with(bpFile(absTarget, "escaped")), []string{`"` + absTarget + `"`, "absolute paths are not allowed"}},
		{"backslash", with(bpFile(`lc\..\..\`+evil+"-win", "escaped")), []string{"backslashes are not allowed"}},
		{"symlink", with(bpEntry{name: "lc/passwd", body: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777}),
			[]string{`"lc/passwd"`, "symbolic link"}},
		{"bomb", with(bpEntry{name: "lc/zeros.bin", body: mib(6)}), []string{"unpacks to more than 5242880 bytes (5 MB)"}},
		{"bomb-parts", with(sixParts...), []string{"unpacks to more than 5242880 bytes (5 MB)"}},
		{"too-big", tooBig, []string{"larger than the limit of 1048576 bytes (1 MB) compressed"}},
		{"bomb-lying-header", lyingBomb(t), []string{`"lc/zeros.bin"`}},
		{"not-zip", []byte("this is not a zip archive\n"), []string{"not a readable ZIP file"}},
		{"empty", []byte{}, []string{"not a readable ZIP file"}},
		{"no-cfg", bpZip(t, bpEntry{name: "lc/"}, bpFile("lc/layout.py", lcLayout)), []string{"no blueprint.cfg"}},
		{"cfg-too-deep", bpZip(t, bpFile("lc/sub/blueprint.cfg", `{"layoutGenerator": "lc.layout.generate_layout"}`), bpFile("lc/layout.py", lcLayout)),
			[]string{"no blueprint.cfg", "lc/sub/blueprint.cfg"}},
	} {
		createBlueprint(t, b, c.name, writeArchive(t, c.archive))
		bp := waitBlueprintStatus(t, b, c.name, types.BlueprintStatusFailed)
		t.Logf("%s: %s", c.name, aws.ToString(bp.ErrorMessage))
		for _, f := range c.fragments {
			require.Contains(t, aws.ToString(bp.ErrorMessage), f, "blueprint %s", c.name)
		}
		require.Nil(t, bp.LastActiveDefinition, "blueprint %s", c.name)
		bpRequireNotExist(t, filepath.Join(b.cfg.DataDir, "blueprints", c.name))
		requireCode(t, startBlueprintRunErr(b, c.name, `{}`), "IllegalBlueprintStateException")
	}

	// Nothing escaped: not next to the data directory, not in it, not in
	// the temporary directory runs extract into.
	for _, name := range []string{evil, evil + "-nested", evil + "-win"} {
		bpRequireNotExist(t, filepath.Join(os.TempDir(), name), filepath.Join(filepath.Dir(b.cfg.DataDir), name),
			filepath.Join(b.cfg.DataDir, name), filepath.Join(b.cfg.DataDir, "blueprints", name))
	}
	bpRequireNotExist(t, absTarget)

	// The message may give the archive's size, but then its true size.
	msg := aws.ToString(getBlueprint(t, b, "too-big", false, false).ErrorMessage)
	if m := regexp.MustCompile(`archive is (\d+) bytes`).FindStringSubmatch(msg); m != nil {
		require.Equal(t, strconv.Itoa(len(tooBig)), m[1], "the size ErrorMessage gives for the archive: %s", msg)
	}
}

// lyingBomb returns a valid blueprint archive plus an entry whose header
// claims 100 bytes but which inflates to 6 MB of zeros, so only reading
// with a budget (not the declared sizes) can stop it.
func lyingBomb(t *testing.T) []byte {
	t.Helper()
	var packed bytes.Buffer
	fw, err := flate.NewWriter(&packed, flate.BestCompression)
	require.NoError(t, err)
	_, err = fw.Write(make([]byte, 6<<20))
	require.NoError(t, err)
	require.NoError(t, fw.Close())
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range []bpEntry{{name: "lc/"}, bpFile("lc/blueprint.cfg", `{"layoutGenerator": "lc.layout.generate_layout"}`),
		bpFile("lc/layout.py", lcLayout)} {
		f, err := w.Create(e.name)
		require.NoError(t, err)
		_, err = f.Write(e.body)
		require.NoError(t, err)
	}
	raw, err := w.CreateRaw(&zip.FileHeader{Name: "lc/zeros.bin", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(make([]byte, 100)),
		CompressedSize64: uint64(packed.Len()), UncompressedSize64: 100})
	require.NoError(t, err)
	_, err = raw.Write(packed.Bytes())
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}
