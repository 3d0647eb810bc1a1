package main

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/stretchr/testify/require"
)

// Ensure `epoxy serve` stopped with SIGTERM logs what it leaves in progress
// (a running job run, its workflow run) and says the next start adopts it.
func TestServe_ShutdownLogsWorkLeftRunning(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	h := newDurHarness(t, durBinary(t))
	h.start()
	ctx := context.Background()
	_, err := h.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("wf")})
	require.NoError(t, err)
	h.job("long", 120)
	h.onDemandStart("wf", "go", "long")
	_, err = h.client.StartWorkflowRun(ctx, &glue.StartWorkflowRunInput{Name: aws.String("wf")})
	require.NoError(t, err)
	h.waitFor("the job's process to start", time.Minute, func() bool { return len(h.starts()) == 1 })

	require.NoError(t, h.srv.Process.Signal(syscall.SIGTERM))
	select {
	case <-h.exited:
	case <-time.After(time.Minute):
		t.Fatal("epoxy serve did not exit after SIGTERM")
	}
	h.srv, h.exited, h.client = nil, nil, nil
	log, err := os.ReadFile(h.srvLog)
	require.NoError(t, err)
	var line string
	for _, l := range strings.Split(string(log), "\n") {
		if strings.Contains(l, "leaving work in progress") {
			line = l
		}
	}
	require.NotEmpty(t, line, "a shutdown line naming the work left:\n%s", log)
	for _, want := range []string{"adopts it", "job_runs_running=1", "job_runs_queued=0", "crawls=0", "workflow_runs=1"} {
		require.Contains(t, line, want)
	}
}
