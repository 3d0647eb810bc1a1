package engine

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// dispatchOnce promotes queued job runs that now have room, launches every
// job run waiting in STARTING and every crawl not yet being watched. Runs are
// claimed in one transaction and their processes recorded in another, so the
// cost of a dispatch pass is shared by all the runs it starts.
func (e *Engine) dispatchOnce(ctx context.Context) error {
	var starting, waiting []*glue.JobRunRecord
	var crawls []*glue.CrawlRecord
	err := e.store.View(ctx, func(tx store.Tx) error {
		var err error
		if starting, err = tx.JobRuns().InStates(ctx, "", glue.JobRunStarting); err != nil {
			return err
		}
		if waiting, err = tx.JobRuns().InStates(ctx, "", glue.JobRunWaiting); err != nil {
			return err
		}
		crawls, err = tx.Crawls().InStates(ctx, glue.CrawlRunning)
		return err
	})
	if err != nil {
		return err
	}
	if len(waiting) > 0 {
		if err := e.promoteWaiting(ctx); err != nil {
			return err
		}
		e.Wake()
	}
	e.launchAll(ctx, starting)
	for _, c := range crawls {
		if f := e.track(c.ID); f != nil {
			e.wg.Add(1)
			go e.runCrawl(c.ID, f)
		}
	}
	return nil
}

