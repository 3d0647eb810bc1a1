package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// Ensure concurrency limits hold under concurrent requests: of many
// simultaneous StartWorkflowRun calls on a workflow with MaxConcurrentRuns
// 1, and of many simultaneous StartJobRun calls on a job with the default
// limit of 1, exactly one succeeds and the others get
// ConcurrentRunsExceededException.
func TestRunConcurrency_LimitsUnderRace(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	gate := filepath.Join(dir, "gate")
	script := pyScript(t, dir, "blocked", gluetest.Gate(gate, ""))
	_, err := b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("one"), MaxConcurrentRuns: aws.Int32(1)})
	require.NoError(t, err)
	scriptJob(t, b, "wf-job", script)
	scriptJob(t, b, "solo", script)
	mustTrigger(t, b, startTrigger("one", "start", jobAction("wf-job")))

	const callers = 8
	race := func(call func() (string, error)) []string {
		var mu sync.Mutex
		var wg sync.WaitGroup
		var ids []string
		var errs []error
		for range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id, err := call()
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
					return
				}
				ids = append(ids, id)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			requireCode(t, err, "ConcurrentRunsExceededException")
		}
		return ids
	}
	runs := race(func() (string, error) {
		out, err := b.client.StartWorkflowRun(ctx, &glue.StartWorkflowRunInput{Name: aws.String("one")})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.RunId), nil
	})
	require.Len(t, runs, 1, "exactly one workflow run starts")
	jobRuns := race(func() (string, error) {
		out, err := b.client.StartJobRun(ctx, &glue.StartJobRunInput{JobName: aws.String("solo")})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.JobRunId), nil
	})
	require.Len(t, jobRuns, 1, "exactly one job run starts")

	gluetest.OpenGate(t, gate)
	waitRunStatus(t, b, "one", runs[0], types.WorkflowRunStatusCompleted, runWait)
	waitJobRunState(t, b, "solo", jobRuns[0], types.JobRunStateSucceeded, runWait)
	out, err := b.client.GetWorkflowRuns(ctx, &glue.GetWorkflowRunsInput{Name: aws.String("one")})
	require.NoError(t, err)
	require.Len(t, out.Runs, 1)
	require.Len(t, allJobRuns(t, b, "solo"), 1)
}

// Ensure concurrent PutWorkflowRunProperties calls, from the API and from
// the run's own jobs through boto3, lose no key.
func TestRunConcurrency_PutRunProperties(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	putter := pyScript(t, dir, "putter", `import sys
import boto3
from awsglue.utils import getResolvedOptions
args = getResolvedOptions(sys.argv, ["JOB_NAME", "WORKFLOW_NAME", "WORKFLOW_RUN_ID"])
boto3.client("glue").put_workflow_run_properties(Name=args["WORKFLOW_NAME"], RunId=args["WORKFLOW_RUN_ID"],
    RunProperties={"job-" + args["JOB_NAME"]: "done"})
`)
	gate := filepath.Join(dir, "gate")
	mustWorkflow(t, b, "busy")
	var actions []types.Action
	for i := range 3 {
		name := fmt.Sprintf("p%d", i)
		scriptJob(t, b, name, putter)
		actions = append(actions, jobAction(name))
	}
	scriptJob(t, b, "hold", pyScript(t, dir, "hold", gluetest.Gate(gate, "")))
	actions = append(actions, jobAction("hold"))
	mustTrigger(t, b, startTrigger("busy", "start", actions...))

	runID := startRun(t, b, "busy", nil)
	const writers = 20
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := b.client.PutWorkflowRunProperties(ctx, &glue.PutWorkflowRunPropertiesInput{Name: aws.String("busy"), RunId: aws.String(runID),
				RunProperties: map[string]string{fmt.Sprintf("api-%02d", i): "v"}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	gluetest.Eventually(t, runWait, func() bool {
		run := getRun(t, b, "busy", runID)
		done := 0
		for i := range 3 {
			for _, r := range nodeJobRuns(t, run, fmt.Sprintf("p%d", i)) {
				require.NotEqual(t, types.JobRunStateFailed, r.JobRunState, aws.ToString(r.ErrorMessage))
				if r.JobRunState == types.JobRunStateSucceeded {
					done++
				}
			}
		}
		return done == 3
	}, "the putting jobs did not finish")
	gluetest.OpenGate(t, gate)
	waitRunStatus(t, b, "busy", runID, types.WorkflowRunStatusCompleted, runWait)

	got, err := b.client.GetWorkflowRunProperties(ctx, &glue.GetWorkflowRunPropertiesInput{Name: aws.String("busy"), RunId: aws.String(runID)})
	require.NoError(t, err)
	require.Len(t, got.RunProperties, writers+3, "no key is lost: %v", got.RunProperties)
	for i := range 3 {
		require.Equal(t, "done", got.RunProperties[fmt.Sprintf("job-p%d", i)])
	}
}
