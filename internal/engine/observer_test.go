package engine

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/stretchr/testify/require"
)

// recorder is an Observer keeping what it is told.
type recorder struct {
	mu     sync.Mutex
	events []Event
}

func (r *recorder) Observe(ev Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
}

func (r *recorder) kinds() []EventKind {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []EventKind
	for _, ev := range r.events {
		out = append(out, ev.Kind)
	}
	return out
}

// Ensure events a transition emits are published only after its
// transaction commits, and never for a transaction that fails.
func TestObserver_PublishedAfterCommit(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rec := &recorder{}
	m := h.engine.m
	m.observer = rec
	boom := errors.New("boom")
	err := m.apply(h.ctx, h.store, func(ctx context.Context, tx store.Tx) error {
		m.emit(ctx, Event{Kind: WorkflowRunStarted})
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.Empty(t, rec.kinds(), "a rolled-back transition publishes nothing")

	err = m.apply(h.ctx, h.store, func(ctx context.Context, tx store.Tx) error {
		m.emit(ctx, Event{Kind: WorkflowRunStarted})
		require.Empty(t, rec.kinds(), "nothing is published before the commit")
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, []EventKind{WorkflowRunStarted}, rec.kinds())
}

// Ensure a workflow run's events reach the observer in order, with the
// states they ended in.
func TestObserver_WorkflowRun(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rec := &recorder{}
	h.engine.m.observer = rec
	h.job("a")
	h.workflow("wf", jobs("a"))
	id := h.startRun("wf")
	h.pass()
	h.exit(h.only("a").ID, 0)
	h.pass()
	require.Equal(t, []EventKind{WorkflowRunStarted, TriggerFired, JobRunStarted, JobRunEnded, WorkflowRunEnded}, rec.kinds())
	last := rec.events[len(rec.events)-1]
	require.Equal(t, id, last.WorkflowRunID)
	require.Equal(t, "COMPLETED", last.State)
}
