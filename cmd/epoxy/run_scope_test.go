package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// runGateScript waits until dir/<key>.gate exists, where key is the
// workflow run id (or, outside a workflow, the job run id), so a test can
// release each run separately.
func runGateScript(dir string) string {
	return fmt.Sprintf(`import os, sys, time
def arg(k):
    return sys.argv[sys.argv.index(k) + 1] if k in sys.argv else ""
key = arg("--WORKFLOW_RUN_ID") or arg("--JOB_RUN_ID")
gate = os.path.join(%q, key + ".gate")
deadline = time.time() + 60
while not os.path.exists(gate):
    if time.time() > deadline:
        sys.exit("the gate never opened")
    time.sleep(0.02)
`, dir)
}

// waitRunningIn waits until the run's graph shows job running and returns
// that job run.
func waitRunningIn(t *testing.T, b *testBundle, workflow, runID, job string) types.JobRun {
	t.Helper()
	var jr types.JobRun
	gluetest.Eventually(t, runWait, func() bool {
		runs := nodeJobRuns(t, getRun(t, b, workflow, runID), job)
		if len(runs) == 1 && runs[0].JobRunState == types.JobRunStateRunning {
			jr = runs[0]
			return true
		}
		return false
	}, "job %s never ran in run %s", job, runID)
	return jr
}

// Ensure a run keeps the triggers it started with (later trigger edits and
// new triggers apply to later runs only) while job definitions are read
// when each action starts.
func TestRunScope_TriggerSnapshot(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	writer := func(version string) string {
		return pyScript(t, dir, "b-"+version, fmt.Sprintf(`import os, sys
run_id = sys.argv[sys.argv.index("--WORKFLOW_RUN_ID") + 1]
open(os.path.join(%q, run_id + ".b"), "w").write(%q)
`, dir, version))
	}
	ok := pyScript(t, dir, "ok", "print('ok')\n")
	mustWorkflow(t, b, "snap")
	scriptJob(t, b, "a", pyScript(t, dir, "gate", runGateScript(dir)))
	scriptJob(t, b, "b", writer("v1"))
	scriptJob(t, b, "x", ok)
	scriptJob(t, b, "y", ok)
	mustTrigger(t, b, startTrigger("snap", "start", jobAction("a")))
	mustTrigger(t, b, condTrigger("snap", "after-a", "", []types.Condition{jobCond("a", types.JobRunStateSucceeded)}, jobAction("b")))

	first := startRun(t, b, "snap", nil)
	waitRunningIn(t, b, "snap", first, "a")
	_, err := b.client.UpdateTrigger(ctx, &glue.UpdateTriggerInput{Name: aws.String("after-a"), TriggerUpdate: &types.TriggerUpdate{
		Predicate: &types.Predicate{Conditions: []types.Condition{jobCond("a", types.JobRunStateSucceeded)}},
		Actions:   []types.Action{jobAction("x")}}})
	require.NoError(t, err)
	mustTrigger(t, b, condTrigger("snap", "late", "", []types.Condition{jobCond("a", types.JobRunStateSucceeded)}, jobAction("y")))
	_, err = b.client.UpdateJob(ctx, &glue.UpdateJobInput{JobName: aws.String("b"), JobUpdate: &types.JobUpdate{Role: aws.String(runRole),
		Command: &types.JobCommand{Name: aws.String("pythonshell"), ScriptLocation: aws.String(writer("v2"))}}})
	require.NoError(t, err)

	gluetest.OpenGate(t, filepath.Join(dir, first+".gate"))
	run := waitRunStatus(t, b, "snap", first, types.WorkflowRunStatusCompleted, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 2, SucceededActions: 2}, run)
	require.Equal(t, types.JobRunStateSucceeded, onlyJobRun(t, run, "b").JobRunState, "the run fires the trigger as it was when the run started")
	require.Empty(t, allJobRuns(t, b, "x"), "the edited action does not apply to the running run")
	require.Empty(t, allJobRuns(t, b, "y"), "a trigger created during the run does not apply to it")
	got, err := os.ReadFile(filepath.Join(dir, first+".b"))
	require.NoError(t, err)
	require.Equal(t, "v2", string(got), "the job's definition is read when its action starts")

	second := startRun(t, b, "snap", nil)
	gluetest.OpenGate(t, filepath.Join(dir, second+".gate"))
	run = waitRunStatus(t, b, "snap", second, types.WorkflowRunStatusCompleted, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 3, SucceededActions: 3}, run)
	require.Equal(t, "after-a", aws.ToString(onlyJobRun(t, run, "x").TriggerName))
	require.Equal(t, "late", aws.ToString(onlyJobRun(t, run, "y").TriggerName))
	require.Len(t, allJobRuns(t, b, "b"), 1, "b is no longer an action")
}

