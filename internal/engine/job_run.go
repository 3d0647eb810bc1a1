package engine

import (
	"context"

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

// afterStop applies the consequences of a job run that ended STOPPED
// without a process (it was still queued or starting).
func (m *machine) afterStop(ctx context.Context, tx store.Tx, r *glue.JobRunRecord) error {
	if r.WorkflowRunID != "" {
		return m.settle(ctx, tx, r.WorkflowName, r.WorkflowRunID)
	}
	return m.fireStandalone(ctx, tx, NodeRef{glue.NodeJob, r.JobRun.JobName}, "jr:"+r.JobRun.ID, r.JobRun.TriggerName)
}
