package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/stretchr/testify/require"
)

func (b *schedBundle) eventWorkflow(t *testing.T, name string, cond *glue.EventBatchingCondition, state glue.TriggerState) {
	t.Helper()
	b.define(t, func(ctx context.Context, tx store.Tx) error {
		if err := tx.Workflows().Insert(ctx, name, &glue.Workflow{Name: name}); err != nil {
			return err
		}
		if err := addJob(ctx, tx, name+"-job"); err != nil {
			return err
		}
		return tx.Triggers().Insert(ctx, name+"-events", &glue.Trigger{Name: name + "-events", WorkflowName: name, ID: glue.NewID("tr"),
			Type: glue.TriggerEvent, State: state, EventBatchingCondition: cond, Actions: []glue.Action{{JobName: name + "-job"}}})
	})
}

func (b *schedBundle) notify(t *testing.T, wf, id string) {
	t.Helper()
	_, err := b.engine.NotifyEvent(context.Background(), wf, id)
	require.NoError(t, err)
}

func window(n int32) *int32 { return &n }

// Ensure a batch starts a run as soon as it reaches BatchSize, recording the
// condition and the event ids.
func TestEvents_BatchBySize(t *testing.T) {
	t.Parallel()
	b := setupSched(t)
	b.eventWorkflow(t, "wf", &glue.EventBatchingCondition{BatchSize: 3, BatchWindow: window(60)}, glue.TriggerActivated)
	b.notify(t, "wf", "e1")
	b.notify(t, "wf", "e2")
	b.notify(t, "wf", "e2") // a repeated id is not counted twice
	require.Empty(t, b.workflowRuns(t, "wf"))
	b.notify(t, "wf", "e3")
	runs := b.workflowRuns(t, "wf")
	require.Len(t, runs, 1)
	require.Equal(t, int32(3), *runs[0].StartingEventBatchCondition.BatchSize)
	require.Nil(t, runs[0].StartingEventBatchCondition.BatchWindow)
	require.Equal(t, "[e1,e2,e3]", runs[0].WorkflowRunProperties["aws:eventIds"])
	b.notify(t, "wf", "e4")
	require.Len(t, b.workflowRuns(t, "wf"), 1, "the next batch starts empty")
}

// Ensure a batch whose window expires starts a run with the events it has.
func TestEvents_BatchByWindow(t *testing.T) {
	t.Parallel()
	b := setupSched(t)
	b.eventWorkflow(t, "wf", &glue.EventBatchingCondition{BatchSize: 10, BatchWindow: window(60)}, glue.TriggerActivated)
	b.notify(t, "wf", "a")
	b.clock.Advance(30 * time.Second)
	b.notify(t, "wf", "b")
	b.tick(t)
	require.Empty(t, b.workflowRuns(t, "wf"))
	b.clock.Advance(31 * time.Second) // 61 s after the first event
	b.tick(t)
	runs := b.workflowRuns(t, "wf")
	require.Len(t, runs, 1)
	require.Equal(t, int32(60), *runs[0].StartingEventBatchCondition.BatchWindow)
	require.Equal(t, "[a,b]", runs[0].WorkflowRunProperties["aws:eventIds"])
}

// Ensure events are durable: a half-full batch survives a restart and its
// window still expires into one run; no event is counted twice.
func TestEvents_RestartWithHalfFullBatch(t *testing.T) {
	t.Parallel()
	b := setupSched(t)
	b.eventWorkflow(t, "wf", &glue.EventBatchingCondition{BatchSize: 4}, glue.TriggerActivated)
	b.notify(t, "wf", "x")
	b.notify(t, "wf", "y")
	require.NoError(t, b.engine.Close())
	b.engine = b.newEngine(t)
	b.notify(t, "wf", "y")
	b.tick(t)
	require.Empty(t, b.workflowRuns(t, "wf"))
	b.clock.Advance(DefaultBatchWindow * time.Second)
	b.tick(t)
	b.tick(t)
	runs := b.workflowRuns(t, "wf")
	require.Len(t, runs, 1)
	require.Equal(t, int32(DefaultBatchWindow), *runs[0].StartingEventBatchCondition.BatchWindow, "900 s when no BatchWindow is given")
	require.Equal(t, "[x,y]", runs[0].WorkflowRunProperties["aws:eventIds"])
}

// Ensure without a batching condition every event starts a run.
func TestEvents_NoConditionStartsPerEvent(t *testing.T) {
	t.Parallel()
	b := setupSched(t)
	b.eventWorkflow(t, "wf", nil, glue.TriggerActivated)
	b.notify(t, "wf", "")
	b.notify(t, "wf", "")
	runs := b.workflowRuns(t, "wf")
	require.Len(t, runs, 2)
	require.True(t, strings.HasPrefix(runs[0].WorkflowRunProperties["aws:eventIds"], "["))
}

func TestEvents_Refused(t *testing.T) {
	t.Parallel()
	b := setupSched(t)
	b.eventWorkflow(t, "off", nil, glue.TriggerCreated)
	b.define(t, func(ctx context.Context, tx store.Tx) error {
		return tx.Workflows().Insert(ctx, "plain", &glue.Workflow{Name: "plain"})
	})
	_, err := b.engine.NotifyEvent(context.Background(), "ghost", "")
	require.True(t, glue.IsCode(err, glue.EntityNotFound), "%v", err)
	_, err = b.engine.NotifyEvent(context.Background(), "plain", "")
	require.True(t, glue.IsCode(err, glue.InvalidInput), "%v", err)
	require.ErrorContains(t, err, "no EVENT trigger")
	_, err = b.engine.NotifyEvent(context.Background(), "off", "")
	require.True(t, glue.IsCode(err, glue.InvalidInput), "%v", err)
	require.ErrorContains(t, err, "ACTIVATED")
}
