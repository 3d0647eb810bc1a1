package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// promoteWaiting moves queued (WAITING) job runs to STARTING, oldest first,
// while their job has fewer active runs than its limit. A run whose job was
// deleted meanwhile ends in ERROR.
func (m *machine) promoteWaiting(ctx context.Context, tx store.Tx) error {
	waiting, err := tx.JobRuns().InStates(ctx, "", glue.JobRunWaiting)
	if err != nil {
		return err
	}
	for _, r := range waiting {
		job, err := tx.Jobs().Get(ctx, r.JobRun.JobName)
		if glue.IsCode(err, glue.EntityNotFound) {
			if err := m.endJobRun(ctx, tx, r, glue.JobRunError, "job "+r.JobRun.JobName+" was deleted while the run was queued", 0); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		active, err := tx.JobRuns().InStates(ctx, r.JobRun.JobName, glue.JobRunStarting, glue.JobRunRunning, glue.JobRunStopping)
		if err != nil {
			return err
		}
		if len(active) < job.MaxConcurrent() {
			r.JobRun.JobRunState = glue.JobRunStarting
			r.JobRun.LastModifiedOn = glue.At(m.now())
			if err := tx.JobRuns().Update(ctx, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// claimedRun is a job run a dispatcher moved to RUNNING, with its job.
type claimedRun struct {
	rec *glue.JobRunRecord
	job *glue.Job
}

// claim moves the given STARTING runs to RUNNING on node (StartedOn = now,
// one instant for the whole pass; the deadline from the run's Timeout) and
// returns those it claimed. Runs no longer STARTING (another node claimed
// them) are skipped; runs whose job was deleted end in ERROR.
func (m *machine) claim(ctx context.Context, tx store.Tx, ids []string, node string) ([]claimedRun, error) {
	var out []claimedRun
	now := m.now()
	for _, id := range ids {
		rec, err := tx.JobRuns().ByID(ctx, id)
		if err != nil {
			return nil, err
		}
		if rec.JobRun.JobRunState != glue.JobRunStarting {
			continue
		}
		job, err := tx.Jobs().Get(ctx, rec.JobRun.JobName)
		if glue.IsCode(err, glue.EntityNotFound) {
			if err := m.endJobRun(ctx, tx, rec, glue.JobRunError, "job "+rec.JobRun.JobName+" no longer exists", 0); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		rec.JobRun.JobRunState, rec.JobRun.StartedOn, rec.JobRun.LastModifiedOn = glue.JobRunRunning, glue.At(now), glue.At(now)
		rec.Node = node
		rec.Deadline = glue.At(now.Add(time.Duration(timeoutMinutes(rec)) * time.Minute))
		if err := tx.JobRuns().Update(ctx, rec); err != nil {
			return nil, err
		}
		out = append(out, claimedRun{rec: rec, job: job})
	}
	return out, nil
}

// recordProcess stores the pid and start time of a job run's process, so a
// restarted server can find it.
func (m *machine) recordProcess(ctx context.Context, tx store.Tx, id string, pid int, start uint64) error {
	r, err := tx.JobRuns().ByID(ctx, id)
	if err != nil || r.JobRun.JobRunState.Terminal() {
		return err
	}
	r.PID, r.ProcessStart = pid, start
	return tx.JobRuns().Update(ctx, r)
}

// relaunch puts a claimed job run whose process provably never started
// back in STARTING, as the same attempt, or ends it STOPPED when a stop was
// asked for meanwhile.
func (m *machine) relaunch(ctx context.Context, tx store.Tx, id string) error {
	rec, err := tx.JobRuns().ByID(ctx, id)
	if err != nil || rec.JobRun.JobRunState.Terminal() {
		return err
	}
	if rec.JobRun.JobRunState == glue.JobRunStopping {
		return m.endJobRun(ctx, tx, rec, glue.JobRunStopped, "", 0)
	}
	rec.JobRun.JobRunState, rec.JobRun.LastModifiedOn = glue.JobRunStarting, glue.At(m.now())
	rec.PID, rec.ProcessStart, rec.Deadline, rec.Node = 0, 0, glue.Timestamp{}, ""
	return tx.JobRuns().Update(ctx, rec)
}

// finishJob records a job run's end and everything it causes: the retry,
// the triggers it fires, the end of its workflow run. A run that was
// STOPPING ends STOPPED; a run already ended is left alone. The end time is
// when the process ended, when the executor knows it.
func (m *machine) finishJob(ctx context.Context, tx store.Tx, id string, state glue.JobRunState, res glue.ProcessResult) error {
	rec, err := tx.JobRuns().ByID(ctx, id)
	if err != nil || rec.JobRun.JobRunState.Terminal() {
		return err
	}
	if rec.JobRun.JobRunState == glue.JobRunStopping {
		state = glue.JobRunStopped
	}
	at := m.now()
	if !res.EndedAt.IsZero() && res.EndedAt.After(rec.JobRun.StartedOn.Time) && res.EndedAt.Before(at) {
		at = res.EndedAt.UTC().Truncate(time.Millisecond)
	}
	return m.endJobRunAt(ctx, tx, rec, state, res.Error, res.ExitCode, at)
}

func timeoutMinutes(r *glue.JobRunRecord) int32 {
	if r.JobRun.Timeout != nil && *r.JobRun.Timeout > 0 {
		return *r.JobRun.Timeout
	}
	return glue.DefaultJobTimeoutMinutes
}

// endJobRun moves a job run to a terminal state and applies the
// consequences within tx.
func (m *machine) endJobRun(ctx context.Context, tx store.Tx, rec *glue.JobRunRecord, state glue.JobRunState, msg string, exitCode int) error {
	return m.endJobRunAt(ctx, tx, rec, state, msg, exitCode, m.now())
}

// endJobRunAt is endJobRun for a run that ended at the given time.
func (m *machine) endJobRunAt(ctx context.Context, tx store.Tx, rec *glue.JobRunRecord, state glue.JobRunState, msg string, exitCode int, now time.Time) error {
	r := &rec.JobRun
	r.JobRunState, r.CompletedOn, r.LastModifiedOn = state, glue.At(now), glue.At(now)
	if !r.StartedOn.IsZero() {
		r.ExecutionTime = int32(now.Sub(r.StartedOn.Time).Seconds())
	}
	if state == glue.JobRunFailed && msg == "" {
		msg = fmt.Sprintf("the job's process exited with status %d", exitCode)
	}
	if state != glue.JobRunSucceeded {
		r.ErrorMessage = msg
	}
	m.emit(ctx, Event{Kind: JobRunEnded, WorkflowRunID: rec.WorkflowRunID, State: string(state),
		attrs: []any{"job_run", r.ID, "job", r.JobName, "state", state, "attempt", r.Attempt,
			"workflow_run", rec.WorkflowRunID, "duration", now.Sub(r.StartedOn.Time), "error", r.ErrorMessage}})
	retry, err := m.retryIfDue(ctx, tx, rec)
	if err != nil {
		return err
	}
	if err := tx.JobRuns().Update(ctx, rec); err != nil {
		return err
	}
	if retry {
		return nil
	}
	if rec.WorkflowRunID != "" {
		return m.settle(ctx, tx, rec.WorkflowName, rec.WorkflowRunID)
	}
	return m.fireStandalone(ctx, tx, NodeRef{glue.NodeJob, r.JobName}, "jr:"+r.ID, rec.JobRun.TriggerName)
}

// retryIfDue creates the next attempt of a FAILED run while the job's
// MaxRetries allows, marking the failed attempt Retried. Runs of a stopping
// workflow run are not retried.
func (m *machine) retryIfDue(ctx context.Context, tx store.Tx, rec *glue.JobRunRecord) (bool, error) {
	if rec.JobRun.JobRunState != glue.JobRunFailed {
		return false, nil
	}
	job, err := tx.Jobs().Get(ctx, rec.JobRun.JobName)
	if glue.IsCode(err, glue.EntityNotFound) {
		return false, nil
	}
	if err != nil || rec.JobRun.Attempt >= job.MaxRetries {
		return false, err
	}
	if rec.WorkflowRunID != "" {
		run, err := tx.WorkflowRuns().Get(ctx, rec.WorkflowName, rec.WorkflowRunID)
		if err != nil || run.Run.Status != glue.WorkflowRunRunning {
			return false, err
		}
	}
	next := m.newJobRunRecord(job, rec.Action, rec.JobRun.TriggerName, rec.WorkflowName, rec.WorkflowRunID)
	next.JobRun.Attempt = rec.JobRun.Attempt + 1
	next.JobRun.PreviousRunID = rec.JobRun.ID
	next.JobRun.PredecessorRuns = rec.JobRun.PredecessorRuns
	rec.Retried = true
	return true, tx.JobRuns().Insert(ctx, next)
}

func applyRunOverrides(r *glue.JobRun, req glue.JobRunRequest) {
	r.SetCapacity(req.Capacity().Override(r.Capacity()))
	if req.ExecutionClass != "" {
		r.ExecutionClass = req.ExecutionClass
	}
	if req.JobRunQueuingEnabled != nil {
		r.JobRunQueuingEnabled = req.JobRunQueuingEnabled
	}
}

// afterStop applies the consequences of a job run that ended STOPPED
// without a process (it was still queued or starting).
func (m *machine) afterStop(ctx context.Context, tx store.Tx, r *glue.JobRunRecord) error {
	if r.WorkflowRunID != "" {
		return m.settle(ctx, tx, r.WorkflowName, r.WorkflowRunID)
	}
	return m.fireStandalone(ctx, tx, NodeRef{glue.NodeJob, r.JobRun.JobName}, "jr:"+r.JobRun.ID, r.JobRun.TriggerName)
}
