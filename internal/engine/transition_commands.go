package engine

import (
	"context"
	"fmt"
	"maps"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// The transitions behind the Engine's commands: each applies one API call
// within the transaction it is given and returns what the dispatcher must be
// told (ids to stop), never signalling anything itself.

// startJobRun starts a run of a job outside any trigger. A job at its
// concurrency limit refuses with ConcurrentRunsExceededException, unless
// queuing is enabled (on the request or the job), when the run waits.
func (m *machine) startJobRun(ctx context.Context, tx store.Tx, req glue.JobRunRequest) (string, error) {
	job, err := tx.Jobs().Get(ctx, req.JobName)
	if err != nil {
		return "", err
	}
	a := glue.Action{JobName: req.JobName, Arguments: req.Arguments, Timeout: req.Timeout,
		SecurityConfiguration: req.SecurityConfiguration, NotificationProperty: req.NotificationProperty}
	if err := req.Capacity().CheckMix(); err != nil {
		return "", err
	}
	rec := m.newJobRunRecord(job, a, "", "", "")
	applyRunOverrides(&rec.JobRun, req)
	if err := rec.JobRun.Capacity().Check(job.Command.Name); err != nil {
		return "", err
	}
	if req.RetryOf != "" {
		prev, err := tx.JobRuns().Get(ctx, req.JobName, req.RetryOf)
		if err != nil {
			return "", err
		}
		rec.JobRun.PreviousRunID, rec.JobRun.Attempt = prev.JobRun.ID, prev.JobRun.Attempt+1
	}
	active, err := tx.JobRuns().InStates(ctx, job.Name, glue.JobRunStarting, glue.JobRunRunning, glue.JobRunStopping)
	if err != nil {
		return "", err
	}
	if len(active) >= job.MaxConcurrent() {
		queue := job.JobRunQueuingEnabled
		if req.JobRunQueuingEnabled != nil {
			queue = req.JobRunQueuingEnabled
		}
		if queue == nil || !*queue {
			return "", glue.Errorf(glue.ConcurrentRunsExceeded, "Concurrent runs exceeded for job %s: it allows %d concurrent runs (ExecutionProperty.MaxConcurrentRuns)", job.Name, job.MaxConcurrent())
		}
		rec.JobRun.JobRunState = glue.JobRunWaiting
	}
	return rec.JobRun.ID, tx.JobRuns().Insert(ctx, rec)
}

// stopJobRuns stops the given runs of a job; it returns those it stopped,
// those it could not (unknown, or already ended) and the ids to signal.
func (m *machine) stopJobRuns(ctx context.Context, tx store.Tx, job string, ids []string) (stopped []string, failed []glue.BatchStopError, signal []string, err error) {
	for _, id := range ids {
		r, err := tx.JobRuns().Get(ctx, job, id)
		if glue.IsCode(err, glue.EntityNotFound) {
			failed = append(failed, glue.BatchStopError{JobRunID: id, Code: string(glue.EntityNotFound), Message: err.Error()})
			continue
		}
		if err != nil {
			return nil, nil, nil, err
		}
		if r.JobRun.JobRunState.Terminal() {
			failed = append(failed, glue.BatchStopError{JobRunID: id, Code: string(glue.InvalidInput), Message: fmt.Sprintf("Job run %s is already %s", id, r.JobRun.JobRunState)})
			continue
		}
		sig, err := m.stopJobRun(ctx, tx, r)
		if err != nil {
			return nil, nil, nil, err
		}
		signal = append(signal, sig...)
		stopped = append(stopped, id)
		if r.JobRun.JobRunState == glue.JobRunStopped {
			if err := m.afterStop(ctx, tx, r); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	return stopped, failed, signal, nil
}

// notifyEvent records an event for a workflow's EVENT trigger and starts a
// run when the batch is full. An event id already delivered is ignored.
func (m *machine) notifyEvent(ctx context.Context, tx store.Tx, workflow, eventID string) error {
	t, err := eventTrigger(ctx, tx, workflow)
	if err != nil {
		return err
	}
	if t.State != glue.TriggerActivated {
		return glue.Errorf(glue.InvalidInput, "the EVENT trigger %s of workflow %s is %s; it accepts events only when ACTIVATED (StartTrigger)", t.Name, workflow, t.State)
	}
	fresh, err := tx.Events().Insert(ctx, &glue.Event{Workflow: workflow, ID: eventID, ReceivedAt: m.now()})
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
	return m.startBatch(ctx, tx, workflow, pending[:size], &glue.StartingEventBatchCondition{BatchSize: &n})
}

// startCrawler starts a crawl of a READY crawler outside any workflow.
func (m *machine) startCrawler(ctx context.Context, tx store.Tx, name string) error {
	c, err := tx.Crawlers().Get(ctx, name)
	if err != nil {
		return err
	}
	if c.State != glue.CrawlerStateReady {
		return glue.Errorf(glue.CrawlerRunning, "Crawler %s is already %s", name, c.State)
	}
	_, err = m.startCrawl(ctx, tx, name, "", "", "")
	return err
}

// stopCrawler marks a crawler STOPPING and its running crawl CANCELLING,
// returning the crawl's id to signal (empty when none runs).
func (m *machine) stopCrawler(ctx context.Context, tx store.Tx, name string) (string, error) {
	c, err := tx.Crawlers().Get(ctx, name)
	if err != nil {
		return "", err
	}
	switch c.State {
	case glue.CrawlerStateReady:
		return "", glue.Errorf(glue.CrawlerNotRunning, "Crawler %s is not running", name)
	case glue.CrawlerStateStopping:
		return "", glue.Errorf(glue.CrawlerStopping, "Crawler %s is already stopping", name)
	}
	crawls, err := tx.Crawls().List(ctx, name, 0, 1)
	if err != nil {
		return "", err
	}
	c.State = glue.CrawlerStateStopping
	var crawlID string
	if len(crawls) > 0 && crawls[0].State == glue.CrawlRunning {
		crawls[0].State, crawlID = glue.CrawlCancelling, crawls[0].ID
		if err := tx.Crawls().Update(ctx, crawls[0]); err != nil {
			return "", err
		}
	}
	return crawlID, tx.Crawlers().Replace(ctx, name, c)
}

// stopRun moves a RUNNING workflow run to STOPPING, stops its members and
// returns the ids to signal; the run ends STOPPED once nothing is active.
func (m *machine) stopRun(ctx context.Context, tx store.Tx, name, runID string) ([]string, error) {
	run, err := tx.WorkflowRuns().Get(ctx, name, runID)
	if err != nil {
		return nil, err
	}
	if run.Run.Status != glue.WorkflowRunRunning {
		return nil, glue.Errorf(glue.IllegalWorkflowState, "Workflow run %s is %s; only a RUNNING run can be stopped", runID, run.Run.Status)
	}
	run.Run.Status = glue.WorkflowRunStopping
	if err := tx.WorkflowRuns().Update(ctx, run); err != nil {
		return nil, err
	}
	signal, err := m.stopMembers(ctx, tx, runID)
	if err != nil {
		return nil, err
	}
	return signal, m.settle(ctx, tx, name, runID)
}

// putRunProperties merges props into a run's properties key by key: given
// keys are added or overwritten, others are kept.
func (m *machine) putRunProperties(ctx context.Context, tx store.Tx, name, runID string, props map[string]string) error {
	run, err := tx.WorkflowRuns().Get(ctx, name, runID)
	if err != nil {
		return err
	}
	if run.Run.WorkflowRunProperties == nil {
		run.Run.WorkflowRunProperties = map[string]string{}
	}
	maps.Copy(run.Run.WorkflowRunProperties, props)
	if err := glue.CheckRunProperties(run.Run.WorkflowRunProperties); err != nil {
		return err
	}
	return tx.WorkflowRuns().Update(ctx, run)
}
