package engine

import (
	"context"
	"testing"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/stretchr/testify/require"
)

// Crash recovery at every step of a job run's life, through the harness: a
// crash throws the dispatcher away and a new one recovers on the same store
// and the same processes. Every node runs exactly once and no crash is
// counted as the job's failure.

func chainHarness(t *testing.T) (*harness, string) {
	h := newHarness(t)
	h.job("a", func(j *glue.Job) { j.MaxRetries = 2 })
	h.job("b")
	h.workflow("chain", jobs("a"), when("after-a", "", glue.JobRunSucceeded, []string{"a"}, "b"))
	return h, h.startRun("chain")
}

// finishChain ends a (if still running) and b, and checks each ran once.
func (h *harness) finishChain(id string) {
	h.t.Helper()
	if a := h.only("a"); !a.JobRunState.Terminal() {
		h.exit(a.ID, 0)
		h.pass()
	}
	h.pass()
	h.exit(h.only("b").ID, 0)
	h.pass()
	r := h.requireStatus("chain", id, glue.WorkflowRunCompleted)
	require.Equal(h.t, glue.WorkflowRunStatistics{TotalActions: 2, SucceededActions: 2}, *r.Statistics)
	require.Equal(h.t, 1, h.exec.startCount(h.only("a").ID), "a started once")
	require.Equal(h.t, 1, h.exec.startCount(h.only("b").ID), "b started once")
}

// Ensure a run created but not yet claimed is dispatched after a crash.
func TestRecover_CrashBeforeClaim(t *testing.T) {
	t.Parallel()
	h, id := chainHarness(t)
	h.crash()
	h.pass()
	h.requireState("a", glue.JobRunRunning)
	h.finishChain(id)
}

// Ensure a run claimed (RUNNING) whose process never started goes back to
// STARTING on recovery and runs once, as the same attempt, not FAILED.
func TestRecover_CrashBetweenClaimAndStart(t *testing.T) {
	t.Parallel()
	h, id := chainHarness(t)
	h.update(func(ctx context.Context, tx store.Tx) error {
		_, err := h.engine.m.claim(ctx, tx, []string{h.only("a").ID}, "local")
		return err
	})
	h.requireState("a", glue.JobRunRunning)
	h.crash()
	h.requireState("a", glue.JobRunStarting)
	h.pass()
	require.Equal(t, int32(0), h.only("a").Attempt)
	h.finishChain(id)
}

// Ensure a STOPPING run whose process never started ends STOPPED on
// recovery.
func TestRecover_StoppingNeverStarted(t *testing.T) {
	t.Parallel()
	h, id := chainHarness(t)
	h.update(func(ctx context.Context, tx store.Tx) error {
		_, err := h.engine.m.claim(ctx, tx, []string{h.only("a").ID}, "local")
		return err
	})
	require.NoError(t, h.engine.StopWorkflowRun(h.ctx, "chain", id))
	h.crash()
	h.requireState("a", glue.JobRunStopped)
	h.requireStatus("chain", id, glue.WorkflowRunStopped)
	require.Zero(t, h.exec.startCount(h.only("a").ID))
}

// Ensure a process still running at the crash is adopted, not started
// again, and its end is recorded by the new server.
func TestRecover_CrashWhileRunning(t *testing.T) {
	t.Parallel()
	h, id := chainHarness(t)
	h.pass()
	h.crash()
	h.requireState("a", glue.JobRunRunning)
	h.pass()
	h.finishChain(id)
}

// Ensure a process that ended while no server watched is recorded with its
// outcome, fires what it should once, and is not run again.
func TestRecover_EndedWhileDown(t *testing.T) {
	t.Parallel()
	h, id := chainHarness(t)
	h.pass()
	h.stop() // the server dies first ...
	h.engine.disp.wg.Wait()
	require.True(t, h.exec.proc(h.only("a").ID).finish(glue.ProcessResult{ExitCode: 0})) // ... then a ends
	h.crash()
	h.waitHandedOver(h.only("a").ID)
	h.pass()
	h.requireState("a", glue.JobRunSucceeded)
	h.finishChain(id)
}

// Ensure a job that failed while no server watched is retried per
// MaxRetries, once.
func TestRecover_FailedWhileDown(t *testing.T) {
	t.Parallel()
	h, id := chainHarness(t)
	h.pass()
	first := h.only("a").ID
	h.stop()
	h.engine.disp.wg.Wait()
	h.exec.proc(first).finish(glue.ProcessResult{ExitCode: 2, Error: "the job's process exited with status 2"})
	h.crash()
	h.waitHandedOver(first)
	h.pass()
	h.requireState("a", glue.JobRunFailed, glue.JobRunRunning)
	h.exit(h.runsOf("a")[1].ID, 0)
	h.pass()
	h.pass()
	h.exit(h.only("b").ID, 0)
	h.pass()
	h.requireStatus("chain", id, glue.WorkflowRunCompleted)
}

// Ensure a crash after an end was recorded (and its trigger fired) neither
// records it again nor fires twice.
func TestRecover_CrashAfterRecord(t *testing.T) {
	t.Parallel()
	h, id := chainHarness(t)
	h.pass()
	h.exit(h.only("a").ID, 0)
	h.pass()
	h.crash()
	h.pass()
	require.Len(t, h.runsOf("b"), 1)
	h.finishChain(id)
}
