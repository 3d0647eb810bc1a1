package main

import (
	"context"
	"log/slog"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// leftRunning is the work a stopping server leaves behind for the next
// start on its data directory to adopt.
type leftRunning struct {
	JobRunsRunning int // RUNNING or STOPPING: their processes keep running
	JobRunsQueued  int // STARTING or WAITING: dispatched by the next start
	Crawls         int // RUNNING or CANCELLING
	WorkflowRuns   int // RUNNING or STOPPING
}

// countLeftRunning reads from the store what is still in progress.
func countLeftRunning(ctx context.Context, st store.Store) (leftRunning, error) {
	var l leftRunning
	err := st.View(ctx, func(tx store.Tx) error {
		running, err := tx.JobRuns().InStates(ctx, "", glue.JobRunRunning, glue.JobRunStopping)
		if err != nil {
			return err
		}
		queued, err := tx.JobRuns().InStates(ctx, "", glue.JobRunStarting, glue.JobRunWaiting)
		if err != nil {
			return err
		}
		crawls, err := tx.Crawls().InStates(ctx, glue.CrawlRunning, glue.CrawlCancelling)
		if err != nil {
			return err
		}
		runs, err := tx.WorkflowRuns().Active(ctx, "")
		if err != nil {
			return err
		}
		l = leftRunning{JobRunsRunning: len(running), JobRunsQueued: len(queued), Crawls: len(crawls), WorkflowRuns: len(runs)}
		return nil
	})
	return l, err
}

// logLeftRunning tells the operator stopping the server what it leaves in
// progress and that the next start adopts it.
func logLeftRunning(ctx context.Context, log *slog.Logger, st store.Store) {
	l, err := countLeftRunning(ctx, st)
	if err != nil {
		log.Warn("shutting down: could not count the work left running", "error", err)
		return
	}
	if l == (leftRunning{}) {
		log.Info("shutting down: no job run, crawl or workflow run in progress")
		return
	}
	log.Info("shutting down: leaving work in progress; the next epoxy serve on this data directory adopts it",
		"job_runs_running", l.JobRunsRunning, "job_runs_queued", l.JobRunsQueued,
		"crawls", l.Crawls, "workflow_runs", l.WorkflowRuns)
}
