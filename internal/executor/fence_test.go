package executor

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// A server that dies while a job runs: the next one (a new Local on the
// same data directory) adopts the process the start marker names and reads
// its outcome from the status file.
func TestFence_ReattachAdoptsStartedProcess(t *testing.T) {
	t.Parallel()
	data, gate := t.TempDir(), filepath.Join(t.TempDir(), "gate")
	spec := pySpec("jr_adopt", script(t, `import os, time
while not os.path.exists(`+quote(gate)+`):
    time.sleep(0.02)
raise SystemExit("bad news")
`))
	first := start(t, newTestLocal(t, data), spec)
	lc, ok := currentLaunch(RunDir(data, spec.JobRunID))
	require.True(t, ok)
	eventually(t, func() bool { _, err := os.Stat(lc.marker()); return err == nil }, "the bootstrap never claimed its start")

	p, err := newTestLocal(t, data).Reattach(spec, 0, 0)
	require.NoError(t, err)
	require.Equal(t, first.PID(), p.PID(), "the process the marker names is adopted")
	require.Equal(t, first.StartTime(), p.StartTime())
	require.NoError(t, os.WriteFile(gate, nil, 0o600))
	res := result(t, p)
	require.Equal(t, 1, res.ExitCode)
	require.Equal(t, "exit status 1: bad news", res.Error)
	require.False(t, res.EndedAt.IsZero(), "the status file's time is the end")
	require.Equal(t, 1, result(t, first).ExitCode)
}

// A launch recorded but never started (the server died before exec): the
// recovering server fences it and gets ErrNotStarted; a bootstrap of that
// launch starting later exits 75 without running the script.
func TestFence_LaunchNeverStartedIsFenced(t *testing.T) {
	t.Parallel()
	data, ran := t.TempDir(), filepath.Join(t.TempDir(), "ran")
	l := newTestLocal(t, data)
	spec := pySpec("jr_fenced", script(t, "open("+quote(ran)+", 'w').close()\n"))

	_, err := l.Reattach(spec, 0, 0)
	require.ErrorIs(t, err, glue.ErrNotStarted, "no launch recorded: never started")

	lc, err := newLaunch(RunDir(data, spec.JobRunID))
	require.NoError(t, err)
	_, err = l.Reattach(spec, 0, 0)
	require.ErrorIs(t, err, glue.ErrNotStarted)
	require.Equal(t, "fenced\n", readFile(t, lc.marker()))
	_, err = newTestLocal(t, data).Reattach(spec, 0, 0)
	require.ErrorIs(t, err, glue.ErrNotStarted, "a fenced launch stays fenced")

	cmd := exec.Command(l.cfg.Python, filepath.Join(l.pythonDir, "epoxy_job_bootstrap.py"), spec.Job.Command.ScriptLocation)
	cmd.Env = append(os.Environ(), "EPOXY_START_MARKER="+lc.marker(), "EPOXY_STATUS_FILE="+lc.status())
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	require.True(t, errors.As(err, &exitErr), "%v: %s", err, out)
	require.Equal(t, fencedExit, exitErr.ExitCode())
	require.Contains(t, string(out), "fenced off")
	require.NoFileExists(t, ran, "the script of a fenced launch never runs")
	require.NoFileExists(t, lc.status())

	// The relaunch is a new launch, with a marker of its own.
	res := result(t, start(t, l, spec))
	require.Equal(t, 0, res.ExitCode, res.Error)
	require.FileExists(t, ran)
}

// Runners without the bootstrap (glueetl through --etl-runner) are fenced
// by a shell prologue: the same marker protocol.
func TestFence_ETLRunner(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	l := newTestLocal(t, data, func(c *Config) { c.ETLRunner = []string{"python3"} })
	spec := pySpec("jr_etl", script(t, "import sys\nprint('etl', sys.argv[1:])\n"))
	spec.Job.Command.Name = glue.CommandGlueETL
	p := start(t, l, spec)
	res := result(t, p)
	require.Equal(t, 0, res.ExitCode, res.Error)
	require.Contains(t, readFile(t, filepath.Join(LogDir(data, spec.JobRunID), "stdout")), "etl ['--JOB_RUN_ID', 'jr_etl']")
	lc, _ := currentLaunch(RunDir(data, spec.JobRunID))
	m := parseMark(readFile(t, lc.marker()))
	require.Equal(t, p.PID(), m.pid, "the runner exec'd in the process that claimed the marker")
	require.Equal(t, p.StartTime(), m.start)

	ran := filepath.Join(t.TempDir(), "ran")
	lc, err := newLaunch(RunDir(data, "jr_etl2"))
	require.NoError(t, err)
	_, err = l.Reattach(&glue.RunSpec{JobRunID: "jr_etl2", Job: spec.Job}, 0, 0)
	require.ErrorIs(t, err, glue.ErrNotStarted)
	cmd := exec.Command("/bin/sh", "-c", etlFence, "epoxy-fence", "touch", ran)
	cmd.Env = []string{"EPOXY_START_MARKER=" + lc.marker(), "PATH=" + defaultPath}
	err = cmd.Run()
	var exitErr *exec.ExitError
	require.True(t, errors.As(err, &exitErr), "%v", err)
	require.Equal(t, fencedExit, exitErr.ExitCode())
	require.NoFileExists(t, ran)
}

