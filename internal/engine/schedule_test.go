package engine

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/gluetest"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/sqlite"
	"github.com/stretchr/testify/require"
)

type schedBundle struct {
	engine *Engine
	store  store.Store
	clock  *gluetest.Clock
	path   string
}

// setupSched opens a store and an engine on a fake clock whose background
// scheduler never ticks on its own, so tests drive Tick by hand.
func setupSched(t *testing.T) *schedBundle {
	t.Helper()
	path := filepath.Join(t.TempDir(), "epoxy.db")
	st, err := sqlite.Open(context.Background(), path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	b := &schedBundle{store: st, clock: gluetest.NewClock(time.Date(2026, 3, 1, 11, 58, 30, 0, time.UTC)), path: path}
	b.engine = b.newEngine(t)
	return b
}

func (b *schedBundle) newEngine(t *testing.T) *Engine {
	t.Helper()
	x := &noopExecutor{started: map[string]time.Time{}, ended: map[string]time.Time{}}
	e, err := New(Config{Store: b.store, Executor: x, Crawler: noopCrawler{}, Clock: b.clock, Poll: 10 * time.Millisecond, Tick: time.Hour})
	require.NoError(t, err)
	require.NoError(t, e.Start(context.Background()))
	t.Cleanup(func() { _ = e.Close() })
	return e
}

func (b *schedBundle) define(t *testing.T, fn func(ctx context.Context, tx store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, b.store.Update(ctx, func(tx store.Tx) error { return fn(ctx, tx) }))
}

func addJob(ctx context.Context, tx store.Tx, name string) error {
	return tx.Jobs().Insert(ctx, name, &glue.Job{Name: name, Command: glue.JobCommand{Name: glue.CommandPythonShell},
		ExecutionProperty: &glue.ExecutionProperty{MaxConcurrentRuns: 100}})
}

func (b *schedBundle) jobRuns(t *testing.T, job string) []*glue.JobRun {
	t.Helper()
	runs, _, err := queries(b.engine).GetJobRuns(context.Background(), job, 0, 0)
	require.NoError(t, err)
	return runs
}

func (b *schedBundle) workflowRuns(t *testing.T, wf string) []*glue.WorkflowRun {
	t.Helper()
	runs, _, err := queries(b.engine).GetWorkflowRuns(context.Background(), wf, false, 0, 0)
	require.NoError(t, err)
	return runs
}

func (b *schedBundle) tick(t *testing.T) {
	t.Helper()
	require.NoError(t, b.engine.Tick(context.Background()))
}

// Ensure a standalone SCHEDULED trigger starts its job at each fire time,
// exactly once, and not before.
func TestSchedule_StandaloneTriggerFiresOncePerFireTime(t *testing.T) {
	t.Parallel()
	b := setupSched(t)
	b.define(t, func(ctx context.Context, tx store.Tx) error {
		if err := addJob(ctx, tx, "hourly-job"); err != nil {
			return err
		}
		return tx.Triggers().Insert(ctx, "hourly", &glue.Trigger{Name: "hourly", Type: glue.TriggerScheduled, State: glue.TriggerActivated,
			Schedule: "cron(0 12 * * ? *)", Actions: []glue.Action{{JobName: "hourly-job"}}})
	})
	b.tick(t) // first sight: starts counting from now (11:58:30)
	require.Empty(t, b.jobRuns(t, "hourly-job"))
	b.clock.Advance(time.Minute) // 11:59:30
	b.tick(t)
	require.Empty(t, b.jobRuns(t, "hourly-job"), "not before the fire time")
	b.clock.Advance(time.Minute) // 12:00:30
	b.tick(t)
	b.tick(t)
	runs := b.jobRuns(t, "hourly-job")
	require.Len(t, runs, 1, "fires once, however often the scheduler looks")
	require.Equal(t, "hourly", runs[0].TriggerName)

	// A restarted engine does not fire the same fire time again.
	require.NoError(t, b.engine.Close())
	b.engine = b.newEngine(t)
	b.tick(t)
	require.Len(t, b.jobRuns(t, "hourly-job"), 1)

	b.clock.Advance(24 * time.Hour)
	b.tick(t)
	require.Len(t, b.jobRuns(t, "hourly-job"), 2)
}

// Ensure fire times missed while the server was down are coalesced into one
// firing, for the latest of them.
func TestSchedule_MissedFireTimesCoalesce(t *testing.T) {
	t.Parallel()
	b := setupSched(t)
	b.define(t, func(ctx context.Context, tx store.Tx) error {
		if err := addJob(ctx, tx, "j"); err != nil {
			return err
		}
		return tx.Triggers().Insert(ctx, "every5", &glue.Trigger{Name: "every5", Type: glue.TriggerScheduled, State: glue.TriggerActivated,
			Schedule: "cron(0/5 * * * ? *)", Actions: []glue.Action{{JobName: "j"}}})
	})
	b.tick(t)
	require.NoError(t, b.engine.Close())
	b.clock.Advance(3 * time.Hour) // the server was down for 36 fire times
	b.engine = b.newEngine(t)
	b.tick(t)
	b.tick(t)
	require.Len(t, b.jobRuns(t, "j"), 1)
	var st *glue.ScheduleRecord
	require.NoError(t, b.store.View(context.Background(), func(tx store.Tx) error {
		var err error
		st, err = tx.Schedules().Get(context.Background(), "trigger:every5")
		return err
	}))
	require.Equal(t, time.Date(2026, 3, 1, 14, 55, 0, 0, time.UTC), st.LastFire, "the latest missed fire time")
}

// Ensure deactivated schedules do not fire and reactivation counts from then.
func TestSchedule_DeactivatedDoesNotFire(t *testing.T) {
	t.Parallel()
	b := setupSched(t)
	b.define(t, func(ctx context.Context, tx store.Tx) error {
		if err := addJob(ctx, tx, "j"); err != nil {
			return err
		}
		return tx.Triggers().Insert(ctx, "s", &glue.Trigger{Name: "s", Type: glue.TriggerScheduled, State: glue.TriggerDeactivated,
			Schedule: "cron(0/5 * * * ? *)", Actions: []glue.Action{{JobName: "j"}}})
	})
	b.tick(t)
	b.clock.Advance(time.Hour)
	b.tick(t)
	require.Empty(t, b.jobRuns(t, "j"))
}

// Ensure a workflow's SCHEDULED start trigger starts workflow runs, and a
// start over MaxConcurrentRuns is recorded as a run in ERROR.
func TestSchedule_WorkflowStartAndConcurrencyLimit(t *testing.T) {
	t.Parallel()
	b := setupSched(t)
	one := int32(1)
	b.define(t, func(ctx context.Context, tx store.Tx) error {
		if err := tx.Workflows().Insert(ctx, "wf", &glue.Workflow{Name: "wf", MaxConcurrentRuns: &one}); err != nil {
			return err
		}
		if err := tx.Jobs().Insert(ctx, "slow", &glue.Job{Name: "slow", Command: glue.JobCommand{Name: glue.CommandPythonShell}}); err != nil {
			return err
		}
		return tx.Triggers().Insert(ctx, "start", &glue.Trigger{Name: "start", WorkflowName: "wf", Type: glue.TriggerScheduled, State: glue.TriggerActivated,
			ID: "tr_1", Schedule: "cron(0 * * * ? *)", Actions: []glue.Action{{JobName: "slow"}}})
	})
	// Hold a run open by hand so the limit is reached.
	require.NoError(t, b.store.Update(context.Background(), func(tx store.Tx) error {
		return tx.WorkflowRuns().Insert(context.Background(), &glue.WorkflowRunRecord{Run: glue.WorkflowRun{Name: "wf", WorkflowRunID: "wr_held", Status: glue.WorkflowRunRunning}})
	}))
	b.tick(t)
	b.clock.Advance(2 * time.Minute)
	b.tick(t)
	runs := b.workflowRuns(t, "wf")
	require.Len(t, runs, 2)
	require.Equal(t, glue.WorkflowRunError, runs[0].Status)
	require.Equal(t, "Concurrent runs exceeded for workflow: wf.", runs[0].ErrorMessage)

	require.NoError(t, b.store.Update(context.Background(), func(tx store.Tx) error {
		r, err := tx.WorkflowRuns().Get(context.Background(), "wf", "wr_held")
		if err != nil {
			return err
		}
		r.Run.Status = glue.WorkflowRunCompleted
		return tx.WorkflowRuns().Update(context.Background(), r)
	}))
	b.clock.Advance(time.Hour)
	b.tick(t)
	runs = b.workflowRuns(t, "wf")
	require.Len(t, runs, 3)
	require.Contains(t, []glue.WorkflowRunStatus{glue.WorkflowRunRunning, glue.WorkflowRunCompleted}, runs[0].Status,
		"with room again the schedule starts a real run (the instant executor may already have finished it)")
}

// Ensure a crawler's schedule starts crawls while the schedule is on.
func TestSchedule_Crawler(t *testing.T) {
	t.Parallel()
	b := setupSched(t)
	b.define(t, func(ctx context.Context, tx store.Tx) error {
		return tx.Crawlers().Insert(ctx, "c", &glue.Crawler{Name: "c", State: glue.CrawlerStateReady,
			Schedule: &glue.Schedule{ScheduleExpression: "cron(0 12 * * ? *)", State: glue.ScheduleScheduled}})
	})
	b.tick(t)
	b.clock.Advance(2 * time.Minute)
	b.tick(t)
	var crawls []*glue.CrawlerHistory
	require.Eventually(t, func() bool {
		var err error
		crawls, _, err = queries(b.engine).ListCrawls(context.Background(), "c", 0, 0)
		require.NoError(t, err)
		return len(crawls) == 1 && crawls[0].State == "COMPLETED"
	}, 10*time.Second, 10*time.Millisecond)
}
