package engine

import (
	"context"
	"time"

	"github.com/epoxy-run/epoxy/internal/store"
)

// EventKind names something the engine did. Its value is also the message
// of the Info log line the engine writes for it.
type EventKind string

// The engine's events.
const (
	WorkflowRunStarted EventKind = "workflow run started"
	WorkflowRunEnded   EventKind = "workflow run ended"
	TriggerFired       EventKind = "trigger fired"
	JobRunStarted      EventKind = "job run started"
	JobRunEnded        EventKind = "job run ended"
	CrawlStarted       EventKind = "crawl started"
	CrawlEnded         EventKind = "crawl ended"
	ScheduleFired      EventKind = "schedule fired"
	EventBatchStarted  EventKind = "event batch started"
)

// Event is one thing the engine did. An event a transition causes is
// published only once its transaction has committed, so a rolled-back
// transition is neither logged nor counted.
type Event struct {
	Kind EventKind
	// At is when it happened, by the engine's clock.
	At time.Time
	// WorkflowRunID is the workflow run it belongs to, if any.
	WorkflowRunID string
	// State is the state a run, job run or crawl ended in (…Ended events).
	State string
	// FireTime is the cron fire time a ScheduleFired event is for.
	FireTime time.Time
	// attrs are the event's log attributes, key-value pairs in order.
	attrs []any
}

// Observer receives the engine's events, for example to count them as
// metrics. Observe must not block.
type Observer interface {
	Observe(Event)
}

// journal collects the events of one transaction until it commits.
type journal struct{ events []Event }

type journalKey struct{}

// emit publishes ev, or holds it until the transaction under way in ctx
// (see apply) commits.
func (m *machine) emit(ctx context.Context, ev Event) {
	ev.At = m.clock.Now()
	if j, ok := ctx.Value(journalKey{}).(*journal); ok {
		j.events = append(j.events, ev)
		return
	}
	m.publish(ev)
}

// publish logs ev at Info level and tells the observer.
func (m *machine) publish(ev Event) {
	m.log.Info(string(ev.Kind), ev.attrs...)
	if m.observer != nil {
		m.observer.Observe(ev)
	}
}

// apply runs fn in a write transaction of st. The events fn's transitions
// emit are published after the commit, and dropped if it fails.
func (m *machine) apply(ctx context.Context, st store.Store, fn func(ctx context.Context, tx store.Tx) error) error {
	j := &journal{}
	jctx := context.WithValue(ctx, journalKey{}, j)
	err := st.Update(jctx, func(tx store.Tx) error {
		j.events = j.events[:0] // a store may run fn again
		return fn(jctx, tx)
	})
	if err != nil {
		return err
	}
	for _, ev := range j.events {
		m.publish(ev)
	}
	return nil
}
