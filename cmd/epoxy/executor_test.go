package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// runJob creates a pythonshell job running body and starts a run of it.
func runJob(t *testing.T, b *testBundle, name, body string) string {
	t.Helper()
	scriptJob(t, b, name, pyScript(t, t.TempDir(), name, body))
	return startJobRun(t, b, &glue.StartJobRunInput{JobName: aws.String(name)})
}

// Children a job leaves behind, in its process group or escaped with
// setsid, are killed when its run ends.
func TestExecutor_LeftoverProcessesKilled(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pids := filepath.Join(t.TempDir(), "pids")
	id := runJob(t, b, "leaver", fmt.Sprintf(`import subprocess
plain = subprocess.Popen(["sleep", "1000"])
daemon = subprocess.Popen(["setsid", "sleep", "1000"])
with open(%q + ".tmp", "w") as f:
    f.write("%%d %%d" %% (plain.pid, daemon.pid))
import os
os.replace(%q + ".tmp", %q)
`, pids, pids, pids))
	waitJobRunState(t, b, "leaver", id, types.JobRunStateSucceeded, runWait)
	var plain, daemon int
	_, err := fmt.Sscanf(readTestFile(t, pids), "%d %d", &plain, &daemon)
	require.NoError(t, err)
	gluetest.Eventually(t, runWait, func() bool { return gluetest.ProcessGone(plain) }, "background child %d still runs", plain)
	gluetest.Eventually(t, runWait, func() bool { return gluetest.ProcessGone(daemon) }, "setsid daemon %d still runs", daemon)
}

// Output over --max-log-bytes is cut with a marker line, followed by the
// last line written, which `epoxy logs` shows.
func TestExecutor_LogTruncated(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	cfg.MaxLogBytes = 4096
	b := setupWith(t, cfg)
	id := runJob(t, b, "chatty", "for i in range(10000):\n    print('line', i)\n")
	waitJobRunState(t, b, "chatty", id, types.JobRunStateSucceeded, runWait)
	out, _, err := runCLI(t, "logs", "--data", cfg.DataDir, "--stream", "stdout", id)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(out, "line 0\nline 1\n"), out[:20])
	const end = "\n--- epoxy: output truncated at 4096 bytes ---\nline 9999\n"
	require.True(t, strings.HasSuffix(out, end), out[len(out)-80:])
	require.Len(t, out, 4096+len(end))
}

// A pythonshell script needing Spark fails saying so, not with a bare
// ImportError.
func TestExecutor_SparkImportFails(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := runJob(t, b, "etl-in-shell", "import sys\nfrom awsglue.context import GlueContext\n")
	r := waitJobRunState(t, b, "etl-in-shell", id, types.JobRunStateFailed, runWait)
	require.Contains(t, aws.ToString(r.ErrorMessage), "needs a Spark runtime")
	require.Contains(t, aws.ToString(r.ErrorMessage), "glueetl")
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// `epoxy logs --follow` prints a running job's output as it comes and
// returns once the run has ended.
func TestExecutor_LogsFollow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	gate := filepath.Join(t.TempDir(), "gate")
	id := runJob(t, b, "follow", fmt.Sprintf(`import os, sys, time
print("before the gate", flush=True)
while not os.path.exists(%q):
    time.sleep(0.02)
print("after the gate")
sys.stderr.write("bye\n")
`, gate))
	waitJobRunState(t, b, "follow", id, types.JobRunStateRunning, runWait)
	var out, notes syncBuffer
	done := make(chan error, 1)
	go func() {
		// --follow waits for a run whose process has not started yet
		// (RUNNING is visible a moment before its output exists), noting
		// so on stderr.
		done <- run(context.Background(), []string{"logs", id, "--data", b.cfg.DataDir, "--follow"}, &out, &notes)
	}()
	gluetest.Eventually(t, runWait, func() bool { return strings.Contains(out.String(), "before the gate") }, "no output followed")
	select {
	case err := <-done:
		t.Fatalf("logs --follow returned while the job still runs: %v", err)
	default:
	}
	gluetest.OpenGate(t, gate)
	waitJobRunState(t, b, "follow", id, types.JobRunStateSucceeded, runWait)
	gluetest.Eventually(t, runWait, func() bool {
		select {
		case err := <-done:
			require.NoError(t, err)
			return true
		default:
			return false
		}
	}, "logs --follow did not return after the run ended")
	require.Equal(t, "==> stdout <==\nbefore the gate\nafter the gate\n==> stderr <==\nbye\n", out.String())
}

// boto3 in a job reaches Epoxy: the endpoint variables of a recent botocore
// or, under an interpreter whose botocore predates them (Debian's
// python3-boto3), the bootstrap's patch.
func TestExecutor_JobBoto3ReachesEpoxy(t *testing.T) {
	t.Parallel()
	for name, python := range map[string]string{"current": "python3", "debian": "/usr/bin/python3"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			v, err := exec.Command(python, "-c", "import boto3, botocore; print(botocore.__version__)").Output()
			if err != nil {
				t.Skipf("%s has no boto3 (for the old-botocore case: apt install python3-boto3)", python)
			}
			t.Logf("%s has botocore %s", python, strings.TrimSpace(string(v)))
			cfg := testConfig(t)
			cfg.Python = python
			b := setupWith(t, cfg)
			id := runJob(t, b, "caller", `import boto3
print("found", boto3.client("glue").get_job(JobName="caller")["Job"]["Name"])
`)
			r := waitJobRunState(t, b, "caller", id, types.JobRunStateSucceeded, runWait)
			require.Empty(t, aws.ToString(r.ErrorMessage))
			require.Equal(t, "found caller\n", readTestFile(t, filepath.Join(executor.LogDir(cfg.DataDir, id), "stdout")))
		})
	}
}

func readTestFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func TestExecutor_MaxLogBytesFlag(t *testing.T) {
	t.Setenv("EPOXY_MAX_LOG_BYTES", "5000")
	cfg, err := parseServeFlags(nil, io.Discard)
	require.NoError(t, err)
	require.Equal(t, int64(5000), cfg.MaxLogBytes)
	cfg, err = parseServeFlags([]string{"--max-log-bytes", "0"}, io.Discard)
	require.NoError(t, err)
	require.Zero(t, cfg.MaxLogBytes, "the flag wins over the environment")
	for _, bad := range []string{"-1", "10MB", ""} {
		_, err = parseServeFlags([]string{"--max-log-bytes", bad}, io.Discard)
		require.ErrorContains(t, err, "--max-log-bytes", bad)
	}
}
