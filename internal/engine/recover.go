package engine

import (
	"context"
	"errors"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// recover takes over the work an earlier server left when it stopped or was
// killed. The policy (docs/behaviour.md, "Restarts"):
//   - Job runs still STARTING or WAITING are dispatched as usual.
//   - A RUNNING or STOPPING job run whose process is still alive is adopted:
//     the engine watches it again (and stops it, if it was stopping). If the
//     process ended meanwhile, the exit status it left is recorded; a process
//     that left none ends FAILED with a message saying so, and is retried
//     per MaxRetries.
//   - A RUNNING job run whose job code provably never ran (the executor
//     answers glue.ErrNotStarted: the server died between claiming the run
//     and starting its process) goes back to STARTING and is dispatched
//     again, as the same attempt: Epoxy's crash is not the job's failure.
//     A STOPPING one ends STOPPED.
//   - Crawls still RUNNING are crawled again from the start; crawls that
//     were CANCELLING end CANCELLED.
//   - Every active workflow run is settled, so a trigger whose predicate
//     became true just before the crash fires now (once: firings are unique).
func (e *Engine) recover(ctx context.Context) error {
	var running []*glue.JobRunRecord
	var cancelling []*glue.CrawlRecord
	var runs []*glue.WorkflowRunRecord
	err := e.store.View(ctx, func(tx store.Tx) error {
		var err error
		if running, err = tx.JobRuns().InStates(ctx, "", glue.JobRunRunning, glue.JobRunStopping); err != nil {
			return err
		}
		if cancelling, err = tx.Crawls().InStates(ctx, glue.CrawlCancelling); err != nil {
			return err
		}
		runs, err = tx.WorkflowRuns().Active(ctx, "")
		return err
	})
	if err != nil {
		return err
	}
	for _, r := range running {
		e.adopt(ctx, r)
	}
	for _, c := range cancelling {
		e.endCrawl(c.ID, glue.CrawlCancelled, glue.CrawlResult{}, "")
	}
	return e.update(ctx, func(tx store.Tx) error {
		for _, r := range runs {
			if err := e.settle(ctx, tx, r.Run.Name, r.Run.WorkflowRunID); err != nil {
				return err
			}
		}
		return nil
	})
}

func (e *Engine) adopt(ctx context.Context, r *glue.JobRunRecord) {
	id := r.JobRun.ID
	var job *glue.Job
	err := e.store.View(ctx, func(tx store.Tx) error {
		var err error
		job, err = tx.Jobs().Get(ctx, r.JobRun.JobName)
		return err
	})
	if err != nil {
		job = &glue.Job{Name: r.JobRun.JobName}
	}
	f := e.track(id)
	if f == nil {
		return
	}
	proc, err := e.exec.Reattach(e.spec(r, job), r.PID, r.ProcessStart)
	if errors.Is(err, glue.ErrNotStarted) {
		e.untrack(id)
		e.relaunch(ctx, r)
		return
	}
	e.log.Info("adopting job run from an earlier server", "job_run", id, "pid", r.PID)
	if r.JobRun.JobRunState == glue.JobRunStopping {
		f.stop <- glue.JobRunStopped
	}
	e.wg.Add(1)
	go e.watch(r, proc, f)
}

// relaunch puts a claimed job run whose process never started back in
// STARTING, or ends it STOPPED when a stop was asked for meanwhile.
func (e *Engine) relaunch(ctx context.Context, r *glue.JobRunRecord) {
	err := e.update(ctx, func(tx store.Tx) error {
		rec, err := tx.JobRuns().ByID(ctx, r.JobRun.ID)
		if err != nil || rec.JobRun.JobRunState.Terminal() {
			return err
		}
		if rec.JobRun.JobRunState == glue.JobRunStopping {
			return e.endJobRun(ctx, tx, rec, glue.JobRunStopped, "", 0)
		}
		rec.JobRun.JobRunState, rec.JobRun.StartedOn, rec.JobRun.LastModifiedOn = glue.JobRunStarting, time.Time{}, e.now()
		rec.PID, rec.ProcessStart, rec.Deadline = 0, 0, time.Time{}
		return tx.JobRuns().Update(ctx, rec)
	})
	if err != nil {
		e.log.Error("relaunch job run", "job_run", r.JobRun.ID, "err", err)
		return
	}
	e.log.Info("job run claimed by an earlier server never started; dispatching it again", "job_run", r.JobRun.ID)
}
