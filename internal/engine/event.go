package engine

import (
	"context"
	"strings"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// DefaultBatchWindow is how long an EVENT trigger collects events when its
// EventBatchingCondition gives no BatchWindow (900 seconds, as in Glue).
const DefaultBatchWindow = 900

// NotifyEvent delivers an event to a workflow's EVENT trigger (Epoxy's
// AWSGlue.NotifyEvent, standing in for EventBridge). The event is durable
// once NotifyEvent returns. An event id already delivered to the workflow is
// ignored, so retries are safe; an empty id gets a generated one, which is
// returned. When the batch reaches its size, a run starts at once.
func (e *Engine) NotifyEvent(ctx context.Context, workflow, eventID string) (string, error) {
	if eventID == "" {
		eventID = glue.NewUUID()
	}
	err := e.update(ctx, func(tx store.Tx) error {
		t, err := eventTrigger(ctx, tx, workflow)
		if err != nil {
			return err
		}
		if t.State != glue.TriggerActivated {
			return glue.Errorf(glue.InvalidInput, "the EVENT trigger %s of workflow %s is %s; it accepts events only when ACTIVATED (StartTrigger)", t.Name, workflow, t.State)
		}
		fresh, err := tx.Events().Insert(ctx, &glue.Event{Workflow: workflow, ID: eventID, ReceivedAt: e.m.now()})
		if err != nil || !fresh {
			return err
		}
		pending, err := tx.Events().Pending(ctx, workflow)
		if err != nil {
			return err
		}
		size := batchSize(t)
		if len(pending) < size {
			return nil
		}
		n := int32(size)
		return e.m.startBatch(ctx, tx, workflow, pending[:size], &glue.StartingEventBatchCondition{BatchSize: &n})
	})
	return eventID, err
}

// eventTrigger returns the workflow's EVENT start trigger.
func eventTrigger(ctx context.Context, tx store.Tx, workflow string) (*glue.Trigger, error) {
	if _, err := tx.Workflows().Get(ctx, workflow); err != nil {
		return nil, err
	}
	triggers, err := tx.Triggers().List(ctx, glue.ListOptions{Workflow: workflow})
	if err != nil {
		return nil, err
	}
	for _, t := range triggers {
		if t.Type == glue.TriggerEvent {
			return t, nil
		}
	}
	return nil, glue.Errorf(glue.InvalidInput, "workflow %s has no EVENT trigger; events start only workflows whose start trigger has type EVENT", workflow)
}

func batchSize(t *glue.Trigger) int {
	if t.EventBatchingCondition == nil || t.EventBatchingCondition.BatchSize < 1 {
		return 1
	}
	return int(t.EventBatchingCondition.BatchSize)
}

func batchWindow(t *glue.Trigger) time.Duration {
	if t.EventBatchingCondition == nil || t.EventBatchingCondition.BatchWindow == nil {
		return DefaultBatchWindow * time.Second
	}
	return time.Duration(*t.EventBatchingCondition.BatchWindow) * time.Second
}

// startBatch starts a run for a batch of events, with the run property
// aws:eventIds listing them, and marks the events as taken.
func (m *machine) startBatch(ctx context.Context, tx store.Tx, workflow string, batch []*glue.Event, cond *glue.StartingEventBatchCondition) error {
	ids := make([]string, len(batch))
	seqs := make([]int64, len(batch))
	for i, ev := range batch {
		ids[i], seqs[i] = ev.ID, ev.Seq
	}
	props := map[string]string{"aws:eventIds": "[" + strings.Join(ids, ",") + "]"}
	m.log.Info("event batch started", "workflow", workflow, "events", len(batch))
	runID, err := m.startOrRecord(ctx, tx, workflow, props, cond)
	if err != nil {
		return err
	}
	return tx.Events().Assign(ctx, seqs, runID)
}
