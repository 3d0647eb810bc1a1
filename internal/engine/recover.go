package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// recover takes over the work an earlier server left when it stopped or was
// killed. The policy (docs/behaviour.md, "Restarts"):
//   - Job runs still STARTING or WAITING are dispatched as usual.
//   - A RUNNING or STOPPING job run is handed to the executor's Reattach.
//     A process still alive is adopted: watched again, and stopped if it was
//     stopping. One that ended meanwhile reports the outcome it left.
//   - A RUNNING job run whose job code provably never ran (Reattach answers
//     glue.ErrNotStarted: the server died between claiming the run and
//     starting its process, and the executor has fenced that launch off)
//     goes back to STARTING and is dispatched again as the same attempt:
//     Epoxy's crash is never counted as the job's failure. A STOPPING one
//     ends STOPPED.
//   - Crawls still RUNNING are crawled again from the start; crawls that
//     were CANCELLING end CANCELLED.
//   - Every active workflow run is settled, so a trigger whose predicate
//     became true just before the crash fires now (once: firings are unique).
func (d *Dispatcher) recover(ctx context.Context) error {
	var running []*glue.JobRunRecord
	var cancelling []*glue.CrawlRecord
	var runs []*glue.WorkflowRunRecord
	err := d.store.View(ctx, func(tx store.Tx) error {
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
	var errs []error
	for _, r := range running {
		if d.mine(r.Node) {
			errs = append(errs, d.adopt(ctx, r))
		}
	}
	for _, c := range cancelling {
		if !d.mine(c.Node) {
			continue
		}
		errs = append(errs, d.m.apply(ctx, d.store, func(ctx context.Context, tx store.Tx) error {
			return d.m.finishCrawl(ctx, tx, c.ID, glue.CrawlCancelled, glue.CrawlResult{}, "")
		}))
	}
	errs = append(errs, d.m.apply(ctx, d.store, func(ctx context.Context, tx store.Tx) error {
		for _, r := range runs {
			if err := d.m.settle(ctx, tx, r.Run.Name, r.Run.WorkflowRunID); err != nil {
				return err
			}
		}
		return nil
	}))
	d.Wake()
	return errors.Join(errs...)
}

// mine reports whether work recorded as held by node is this node's to
// recover: all of it when the node is alone, else what names it.
func (d *Dispatcher) mine(node string) bool {
	return d.member.alone() || node == d.member.name
}

// adopt finds the process of a job run an earlier server started, and
// watches it or learns its outcome; a run that never started is dispatched
// again.
func (d *Dispatcher) adopt(ctx context.Context, r *glue.JobRunRecord) error {
	id := r.JobRun.ID
	var job *glue.Job
	err := d.store.View(ctx, func(tx store.Tx) error {
		var err error
		job, err = tx.Jobs().Get(ctx, r.JobRun.JobName)
		return err
	})
	if err != nil {
		job = &glue.Job{Name: r.JobRun.JobName}
	}
	proc, err := d.exec.Reattach(runSpec(r, job), r.PID, r.ProcessStart)
	if errors.Is(err, glue.ErrNotStarted) {
		d.log.Info("job run claimed by an earlier server never started; dispatching it again", "job_run", id)
		return d.m.apply(ctx, d.store, func(ctx context.Context, tx store.Tx) error { return d.m.relaunch(ctx, tx, id) })
	}
	if err != nil {
		return fmt.Errorf("reattach job run %s: %w", id, err)
	}
	if d.track(id, &flight{}) == nil {
		return nil
	}
	d.log.Info("adopting job run from an earlier server", "job_run", id, "pid", r.PID)
	if r.JobRun.JobRunState == glue.JobRunStopping {
		d.Signal(id)
	}
	d.watch(r, proc)
	return nil
}
