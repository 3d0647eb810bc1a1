package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// openServer starts Epoxy on cfg's data directory like setupWith, but
// returns a function that shuts it down, so a test can restart it on the
// same data directory. The shutdown also runs at cleanup if the test has
// not called it.
func openServer(t *testing.T, cfg *serveConfig) (*testBundle, func()) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	a, err := openApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "http://"+srv.Listener.Addr().String())
	require.NoError(t, err)
	srv.Config.Handler = a.handler
	srv.Start()
	var once sync.Once
	shutdown := func() {
		once.Do(func() {
			srv.Close()
			require.NoError(t, a.Close())
		})
	}
	t.Cleanup(shutdown)
	return &testBundle{client: newClient(srv.URL, cfg.Region), url: srv.URL, cfg: cfg, app: a, srv: srv}, shutdown
}

// Ensure the restart policy of engine/recover.go: a job process still
// running when the server stopped is adopted (watched to its end, then the
// run goes on: its trigger fires once), a process that ended while the
// server was down has the outcome its bootstrap recorded, and one that died
// leaving no outcome ends FAILED with a message saying so and is retried
// per MaxRetries.
func TestRunRestart_AdoptsJobProcesses(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	b, shutdown := openServer(t, cfg)
	dir := t.TempDir()
	ok := pyScript(t, dir, "ok", "print('ok')\n")
	gated := pyScript(t, dir, "gated", runGateScript(dir))
	marker := filepath.Join(dir, "victim-ran")
	victim := pyScript(t, dir, "victim", fmt.Sprintf(`import os, sys, time
if os.path.exists(%q):
    sys.exit(0)
open(%q, "w").close()
run_id = sys.argv[sys.argv.index("--JOB_RUN_ID") + 1]
open(os.path.join(%q, run_id + ".pid"), "w").write(str(os.getpid()))
time.sleep(60)
`, marker, marker, dir))

	// adopt: a is still running across the restart.
	mustWorkflow(t, b, "adopt")
	scriptJob(t, b, "a", gated)
	scriptJob(t, b, "after-a", ok)
	mustTrigger(t, b, startTrigger("adopt", "adopt-start", jobAction("a")))
	mustTrigger(t, b, condTrigger("adopt", "adopt-next", "", []types.Condition{jobCond("a", types.JobRunStateSucceeded)}, jobAction("after-a")))
	// finish: f ends while the server is down.
	mustWorkflow(t, b, "finish")
	scriptJob(t, b, "f", gated)
	scriptJob(t, b, "after-f", ok)
	mustTrigger(t, b, startTrigger("finish", "finish-start", jobAction("f")))
	mustTrigger(t, b, condTrigger("finish", "finish-next", "", []types.Condition{jobCond("f", types.JobRunStateSucceeded)}, jobAction("after-f")))
	// lost: v is killed while the server is down, leaving no outcome.
	mustWorkflow(t, b, "lost")
	scriptJob(t, b, "v", victim, func(in *glue.CreateJobInput) { in.MaxRetries = 1 })
	mustTrigger(t, b, startTrigger("lost", "lost-start", jobAction("v")))

	adoptRun := startRun(t, b, "adopt", nil)
	finishRun := startRun(t, b, "finish", nil)
	lostRun := startRun(t, b, "lost", nil)
	waitRunningIn(t, b, "adopt", adoptRun, "a")
	f := waitRunningIn(t, b, "finish", finishRun, "f")
	v := waitRunningIn(t, b, "lost", lostRun, "v")
	victimPID := readPID(t, filepath.Join(dir, aws.ToString(v.Id)+".pid"))

	shutdown()
	gluetest.OpenGate(t, filepath.Join(dir, finishRun+".gate"))
	require.NoError(t, syscall.Kill(victimPID, syscall.SIGKILL))
	gluetest.Eventually(t, runWait, func() bool { return gluetest.ProcessGone(victimPID) }, "victim %d still runs", victimPID)
	// f ends, leaving its outcome, before the restart.
	status := filepath.Join(executor.RunDir(cfg.DataDir, aws.ToString(f.Id)), "status-*.json")
	gluetest.Eventually(t, runWait, func() bool {
		found, _ := filepath.Glob(status)
		return len(found) == 1
	}, "f left no outcome in %s", status)

	b2, _ := openServer(t, cfg)
	// a ends only now, while the new server watches it.
	gluetest.OpenGate(t, filepath.Join(dir, adoptRun+".gate"))

	run := waitRunStatus(t, b2, "adopt", adoptRun, types.WorkflowRunStatusCompleted, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 2, SucceededActions: 2}, run)
	require.Len(t, allJobRuns(t, b2, "a"), 1, "the adopted process was not started again")
	require.Len(t, allJobRuns(t, b2, "after-a"), 1, "the trigger fired once")

	run = waitRunStatus(t, b2, "finish", finishRun, types.WorkflowRunStatusCompleted, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 2, SucceededActions: 2}, run)
	require.Equal(t, types.JobRunStateSucceeded, onlyJobRun(t, run, "f").JobRunState, "the outcome the process left is kept")
	require.Len(t, allJobRuns(t, b2, "f"), 1)

	run = waitRunStatus(t, b2, "lost", lostRun, types.WorkflowRunStatusCompleted, runWait)
	attempts := allJobRuns(t, b2, "v")
	require.Len(t, attempts, 2, "the lost run is retried per MaxRetries")
	require.Equal(t, int32(0), attempts[1].Attempt)
	require.Equal(t, types.JobRunStateFailed, attempts[1].JobRunState)
	require.NotEmpty(t, aws.ToString(attempts[1].ErrorMessage))
	require.Equal(t, int32(1), attempts[0].Attempt)
	require.Equal(t, types.JobRunStateSucceeded, attempts[0].JobRunState)
	require.Equal(t, aws.ToString(attempts[1].Id), aws.ToString(attempts[0].PreviousRunId))
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 2, FailedActions: 1, SucceededActions: 1}, run)
}
