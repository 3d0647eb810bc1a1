package gluetest_test

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// Ensure a FailsFirstRun script fails once, saying so, then succeeds.
func TestFailsFirstRun(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	dir := t.TempDir()
	body := gluetest.FailsFirstRun(filepath.Join(dir, "marker"))
	out, err := exec.Command("python3", "-c", body).CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), gluetest.FirstRunError)
	out, err = exec.Command("python3", "-c", body).CombinedOutput()
	require.NoError(t, err, "%s", out)
}

// Ensure ProcessGone tells a running process from an ended one.
func TestProcessGone(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("sleep", "60")
	require.NoError(t, cmd.Start())
	require.False(t, gluetest.ProcessGone(cmd.Process.Pid))
	require.NoError(t, cmd.Process.Kill())
	gluetest.Eventually(t, time.Minute, func() bool { return gluetest.ProcessGone(cmd.Process.Pid) }, "killed process %d gone", cmd.Process.Pid)
	_ = cmd.Wait()
	require.True(t, gluetest.ProcessGone(cmd.Process.Pid))
}