// promoteWaiting moves queued (WAITING) job runs to STARTING, oldest first,
// while their job has fewer active runs than its limit.
func (e *Engine) promoteWaiting(ctx context.Context) error {
	return e.store.Update(ctx, func(tx store.Tx) error {
		waiting, err := tx.JobRuns().InStates(ctx, "", glue.JobRunWaiting)
		if err != nil || len(waiting) == 0 {
			return err
		}
		for _, r := range waiting {
			job, err := tx.Jobs().Get(ctx, r.JobRun.JobName)
			if glue.IsCode(err, glue.EntityNotFound) {
				if err := e.endJobRun(ctx, tx, r, glue.JobRunError, "job "+r.JobRun.JobName+" was deleted while the run was queued", 0); err != nil {
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
				r.JobRun.LastModifiedOn = e.now()
				if err := tx.JobRuns().Update(ctx, r); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// claimed is a job run moved to RUNNING by this dispatcher, with its job.
type claimed struct {
	rec      *glue.JobRunRecord
	job      *glue.Job
	flight   *flight
	proc     glue.Process
	startErr error
}

// launchAll claims the STARTING job runs (→ RUNNING, StartedOn = now),
// starts their processes and watches them. A run that cannot start fails
// with the reason.
func (e *Engine) launchAll(ctx context.Context, starting []*glue.JobRunRecord) {
	var mine []*claimed
	for _, r := range starting {
		if f := e.track(r.JobRun.ID); f != nil {
			mine = append(mine, &claimed{rec: r, flight: f})
		}
	}
	if len(mine) == 0 {
		return
	}
	runs, err := e.claim(ctx, mine)
	if err != nil {
		e.log.Error("claim job runs", "err", err)
	}
	for _, c := range mine {
		if !slices.Contains(runs, c) {
			e.untrack(c.rec.JobRun.ID)
		}
	}
	started := e.startProcesses(runs)
	e.recordProcesses(ctx, started)
	for _, c := range started {
		e.wg.Add(1)
		go e.watch(c.rec, c.proc, c.flight)
	}
}

// startConcurrency is how many processes a dispatch pass starts at once:
// starting one (fork, exec) mostly waits on the kernel, so a wide fan-out
// starts faster when a few overlap.
const startConcurrency = 4

// startProcesses starts the claimed runs' processes and returns those that
// started; a run whose process cannot start fails with the reason.
func (e *Engine) startProcesses(runs []*claimed) []*claimed {
	var wg sync.WaitGroup
	sem := make(chan struct{}, startConcurrency)
	for _, c := range runs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c.proc, c.startErr = e.exec.Start(e.runCtx, e.spec(c.rec, c.job))
		}()
	}
	wg.Wait()
	var started []*claimed
	for _, c := range runs {
		if c.startErr != nil {
			e.finish(c.rec.JobRun.ID, glue.JobRunFailed, glue.ProcessResult{ExitCode: -1, Error: c.startErr.Error()})
			e.untrack(c.rec.JobRun.ID)
			continue
		}
		started = append(started, c)
	}
	return started
}

// claim moves the given STARTING runs to RUNNING in one transaction and
// returns those it claimed. Runs whose job was deleted end in ERROR.
func (e *Engine) claim(ctx context.Context, cands []*claimed) ([]*claimed, error) {
	var out []*claimed
	err := e.update(ctx, func(tx store.Tx) error {
		out = nil
		// Every run claimed in this pass is dispatched now: one StartedOn.
		now := e.now()
		for _, c := range cands {
			rec, err := tx.JobRuns().ByID(ctx, c.rec.JobRun.ID)
			if err != nil {
				return err
			}
			if rec.JobRun.JobRunState != glue.JobRunStarting {
				continue
			}
			job, err := tx.Jobs().Get(ctx, rec.JobRun.JobName)
			if glue.IsCode(err, glue.EntityNotFound) {
				if err := e.endJobRun(ctx, tx, rec, glue.JobRunError, "job "+rec.JobRun.JobName+" no longer exists", 0); err != nil {
					return err
				}
				continue
			}
			if err != nil {
				return err
			}
			rec.JobRun.JobRunState, rec.JobRun.StartedOn, rec.JobRun.LastModifiedOn = glue.JobRunRunning, now, now
			rec.Deadline = now.Add(time.Duration(timeoutMinutes(rec)) * e.minute)
			if err := tx.JobRuns().Update(ctx, rec); err != nil {
				return err
			}
			c.rec, c.job = rec, job
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// recordProcesses stores the pid and start time of started processes, so a
// restarted server can find them.
func (e *Engine) recordProcesses(ctx context.Context, started []*claimed) {
	if len(started) == 0 {
		return
	}
	err := e.store.Update(ctx, func(tx store.Tx) error {
		for _, c := range started {
			r, err := tx.JobRuns().ByID(ctx, c.rec.JobRun.ID)
			if err != nil {
				return err
			}
			r.PID, r.ProcessStart = c.proc.PID(), c.proc.StartTime()
			if err := tx.JobRuns().Update(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		e.log.Error("record job processes", "err", err)
	}
}

func timeoutMinutes(r *glue.JobRunRecord) int32 {
	if r.JobRun.Timeout != nil && *r.JobRun.Timeout > 0 {
		return *r.JobRun.Timeout
	}
	return glue.DefaultJobTimeoutMinutes
}

// spec builds the executor's view of a job run: Glue's system arguments
// first, then the job's merged arguments in key order.
func (e *Engine) spec(rec *glue.JobRunRecord, job *glue.Job) *glue.RunSpec {
	argv := []string{"--JOB_ID", glue.JobID(job.Name), "--JOB_RUN_ID", rec.JobRun.ID, "--JOB_NAME", job.Name}
	if rec.WorkflowRunID != "" {
		argv = append(argv, "--WORKFLOW_NAME", rec.WorkflowName, "--WORKFLOW_RUN_ID", rec.WorkflowRunID)
	}
	args := job.MergeArguments(rec.JobRun.Arguments)
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		argv = append(argv, k, args[k])
	}
	return &glue.RunSpec{JobRunID: rec.JobRun.ID, Job: job, Attempt: rec.JobRun.Attempt, WorkflowName: rec.WorkflowName,
		WorkflowRunID: rec.WorkflowRunID, Argv: argv}
}

// watch waits for a job process to end, stopping it when asked or when it
// times out, and records the outcome.
func (e *Engine) watch(rec *glue.JobRunRecord, proc glue.Process, f *flight) {
	defer e.wg.Done()
	id := rec.JobRun.ID
	timer := time.NewTimer(max(rec.Deadline.Sub(e.clock.Now()), 0))
	defer timer.Stop()
	var res glue.ProcessResult
	state := glue.JobRunState("")
	select {
	case res = <-proc.Done():
	case <-f.stop:
		proc.Stop(e.grace)
		res, state = <-proc.Done(), glue.JobRunStopped
		res.Error = ""
	case <-timer.C:
		proc.Stop(e.grace)
		res, state = <-proc.Done(), glue.JobRunTimeout
		res.Error = fmt.Sprintf("job run timed out after %d minutes", timeoutMinutes(rec))
	case <-e.runCtx.Done():
		return // the server is shutting down; the next one adopts the process
	}
	if state == "" {
		state = glue.JobRunSucceeded
		if res.ExitCode != 0 || res.Error != "" {
			state = glue.JobRunFailed
		}
	}
	e.finish(id, state, res)
	e.untrack(id)
}

// finish records a job run's end and everything it causes, in one
// transaction: the retry, the triggers it fires, the end of its workflow run.
func (e *Engine) finish(id string, state glue.JobRunState, res glue.ProcessResult) {
	err := e.update(e.runCtx, func(tx store.Tx) error {
		rec, err := tx.JobRuns().ByID(e.runCtx, id)
		if err != nil {
			return err
		}
		if rec.JobRun.JobRunState.Terminal() {
			return nil
		}
		if rec.JobRun.JobRunState == glue.JobRunStopping {
			state = glue.JobRunStopped
		}
		at := e.now()
		if !res.EndedAt.IsZero() && res.EndedAt.After(rec.JobRun.StartedOn) && res.EndedAt.Before(at) {
			at = res.EndedAt.UTC().Truncate(time.Millisecond)
		}
		return e.endJobRunAt(e.runCtx, tx, rec, state, res.Error, res.ExitCode, at)
	})
	if err != nil && e.runCtx.Err() == nil {
		e.log.Error("record job run end", "job_run", id, "err", err)
	}
}

// endJobRun moves a job run to a terminal state and applies the
// consequences within tx.
func (e *Engine) endJobRun(ctx context.Context, tx store.Tx, rec *glue.JobRunRecord, state glue.JobRunState, msg string, exitCode int) error {
	return e.endJobRunAt(ctx, tx, rec, state, msg, exitCode, e.now())
}

// endJobRunAt is endJobRun for a run that ended at the given time.
func (e *Engine) endJobRunAt(ctx context.Context, tx store.Tx, rec *glue.JobRunRecord, state glue.JobRunState, msg string, exitCode int, now time.Time) error {
	r := &rec.JobRun
	r.JobRunState, r.CompletedOn, r.LastModifiedOn = state, now, now
	if !r.StartedOn.IsZero() {
		r.ExecutionTime = int32(now.Sub(r.StartedOn).Seconds())
	}
	if state == glue.JobRunFailed && msg == "" {
		msg = fmt.Sprintf("the job's process exited with status %d", exitCode)
	}
	if state != glue.JobRunSucceeded {
		r.ErrorMessage = msg
	}
	retry, err := e.retryIfDue(ctx, tx, rec)
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
		return e.settle(ctx, tx, rec.WorkflowName, rec.WorkflowRunID)
	}
	return e.fireStandalone(ctx, tx, NodeRef{glue.NodeJob, r.JobName}, "jr:"+r.ID, rec.JobRun.TriggerName)
}

// retryIfDue creates the next attempt of a FAILED run while the job's
// MaxRetries allows, marking the failed attempt Retried. Runs of a stopping
// workflow run are not retried.
func (e *Engine) retryIfDue(ctx context.Context, tx store.Tx, rec *glue.JobRunRecord) (bool, error) {
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
	next := e.newJobRunRecord(job, rec.Action, rec.JobRun.TriggerName, rec.WorkflowName, rec.WorkflowRunID)
	next.JobRun.Attempt = rec.JobRun.Attempt + 1
	next.JobRun.PreviousRunID = rec.JobRun.ID
	next.JobRun.PredecessorRuns = rec.JobRun.PredecessorRuns
	rec.Retried = true
	return true, tx.JobRuns().Insert(ctx, next)
}
