package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/gluetest"
	"github.com/epoxy-run/epoxy/internal/retention"
)

// workflowRunIDs lists a workflow's runs through GetWorkflowRuns.
func workflowRunIDs(t *testing.T, b *testBundle, workflow string) []string {
	t.Helper()
	out, err := b.client.GetWorkflowRuns(context.Background(), &glue.GetWorkflowRunsInput{Name: aws.String(workflow)})
	require.NoError(t, err)
	ids := []string{}
	for _, r := range out.Runs {
		ids = append(ids, aws.ToString(r.WorkflowRunId))
	}
	return ids
}

// jobRunIDs lists a job's runs through GetJobRuns.
func jobRunIDs(t *testing.T, b *testBundle, job string) []string {
	t.Helper()
	ids := []string{}
	for _, r := range allJobRuns(t, b, job) {
		ids = append(ids, aws.ToString(r.Id))
	}
	return ids
}

// requireJobRunFiles asserts whether a job run's log and run directories
// exist.
func requireJobRunFiles(t *testing.T, b *testBundle, id string, exist bool) {
	t.Helper()
	for _, dir := range []string{executor.LogDir(b.cfg.DataDir, id), executor.RunDir(b.cfg.DataDir, id)} {
		_, err := os.Stat(dir)
		if exist {
			require.NoError(t, err, "%s is kept", dir)
		} else {
			require.ErrorIs(t, err, os.ErrNotExist, "%s is deleted", dir)
		}
	}
}

// runOnce runs a retention pass and returns what it deleted.
func runOnce(t *testing.T, b *testBundle) retention.Result {
	t.Helper()
	res, err := b.app.retention.RunOnce(context.Background())
	require.NoError(t, err)
	return res
}