// Ensure conditional triggers see only their own run: a job ending in one
// run fires nothing in a concurrent run of the same workflow, nor does a
// run of the job started outside the workflow (directly or by a standalone
// trigger); a job run inside a workflow does not fire standalone triggers;
// and, as Epoxy decides, a workflow trigger that was never activated does
// not fire.
func TestRunScope_RunIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	ok := pyScript(t, dir, "ok", "print('ok')\n")
	mustWorkflow(t, b, "iso")
	scriptJob(t, b, "a", pyScript(t, dir, "gate", runGateScript(dir)), withMaxConcurrent(5))
	scriptJob(t, b, "b", ok, withMaxConcurrent(5))
	scriptJob(t, b, "outsider", ok)
	scriptJob(t, b, "never", ok)
	mustTrigger(t, b, startTrigger("iso", "start", jobAction("a")))
	mustTrigger(t, b, condTrigger("iso", "after-a", "", []types.Condition{jobCond("a", types.JobRunStateSucceeded)}, jobAction("b")))
	dormant := condTrigger("iso", "dormant", "", []types.Condition{jobCond("a", types.JobRunStateSucceeded)}, jobAction("never"))
	dormant.StartOnCreation = false
	mustTrigger(t, b, dormant)
	mustTrigger(t, b, condTrigger("", "outside", "", []types.Condition{jobCond("a", types.JobRunStateSucceeded)}, jobAction("outsider")))
	mustTrigger(t, b, &glue.CreateTriggerInput{Name: aws.String("kick-a"), Type: types.TriggerTypeOnDemand, Actions: []types.Action{jobAction("a")}})

	one := startRun(t, b, "iso", nil)
	two := startRun(t, b, "iso", nil)
	waitRunningIn(t, b, "iso", one, "a")
	waitRunningIn(t, b, "iso", two, "a")

	gluetest.OpenGate(t, filepath.Join(dir, one+".gate"))
	run := waitRunStatus(t, b, "iso", one, types.WorkflowRunStatusCompleted, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 2, SucceededActions: 2}, run)
	other := getRun(t, b, "iso", two)
	require.Equal(t, types.WorkflowRunStatusRunning, other.Status)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 1, RunningActions: 1}, other)
	require.Empty(t, nodeJobRuns(t, other, "b"), "run one's a does not fire run two's trigger")

	// A run of a started by StartJobRun fires no workflow trigger.
	direct := startJobRun(t, b, &glue.StartJobRunInput{JobName: aws.String("a")})
	gluetest.OpenGate(t, filepath.Join(dir, direct+".gate"))
	waitJobRunState(t, b, "a", direct, types.JobRunStateSucceeded, runWait)

	// A run of a started by a standalone trigger fires the standalone
	// trigger watching a, and no workflow trigger.
	_, err := b.client.StartTrigger(ctx, &glue.StartTriggerInput{Name: aws.String("kick-a")})
	require.NoError(t, err)
	var kicked string
	gluetest.Eventually(t, runWait, func() bool {
		for _, r := range allJobRuns(t, b, "a") {
			if aws.ToString(r.TriggerName) == "kick-a" {
				kicked = aws.ToString(r.Id)
				return true
			}
		}
		return false
	}, "kick-a started nothing")
	gluetest.OpenGate(t, filepath.Join(dir, kicked+".gate"))
	waitJobRunState(t, b, "a", kicked, types.JobRunStateSucceeded, runWait)
	gluetest.Eventually(t, runWait, func() bool {
		runs := allJobRuns(t, b, "outsider")
		return len(runs) == 1 && runs[0].JobRunState == types.JobRunStateSucceeded
	}, "the standalone trigger did not fire for a trigger-started run")
	require.Len(t, allJobRuns(t, b, "b"), 1, "runs outside the workflow fire none of its triggers")
	require.Empty(t, nodeJobRuns(t, getRun(t, b, "iso", two), "b"))

	gluetest.OpenGate(t, filepath.Join(dir, two+".gate"))
	run = waitRunStatus(t, b, "iso", two, types.WorkflowRunStatusCompleted, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 2, SucceededActions: 2}, run)
	require.Len(t, allJobRuns(t, b, "b"), 2)
	require.Len(t, allJobRuns(t, b, "outsider"), 1, "job runs inside a workflow fire no standalone trigger")
	require.Empty(t, allJobRuns(t, b, "never"), "a trigger that is not ACTIVATED does not fire")
}

