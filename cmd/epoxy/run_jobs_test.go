package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/gluetest"
	"github.com/stretchr/testify/require"
)

// Ensure a job's MaxConcurrentRuns (default 1): a second StartJobRun while
// one runs is refused with ConcurrentRunsExceededException; with
// JobRunQueuingEnabled it waits (WAITING) and runs once the first ends; a
// trigger-started run over the limit ends FAILED.
func TestRunJobs_MaxConcurrentRuns(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	gate := filepath.Join(dir, "gate")
	scriptJob(t, b, "one-at-a-time", pyScript(t, dir, "blocked", gluetest.Gate(gate, "")))

	first := startJobRun(t, b, &glue.StartJobRunInput{JobName: aws.String("one-at-a-time")})
	_, err := b.client.StartJobRun(ctx, &glue.StartJobRunInput{JobName: aws.String("one-at-a-time")})
	requireCode(t, err, "ConcurrentRunsExceededException")

	queued := startJobRun(t, b, &glue.StartJobRunInput{JobName: aws.String("one-at-a-time"), JobRunQueuingEnabled: aws.Bool(true)})
	waitJobRunState(t, b, "one-at-a-time", first, types.JobRunStateRunning, runWait)
	require.Equal(t, types.JobRunStateWaiting, getJobRun(t, b, "one-at-a-time", queued).JobRunState, "the queued run waits")

	// A trigger-started run over the limit fails, as Glue documents.
	mustWorkflow(t, b, "over-limit")
	mustTrigger(t, b, startTrigger("over-limit", "start", jobAction("one-at-a-time")))
	runID := startRun(t, b, "over-limit", nil)
	run := waitRunStatus(t, b, "over-limit", runID, types.WorkflowRunStatusCompleted, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 1, FailedActions: 1}, run)
	refused := onlyJobRun(t, run, "one-at-a-time")
	require.Equal(t, types.JobRunStateFailed, refused.JobRunState)
	require.Contains(t, strings.ToLower(aws.ToString(refused.ErrorMessage)), "concurrent")
	require.Equal(t, types.JobRunStateWaiting, getJobRun(t, b, "one-at-a-time", queued).JobRunState, "still waiting")

	gluetest.OpenGate(t, gate)
	done := waitJobRunState(t, b, "one-at-a-time", first, types.JobRunStateSucceeded, runWait)
	next := waitJobRunState(t, b, "one-at-a-time", queued, types.JobRunStateSucceeded, runWait)
	requireNotBefore(t, next.StartedOn, done.CompletedOn, "the queued run starts after the first ends")
}

// Ensure a trigger-started run of a job with JobRunQueuingEnabled that is
// at its limit waits (WAITING, counted in WaitingActions) and then runs.
func TestRunJobs_TriggerQueuing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	gate, _, runID := queuedAtLimit(t, b)
	run := getRun(t, b, "waits", runID)
	require.Equal(t, types.WorkflowRunStatusRunning, run.Status)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 1, WaitingActions: 1}, run)
	require.Equal(t, types.JobRunStateWaiting, onlyJobRun(t, run, "queued").JobRunState)

	gluetest.OpenGate(t, gate)
	run = waitRunStatus(t, b, "waits", runID, types.WorkflowRunStatusCompleted, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 1, SucceededActions: 1}, run)
}

