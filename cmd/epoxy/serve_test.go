package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

// Ensure `epoxy serve` reads its configuration from EPOXY_* variables, logs
// where it listens and where its data is, and shuts down cleanly on SIGTERM
// keeping what it acknowledged.
func TestServe_EnvironmentAndGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	bin := durBinary(t)
	data := filepath.Join(t.TempDir(), "data")
	addr := durFreeAddr(t)
	start := func() (*exec.Cmd, *bufio.Scanner) {
		cmd := exec.Command(bin, "serve")
		cmd.Env = append(os.Environ(), "EPOXY_ADDR="+addr, "EPOXY_DATA="+data, "EPOXY_LOG_FORMAT=json", "EPOXY_REGION=eu-west-1")
		stderr, err := cmd.StderrPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		return cmd, bufio.NewScanner(stderr)
	}
	cmd, logs := start()
	line := scanFor(t, logs, "epoxy listening")
	require.Contains(t, line, `"msg":"epoxy listening"`)
	require.Contains(t, line, addr)
	require.Contains(t, line, data)

	client := newClient("http://"+addr, "eu-west-1")
	_, err := client.CreateWorkflow(context.Background(), &glue.CreateWorkflowInput{Name: aws.String("kept")})
	require.NoError(t, err)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() {
		for logs.Scan() {
		}
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		require.NoError(t, err, "exit status 0 after SIGTERM")
	case <-time.After(20 * time.Second):
		t.Fatal("epoxy serve did not stop after SIGTERM")
	}

	_, logs = start()
	scanFor(t, logs, "epoxy listening")
	_, err = client.GetWorkflow(context.Background(), &glue.GetWorkflowInput{Name: aws.String("kept")})
	require.NoError(t, err)
}

// Ensure the README's own command works: `epoxy serve` with the default,
// relative --data, started from an arbitrary working directory, runs a job
// to SUCCEEDED and keeps its data under that directory.
func TestServe_DefaultDataDirRunsJobs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	bin := durBinary(t)
	work := t.TempDir()
	addr := durFreeAddr(t)
	cmd := exec.Command(bin, "serve", "--addr", addr)
	cmd.Dir = work
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "EPOXY_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	logs := bufio.NewScanner(stderr)
	require.Contains(t, scanFor(t, logs, "epoxy listening"), filepath.Join(work, "epoxy-data"), "the data directory is logged as an absolute path")
	go func() {
		for logs.Scan() {
		}
	}()

	b := &testBundle{client: newClient("http://"+addr, "us-east-1")}
	script := pyScript(t, t.TempDir(), "hello", "print('hello from a job')\n")
	scriptJob(t, b, "hello", script)
	id := startJobRun(t, b, &glue.StartJobRunInput{JobName: aws.String("hello")})
	waitJobRunState(t, b, "hello", id, types.JobRunStateSucceeded, runWait)
	require.DirExists(t, filepath.Join(work, "epoxy-data"))
}

// scanFor reads log lines until one contains want, and returns it.
func scanFor(t *testing.T, logs *bufio.Scanner, want string) string {
	t.Helper()
	for logs.Scan() {
		if strings.Contains(logs.Text(), want) {
			return logs.Text()
		}
	}
	t.Fatalf("the server's log ended without a line containing %q", want)
	return ""
}
