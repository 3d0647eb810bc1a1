package metrics

import (
	"sync"
	"time"

	"github.com/epoxy-run/epoxy/internal/engine"
)

// EngineObserver counts the engine's events (engine.Observer): runs, job
// runs and crawls started and finished, the dispatch hop, schedule lag. The
// engine publishes an event only after the transaction that caused it
// committed, so each is counted once.
type EngineObserver struct {
	m  *Metrics
	mu sync.Mutex
	// lastEnd is when a job run of each active workflow run last ended.
	lastEnd map[string]time.Time
}

// Engine returns the engine.Observer counting into m.
func (m *Metrics) Engine() *EngineObserver {
	return &EngineObserver{m: m, lastEnd: map[string]time.Time{}}
}

// Observe counts one event.
func (o *EngineObserver) Observe(ev engine.Event) {
	switch ev.Kind {
	case engine.WorkflowRunStarted:
		o.m.workflowRunsStarted.Inc()
	case engine.WorkflowRunEnded:
		o.m.workflowRunsFinished.WithLabelValues(ev.State).Inc()
		o.forget(ev.WorkflowRunID)
	case engine.JobRunStarted:
		o.m.jobRunsStarted.Inc()
		o.hop(ev.WorkflowRunID, ev.At)
	case engine.JobRunEnded:
		o.m.jobRunsFinished.WithLabelValues(ev.State).Inc()
		o.ended(ev.WorkflowRunID, ev.At)
	case engine.CrawlStarted:
		o.m.crawlsStarted.Inc()
	case engine.CrawlEnded:
		o.m.crawlsFinished.WithLabelValues(ev.State).Inc()
	case engine.ScheduleFired:
		o.m.scheduleLag.Observe(ev.At.Sub(ev.FireTime).Seconds())
	}
}

// ended records when a job run of a workflow run ended.
func (o *EngineObserver) ended(run string, at time.Time) {
	if run == "" {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.lastEnd[run] = at
}

// hop observes the time from the workflow run's last job run end to a job
// run's start.
func (o *EngineObserver) hop(run string, at time.Time) {
	if run == "" {
		return
	}
	o.mu.Lock()
	end, ok := o.lastEnd[run]
	o.mu.Unlock()
	if ok {
		o.m.dispatchHop.Observe(at.Sub(end).Seconds())
	}
}

func (o *EngineObserver) forget(run string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.lastEnd, run)
}
