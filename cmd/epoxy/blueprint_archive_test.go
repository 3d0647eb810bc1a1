package main

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// Ensure hostile and oversized archives are refused through the API with
// FAILED and an ErrorMessage naming the problem (and the offending entry),
// that nothing of them is written anywhere (the targets of "../" and
// absolute entries do not exist, the data directory holds no copy), and
// that such a blueprint cannot run.
func TestBlueprint_HostileArchives(t *testing.T) {
	t.Parallel()
	b := setup(t)
	good := []gluetest.Entry{gluetest.Folder("lc/"), gluetest.File("lc/blueprint.cfg", `{"layoutGenerator": "lc.layout.generate_layout"}`),
		gluetest.File("lc/layout.py", lcLayout)}
	with := func(extra ...gluetest.Entry) []byte {
		return gluetest.Zip(t, append(append([]gluetest.Entry{}, good...), extra...)...)
	}
	// Unique names, so that a target found on disk can only come from here.
	evil := fmt.Sprintf("epoxy-evil-%s", strings.ToLower(rand.Text()[:12]))
	absTarget := filepath.Join(os.TempDir(), evil+"-abs")
	mib := func(n int) []byte { return make([]byte, n<<20) }
	random := make([]byte, 1<<20+100<<10)
	_, _ = rand.Read(random)
	sixParts := make([]gluetest.Entry, 6)
	for i := range sixParts {
		sixParts[i] = gluetest.Entry{Name: fmt.Sprintf("lc/part-%d.bin", i), Body: mib(1)}
	}
	tooBig := with(gluetest.Entry{Name: "lc/random.bin", Body: random, Stored: true})

	for _, c := range []struct {
		name      string
		archive   []byte
		fragments []string
	}{
		{"dotdot", with(gluetest.File("../"+evil, "escaped")), []string{`"../` + evil + `"`, `".." path elements are not allowed`}},
		{"dotdot-nested", with(gluetest.File("lc/../../"+evil+"-nested", "escaped")), []string{`"lc/../../` + evil + `-nested"`, `".."`}},
		{"absolute", with(gluetest.File(absTarget, "escaped")), []string{`"` + absTarget + `"`, "absolute paths are not allowed"}},
		{"backslash", with(gluetest.File(`lc\..\..\`+evil+"-win", "escaped")), []string{"backslashes are not allowed"}},
		{"symlink", with(gluetest.Symlink("lc/passwd", "/etc/passwd")),
			[]string{`"lc/passwd"`, "symbolic link"}},
		{"bomb", with(gluetest.Entry{Name: "lc/zeros.bin", Body: mib(6)}), []string{"unpacks to more than 5242880 bytes (5 MB)"}},
		{"bomb-parts", with(sixParts...), []string{"unpacks to more than 5242880 bytes (5 MB)"}},
		{"too-big", tooBig, []string{"larger than the limit of 1048576 bytes (1 MB) compressed"}},
		{"bomb-lying-header", gluetest.LyingBomb(t, "lc/zeros.bin", good...), []string{`"lc/zeros.bin"`}},
		{"not-zip", []byte("this is not a zip archive\n"), []string{"not a readable ZIP file"}},
		{"empty", []byte{}, []string{"not a readable ZIP file"}},
		{"no-cfg", gluetest.Zip(t, gluetest.Folder("lc/"), gluetest.File("lc/layout.py", lcLayout)), []string{"no blueprint.cfg"}},
		{"cfg-too-deep", gluetest.Zip(t, gluetest.File("lc/sub/blueprint.cfg", `{"layoutGenerator": "lc.layout.generate_layout"}`), gluetest.File("lc/layout.py", lcLayout)),
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