// Ensure MaxRetries: a script that always fails runs 1+MaxRetries times as
// new job runs (Attempt 0, 1, 2 chained by PreviousRunId), and the
// workflow's FAILED trigger fires once, after the final attempt only.
func TestRunJobs_RetriesExhausted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dir := t.TempDir()
	fired := filepath.Join(dir, "fired")
	mustWorkflow(t, b, "retrying")
	scriptJob(t, b, "always-fails", pyScript(t, dir, "fail", "raise SystemExit('nope')\n"), func(in *glue.CreateJobInput) {
		in.MaxRetries = 2
	})
	scriptJob(t, b, "handler", pyScript(t, dir, "handler", fmt.Sprintf("open(%q, 'a').write('x')\n", fired)))
	mustTrigger(t, b, startTrigger("retrying", "start", jobAction("always-fails")))
	mustTrigger(t, b, condTrigger("retrying", "if-failed", "", []types.Condition{jobCond("always-fails", types.JobRunStateFailed)},
		jobAction("handler")))

	runID := startRun(t, b, "retrying", nil)
	run := waitRunStatus(t, b, "retrying", runID, types.WorkflowRunStatusCompleted, runWait)

	attempts := allJobRuns(t, b, "always-fails")
	require.Len(t, attempts, 3)
	byAttempt := map[int32]types.JobRun{}
	for _, r := range attempts {
		require.Equal(t, types.JobRunStateFailed, r.JobRunState)
		require.Contains(t, aws.ToString(r.ErrorMessage), "nope")
		require.Equal(t, "start", aws.ToString(r.TriggerName))
		byAttempt[r.Attempt] = r
	}
	require.Len(t, byAttempt, 3, "attempts 0, 1 and 2")
	require.Empty(t, aws.ToString(byAttempt[0].PreviousRunId))
	require.Equal(t, aws.ToString(byAttempt[0].Id), aws.ToString(byAttempt[1].PreviousRunId))
	require.Equal(t, aws.ToString(byAttempt[1].Id), aws.ToString(byAttempt[2].PreviousRunId))
	requireNotBefore(t, byAttempt[1].StartedOn, byAttempt[0].CompletedOn, "attempt 1 after attempt 0")
	requireNotBefore(t, byAttempt[2].StartedOn, byAttempt[1].CompletedOn, "attempt 2 after attempt 1")
	require.Len(t, nodeJobRuns(t, run, "always-fails"), 3, "the run's graph shows every attempt")

	handler := onlyJobRun(t, run, "handler")
	require.Equal(t, types.JobRunStateSucceeded, handler.JobRunState)
	requireNotBefore(t, handler.StartedOn, byAttempt[2].CompletedOn, "the FAILED trigger waits for the final attempt")
	require.Equal(t, []types.Predecessor{{JobName: aws.String("always-fails"), RunId: byAttempt[2].Id}}, handler.PredecessorRuns)
	raw, err := os.ReadFile(fired)
	require.NoError(t, err)
	require.Equal(t, "x", string(raw), "the handler ran once")
	// Epoxy's decision (glue.ComputeStatistics): statistics count the job
	// runs the graph shows, every attempt included.
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 4, FailedActions: 3, SucceededActions: 1}, run)
}

// Ensure a run that fails once and then succeeds ends SUCCEEDED on Attempt
// 1, firing the SUCCEEDED trigger and not the FAILED one.
func TestRunJobs_RetrySucceeds(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dir := t.TempDir()
	marker := filepath.Join(dir, "marker")
	ok := pyScript(t, dir, "ok", "print('ok')\n")
	mustWorkflow(t, b, "second-try")
	scriptJob(t, b, "flaky", pyScript(t, dir, "flaky", gluetest.FailsFirstRun(marker)), func(in *glue.CreateJobInput) { in.MaxRetries = 3 })
	scriptJob(t, b, "if-ok", ok)
	scriptJob(t, b, "if-failed", ok)
	mustTrigger(t, b, startTrigger("second-try", "start", jobAction("flaky")))
	mustTrigger(t, b, condTrigger("second-try", "ok", "", []types.Condition{jobCond("flaky", types.JobRunStateSucceeded)}, jobAction("if-ok")))
	mustTrigger(t, b, condTrigger("second-try", "failed", "", []types.Condition{jobCond("flaky", types.JobRunStateFailed)}, jobAction("if-failed")))

	runID := startRun(t, b, "second-try", nil)
	run := waitRunStatus(t, b, "second-try", runID, types.WorkflowRunStatusCompleted, runWait)
	attempts := allJobRuns(t, b, "flaky")
	require.Len(t, attempts, 2)
	last, firstTry := attempts[0], attempts[1]
	require.Equal(t, int32(1), last.Attempt)
	require.Equal(t, types.JobRunStateSucceeded, last.JobRunState)
	require.Equal(t, aws.ToString(firstTry.Id), aws.ToString(last.PreviousRunId))
	require.Equal(t, int32(0), firstTry.Attempt)
	require.Equal(t, types.JobRunStateFailed, firstTry.JobRunState)
	require.Contains(t, aws.ToString(firstTry.ErrorMessage), gluetest.FirstRunError)

	require.Len(t, allJobRuns(t, b, "if-ok"), 1)
	require.Empty(t, allJobRuns(t, b, "if-failed"), "an intermediate failed attempt fires nothing")
	require.Equal(t, []types.Predecessor{{JobName: aws.String("flaky"), RunId: last.Id}}, onlyJobRun(t, run, "if-ok").PredecessorRuns)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 3, FailedActions: 1, SucceededActions: 2}, run)

	// StartJobRun's JobRunId retries a given run by hand.
	retry := startJobRun(t, b, &glue.StartJobRunInput{JobName: aws.String("flaky"), JobRunId: firstTry.Id})
	r := waitJobRunState(t, b, "flaky", retry, types.JobRunStateSucceeded, runWait)
	require.Equal(t, aws.ToString(firstTry.Id), aws.ToString(r.PreviousRunId))
	require.Equal(t, int32(1), r.Attempt)
}

