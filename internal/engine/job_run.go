package engine

import (
	"context"
	"fmt"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// JobRunRequest is a StartJobRun call; its fields are the request's
// members.
type JobRunRequest struct {
	JobName string
	// RetryOf is the id of an earlier run this run retries (StartJobRun's
	// JobRunId member).
	RetryOf               string `json:"JobRunId"`
	Arguments             map[string]string
	Timeout               *int32
	MaxCapacity           *float64
	WorkerType            string
	NumberOfWorkers       *int32
	SecurityConfiguration string
	NotificationProperty  *glue.NotificationProperty
	ExecutionClass        string
	JobRunQueuingEnabled  *bool
}

// StartJobRun starts a run of a job outside any trigger. A job at its
// concurrency limit refuses with ConcurrentRunsExceededException, unless
// queuing is enabled (on the request or the job), when the run waits.
func (e *Engine) StartJobRun(ctx context.Context, req JobRunRequest) (string, error) {
	var id string
	err := e.update(ctx, func(tx store.Tx) error {
		job, err := tx.Jobs().Get(ctx, req.JobName)
		if err != nil {
			return err
		}
		a := glue.Action{JobName: req.JobName, Arguments: req.Arguments, Timeout: req.Timeout,
			SecurityConfiguration: req.SecurityConfiguration, NotificationProperty: req.NotificationProperty}
		rec := e.m.newJobRunRecord(job, a, "", "", "")
		applyRunOverrides(&rec.JobRun, req)
		if req.RetryOf != "" {
			prev, err := tx.JobRuns().Get(ctx, req.JobName, req.RetryOf)
			if err != nil {
				return err
			}
			rec.JobRun.PreviousRunID, rec.JobRun.Attempt = prev.JobRun.ID, prev.JobRun.Attempt+1
		}
		active, err := tx.JobRuns().InStates(ctx, job.Name, glue.JobRunStarting, glue.JobRunRunning, glue.JobRunStopping)
		if err != nil {
			return err
		}
		if len(active) >= job.MaxConcurrent() {
			queue := job.JobRunQueuingEnabled
			if req.JobRunQueuingEnabled != nil {
				queue = req.JobRunQueuingEnabled
			}
			if queue == nil || !*queue {
				return glue.Errorf(glue.ConcurrentRunsExceeded, "Concurrent runs exceeded for job %s: it allows %d concurrent runs (ExecutionProperty.MaxConcurrentRuns)", job.Name, job.MaxConcurrent())
			}
			rec.JobRun.JobRunState = glue.JobRunWaiting
		}
		id = rec.JobRun.ID
		return tx.JobRuns().Insert(ctx, rec)
	})
	return id, err
}

func applyRunOverrides(r *glue.JobRun, req JobRunRequest) {
	if req.MaxCapacity != nil {
		r.MaxCapacity = req.MaxCapacity
	}
	if req.WorkerType != "" {
		r.WorkerType, r.NumberOfWorkers = req.WorkerType, req.NumberOfWorkers
	}
	if req.ExecutionClass != "" {
		r.ExecutionClass = req.ExecutionClass
	}
	if req.JobRunQueuingEnabled != nil {
		r.JobRunQueuingEnabled = req.JobRunQueuingEnabled
	}
}

// GetJobRun returns one run of a job.
func (e *Engine) GetJobRun(ctx context.Context, job, id string) (*glue.JobRun, error) {
	var out *glue.JobRun
	err := e.store.View(ctx, func(tx store.Tx) error {
		r, err := tx.JobRuns().Get(ctx, job, id)
		if err != nil {
			return err
		}
		out = &r.JobRun
		return nil
	})
	return out, err
}

// GetJobRuns returns a page of a job's runs, newest first.
func (e *Engine) GetJobRuns(ctx context.Context, job string, beforeSeq int64, limit int) ([]*glue.JobRun, []int64, error) {
	var out []*glue.JobRun
	var seqs []int64
	err := e.store.View(ctx, func(tx store.Tx) error {
		if _, err := tx.Jobs().Get(ctx, job); err != nil {
			return err
		}
		runs, err := tx.JobRuns().List(ctx, job, beforeSeq, limit)
		for _, r := range runs {
			out = append(out, &r.JobRun)
			seqs = append(seqs, r.Seq)
		}
		return err
	})
	return out, seqs, err
}

// StopError is one job run BatchStopJobRun could not stop.
type StopError struct {
	JobRunID string
	Code     string
	Message  string
}

// BatchStopJobRun stops the given runs of a job and reports which could not
// be stopped (unknown, or already ended).
func (e *Engine) BatchStopJobRun(ctx context.Context, job string, ids []string) ([]string, []StopError, error) {
	var stopped []string
	var failed []StopError
	var signal []string
	err := e.update(ctx, func(tx store.Tx) error {
		stopped, failed, signal = nil, nil, nil
		for _, id := range ids {
			r, err := tx.JobRuns().Get(ctx, job, id)
			if glue.IsCode(err, glue.EntityNotFound) {
				failed = append(failed, StopError{id, string(glue.EntityNotFound), err.Error()})
				continue
			}
			if err != nil {
				return err
			}
			if r.JobRun.JobRunState.Terminal() {
				failed = append(failed, StopError{id, string(glue.InvalidInput), fmt.Sprintf("Job run %s is already %s", id, r.JobRun.JobRunState)})
				continue
			}
			ids, err := e.m.stopJobRun(ctx, tx, r)
			if err != nil {
				return err
			}
			signal = append(signal, ids...)
			stopped = append(stopped, id)
			if r.JobRun.JobRunState == glue.JobRunStopped {
				if err := e.m.afterStop(ctx, tx, r); err != nil {
					return err
				}
			}
		}
		return nil
	})
	for _, id := range signal {
		e.disp.Signal(id)
	}
	return stopped, failed, err
}

// afterStop applies the consequences of a job run that ended STOPPED
// without a process (it was still queued or starting).
func (m *machine) afterStop(ctx context.Context, tx store.Tx, r *glue.JobRunRecord) error {
	if r.WorkflowRunID != "" {
		return m.settle(ctx, tx, r.WorkflowName, r.WorkflowRunID)
	}
	return m.fireStandalone(ctx, tx, NodeRef{glue.NodeJob, r.JobRun.JobName}, "jr:"+r.JobRun.ID, r.JobRun.TriggerName)
}
