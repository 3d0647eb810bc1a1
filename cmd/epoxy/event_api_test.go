package main

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

func eventWorkflow(t *testing.T, b *testBundle, name string, cond *types.EventBatchingCondition) {
	t.Helper()
	mustWorkflow(t, b, name)
	quickJob(t, b, name+"-job")
	mustTrigger(t, b, &glue.CreateTriggerInput{Name: aws.String(name + "-events"), WorkflowName: aws.String(name), Type: types.TriggerTypeEvent,
		StartOnCreation: true, EventBatchingCondition: cond, Actions: []types.Action{{JobName: aws.String(name + "-job")}}})
}

func workflowRuns(t *testing.T, b *testBundle, name string) []types.WorkflowRun {
	t.Helper()
	out, err := b.client.GetWorkflowRuns(context.Background(), &glue.GetWorkflowRunsInput{Name: aws.String(name)})
	require.NoError(t, err)
	return out.Runs
}

// Ensure NotifyEvent (raw AWS JSON and the notify-event command) batches
// events by size and by window, as an EVENT trigger's condition says.
func TestEvents_ThroughTheAPI(t *testing.T) {
	t.Parallel()
	b, clock := setupClock(t, false)
	eventWorkflow(t, b, "by-size", &types.EventBatchingCondition{BatchSize: aws.Int32(2), BatchWindow: aws.Int32(300)})
	r := post(t, b, "AWSGlue.NotifyEvent", `{"Name":"by-size","EventId":"one"}`)
	require.Equal(t, 200, r.status)
	require.Empty(t, workflowRuns(t, b, "by-size"))
	out, _, err := runCLI(t, "notify-event", "--endpoint", b.url, "--workflow", "by-size", "--event-id", "two")
	require.NoError(t, err)
	require.Contains(t, out, "by-size")
	runs := workflowRuns(t, b, "by-size")
	require.Len(t, runs, 1)
	require.Equal(t, int32(2), *runs[0].StartingEventBatchCondition.BatchSize)
	require.Equal(t, "[one,two]", runs[0].WorkflowRunProperties["aws:eventIds"])

	eventWorkflow(t, b, "by-window", &types.EventBatchingCondition{BatchSize: aws.Int32(50), BatchWindow: aws.Int32(60)})
	require.Equal(t, 200, post(t, b, "AWSGlue.NotifyEvent", `{"Name":"by-window"}`).status)
	clock.Advance(61 * time.Second)
	gluetest.Eventually(t, runWait, func() bool { return len(workflowRuns(t, b, "by-window")) == 1 }, "the expired batch started a run")
	runs = workflowRuns(t, b, "by-window")
	require.Equal(t, int32(60), *runs[0].StartingEventBatchCondition.BatchWindow)

	requireWireError(t, post(t, b, "AWSGlue.NotifyEvent", `{"Name":"ghost"}`), 400, "EntityNotFoundException", "ghost")
	requireWireError(t, post(t, b, "AWSGlue.NotifyEvent", `{}`), 400, "InvalidInputException", "'Name'")
	_, _, err = runCLI(t, "notify-event", "--endpoint", b.url, "--workflow", "ghost")
	require.ErrorContains(t, err, "EntityNotFoundException")
}