// Ensure Timeout kills a run that outlives it and ends it TIMEOUT, with the
// job's Timeout, an action's Timeout and StartJobRun's Timeout. Time is a
// fake clock moved past each deadline once the run is RUNNING (its deadline
// is then fixed); the dispatcher compares deadlines with that clock.
func TestRunJobs_Timeout(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	clock := gluetest.NewClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
	cfg.clock = clock
	b := setupWith(t, cfg)
	dir := t.TempDir()
	sleepy := pyScript(t, dir, "sleepy", "import time\ntime.sleep(300)\n")
	ok := pyScript(t, dir, "ok", "print('ok')\n")
	pastDeadline := func(job string) {
		t.Helper()
		gluetest.Eventually(t, runWait, func() bool {
			for _, r := range allJobRuns(t, b, job) {
				if r.JobRunState == types.JobRunStateRunning {
					return true
				}
			}
			return false
		}, "a run of %s is RUNNING", job)
		clock.Advance(2 * time.Minute)
		b.app.engine.Wake()
	}

	// The job's own Timeout, in a workflow, with a trigger on TIMEOUT.
	mustWorkflow(t, b, "slow")
	scriptJob(t, b, "sleepy", sleepy, func(in *glue.CreateJobInput) { in.Timeout = aws.Int32(1) })
	scriptJob(t, b, "on-timeout", ok)
	mustTrigger(t, b, startTrigger("slow", "start", jobAction("sleepy")))
	mustTrigger(t, b, condTrigger("slow", "timed-out", "", []types.Condition{jobCond("sleepy", types.JobRunStateTimeout)}, jobAction("on-timeout")))
	runID := startRun(t, b, "slow", nil)
	pastDeadline("sleepy")
	run := waitRunStatus(t, b, "slow", runID, types.WorkflowRunStatusCompleted, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 2, TimeoutActions: 1, SucceededActions: 1}, run)
	jr := onlyJobRun(t, run, "sleepy")
	require.Equal(t, types.JobRunStateTimeout, jr.JobRunState)
	require.Equal(t, int32(1), aws.ToInt32(jr.Timeout))
	require.Contains(t, aws.ToString(jr.ErrorMessage), "timed out after 1 minutes")
	require.Equal(t, types.JobRunStateSucceeded, onlyJobRun(t, run, "on-timeout").JobRunState)

	// An action's Timeout overrides the job's.
	mustWorkflow(t, b, "action-timeout")
	scriptJob(t, b, "patient", sleepy, func(in *glue.CreateJobInput) { in.Timeout = aws.Int32(500) })
	mustTrigger(t, b, startTrigger("action-timeout", "start-patient", types.Action{JobName: aws.String("patient"), Timeout: aws.Int32(1)}))
	runID = startRun(t, b, "action-timeout", nil)
	pastDeadline("patient")
	run = waitRunStatus(t, b, "action-timeout", runID, types.WorkflowRunStatusCompleted, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 1, TimeoutActions: 1}, run)
	jr = onlyJobRun(t, run, "patient")
	require.Equal(t, types.JobRunStateTimeout, jr.JobRunState)
	require.Equal(t, int32(1), aws.ToInt32(jr.Timeout))

	// StartJobRun's Timeout overrides the job's.
	id := startJobRun(t, b, &glue.StartJobRunInput{JobName: aws.String("patient"), Timeout: aws.Int32(1)})
	pastDeadline("patient")
	r := waitJobRunState(t, b, "patient", id, types.JobRunStateTimeout, runWait)
	require.Equal(t, int32(1), aws.ToInt32(r.Timeout))
	require.NotNil(t, r.CompletedOn)
}

