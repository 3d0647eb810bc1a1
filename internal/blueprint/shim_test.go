package blueprint_test

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/blueprint"
)

var shimList = []string{
	"awsglue/blueprint/base_resource.py",
	"awsglue/blueprint/crawler.py",
	"awsglue/blueprint/job.py",
	"awsglue/blueprint/workflow.py",
	"epoxy_layout_runner.py",
}

// Ensure the embedded shim holds exactly the library modules and the
// runner: no tests, no caches.
func TestShimFiles(t *testing.T) {
	t.Parallel()
	var files []string
	require.NoError(t, fs.WalkDir(blueprint.ShimFiles(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	}))
	require.Equal(t, shimList, files)
}

// Ensure InstallShim writes the shim (twice, replacing the first copy)
// with the expected permissions and no temporary files left.
func TestInstallShim(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "runtime", "blueprint")
	require.NoError(t, blueprint.InstallShim(dir))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "epoxy_layout_runner.py"), []byte("stale"), 0o644))
	require.NoError(t, blueprint.InstallShim(dir))

	require.Equal(t, []string{"awsglue", "awsglue/blueprint", shimList[0], shimList[1], shimList[2], shimList[3], shimList[4]}, treeOf(t, dir))
	want, err := fs.ReadFile(blueprint.ShimFiles(), "epoxy_layout_runner.py")
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(dir, "epoxy_layout_runner.py"))
	require.NoError(t, err)
	require.Equal(t, want, got)
	info, err := os.Stat(filepath.Join(dir, "awsglue", "blueprint", "job.py"))
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o600), info.Mode().Perm())
	info, err = os.Stat(filepath.Join(dir, "awsglue", "blueprint"))
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o700), info.Mode().Perm())
}

// Ensure suffixes are short, lower-case alphanumeric and different.
func TestNewSuffix(t *testing.T) {
	t.Parallel()
	pattern := regexp.MustCompile(`^[a-z0-9]{8}$`)
	seen := map[string]bool{}
	for range 1000 {
		s := blueprint.NewSuffix()
		require.Regexp(t, pattern, s)
		require.False(t, seen[s], "repeated suffix %s", s)
		seen[s] = true
	}
}

// Ensure the shim's own Python test suite (python/tests, standard library
// only) passes, so that it runs with the Go tests.
func TestShimPythonSuite(t *testing.T) {
	t.Parallel()
	requirePython(t)
	cmd := exec.Command("python3", "-m", "unittest", "discover", "-s", "tests")
	cmd.Dir = "python"
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "python3 -m unittest in internal/blueprint/python:\n%s", out)
}
