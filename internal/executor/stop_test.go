package executor

import (
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Ensure Stop never signals a pid that no longer names the process it was
// given (a process found again after a restart that ended unseen, its pid
// reused): here a live process whose start time differs is left alone.
func TestStop_ReusedPidLeftAlone(t *testing.T) {
	t.Parallel()
	other := exec.Command("sleep", "300")
	other.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, other.Start())
	t.Cleanup(func() { _ = other.Process.Kill(); _ = other.Wait() })
	start := processStart(other.Process.Pid)
	require.NotZero(t, start)

	stale := &process{pid: other.Process.Pid, start: start + 1, ended: make(chan struct{})}
	stale.Stop(time.Millisecond)
	require.True(t, alive(other.Process.Pid, start), "a process with another start time is not signalled")

	ended := &process{pid: other.Process.Pid, start: start, ended: make(chan struct{})}
	close(ended.ended)
	ended.Stop(time.Millisecond)
	require.True(t, alive(other.Process.Pid, start), "an ended process is not signalled")
}