// Ensure StartJobRun, GetJobRun and GetJobRuns (paged with the SDK
// paginator, newest first), BatchStopJobRun (a running run is stopped, an
// unknown one reported) and EntityNotFoundException for unknown jobs and
// runs.
func TestRunJobs_JobRunAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	scriptJob(t, b, "quick", pyScript(t, dir, "quick", "print('hello')\n"), withMaxConcurrent(10))

	before := time.Now().Add(-time.Second)
	var ids []string
	for range 5 {
		ids = append(ids, startJobRun(t, b, &glue.StartJobRunInput{JobName: aws.String("quick")}))
	}
	for _, id := range ids {
		r := waitJobRunState(t, b, "quick", id, types.JobRunStateSucceeded, runWait)
		require.Equal(t, id, aws.ToString(r.Id))
		require.Equal(t, "quick", aws.ToString(r.JobName))
		require.Equal(t, int32(0), r.Attempt)
		require.Empty(t, aws.ToString(r.TriggerName), "StartJobRun has no trigger")
		require.NotNil(t, r.StartedOn)
		require.WithinRange(t, *r.StartedOn, before, time.Now().Add(time.Second))
		requireNotBefore(t, r.CompletedOn, r.StartedOn, "CompletedOn")
		requireNotBefore(t, r.LastModifiedOn, r.StartedOn, "LastModifiedOn")
		require.Equal(t, int32(2880), aws.ToInt32(r.Timeout), "the job's default Timeout")
		out, err := os.ReadFile(filepath.Join(executor.LogDir(b.cfg.DataDir, id), "stdout"))
		require.NoError(t, err, "the run's stdout is kept in the data directory")
		require.Equal(t, "hello\n", string(out))
	}

	var got []string
	pages := 0
	p := glue.NewGetJobRunsPaginator(b.client, &glue.GetJobRunsInput{JobName: aws.String("quick"), MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.JobRuns), 2)
		pages++
		for _, r := range page.JobRuns {
			got = append(got, aws.ToString(r.Id))
		}
	}
	require.Equal(t, 3, pages)
	require.Equal(t, []string{ids[4], ids[3], ids[2], ids[1], ids[0]}, got, "every run once, newest first")

	// BatchStopJobRun.
	pidDir := t.TempDir()
	scriptJob(t, b, "long", pyScript(t, dir, "long", gluetest.Gate(filepath.Join(dir, "never"), pidDir)))
	running := startJobRun(t, b, &glue.StartJobRunInput{JobName: aws.String("long")})
	pid := readPID(t, filepath.Join(pidDir, running+".pid"))
	waitJobRunState(t, b, "long", running, types.JobRunStateRunning, runWait)
	out, err := b.client.BatchStopJobRun(ctx, &glue.BatchStopJobRunInput{JobName: aws.String("long"),
		JobRunIds: []string{running, "jr_" + strings.Repeat("0", 64)}})
	require.NoError(t, err)
	require.Len(t, out.SuccessfulSubmissions, 1)
	require.Equal(t, running, aws.ToString(out.SuccessfulSubmissions[0].JobRunId))
	require.Equal(t, "long", aws.ToString(out.SuccessfulSubmissions[0].JobName))
	require.Len(t, out.Errors, 1)
	require.Equal(t, "jr_"+strings.Repeat("0", 64), aws.ToString(out.Errors[0].JobRunId))
	require.NotNil(t, out.Errors[0].ErrorDetail)
	require.NotEmpty(t, aws.ToString(out.Errors[0].ErrorDetail.ErrorCode))
	stopped := waitJobRunState(t, b, "long", running, types.JobRunStateStopped, runWait)
	require.NotNil(t, stopped.CompletedOn)
	gluetest.Eventually(t, runWait, func() bool { return gluetest.ProcessGone(pid) }, "process %d still runs", pid)

	// Stopping a run that already ended is an error entry, not a failure.
	out, err = b.client.BatchStopJobRun(ctx, &glue.BatchStopJobRunInput{JobName: aws.String("quick"), JobRunIds: []string{ids[0]}})
	require.NoError(t, err)
	require.Empty(t, out.SuccessfulSubmissions)
	require.Len(t, out.Errors, 1)
	require.Equal(t, ids[0], aws.ToString(out.Errors[0].JobRunId))

	_, err = b.client.StartJobRun(ctx, &glue.StartJobRunInput{JobName: aws.String("missing")})
	requireCode(t, err, "EntityNotFoundException")
	_, err = b.client.GetJobRuns(ctx, &glue.GetJobRunsInput{JobName: aws.String("missing")})
	requireCode(t, err, "EntityNotFoundException")
	_, err = b.client.GetJobRun(ctx, &glue.GetJobRunInput{JobName: aws.String("quick"), RunId: aws.String("jr_unknown")})
	requireCode(t, err, "EntityNotFoundException")
	_, err = b.client.GetJobRun(ctx, &glue.GetJobRunInput{JobName: aws.String("long"), RunId: aws.String(ids[0])})
	requireCode(t, err, "EntityNotFoundException")
}

