package engine

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// The Engine's commands: each applies one machine transition in a store
// transaction, then wakes the dispatcher (update) and signals what the
// transition stopped.

// StartWorkflowRun starts a run of a workflow: it snapshots the workflow's
// triggers, sets the run properties (DefaultRunProperties overlaid by props)
// and fires the start trigger, whatever its type. A workflow at its
// MaxConcurrentRuns refuses with ConcurrentRunsExceededException.
func (e *Engine) StartWorkflowRun(ctx context.Context, name string, props map[string]string) (string, error) {
	var id string
	err := e.update(ctx, func(ctx context.Context, tx store.Tx) error {
		run, err := e.m.startRun(ctx, tx, name, props, nil)
		if run != nil {
			id = run.Run.WorkflowRunID
		}
		return err
	})
	return id, err
}

// StopWorkflowRun stops a RUNNING run: queued and not yet started job runs
// end STOPPED at once, running processes are stopped (their runs end
// STOPPED), crawls are cancelled, nothing more fires, and the run goes
// STOPPING then STOPPED.
func (e *Engine) StopWorkflowRun(ctx context.Context, name, runID string) error {
	var signal []string
	err := e.update(ctx, func(ctx context.Context, tx store.Tx) (err error) {
		signal, err = e.m.stopRun(ctx, tx, name, runID)
		return err
	})
	if err == nil {
		e.signal(signal)
	}
	return err
}

// ResumeWorkflowRun restarts the given job and crawler nodes of a COMPLETED
// run, and everything downstream of them, in a new run that keeps the old
// run's trigger snapshot and final properties and carries the details of
// every node it does not restart. Selected nodes downstream of other
// selected nodes are dropped; the node ids actually restarted are returned.
func (e *Engine) ResumeWorkflowRun(ctx context.Context, name, runID string, nodeIDs []string) (string, []string, error) {
	var newID string
	var restarted []string
	err := e.update(ctx, func(ctx context.Context, tx store.Tx) (err error) {
		newID, restarted, err = e.m.resume(ctx, tx, name, runID, nodeIDs)
		return err
	})
	return newID, restarted, err
}

// PutWorkflowRunProperties merges props into a run's properties key by key.
func (e *Engine) PutWorkflowRunProperties(ctx context.Context, name, runID string, props map[string]string) error {
	return e.m.apply(ctx, e.store, func(ctx context.Context, tx store.Tx) error { return e.m.putRunProperties(ctx, tx, name, runID, props) })
}

// FireOnDemand fires an ON_DEMAND trigger: for a workflow's start trigger it
// starts a workflow run, otherwise it starts the trigger's actions.
func (e *Engine) FireOnDemand(ctx context.Context, t *glue.Trigger) error {
	if t.WorkflowName != "" {
		_, err := e.StartWorkflowRun(ctx, t.WorkflowName, nil)
		return err
	}
	return e.update(ctx, func(ctx context.Context, tx store.Tx) error {
		_, err := e.m.fireActions(ctx, tx, t, "", "", nil)
		return err
	})
}

// StartJobRun starts a run of a job outside any trigger. A job at its
// concurrency limit refuses with ConcurrentRunsExceededException, unless
// queuing is enabled (on the request or the job), when the run waits.
func (e *Engine) StartJobRun(ctx context.Context, req glue.JobRunRequest) (string, error) {
	var id string
	err := e.update(ctx, func(ctx context.Context, tx store.Tx) (err error) {
		id, err = e.m.startJobRun(ctx, tx, req)
		return err
	})
	return id, err
}

// BatchStopJobRun stops the given runs of a job and reports which could not
// be stopped (unknown, or already ended).
func (e *Engine) BatchStopJobRun(ctx context.Context, job string, ids []string) ([]string, []glue.BatchStopError, error) {
	var stopped, signal []string
	var failed []glue.BatchStopError
	err := e.update(ctx, func(ctx context.Context, tx store.Tx) (err error) {
		stopped, failed, signal, err = e.m.stopJobRuns(ctx, tx, job, ids)
		return err
	})
	if err == nil {
		e.signal(signal)
	}
	return stopped, failed, err
}

// NotifyEvent delivers an event to a workflow's EVENT trigger (Epoxy's
// AWSGlue.NotifyEvent, standing in for EventBridge). The event is durable
// once NotifyEvent returns. An event id already delivered to the workflow is
// ignored, so retries are safe; an empty id gets a generated one, which is
// returned. When the batch reaches its size, a run starts at once.
func (e *Engine) NotifyEvent(ctx context.Context, workflow, eventID string) (string, error) {
	if eventID == "" {
		eventID = glue.NewUUID()
	}
	err := e.update(ctx, func(ctx context.Context, tx store.Tx) error { return e.m.notifyEvent(ctx, tx, workflow, eventID) })
	return eventID, err
}

// StartCrawler starts a crawl of a READY crawler outside any workflow.
func (e *Engine) StartCrawler(ctx context.Context, name string) error {
	return e.update(ctx, func(ctx context.Context, tx store.Tx) error { return e.m.startCrawler(ctx, tx, name) })
}

// StopCrawler cancels the running crawl of a crawler.
func (e *Engine) StopCrawler(ctx context.Context, name string) error {
	var crawlID string
	err := e.update(ctx, func(ctx context.Context, tx store.Tx) (err error) {
		crawlID, err = e.m.stopCrawler(ctx, tx, name)
		return err
	})
	if err == nil && crawlID != "" {
		e.signal([]string{crawlID})
	}
	return err
}