// Ensure a retention pass deletes the workflow runs, job runs and job run
// directories that ended more than the retention ago, so that
// GetWorkflowRuns and GetJobRuns no longer list them, and keeps a run
// still active though it started before the cutoff, runs that ended since,
// and the job run a kept (resumed) run carries from an expired run, until
// that run expires too. Time is a fake clock moved past the retention.
func TestRetention_Pass(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	clock := gluetest.NewClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
	cfg.clock, cfg.Retention = clock, 24*time.Hour
	b := setupWith(t, cfg)
	dir := t.TempDir()
	ok := pyScript(t, dir, "ok", "print('ok')\n")
	marker := filepath.Join(dir, "fixed")
	flaky := pyScript(t, dir, "flaky", fmt.Sprintf(`import os
if not os.path.exists(%q):
    open(%q, "w").close()
    raise RuntimeError("first run fails")
`, marker, marker))
	gate := filepath.Join(dir, "gate")
	mustWorkflow(t, b, "resumable")
	scriptJob(t, b, "a", ok)
	scriptJob(t, b, "b", flaky)
	mustTrigger(t, b, startTrigger("resumable", "start", jobAction("a")))
	mustTrigger(t, b, condTrigger("resumable", "after-a", "", []types.Condition{jobCond("a", types.JobRunStateSucceeded)}, jobAction("b")))
	mustWorkflow(t, b, "slow")
	scriptJob(t, b, "gated", pyScript(t, dir, "gated", gluetest.Gate(gate, "")), func(in *glue.CreateJobInput) { in.Timeout = aws.Int32(7000) })
	mustTrigger(t, b, startTrigger("slow", "start-slow", jobAction("gated")))
	scriptJob(t, b, "standalone", ok)

	// Before the cutoff: a run that a later run resumes, a standalone job
	// run, and a run that is still running when the pass comes.
	first := startRun(t, b, "resumable", nil)
	old := waitRunStatus(t, b, "resumable", first, types.WorkflowRunStatusCompleted, runWait)
	oldA, oldB := aws.ToString(onlyJobRun(t, old, "a").Id), aws.ToString(onlyJobRun(t, old, "b").Id)
	standalone := startJobRun(t, b, &glue.StartJobRunInput{JobName: aws.String("standalone")})
	waitJobRunState(t, b, "standalone", standalone, types.JobRunStateSucceeded, runWait)
	slow := startRun(t, b, "slow", nil)
	var gated string
	gluetest.Eventually(t, runWait, func() bool {
		runs := allJobRuns(t, b, "gated")
		if len(runs) == 1 && runs[0].JobRunState == types.JobRunStateRunning {
			gated = aws.ToString(runs[0].Id)
		}
		return gated != ""
	}, "the gated job runs")
	for _, id := range []string{oldA, oldB, standalone} {
		requireJobRunFiles(t, b, id, true)
	}
	require.Zero(t, runOnce(t, b).Total(), "nothing is older than the retention yet")

	// Two days later, the old run is resumed: the new run carries a's run.
	clock.Advance(48 * time.Hour)
	out, err := b.client.ResumeWorkflowRun(context.Background(), &glue.ResumeWorkflowRunInput{Name: aws.String("resumable"),
		RunId: aws.String(first), NodeIds: []string{aws.ToString(graphNode(t, old.Graph, types.NodeTypeJob, "b").UniqueId)}})
	require.NoError(t, err)
	second := aws.ToString(out.RunId)
	resumed := waitRunStatus(t, b, "resumable", second, types.WorkflowRunStatusCompleted, runWait)
	require.Equal(t, oldA, aws.ToString(onlyJobRun(t, resumed, "a").Id))
	newB := aws.ToString(onlyJobRun(t, resumed, "b").Id)

	res := runOnce(t, b)
	require.Equal(t, retention.Result{WorkflowRuns: 1, JobRuns: 2}, res)
	require.Equal(t, []string{second}, workflowRunIDs(t, b, "resumable"))
	require.Equal(t, []string{oldA}, jobRunIDs(t, b, "a"), "the job run a kept run carries stays")
	require.Equal(t, []string{newB}, jobRunIDs(t, b, "b"))
	require.Empty(t, jobRunIDs(t, b, "standalone"))
	require.Equal(t, []string{slow}, workflowRunIDs(t, b, "slow"), "an active run stays")
	require.Equal(t, []string{gated}, jobRunIDs(t, b, "gated"))
	requireJobRunFiles(t, b, oldA, true)
	requireJobRunFiles(t, b, oldB, false)
	requireJobRunFiles(t, b, standalone, false)
	requireJobRunFiles(t, b, gated, true)
	_, err = b.client.GetWorkflowRun(context.Background(), &glue.GetWorkflowRunInput{Name: aws.String("resumable"), RunId: aws.String(first)})
	requireCode(t, err, "EntityNotFoundException")
	require.Equal(t, oldA, aws.ToString(onlyJobRun(t, getRun(t, b, "resumable", second), "a").Id), "the kept run still shows what it carries")

	// Once everything has ended and the retention has passed again, all
	// of it goes, the carried job run with the run carrying it.
	gluetest.OpenGate(t, gate)
	waitRunStatus(t, b, "slow", slow, types.WorkflowRunStatusCompleted, runWait)
	clock.Advance(48 * time.Hour)
	res = runOnce(t, b)
	require.Equal(t, retention.Result{WorkflowRuns: 2, JobRuns: 3}, res)
	require.Empty(t, workflowRunIDs(t, b, "resumable"))
	require.Empty(t, workflowRunIDs(t, b, "slow"))
	for _, job := range []string{"a", "b", "gated"} {
		require.Empty(t, jobRunIDs(t, b, job))
	}
	for _, id := range []string{oldA, newB, gated} {
		requireJobRunFiles(t, b, id, false)
	}
}

// Ensure --retention defaults to 90 days and takes days, Go durations and
// 0 (forever), and refuses anything else with a message naming the flag;
// EPOXY_RETENTION is read when the flag is not given.
func TestServeFlags_Retention(t *testing.T) {
	cfg, err := parseServeFlags(nil, io.Discard)
	require.NoError(t, err)
	require.Equal(t, 90*24*time.Hour, cfg.Retention)
	for text, want := range map[string]time.Duration{"30d": 30 * 24 * time.Hour, "36h": 36 * time.Hour, "0": 0, "0d": 0} {
		cfg, err := parseServeFlags([]string{"--retention", text}, io.Discard)
		require.NoError(t, err, text)
		require.Equal(t, want, cfg.Retention, text)
	}
	for _, bad := range []string{"", "-1d", "30", "d", "1.5d", "-2h", "99999999d", "forever"} {
		_, err := parseServeFlags([]string{"--retention", bad}, io.Discard)
		require.ErrorContains(t, err, "--retention", bad)
	}
	t.Setenv("EPOXY_RETENTION", "7d")
	cfg, err = parseServeFlags(nil, io.Discard)
	require.NoError(t, err)
	require.Equal(t, 7*24*time.Hour, cfg.Retention)
}