// Ensure standalone triggers: StartTrigger on an ON_DEMAND trigger starts
// its job (TriggerName set), an ACTIVATED CONDITIONAL trigger watching that
// job then starts the next one, but a run started by StartJobRun fires
// nothing, nor does a deactivated trigger.
func TestRunJobs_StandaloneTriggers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	ok := pyScript(t, dir, "ok", "print('ok')\n")
	scriptJob(t, b, "first", ok)
	scriptJob(t, b, "second", ok)
	mustTrigger(t, b, &glue.CreateTriggerInput{Name: aws.String("by-hand"), Type: types.TriggerTypeOnDemand,
		Actions: []types.Action{jobAction("first")}})
	mustTrigger(t, b, condTrigger("", "chained", "", []types.Condition{jobCond("first", types.JobRunStateSucceeded)}, jobAction("second")))

	out, err := b.client.StartTrigger(ctx, &glue.StartTriggerInput{Name: aws.String("by-hand")})
	require.NoError(t, err)
	require.Equal(t, "by-hand", aws.ToString(out.Name))
	var firstRun types.JobRun
	gluetest.Eventually(t, runWait, func() bool {
		runs := allJobRuns(t, b, "first")
		if len(runs) == 1 {
			firstRun = runs[0]
		}
		return len(runs) == 1 && terminalJobRunState(runs[0].JobRunState)
	}, "the ON_DEMAND trigger started no run")
	require.Equal(t, types.JobRunStateSucceeded, firstRun.JobRunState)
	require.Equal(t, "by-hand", aws.ToString(firstRun.TriggerName))

	var secondRun types.JobRun
	gluetest.Eventually(t, runWait, func() bool {
		runs := allJobRuns(t, b, "second")
		if len(runs) == 1 {
			secondRun = runs[0]
		}
		return len(runs) == 1 && terminalJobRunState(runs[0].JobRunState)
	}, "the conditional trigger did not fire")
	require.Equal(t, types.JobRunStateSucceeded, secondRun.JobRunState)
	require.Equal(t, "chained", aws.ToString(secondRun.TriggerName))
	require.Equal(t, []types.Predecessor{{JobName: aws.String("first"), RunId: firstRun.Id}}, secondRun.PredecessorRuns)

	// A run started by StartJobRun does not fire dependent triggers. The
	// firing would be committed with the run's end, so checking right after
	// it ends is enough.
	direct := startJobRun(t, b, &glue.StartJobRunInput{JobName: aws.String("first")})
	waitJobRunState(t, b, "first", direct, types.JobRunStateSucceeded, runWait)
	require.Len(t, allJobRuns(t, b, "second"), 1, "StartJobRun fires nothing")

	// A deactivated trigger does not fire.
	_, err = b.client.StopTrigger(ctx, &glue.StopTriggerInput{Name: aws.String("chained")})
	require.NoError(t, err)
	_, err = b.client.StartTrigger(ctx, &glue.StartTriggerInput{Name: aws.String("by-hand")})
	require.NoError(t, err)
	gluetest.Eventually(t, runWait, func() bool {
		runs := allJobRuns(t, b, "first")
		return len(runs) == 3 && runs[0].JobRunState == types.JobRunStateSucceeded
	}, "the ON_DEMAND trigger fires again")
	require.Len(t, allJobRuns(t, b, "second"), 1, "a deactivated trigger fires nothing")
}