// Ensure a job run stopped by BatchStopJobRun inside a workflow run ends
// STOPPED and fires the run's trigger watching STOPPED (the run itself is
// not stopping), and the run ends COMPLETED.
func TestRunScope_BatchStopInsideWorkflow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	ok := pyScript(t, dir, "ok", "print('ok')\n")
	mustWorkflow(t, b, "partial")
	scriptJob(t, b, "sleeper", pyScript(t, dir, "gate", runGateScript(dir)))
	scriptJob(t, b, "on-stop", ok)
	scriptJob(t, b, "on-ok", ok)
	mustTrigger(t, b, startTrigger("partial", "start", jobAction("sleeper")))
	mustTrigger(t, b, condTrigger("partial", "if-stopped", "", []types.Condition{jobCond("sleeper", types.JobRunStateStopped)}, jobAction("on-stop")))
	mustTrigger(t, b, condTrigger("partial", "if-ok", "", []types.Condition{jobCond("sleeper", types.JobRunStateSucceeded)}, jobAction("on-ok")))

	runID := startRun(t, b, "partial", nil)
	jr := waitRunningIn(t, b, "partial", runID, "sleeper")
	out, err := b.client.BatchStopJobRun(ctx, &glue.BatchStopJobRunInput{JobName: aws.String("sleeper"), JobRunIds: []string{aws.ToString(jr.Id)}})
	require.NoError(t, err)
	require.Len(t, out.SuccessfulSubmissions, 1)
	require.Empty(t, out.Errors)

	run := waitRunStatus(t, b, "partial", runID, types.WorkflowRunStatusCompleted, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 2, StoppedActions: 1, SucceededActions: 1}, run)
	require.Equal(t, types.JobRunStateStopped, onlyJobRun(t, run, "sleeper").JobRunState)
	onStop := onlyJobRun(t, run, "on-stop")
	require.Equal(t, types.JobRunStateSucceeded, onStop.JobRunState)
	require.Equal(t, []types.Predecessor{{JobName: aws.String("sleeper"), RunId: jr.Id}}, onStop.PredecessorRuns)
	require.Empty(t, nodeJobRuns(t, run, "on-ok"))
}

// Ensure StopWorkflowRun ends a run whose only job run is still queued
// (WAITING): the job run ends STOPPED without ever starting and the run is
// STOPPED.
func TestRunScope_StopWhileWaiting(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	gate, first, runID := queuedAtLimit(t, b)
	waiting := onlyJobRun(t, getRun(t, b, "waits", runID), "queued")
	require.Equal(t, types.JobRunStateWaiting, waiting.JobRunState)

	_, err := b.client.StopWorkflowRun(ctx, &glue.StopWorkflowRunInput{Name: aws.String("waits"), RunId: aws.String(runID)})
	require.NoError(t, err)
	run := waitRunStatus(t, b, "waits", runID, types.WorkflowRunStatusStopped, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 1, StoppedActions: 1}, run)
	require.Equal(t, types.JobRunStateStopped, onlyJobRun(t, run, "queued").JobRunState)

	gluetest.OpenGate(t, gate)
	waitJobRunState(t, b, "queued", first, types.JobRunStateSucceeded, runWait)
	// The first run's end is what would promote a queued run; once it is
	// recorded, the stopped run must still be STOPPED.
	require.Equal(t, types.JobRunStateStopped, getJobRun(t, b, "queued", aws.ToString(waiting.Id)).JobRunState)
	require.Len(t, allJobRuns(t, b, "queued"), 2)
}
