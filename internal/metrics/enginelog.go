package metrics

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// The engine's log messages that are events counted here. The engine logs
// them at Info level, once the transition that they describe is decided.
const (
	msgWorkflowRunStarted = "workflow run started"
	msgWorkflowRunEnded   = "workflow run ended"
	msgJobRunStarted      = "job run started"
	msgJobRunEnded        = "job run ended"
	msgCrawlStarted       = "crawl started"
	msgCrawlEnded         = "crawl ended"
	msgScheduleFired      = "schedule fired"
)

// EngineLog is a slog.Handler for the engine's logger: it counts the
// engine's events from its records (whatever the log level), then passes
// the records on to the next handler.
type EngineLog struct {
	next  slog.Handler
	attrs []slog.Attr
	ev    *events
}

// events is the state EngineLog handlers derived with WithAttrs share.
type events struct {
	m  *Metrics
	mu sync.Mutex
	// lastEnd is when a job run of each active workflow run last ended.
	lastEnd map[string]time.Time
}

// EngineLog returns a handler counting the engine's events into m before
// passing records to next.
func (m *Metrics) EngineLog(next slog.Handler) *EngineLog {
	return &EngineLog{next: next, ev: &events{m: m, lastEnd: map[string]time.Time{}}}
}

// Enabled reports true from Info up, so events are counted whatever the
// configured level.
func (h *EngineLog) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelInfo || h.next.Enabled(ctx, l)
}

// Handle counts the record's event, if it is one, and passes it on when
// the next handler takes its level.
func (h *EngineLog) Handle(ctx context.Context, r slog.Record) error {
	h.ev.count(r, h.attrs)
	if !h.next.Enabled(ctx, r.Level) {
		return nil
	}
	return h.next.Handle(ctx, r)
}

// WithAttrs returns a handler whose records carry attrs.
func (h *EngineLog) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &EngineLog{next: h.next.WithAttrs(attrs), attrs: append(append([]slog.Attr(nil), h.attrs...), attrs...), ev: h.ev}
}

// WithGroup returns a handler whose record attributes are in a group.
// Events are read from ungrouped attributes only; the engine uses none.
func (h *EngineLog) WithGroup(name string) slog.Handler {
	return &EngineLog{next: h.next.WithGroup(name), attrs: h.attrs, ev: h.ev}
}

// attrsOf returns a record's attributes, with the handler's own first.
func attrsOf(r slog.Record, pre []slog.Attr) map[string]slog.Value {
	a := make(map[string]slog.Value, len(pre)+r.NumAttrs())
	for _, at := range pre {
		a[at.Key] = at.Value.Resolve()
	}
	r.Attrs(func(at slog.Attr) bool {
		a[at.Key] = at.Value.Resolve()
		return true
	})
	return a
}

func (e *events) count(r slog.Record, pre []slog.Attr) {
	if r.Level != slog.LevelInfo {
		return
	}
	switch r.Message {
	case msgWorkflowRunStarted:
		e.m.workflowRunsStarted.Inc()
	case msgWorkflowRunEnded:
		a := attrsOf(r, pre)
		e.m.workflowRunsFinished.WithLabelValues(a["status"].String()).Inc()
		e.forget(a["workflow_run"].String())
	case msgJobRunStarted:
		e.m.jobRunsStarted.Inc()
		e.hop(attrsOf(r, pre)["workflow_run"].String(), r.Time)
	case msgJobRunEnded:
		a := attrsOf(r, pre)
		e.m.jobRunsFinished.WithLabelValues(a["state"].String()).Inc()
		e.ended(a["workflow_run"].String(), r.Time)
	case msgCrawlStarted:
		e.m.crawlsStarted.Inc()
	case msgCrawlEnded:
		e.m.crawlsFinished.WithLabelValues(attrsOf(r, pre)["state"].String()).Inc()
	case msgScheduleFired:
		if v, ok := attrsOf(r, pre)["fire_time"]; ok && v.Kind() == slog.KindTime {
			e.m.scheduleLag.Observe(r.Time.Sub(v.Time()).Seconds())
		}
	}
}

// ended records when a job run of a workflow run ended.
func (e *events) ended(run string, at time.Time) {
	if run == "" {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lastEnd[run] = at
}

// hop observes the time from the workflow run's last job run end to a
// job run's start.
func (e *events) hop(run string, at time.Time) {
	if run == "" {
		return
	}
	e.mu.Lock()
	end, ok := e.lastEnd[run]
	e.mu.Unlock()
	if ok {
		e.m.dispatchHop.Observe(at.Sub(end).Seconds())
	}
}

func (e *events) forget(run string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.lastEnd, run)
}
