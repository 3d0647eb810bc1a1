package executor

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/gluetest"
	"github.com/stretchr/testify/require"
)

// wait bounds every wait of these tests for a process or a file. It only
// catches hangs: python on a busy machine may take seconds to start.
const wait = 2 * time.Minute

func newTestLocal(t *testing.T, dataDir string, edit ...func(*Config)) *Local {
	t.Helper()
	cfg := Config{DataDir: dataDir, Python: "python3", MaxLogBytes: 1 << 20,
		Env: []string{"AWS_ACCESS_KEY_ID=epoxy", "AWS_SECRET_ACCESS_KEY=epoxy"}}
	for _, e := range edit {
		e(&cfg)
	}
	l, err := NewLocal(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, l.Close()) })
	return l
}

func script(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "job.py")
	require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
	return p
}

func pySpec(id, scriptPath string) *glue.RunSpec {
	return &glue.RunSpec{JobRunID: id, Job: &glue.Job{Name: "j",
		Command: glue.JobCommand{Name: glue.CommandPythonShell, ScriptLocation: scriptPath}},
		Argv: []string{"--JOB_RUN_ID", id}}
}

func start(t *testing.T, l *Local, spec *glue.RunSpec) glue.Process {
	t.Helper()
	p, err := l.Start(context.Background(), spec)
	require.NoError(t, err)
	return p
}

func result(t *testing.T, p glue.Process) glue.ProcessResult {
	t.Helper()
	select {
	case res := <-p.Done():
		return res
	case <-time.After(wait):
		t.Fatalf("process %d did not end within %s", p.PID(), wait)
		return glue.ProcessResult{}
	}
}

// eventually polls cond until it holds, failing the test after wait.
func eventually(t *testing.T, cond func() bool, msg string) {
	t.Helper()
	gluetest.Eventually(t, wait, cond, "%s", msg)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func mkfifo(path string) error { return syscall.Mkfifo(path, 0o600) }
