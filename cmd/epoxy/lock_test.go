package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/stretchr/testify/require"
)

// Ensure a data directory's lock refuses a second holder, naming the first
// (pid and endpoint), and is free again once released.
func TestLockDataDir_Exclusive(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, err := lockDataDir(dir, "http://127.0.0.1:1111")
	require.NoError(t, err)
	_, err = lockDataDir(dir, "http://127.0.0.1:2222")
	require.ErrorIs(t, err, errDataDirInUse)
	require.Contains(t, err.Error(), "pid "+strconv.Itoa(os.Getpid()))
	require.Contains(t, err.Error(), "endpoint http://127.0.0.1:1111")
	require.NoError(t, first.Release())
	second, err := lockDataDir(dir, "http://127.0.0.1:2222")
	require.NoError(t, err)
	require.NoError(t, second.Release())
}

// Ensure a second `epoxy serve` on a data directory in use refuses to start
// (exit status non-zero, naming the first server's pid) and leaves the
// first serving; once the first is killed with SIGKILL, the kernel has
// released its lock and a new server starts on the directory.
func TestServe_OneServerPerDataDir(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	h := newDurHarness(t, durBinary(t))
	h.start()
	firstPid := h.srv.Process.Pid
	ctx := context.Background()
	_, err := h.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("kept")})
	require.NoError(t, err)

	cmdCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	out, err := exec.CommandContext(cmdCtx, h.bin, "serve", "--addr", durFreeAddr(t), "--data", h.data).CombinedOutput()
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr, "the second server must exit non-zero; output:\n%s", out)
	require.Contains(t, string(out), fmt.Sprintf("pid %d", firstPid))
	require.Contains(t, string(out), h.url)

	_, err = h.client.GetWorkflow(ctx, &glue.GetWorkflowInput{Name: aws.String("kept")})
	require.NoError(t, err, "the first server still serves")

	h.kill()
	h.start()
	_, err = h.client.GetWorkflow(ctx, &glue.GetWorkflowInput{Name: aws.String("kept")})
	require.NoError(t, err, "a new server starts once the first is gone")
}