// For a process this server waited for, the wait status is the outcome: a
// status file the job forged is ignored.
func TestWatchedProcess_ForgedStatusIgnored(t *testing.T) {
	t.Parallel()
	l := newTestLocal(t, t.TempDir())
	res := result(t, start(t, l, pySpec("jr_forge", script(t, `import os, sys
with open(os.environ["EPOXY_STATUS_FILE"], "w") as f:
    f.write('{"exit": 0, "error": ""}')
sys.stderr.write("really failed\n")
sys.stderr.flush()
os._exit(3)
`))))
	require.Equal(t, 3, res.ExitCode)
	require.Equal(t, "the job's process exited with status 3: really failed", res.Error)

	res = result(t, start(t, l, pySpec("jr_forge_ok", script(t, `import os
with open(os.environ["EPOXY_STATUS_FILE"], "w") as f:
    f.write('{"exit": 5, "error": "fake"}')
`))))
	require.Equal(t, 0, res.ExitCode)
	require.Empty(t, res.Error)
}

// No signal ever goes to pid 0, 1 or below: kill(0, …) and kill(-1, …)
// reach the server's own group or every process.
func TestSignalGuard(t *testing.T) {
	var sent []int
	restore := kill
	kill = func(pid int, sig syscall.Signal) error { sent = append(sent, pid); return nil }
	t.Cleanup(func() { kill = restore })
	for _, pid := range []int{-5, -1, 0, 1} {
		signalGroup(pid, syscall.SIGKILL)
		signalProcess(pid, syscall.SIGKILL)
	}
	signalProcess(os.Getpid(), syscall.SIGKILL)
	p := newProcess(0, 0, "jr_x", t.TempDir(), launch{runDir: t.TempDir()})
	p.finish(glue.ProcessResult{ExitCode: -1, Error: "x"})
	p.Stop(0)
	killLeftovers(0, "jr_nothing_has_this_id")
	require.Empty(t, sent)
	signalGroup(4242, syscall.SIGTERM)
	require.Equal(t, []int{-4242}, sent)
}

func TestCheckRunID(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", ".", "..", "../x", "a/b", `a\b`, "/abs"} {
		require.Error(t, CheckRunID(id), id)
	}
	require.NoError(t, CheckRunID("jr_0123abc"))
	l := newTestLocal(t, t.TempDir())
	_, err := l.Start(t.Context(), pySpec("../escape", "/bin/true"))
	require.ErrorIs(t, err, errBadRunID)
	p, err := l.Reattach(pySpec("../escape", "/bin/true"), 0, 0)
	require.NoError(t, err, "the engine gets a process that failed, never another error")
	require.Contains(t, result(t, p).Error, "not a job run id")
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

// Ensure Close ends the watcher of an adopted process that still runs: the
// process goes on, its Done never delivers (the next server adopts it), and
// the watcher's goroutine is gone. Not parallel, so that the goroutines it
// compares are its own.
func TestReattach_CloseEndsWatcher(t *testing.T) {
	data, gate := t.TempDir(), filepath.Join(t.TempDir(), "gate")
	spec := pySpec("jr_closed", script(t, `import os, time
while not os.path.exists(`+quote(gate)+`):
    time.sleep(0.02)
`))
	first := start(t, newTestLocal(t, data), spec)
	lc, ok := currentLaunch(RunDir(data, spec.JobRunID))
	require.True(t, ok)
	eventually(t, func() bool { _, err := os.Stat(lc.marker()); return err == nil }, "the bootstrap never claimed its start")
	before := goleak.IgnoreCurrent()

	second, err := NewLocal(Config{DataDir: data, Python: "python3"})
	require.NoError(t, err)
	p, err := second.Reattach(spec, 0, 0)
	require.NoError(t, err)
	require.NoError(t, second.Close())
	goleak.VerifyNone(t, before)
	require.True(t, alive(p.PID(), p.StartTime()), "the process goes on")
	select {
	case res := <-p.Done():
		t.Fatalf("an adopted process ended by Close: %+v", res)
	default:
	}
	require.NoError(t, os.WriteFile(gate, nil, 0o600))
	require.Equal(t, 0, result(t, first).ExitCode)
}
