package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Ensure the version line takes the module version when no -X version was
// given, and names the VCS revision, whether the tree was modified, and Go.
func TestDescribeBuild(t *testing.T) {
	t.Parallel()
	info := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/epoxy-run/epoxy", Version: "v0.3.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "true"},
			{Key: "vcs.time", Value: "2026-01-01T00:00:00Z"}}}
	require.Equal(t, "epoxy v0.3.0 (revision abc123, modified, 2026-01-01T00:00:00Z, go1.26.0)", describeBuild("dev", info))
	require.Equal(t, "epoxy 1.0.0 (revision abc123, modified, 2026-01-01T00:00:00Z, go1.26.0)", describeBuild("1.0.0", info),
		"a version set at link time wins")
	devel := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}
	require.Equal(t, "epoxy dev", describeBuild("dev", devel))
}

// Ensure `epoxy version` of a binary built from this repository names the
// git revision it was built from.
func TestVersionCommand_NamesRevision(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	rev, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skip("not in a git checkout")
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	require.NoError(t, err)
	if fi, err := os.Stat(filepath.Join(strings.TrimSpace(string(top)), ".git")); err != nil || !fi.IsDir() {
		t.Skip("a git worktree: the go command stamps VCS information only from a .git directory")
	}
	bin := filepath.Join(t.TempDir(), "epoxy")
	built, err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build:\n%s", built)
	out, err := exec.CommandContext(context.Background(), bin, "version").Output()
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(out, []byte("epoxy ")), "output: %s", out)
	require.Contains(t, string(out), "revision "+strings.TrimSpace(string(rev)))
}