// Ensure StartTrigger on a workflow's ON_DEMAND start trigger starts a
// workflow run.
func TestRunJobs_StartTriggerStartsWorkflowRun(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	mustWorkflow(t, b, "by-trigger")
	scriptJob(t, b, "job", pyScript(t, dir, "ok", "print('ok')\n"))
	mustTrigger(t, b, startTrigger("by-trigger", "kick", jobAction("job")))

	_, err := b.client.StartTrigger(ctx, &glue.StartTriggerInput{Name: aws.String("kick")})
	require.NoError(t, err)
	runs, err := b.client.GetWorkflowRuns(ctx, &glue.GetWorkflowRunsInput{Name: aws.String("by-trigger")})
	require.NoError(t, err)
	require.Len(t, runs.Runs, 1)
	runID := aws.ToString(runs.Runs[0].WorkflowRunId)
	run := waitRunStatus(t, b, "by-trigger", runID, types.WorkflowRunStatusCompleted, runWait)
	jr := onlyJobRun(t, run, "job")
	require.Equal(t, types.JobRunStateSucceeded, jr.JobRunState)
	require.Equal(t, "kick", aws.ToString(jr.TriggerName))
	require.Len(t, allJobRuns(t, b, "job"), 1, "the job ran once, inside the workflow run")
}

// Ensure a script that exits with a non-zero status (no exception) fails,
// and its ErrorMessage says why: the exit status and the last line it wrote
// to stderr, as issue 3 asks ("exit status and the last error line").
func TestRunJobs_ErrorMessageOnExitStatus(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dir := t.TempDir()
	scriptJob(t, b, "exits", pyScript(t, dir, "exit3", "import sys\nprint('cannot reach the warehouse', file=sys.stderr)\nsys.exit(3)\n"))
	id := startJobRun(t, b, &glue.StartJobRunInput{JobName: aws.String("exits")})
	r := waitJobRunState(t, b, "exits", id, types.JobRunStateFailed, runWait)
	require.Contains(t, aws.ToString(r.ErrorMessage), "status 3")
	require.Contains(t, aws.ToString(r.ErrorMessage), "cannot reach the warehouse", "the last line the script wrote to stderr")
}

// Ensure ScriptLocation accepts file:// URIs and absolute paths, and that a
// run that cannot start its script fails with an ErrorMessage saying why:
// a missing file, a relative path, an s3:// location with no S3 endpoint,
// and a glueetl job with no runner configured (never a faked success).
func TestRunJobs_ScriptLocations(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dir := t.TempDir()
	ok := pyScript(t, dir, "ok", "print('ok')\n")
	cases := []struct {
		job, command, location string
		state                  types.JobRunState
		message                string
	}{
		{"file-uri", "pythonshell", "file://" + ok, types.JobRunStateSucceeded, ""},
		{"missing-file", "pythonshell", filepath.Join(dir, "nope.py"), types.JobRunStateFailed, "nope.py"},
		{"relative", "pythonshell", "scripts/ok.py", types.JobRunStateFailed, "scripts/ok.py"},
		{"s3-no-endpoint", "pythonshell", "s3://bucket/ok.py", types.JobRunStateFailed, "s3://bucket/ok.py"},
		{"etl-no-runner", "glueetl", ok, types.JobRunStateFailed, "runner"},
	}
	for _, c := range cases {
		_, err := b.client.CreateJob(context.Background(), &glue.CreateJobInput{Name: aws.String(c.job), Role: aws.String(runRole),
			Command: &types.JobCommand{Name: aws.String(c.command), ScriptLocation: aws.String(c.location)}})
		require.NoError(t, err)
		id := startJobRun(t, b, &glue.StartJobRunInput{JobName: aws.String(c.job)})
		r := waitJobRunState(t, b, c.job, id, c.state, runWait)
		require.Contains(t, aws.ToString(r.ErrorMessage), c.message, "job %s", c.job)
		require.NotNil(t, r.CompletedOn, "job %s", c.job)
	}
}
