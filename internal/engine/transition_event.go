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
	m.emit(ctx, Event{Kind: EventBatchStarted, attrs: []any{"workflow", workflow, "events", len(batch)}})
	runID, err := m.startOrRecord(ctx, tx, workflow, props, cond)
	if err != nil {
		return err
	}
	return tx.Events().Assign(ctx, seqs, runID)
}
